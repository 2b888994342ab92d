{{ config(pre_hook="{{ delete_affected_days('date') }}") }}
-- One row per organisation, day and actor type with Claude Code records: totals of the day's
-- records (api actors count in totals, never as users); active users are user actors with at
-- least one session.
with records as (
    select * from {{ ref('int_claude_code_records_with_users') }}
    {{ where_affected('activity_date') }}
),

final as (
    select
        organization_id,
        activity_date as date,
        actor_type,
        count(distinct user_id) filter (num_sessions > 0) as active_users,
        cast(sum(num_sessions) as bigint) as sessions,
        cast(sum(lines_added) as bigint) as lines_added,
        cast(sum(lines_removed) as bigint) as lines_removed,
        cast(sum(commits) as bigint) as commits,
        cast(sum(pull_requests) as bigint) as pull_requests,
        cast(sum(tool_accepted) as bigint) as tool_accepted,
        cast(sum(tool_rejected) as bigint) as tool_rejected,
        cast(sum(estimated_cost_usd) as decimal(18, 6)) as estimated_cost_usd
    from records
    group by all
)

select * from final
