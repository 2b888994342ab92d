{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- depends_on: {{ ref('int_calendar_days') }}, {{ ref('int_as_of_dates') }}
-- One row per organisation and as-of date: the month's spend so far, where it is heading at the
-- same daily pace, and the previous month's (SPEC §4 marts.spend_forecast).
with organizations as (
    select organization_id, as_of_date from {{ ref('int_as_of_organizations') }}
),

daily_spend as (
    select organization_id, date, spend_usd from {{ ref('fct_organization_spend_daily') }}
),

forecast as (
    {{ month_forecast('daily_spend', 'organizations', ['organization_id']) }}
),

final as (
    select
        organization_id,
        as_of_date,
        spend_mtd_usd,
        days_elapsed,
        days_in_month,
        projected_month_usd,
        previous_month_usd
    from forecast
)

select * from final
