{{ config(materialized='incremental', partition_by='date', replaced='affected_days', lookahead=28, drop_outside_calendar=true) }}
-- depends_on: {{ ref('int_affected_days') }}
-- One row per organisation and day whose spend is abnormal: over 3 x the median daily spend of
-- the 28 days before and over 10 USD, once the organisation is 28 days old (SPEC §4
-- marts.spend_alerts). A day's spend enters the baseline of the 28 days after it, hence the
-- lookahead of an incremental run.
with calendar as (
    select * from {{ ref('int_calendar_days') }}
),

organization_days as (
    select * from {{ ref('int_organization_days') }}
),

first_days as (
    -- the first date the organisation is present in an organizations snapshot
    select organization_id, min(date) as first_day
    from organization_days
    group by all
),

daily_spend as (
    select organization_id, date, spend_usd from {{ ref('fct_organization_spend_daily') }}
),

spend_series as (
    -- every day from the organisation's first day: days without spend count as 0
    select
        first_days.organization_id, calendar.date, first_days.first_day,
        coalesce(daily_spend.spend_usd, 0) as spend_usd
    from first_days
    inner join calendar on first_days.first_day <= calendar.date
    left join daily_spend
        on first_days.organization_id = daily_spend.organization_id and calendar.date = daily_spend.date
    {% if is_incremental() %}
    -- the recomputed days and the 28 days before the first of them
    where calendar.date >= (select min(date) from {{ ref('int_affected_days') }}) - interval 28 day
    {% endif %}
),

with_previous_days as (
    select
        *,
        {{ sorted_window_values('spend_usd',
               'partition by organization_id order by date rows between 28 preceding and 1 preceding') }}
            as previous_28_days
    from spend_series
),

with_baseline as (
    select
        organization_id,
        date,
        cast(spend_usd as {{ type_money() }}) as spend_usd,
        -- the median of 28 values: the mean of the 14th and 15th, exactly (before rounding)
        {{ list_item('previous_28_days', 14) }} + {{ list_item('previous_28_days', 15) }} as middle_two_usd
    from with_previous_days
    where date >= first_day + interval 28 day
),

final as (
    select
        with_baseline.organization_id,
        with_baseline.date,
        with_baseline.spend_usd,
        {{ money_scaled('with_baseline.middle_two_usd', 1, 2) }} as baseline_usd,
        case when with_baseline.middle_two_usd = 0 then null
            else cast(with_baseline.spend_usd as double) * 2 / cast(with_baseline.middle_two_usd as double)
        end as ratio
    from with_baseline
    inner join organization_days using (organization_id, date)
    -- strictly above: exactly 3 x the baseline, or exactly 10 USD, is not an alert
    where with_baseline.spend_usd * 2 > 3 * with_baseline.middle_two_usd
        and with_baseline.spend_usd > 10
    {% if is_incremental() %}and with_baseline.date in ({{ affected_days(lookahead=28) }}){% endif %}
)

select * from final
