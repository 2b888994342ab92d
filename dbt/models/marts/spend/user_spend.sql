{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- One row per organisation, as-of date and user with non-zero year-to-date spend
-- (SPEC §4 marts.user_spend): the rows of finance's spend CSVs.
with windows as (
    {{ as_of_windows(['1d', 'mtd', 'qtd', 'ytd']) }}
),

organizations as (
    select * from {{ ref('int_as_of_organizations') }}
),

user_days as (
    select organization_id, user_id, date, sum(spend_usd) as spend_usd
    from {{ ref('fct_user_spend_daily') }}
    group by all
),

targets as (
-- users with usage this year (every window), of organisations present on the as-of date
    {{ keys_active_in_windows('user_days', ['organization_id', 'user_id'], 'windows', organizations='organizations',
                              active_since=window_start('ytd', 'windows.as_of_date')) }}
),

window_spend as (
    {{ window_sums('user_days', 'targets', ['organization_id', 'user_id'], ['spend_usd']) }}
),

per_user as (
    {{ pivot_sum('window_spend', ['organization_id', 'as_of_date', 'user_id'], window_column(),
                 ['1d', 'mtd', 'qtd', 'ytd'], 'spend_usd') }}
),

members as (
    select * from {{ ref('int_members_history') }}
),

final as (
    select
        per_user.organization_id,
        per_user.as_of_date,
        per_user.user_id,
        members.email,
        members.full_name,
        cast(coalesce(per_user.{{ adapter.quote('1d') }}, 0) as {{ type_money() }}) as spend_day_usd,
        cast(coalesce(per_user.mtd, 0) as {{ type_money() }}) as spend_mtd_usd,
        cast(coalesce(per_user.qtd, 0) as {{ type_money() }}) as spend_qtd_usd,
        cast(per_user.ytd as {{ type_money() }}) as spend_ytd_usd
    from per_user
    left join members
        on per_user.organization_id = members.organization_id
        and per_user.user_id = members.user_id
        and per_user.as_of_date >= members.valid_from
        and per_user.as_of_date < members.valid_to
    where per_user.ytd <> 0
)

select * from final
