-- depends_on: {{ ref('int_as_of_dates') }}, {{ ref('int_calendar_days') }}
-- One row per organisation, as-of date, metric, window and user with a non-zero value: what
-- marts.leaderboards ranks (macros/user_window_values.sql).
with user_days as (
    select * from {{ ref('fct_user_activity_daily') }}
),

user_spend_days as (
    select organization_id, user_id, date, sum(spend_usd) as spend_usd
    from {{ ref('fct_user_spend_daily') }}
    group by all
),

user_projects as (
    select * from {{ ref('fct_user_projects_daily') }}
),

user_values as (
    {{ user_window_values('user_days', 'user_spend_days', 'user_projects', ['organization_id', 'user_id']) }}
)

select organization_id, as_of_date, metric, {{ window_column() }}, user_id, value
from user_values
