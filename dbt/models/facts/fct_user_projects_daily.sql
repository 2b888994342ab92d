{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation, user, day and project the user used (SPEC §3: created it,
-- created a chat in it, or sent a message in a chat created in it on any day).
with events as (
    select * from {{ ref('stg_events__events') }}
    {{ where_affected('event_date') }}
),

chat_projects as (
    select * from {{ ref('int_chat_projects') }}
),

project_uses as (
    select organization_id, user_id, event_date as date, project_id
    from events
    where event_type in ('project.created', 'chat.created') and project_id is not null
    union all
    select events.organization_id, events.user_id, events.event_date, chat_projects.project_id
    from events
    inner join chat_projects
        on events.organization_id = chat_projects.organization_id and events.chat_id = chat_projects.chat_id
    where events.event_type = 'message.sent'
),

final as (
    select distinct organization_id, user_id, date, project_id
    from project_uses
)

select * from final
