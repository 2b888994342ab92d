-- a check of marts.group_spend_by_model in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'group_spend_by_model'}}}) }}
-- A group's spend per model over a window adds up to the group's daily spend (group_activity_daily)
-- over that window.
with by_model as (
    select organization_id, as_of_date, rbac_group_id, {{ window_column() }}, sum(spend_usd) as spend_usd
    from {{ ref('group_spend_by_model') }}
    group by all
),

windows as (
    {{ as_of_windows(['1m', '3m', '1y']) }}
),

group_dates as (
    select organization_id, rbac_group_id, date as as_of_date from {{ ref('groups_daily') }}
),

totals as (
    select
        group_dates.organization_id, group_dates.rbac_group_id, windows.as_of_date, windows.{{ window_column() }},
        sum(daily.spend_usd) as spend_usd
    from windows
    inner join group_dates on group_dates.as_of_date = windows.as_of_date
    inner join {{ ref('group_activity_daily') }} as daily
        on daily.organization_id = group_dates.organization_id
        and daily.rbac_group_id = group_dates.rbac_group_id
        and daily.date between windows.window_start and windows.as_of_date
    group by all
)

select *
from totals
full outer join by_model using (organization_id, as_of_date, rbac_group_id, {{ window_column() }})
where coalesce(totals.as_of_date, by_model.as_of_date) in (select as_of_date from {{ ref('int_as_of_dates') }})
    and coalesce(totals.spend_usd, 0) <> coalesce(by_model.spend_usd, 0)
