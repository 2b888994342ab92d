{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- depends_on: {{ ref('int_calendar_days') }}, {{ ref('int_as_of_dates') }}
-- One row per organisation and as-of date: the month's spend so far, where it is heading at the
-- same daily pace, and the previous month's (SPEC §4 marts.spend_forecast).
with organizations as (
    select * from {{ ref('int_as_of_organizations') }}
),

daily_spend as (
    select organization_id, date, spend_usd from {{ ref('fct_organization_spend_daily') }}
),

month_so_far_targets as (
    select organization_id, as_of_date, {{ window_start('mtd', 'as_of_date') }} as window_start
    from organizations
),

previous_month_targets as (
    -- the whole previous calendar month: its last day is the "as-of date" of the window sum
    select
        organization_id,
        as_of_date as forecast_date,
        cast({{ window_start('mtd', 'as_of_date') }} - interval 1 day as date) as as_of_date,
        {{ window_start('mtd', window_start('mtd', 'as_of_date') ~ ' - interval 1 day') }} as window_start
    from organizations
),

month_so_far as (
    {{ window_sums('daily_spend', 'month_so_far_targets', ['organization_id'], ['spend_usd']) }}
),

previous_month as (
    {{ window_sums('daily_spend', 'previous_month_targets', ['organization_id'], ['spend_usd']) }}
),

final as (
    select
        month_so_far.organization_id,
        month_so_far.as_of_date,
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
        and month_so_far.as_of_date = previous_month.forecast_date
)

select * from final
