{{ config(pre_hook="{{ delete_affected_days('date') }}") }}
-- One row per organisation and day with Claude Code records: totals over every actor
-- (api actors included); active users are user actors with at least one session.
with records as (
    select * from {{ ref('int_claude_code_records_with_users') }}
    {{ where_affected('activity_date') }}
),

final as (
    select
        organization_id,
        activity_date as date,
        count(distinct user_id) filter (num_sessions > 0) as active_users,
        sum(num_sessions) as sessions,
        sum(lines_added) as lines_added,
        sum(lines_removed) as lines_removed,
        sum(commits) as commits,
        sum(pull_requests) as pull_requests,
        sum(tool_accepted) as tool_accepted,
        sum(tool_rejected) as tool_rejected,
        cast(sum(estimated_cost_usd) as decimal(18, 6)) as estimated_cost_usd
    from records
    group by all
)

select * from final
