{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- depends_on: {{ ref('int_calendar_days') }}
-- One row per organisation, as-of date and RBAC group in the groups snapshot holding on it: the
-- group's spend of the month so far, where it is heading at the same daily pace, and the previous
-- month's; marts.spend_forecast over the group's daily spend (group_activity_daily.spend_usd).
with group_dates as (
    select organization_id, date as as_of_date, rbac_group_id
    from {{ ref('groups_daily') }}
    where date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

daily_spend as (
    select organization_id, rbac_group_id, date, spend_usd
    from {{ ref('group_activity_daily') }}
),

month_so_far_targets as (
    select organization_id, rbac_group_id, as_of_date, {{ window_start('mtd', 'as_of_date') }} as window_start
    from group_dates
),

previous_month_targets as (
    -- the whole previous calendar month: its last day is the "as-of date" of the window sum
    select
        organization_id,
        rbac_group_id,
        as_of_date as forecast_date,
        cast({{ window_start('mtd', 'as_of_date') }} - interval 1 day as date) as as_of_date,
        {{ window_start('mtd', window_start('mtd', 'as_of_date') ~ ' - interval 1 day') }} as window_start
    from group_dates
),

month_so_far as (
    {{ window_sums('daily_spend', 'month_so_far_targets', ['organization_id', 'rbac_group_id'], ['spend_usd']) }}
),

previous_month as (
    {{ window_sums('daily_spend', 'previous_month_targets', ['organization_id', 'rbac_group_id'], ['spend_usd']) }}
),

final as (
    select
        month_so_far.organization_id,
        month_so_far.as_of_date,
        month_so_far.rbac_group_id,
        cast(month_so_far.spend_usd as {{ type_money() }}) as spend_mtd_usd,
        cast(day(month_so_far.as_of_date) as bigint) as days_elapsed,
        cast(day(last_day(month_so_far.as_of_date)) as bigint) as days_in_month,
        -- spend_mtd_usd / days_elapsed x days_in_month, exactly, rounded to 6 places
        {{ money_scaled('month_so_far.spend_usd', 'day(last_day(month_so_far.as_of_date))',
                        'day(month_so_far.as_of_date)') }} as projected_month_usd,
        cast(previous_month.spend_usd as {{ type_money() }}) as previous_month_usd
    from month_so_far
    inner join previous_month
        on month_so_far.organization_id = previous_month.organization_id
        and month_so_far.rbac_group_id = previous_month.rbac_group_id
        and month_so_far.as_of_date = previous_month.forecast_date
)

select * from final
