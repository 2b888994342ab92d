{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day, project and user who used it (SPEC §3: created it, created a
-- chat in it, or messaged in one of its chats): messages and conversations, the user's and the
-- project's (the API's apps/chat/projects).
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

project_users as (
    select * from {{ ref('fct_user_projects_daily') }}
    {{ where_affected('date') }}
),

project_chats as (
    select * from {{ ref('fct_project_chats_daily') }}
    {{ where_affected('date') }}
),

user_chats as (
    select organization_id, date, project_id, user_id, cast(sum(messages) as bigint) as messages, count(*) as conversations
    from project_chats
    group by all
),

-- a conversation counts once on a day however many of its users were active in it
project_conversations as (
    select organization_id, date, project_id, count(distinct chat_id) as project_conversations
    from project_chats
    group by all
),

final as (
    select
        project_users.organization_id,
        project_users.date,
        project_users.project_id,
        project_users.user_id,
        coalesce(user_chats.messages, 0) as messages,
        coalesce(user_chats.conversations, 0) as conversations,
        coalesce(project_conversations.project_conversations, 0) as project_conversations
    from project_users
    inner join organization_days using (organization_id, date)
    left join user_chats using (organization_id, date, project_id, user_id)
    left join project_conversations using (organization_id, date, project_id)
)

select * from final
