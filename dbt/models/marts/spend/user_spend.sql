{{ config(materialized='incremental', pre_hook="{{ delete_this_runs_as_of_dates() }}") }}
-- One row per organisation, as-of date and user with non-zero year-to-date spend
-- (SPEC §4 marts.user_spend): the rows of finance's spend CSVs.
with as_of_dates as (
    select * from {{ ref('int_as_of_dates') }}
),

organizations as (
    select organization_id, date as as_of_date
    from {{ ref('int_organization_days') }}
    where date in (select as_of_date from as_of_dates)
),

spend as (
    select * from {{ ref('fct_user_spend_daily') }}
),

members as (
    select * from {{ ref('int_members_history') }}
),

user_totals as (
    select
        spend.organization_id,
        as_of_dates.as_of_date,
        spend.user_id,
        sum(spend.spend_usd) filter (spend.date = as_of_dates.as_of_date) as spend_day_usd,
        sum(spend.spend_usd) filter (spend.date >= {{ window_start('mtd', 'as_of_dates.as_of_date') }}) as spend_mtd_usd,
        sum(spend.spend_usd) filter (spend.date >= {{ window_start('qtd', 'as_of_dates.as_of_date') }}) as spend_qtd_usd,
        sum(spend.spend_usd) as spend_ytd_usd
    from as_of_dates
    inner join spend
        on spend.date between {{ window_start('ytd', 'as_of_dates.as_of_date') }} and as_of_dates.as_of_date
    group by all
),

final as (
    select
        user_totals.organization_id,
        user_totals.as_of_date,
        user_totals.user_id,
        members.email,
        members.full_name,
        cast(coalesce(user_totals.spend_day_usd, 0) as decimal(18, 6)) as spend_day_usd,
        cast(coalesce(user_totals.spend_mtd_usd, 0) as decimal(18, 6)) as spend_mtd_usd,
        cast(coalesce(user_totals.spend_qtd_usd, 0) as decimal(18, 6)) as spend_qtd_usd,
        cast(user_totals.spend_ytd_usd as decimal(18, 6)) as spend_ytd_usd
    from user_totals
    inner join organizations using (organization_id, as_of_date)
    left join members
        on members.organization_id = user_totals.organization_id
        and members.user_id = user_totals.user_id
        and user_totals.as_of_date >= members.valid_from
        and user_totals.as_of_date < members.valid_to
    where user_totals.spend_ytd_usd <> 0
)

select * from final
