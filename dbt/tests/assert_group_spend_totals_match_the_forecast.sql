-- a check of marts.group_spend_totals in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'group_spend_totals'}}}) }}
-- A group's month-to-date spend is the same in its totals and in its forecast (two windowings of
-- group_activity_daily.spend_usd).
with month_to_date as (
    select organization_id, as_of_date, rbac_group_id, spend_usd
    from {{ ref('group_spend_totals') }}
    where {{ window_column() }} = 'mtd' and as_of_date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

forecast as (
    select organization_id, as_of_date, rbac_group_id, spend_mtd_usd
    from {{ ref('group_spend_forecast') }}
    where as_of_date in (select as_of_date from {{ ref('int_as_of_dates') }})
)

select *
from month_to_date
full outer join forecast using (organization_id, as_of_date, rbac_group_id)
where month_to_date.spend_usd is null or forecast.spend_mtd_usd is null
    or month_to_date.spend_usd <> forecast.spend_mtd_usd
