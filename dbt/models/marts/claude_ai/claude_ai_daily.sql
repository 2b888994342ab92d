{{ config(materialized='incremental', partition_by='date', replaced='affected_days', lookahead=1, drop_outside_calendar=true) }}
-- One row per organisation and day: chats, projects and artifacts (SPEC §4 marts.claude_ai_daily).
with organization_days as (
    -- the day before each recomputed day too: day-over-day changes need it
    select * from {{ ref('int_organization_days') }}
    {{ where_affected('date', lookahead=1, lookbehind=1) }}
),

event_counts as (
    select * from {{ ref('fct_organization_events_daily') }}
),

daily as (
    select
        organization_days.organization_id,
        organization_days.date,
        coalesce(event_counts.chats, 0) as chats,
        coalesce(event_counts.messages, 0) as messages,
        {{ ratio('event_counts.messages', 'event_counts.chats_with_messages') }} as avg_messages_per_chat,
        coalesce(event_counts.projects_created, 0) as projects_created,
        coalesce(event_counts.users_created_project, 0) as users_created_project,
        coalesce(event_counts.artifacts_created, 0) as artifacts_created,
        coalesce(event_counts.users_created_artifact, 0) as users_created_artifact,
        coalesce(event_counts.users_with_chat, 0) as users_with_chat,
        organization_days.active_members
    from organization_days
    left join event_counts using (organization_id, date)
),

with_changes as (
    select
        organization_id,
        date,
        chats,
        {{ dod_change('chats') }} as chats_dod_change,
        messages,
        avg_messages_per_chat,
        {{ dod_change('avg_messages_per_chat') }} as avg_messages_per_chat_dod_change,
        projects_created,
        {{ dod_change('projects_created') }} as projects_created_dod_change,
        users_created_project,
        artifacts_created,
        {{ dod_change('artifacts_created') }} as artifacts_created_dod_change,
        users_created_artifact,
        users_with_chat,
        {{ ratio('users_with_chat', 'active_members') }} as pct_users_with_chat,
        -- SPEC §3: null on an organisation's first day (no row for the day before)
        lag(date) over (partition by organization_id order by date) = date - interval 1 day as has_previous_day
    from daily
),

final as (
    select
        organization_id,
        date,
        chats,
        case when has_previous_day then chats_dod_change end as chats_dod_change,
        messages,
        avg_messages_per_chat,
        case when has_previous_day then avg_messages_per_chat_dod_change end as avg_messages_per_chat_dod_change,
        projects_created,
        case when has_previous_day then projects_created_dod_change end as projects_created_dod_change,
        users_created_project,
        artifacts_created,
        case when has_previous_day then artifacts_created_dod_change end as artifacts_created_dod_change,
        users_created_artifact,
        users_with_chat,
        pct_users_with_chat
    from with_changes
    {% if is_incremental() %}where date in ({{ affected_days(lookahead=1) }}){% endif %}
)

select * from final
