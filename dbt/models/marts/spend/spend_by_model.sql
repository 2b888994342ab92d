{{ config(materialized='incremental', pre_hook="{{ delete_this_runs_as_of_dates() }}") }}
-- One row per organisation, as-of date, window (1m, 3m, 1y) and model with at least one usage
-- record in the window (SPEC §4 marts.spend_by_model).
with windows as (
    {{ as_of_windows(['1m', '3m', '1y']) }}
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
        spend.organization_id,
        windows.as_of_date,
        windows."window",
        spend.model,
        cast(sum(spend.spend_usd) as decimal(18, 6)) as spend_usd
    from windows
    inner join spend on spend.date between windows.window_start and windows.as_of_date
    inner join organizations
        on organizations.organization_id = spend.organization_id
        and organizations.as_of_date = windows.as_of_date
    group by all
)

select * from final
