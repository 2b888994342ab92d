-- a check of marts.spend_daily in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'spend_daily'}}}) }}
-- marts.spend_daily summed over a month equals the month-to-date total, for organisations
-- present on every day of the month so far (the daily mart covers present organisations only).
-- Only this run's as-of dates: earlier as-of rows are history, while late records keep
-- correcting the daily mart.
with totals as (
    select * from {{ ref('spend_totals') }}
    where {{ window_column() }} = 'mtd' and as_of_date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

organization_days as (
    select * from {{ ref('int_organization_days') }}
),

complete_months as (
    select totals.organization_id, totals.as_of_date
    from totals
    inner join organization_days
        on organization_days.organization_id = totals.organization_id
        and organization_days.date between cast(date_trunc('month', totals.as_of_date) as date) and totals.as_of_date
    group by all
    having count(*) = {{ dbt.datediff("cast(date_trunc('month', totals.as_of_date) as date)", 'totals.as_of_date', 'day') }} + 1
),

daily_sums as (
    select complete_months.organization_id, complete_months.as_of_date, sum(spend_daily.spend_usd) as spend_usd
    from complete_months
    inner join {{ ref('spend_daily') }} as spend_daily
        on spend_daily.organization_id = complete_months.organization_id
        and spend_daily.date between cast(date_trunc('month', complete_months.as_of_date) as date)
        and complete_months.as_of_date
    group by all
)

select totals.*, daily_sums.spend_usd as daily_sum
from complete_months
inner join totals using (organization_id, as_of_date)
left join daily_sums using (organization_id, as_of_date)
where coalesce(daily_sums.spend_usd, 0) <> totals.spend_usd
