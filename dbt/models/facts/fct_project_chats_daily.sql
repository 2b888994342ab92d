{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation, day, project, user and conversation of the project the user created
-- or messaged in that day: the messages sent. Conversations are chats created in the project.
with events as (
    select * from {{ ref('stg_events__events') }}
    {{ where_affected('event_date') }}
),

chat_projects as (
    select * from {{ ref('int_chat_projects') }}
),

final as (
    select
        events.organization_id,
        events.event_date as date,
        chat_projects.project_id,
        events.user_id,
        events.chat_id,
        count(*) filter (where events.event_type = 'message.sent') as messages
    from events
    inner join chat_projects
        on events.organization_id = chat_projects.organization_id and events.chat_id = chat_projects.chat_id
    where events.event_type in ('chat.created', 'message.sent')
    group by all
)

select * from final
