-- One row per organisation, as-of date, metric, window and user with a non-zero value: what
-- marts.leaderboards ranks (SPEC §4). Window sums of daily facts, except projects_used, a
-- distinct count of projects (from first/last-seen intervals, macros/window_aggregates.sql).
with all_windows as (
    {{ as_of_windows(['1w', '1m', 'mtd', 'qtd', 'ytd', '1y']) }}
),

ranked_windows as (
    -- SPEC §4: the windows each metric is ranked over
    select ranked.metric, ranked.window_name
    from (
        values
        ('projects_used', 'mtd'), ('projects_used', 'qtd'), ('projects_used', 'ytd'), ('projects_used', '1y'),
        ('artifacts_created', 'mtd'), ('artifacts_created', 'qtd'), ('artifacts_created', 'ytd'),
        ('artifacts_created', '1y'),
        ('spend_usd', 'mtd'),
        ('claude_code_lines_added', '1w'), ('claude_code_lines_added', '1m'), ('claude_code_lines_added', 'mtd'),
        ('claude_code_pull_requests', '1w'), ('claude_code_pull_requests', '1m'),
        ('claude_code_pull_requests', 'mtd')
    ) as ranked (metric, window_name)
),

metric_windows as (
    select ranked_windows.metric, all_windows.*
    from all_windows
    inner join ranked_windows on all_windows.{{ window_column() }} = ranked_windows.window_name
),

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

project_windows as (
    select * from metric_windows
    where metric = 'projects_used'
),

project_users as (
    -- users who used a project in the window
    {{ keys_active_in_windows('user_projects', ['organization_id', 'user_id'], 'project_windows') }}
),

projects_used as (
    select
        organization_id, as_of_date, metric, {{ window_column() }}, user_id,
        cast(distinct_items as {{ type_money() }}) as value
    from ({{ distinct_in_windows('user_projects', ['organization_id', 'user_id'], 'project_id',
                                 ['mtd', 'qtd', 'ytd', '1y'], 'project_users') }})
),

metric_days as (
    -- the summed metrics, one row per user, day and metric with a non-zero value
    select
        organization_id, user_id, date, 'artifacts_created' as metric,
        cast(artifacts_created as {{ type_money() }}) as value
    from user_days
    where artifacts_created <> 0
    union all
    select organization_id, user_id, date, 'spend_usd' as metric, cast(spend_usd as {{ type_money() }}) as value
    from user_spend_days
    where spend_usd <> 0
    union all
    select
        organization_id, user_id, date, 'claude_code_lines_added' as metric,
        cast(claude_code_lines_added as {{ type_money() }}) as value
    from user_days
    where claude_code_lines_added <> 0
    union all
    select
        organization_id, user_id, date, 'claude_code_pull_requests' as metric,
        cast(claude_code_pull_requests as {{ type_money() }}) as value
    from user_days
    where claude_code_pull_requests <> 0
),

metric_targets as (
    {{ keys_active_in_windows('metric_days', ['organization_id', 'user_id', 'metric'], 'metric_windows',
                              window_keys=['metric']) }}
),

metric_values as (
    select organization_id, as_of_date, metric, {{ window_column() }}, user_id, value
    from ({{ window_sums('metric_days', 'metric_targets', ['organization_id', 'user_id', 'metric'], ['value']) }})
),

final as (
    select * from projects_used
    union all
    select * from metric_values
)

select * from final
where value > 0
