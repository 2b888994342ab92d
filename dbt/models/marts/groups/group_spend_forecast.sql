{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- depends_on: {{ ref('int_calendar_days') }}
-- One row per organisation, as-of date and RBAC group in the groups snapshot holding on it: the
-- group's spend of the month so far, where it is heading at the same daily pace, and the previous
-- month's; marts.spend_forecast over the group's daily spend (group_activity_daily.spend_usd).
with group_dates as (
    select organization_id, rbac_group_id, date as as_of_date
    from {{ ref('groups_daily') }}
    where date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

daily_spend as (
    select organization_id, rbac_group_id, date, spend_usd
    from {{ ref('group_activity_daily') }}
),

forecast as (
    {{ month_forecast('daily_spend', 'group_dates', ['organization_id', 'rbac_group_id']) }}
),

final as (
    select
        organization_id,
        as_of_date,
        rbac_group_id,
        spend_mtd_usd,
        days_elapsed,
        days_in_month,
        projected_month_usd,
        previous_month_usd
    from forecast
)

select * from final
