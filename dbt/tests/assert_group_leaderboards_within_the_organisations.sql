-- a check of marts.group_leaderboards in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'group_leaderboards'}}}) }}
-- A user's value on a group's board counts only the days they were in the group, so it is never
-- more than their value over the whole window (what the organisation's boards rank).
with group_values as (
    select * from {{ ref('group_leaderboards') }}
    where as_of_date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

organization_values as (
    select * from {{ ref('int_user_window_values') }}
)

select group_values.*, organization_values.value as organization_value
from group_values
left join organization_values
    on group_values.organization_id = organization_values.organization_id
    and group_values.as_of_date = organization_values.as_of_date
    and group_values.metric = organization_values.metric
    and group_values.{{ window_column() }} = organization_values.{{ window_column() }}
    and group_values.user_id = organization_values.user_id
where organization_values.value is null or group_values.value > organization_values.value
