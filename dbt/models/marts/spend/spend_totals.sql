{{ config(materialized='incremental', pre_hook="{{ delete_this_runs_as_of_dates() }}") }}
-- One row per organisation, as-of date and window (mtd, qtd, ytd): spend, 0 when none
-- (SPEC §4 marts.spend_totals).
with windows as (
    {{ as_of_windows(['mtd', 'qtd', 'ytd']) }}
),

organizations as (
    select organization_id, date as as_of_date
    from {{ ref('int_organization_days') }}
    where date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

spend as (
    select * from {{ ref('fct_user_spend_daily') }}
),

final as (
    select
        organizations.organization_id,
        organizations.as_of_date,
        windows."window",
        cast(coalesce(sum(spend.spend_usd), 0) as decimal(18, 6)) as spend_usd
    from organizations
    inner join windows on organizations.as_of_date = windows.as_of_date
    left join spend
        on spend.organization_id = organizations.organization_id
        and spend.date between windows.window_start and windows.as_of_date
    group by all
)

select * from final
