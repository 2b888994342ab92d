{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation and day: Claude Code (SPEC §4 marts.claude_code_daily), every actor.
with organization_days as (
    select * from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

actor_days as (
    select * from {{ ref('fct_claude_code_daily') }}
),

claude_code as (
    -- user and api actors together (api actors have no active users)
    select
        organization_id,
        date,
        cast(sum(active_users) as bigint) as active_users,
        {% for column in ['sessions', 'lines_added', 'lines_removed', 'commits', 'pull_requests',
                          'tool_accepted', 'tool_rejected'] %}
            cast(sum({{ column }}) as {{ type_wide_integer() }}) as {{ column }},
        {% endfor %}
        cast(sum(estimated_cost_usd) as {{ type_money() }}) as estimated_cost_usd
    from actor_days
    group by all
),

final as (
    select
        organization_days.organization_id,
        organization_days.date,
        coalesce(claude_code.active_users, 0) as active_users,
        coalesce(claude_code.sessions, 0) as sessions,
        coalesce(claude_code.lines_added, 0) as lines_added,
        coalesce(claude_code.lines_removed, 0) as lines_removed,
        coalesce(claude_code.commits, 0) as commits,
        coalesce(claude_code.pull_requests, 0) as pull_requests,
        coalesce(claude_code.tool_accepted, 0) as tool_accepted,
        coalesce(claude_code.tool_rejected, 0) as tool_rejected,
        {{ ratio('claude_code.tool_accepted', 'claude_code.tool_accepted + claude_code.tool_rejected') }}
            as tool_accept_rate,
        coalesce(claude_code.estimated_cost_usd, 0) as estimated_cost_usd
    from organization_days
    left join claude_code using (organization_id, date)
)

select * from final
