{#
  What a leaderboard ranks (SPEC §4): one row per `keys` (an organisation's user, or a group's
  user), as-of date, metric and window with a non-zero value. Window sums of daily values,
  except projects_used, a distinct count of projects (macros/window_aggregates.sql).

  user_days: keys + date + artifacts_created, claude_code_lines_added, claude_code_pull_requests;
  user_spend_days: keys + date + spend_usd; user_projects: keys + date + project_id.
#}
{% macro user_window_values(user_days, user_spend_days, user_projects, keys) %}
    {%- set key_list = keys | join(', ') -%}
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

    project_windows as (
        select * from metric_windows
        where metric = 'projects_used'
    ),

    project_users as (
        -- users who used a project in the window
        {{ keys_active_in_windows(user_projects, keys, 'project_windows') }}
    ),

    projects_used as (
        select
            {{ key_list }}, as_of_date, metric, {{ window_column() }},
            cast(distinct_items as {{ type_money() }}) as value
        from ({{ distinct_in_windows(user_projects, keys, 'project_id', ['mtd', 'qtd', 'ytd', '1y'], 'project_users') }})
    ),

    metric_days as (
        -- the summed metrics, one row per user, day and metric with a non-zero value
        select {{ key_list }}, date, 'artifacts_created' as metric, cast(artifacts_created as {{ type_money() }}) as value
        from {{ user_days }}
        where artifacts_created <> 0
        union all
        select {{ key_list }}, date, 'spend_usd' as metric, cast(spend_usd as {{ type_money() }}) as value
        from {{ user_spend_days }}
        where spend_usd <> 0
        union all
        select
            {{ key_list }}, date, 'claude_code_lines_added' as metric,
            cast(claude_code_lines_added as {{ type_money() }}) as value
        from {{ user_days }}
        where claude_code_lines_added <> 0
        union all
        select
            {{ key_list }}, date, 'claude_code_pull_requests' as metric,
            cast(claude_code_pull_requests as {{ type_money() }}) as value
        from {{ user_days }}
        where claude_code_pull_requests <> 0
    ),

    metric_targets as (
        {{ keys_active_in_windows('metric_days', keys + ['metric'], 'metric_windows', window_keys=['metric']) }}
    ),

    metric_values as (
        select {{ key_list }}, as_of_date, metric, {{ window_column() }}, value
        from ({{ window_sums('metric_days', 'metric_targets', keys + ['metric'], ['value']) }})
    ),

    all_values as (
        select * from projects_used
        union all
        select * from metric_values
    )

    select * from all_values
    where value > 0
{% endmacro %}
