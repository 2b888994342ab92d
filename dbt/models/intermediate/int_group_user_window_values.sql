-- depends_on: {{ ref('int_as_of_dates') }}, {{ ref('int_calendar_days') }}
-- One row per organisation, RBAC group, as-of date, metric, window and user with a non-zero value
-- over the days of the window on which the user was in the group: what marts.group_leaderboards
-- ranks (macros/user_window_values.sql).
with held as (
    select organization_id, date, rbac_group_id, user_id from {{ ref('group_members_daily') }}
),

user_days as (
    select held.rbac_group_id, facts.*
    from {{ ref('fct_user_activity_daily') }} as facts
    inner join held using (organization_id, user_id, date)
),

user_spend_days as (
    select held.organization_id, held.rbac_group_id, held.user_id, held.date, sum(spend.spend_usd) as spend_usd
    from {{ ref('fct_user_spend_daily') }} as spend
    inner join held using (organization_id, user_id, date)
    group by all
),

user_projects as (
    select held.rbac_group_id, projects.*
    from {{ ref('fct_user_projects_daily') }} as projects
    inner join held using (organization_id, user_id, date)
),

group_user_values as (
    {{ user_window_values('user_days', 'user_spend_days', 'user_projects', ['organization_id', 'rbac_group_id', 'user_id']) }}
)

select organization_id, rbac_group_id, as_of_date, metric, {{ window_column() }}, user_id, value
from group_user_values
