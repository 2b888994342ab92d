-- One row per organisation and chat created in a project: the chat's project (a chat.created
-- event names it). Every day's project activity looks chats up here, whatever day they began.
with chats as (
    select * from {{ ref('stg_events__events') }}
    where event_type = 'chat.created' and project_id is not null
),

final as (
    select organization_id, chat_id, min(project_id) as project_id
    from chats
    group by organization_id, chat_id
)

select * from final
