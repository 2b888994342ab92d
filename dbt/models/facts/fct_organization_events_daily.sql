{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation and day with events: the Claude.ai counts of SPEC §3.
with events as (
    select * from {{ ref('stg_events__events') }}
    {{ where_affected('event_date') }}
),

final as (
    select
        organization_id,
        event_date as date,
        count(distinct chat_id) filter (where event_type = 'chat.created') as chats,
        count(*) filter (where event_type = 'message.sent') as messages,
        count(distinct chat_id) filter (where event_type = 'message.sent') as chats_with_messages,
        count(*) filter (where event_type = 'project.created') as projects_created,
        count(*) filter (where event_type = 'artifact.created') as artifacts_created,
        count(distinct user_id) filter (where event_type = 'project.created') as users_created_project,
        count(distinct user_id) filter (where event_type = 'artifact.created') as users_created_artifact,
        count(distinct user_id) filter (where event_type = 'chat.created') as users_with_chat
    from events
    group by all
)

select * from final
