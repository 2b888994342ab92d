{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation, user and day with any product event or Claude Code record (user
-- actors only): product events by type and Claude Code use. The user-level base of DAU/WAU/MAU,
-- engagement, windows, rankings and the per-user marts.
with events as (
    select * from {{ ref('stg_events__events') }}
    {{ where_affected('event_date') }}
),

claude_code as (
    select * from {{ ref('int_claude_code_records_with_users') }}
    {{ where_affected('activity_date') }}
),

event_days as (
    select
        organization_id,
        user_id,
        event_date as date,
        -- SPEC §4 user_activity_daily.chats: distinct chat ids the user created on the day
        count(distinct chat_id) filter (where event_type = 'chat.created') as chats_created,
        count(*) filter (where event_type = 'message.sent') as messages_sent,
        count(*) filter (where event_type = 'project.created') as projects_created,
        count(*) filter (where event_type = 'artifact.created') as artifacts_created,
        count(*) filter (where event_type = 'connector.used') as connector_uses,
        count(*) as events
    from events
    group by all
),

claude_code_days as (
    select
        organization_id,
        user_id,
        activity_date as date,
        count(*) as claude_code_records,
        {{ claude_code_sums(prefix='claude_code_') }}
    from claude_code
    where user_id is not null
    group by all
),

final as (
    select
        organization_id,
        user_id,
        date,
        coalesce(e.chats_created, 0) as chats_created,
        coalesce(e.messages_sent, 0) as messages_sent,
        coalesce(e.projects_created, 0) as projects_created,
        coalesce(e.artifacts_created, 0) as artifacts_created,
        coalesce(e.connector_uses, 0) as connector_uses,
        coalesce(c.claude_code_records, 0) > 0 as has_claude_code_record,
        coalesce(c.claude_code_sessions, 0) as claude_code_sessions,
        coalesce(c.claude_code_lines_added, 0) as claude_code_lines_added,
        coalesce(c.claude_code_lines_removed, 0) as claude_code_lines_removed,
        coalesce(c.claude_code_commits, 0) as claude_code_commits,
        coalesce(c.claude_code_pull_requests, 0) as claude_code_pull_requests,
        coalesce(c.claude_code_tool_accepted, 0) as claude_code_tool_accepted,
        coalesce(c.claude_code_tool_rejected, 0) as claude_code_tool_rejected,
        coalesce(c.claude_code_estimated_cost_usd, 0) as claude_code_estimated_cost_usd,
        -- SPEC §3: active = an accepted event, or a Claude Code user record with a session
        (coalesce(e.events, 0) > 0 or coalesce(c.claude_code_sessions, 0) > 0) as is_active
    from event_days as e
    full outer join claude_code_days as c using (organization_id, user_id, date)
)

select * from final
