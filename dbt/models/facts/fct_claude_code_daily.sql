{{ config(partition_by='date', replaced='affected_days') }}
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
        count(distinct user_id) filter (where num_sessions > 0) as active_users,
        {{ claude_code_sums() }}
    from records
    group by all
)

select * from final
