-- One row per organisation, as-of date, metric, window and user with a non-zero value: what
-- marts.leaderboards ranks (SPEC §4). Window sums of daily facts, except projects_used, a
-- distinct count of projects (from first/last-seen intervals, macros/window_aggregates.sql).
with long_windows as ({{ as_of_windows(['mtd', 'qtd', 'ytd', '1y']) }}),

month_windows as ({{ as_of_windows(['mtd']) }}),

claude_code_windows as ({{ as_of_windows(['1w', '1m', 'mtd']) }}),

user_days as (
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

project_users as (
    -- users who used a project in the window
    {{ keys_active_in_windows('user_projects', ['organization_id', 'user_id'], windows='long_windows') }}
),

projects_used as (
    select organization_id, as_of_date, 'projects_used' as metric, {{ window_column() }}, user_id,
           cast(distinct_items as {{ type_money() }}) as value
    from ({{ distinct_in_windows('user_projects', ['organization_id', 'user_id'], 'project_id',
                                 ['mtd', 'qtd', 'ytd', '1y'], 'project_users') }})
),

{% set sums = [
    ('artifacts_created', 'user_days', 'artifacts_created', 'long_windows'),
    ('spend_usd', 'user_spend_days', 'spend_usd', 'month_windows'),
    ('claude_code_lines_added', 'user_days', 'claude_code_lines_added', 'claude_code_windows'),
    ('claude_code_pull_requests', 'user_days', 'claude_code_pull_requests', 'claude_code_windows'),
] %}
{% for metric, facts, column, windows in sums %}
{{ metric }}_days as (
    select organization_id, user_id, date, {{ column }} as value
    from {{ facts }}
    where {{ column }} <> 0
),

{{ metric }}_targets as (
    {{ keys_active_in_windows(metric ~ '_days', ['organization_id', 'user_id'], windows=windows) }}
),

{{ metric }}_values as (
    select organization_id, as_of_date, '{{ metric }}' as metric, {{ window_column() }}, user_id,
           cast(value as {{ type_money() }}) as value
    from ({{ window_sums(metric ~ '_days', metric ~ '_targets', ['organization_id', 'user_id'], ['value']) }})
),
{% endfor %}

final as (
    select * from projects_used
    {% for metric, _, _, _ in sums %}
    union all select * from {{ metric }}_values
    {% endfor %}
)

select * from final where value > 0
