{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation, day, skill, product and user with skill.used events: the uses, the
-- distinct conversations and sessions they were in, and the display name and share status of the
-- user's latest use of the skill that day.
with events as (
    select * from {{ ref('stg_events__events') }}
    {{ where_affected('event_date') }}
),

skill_uses as (
    select
        *,
        row_number() over (
            partition by organization_id, event_date, skill_name, product, user_id
            order by occurred_at_utc desc, event_id desc
        ) as recency
    from events
    where event_type = 'skill.used'
),

final as (
    select
        organization_id,
        event_date as date,
        skill_name,
        product,
        user_id,
        max(case when recency = 1 then skill_display_name end) as skill_display_name,
        max(case when recency = 1 then share_status end) as share_status,
        max(occurred_at_utc) as last_used_at,
        count(*) as invocations,
        count(distinct chat_id) as conversations,
        count(distinct session_id) as sessions
    from skill_uses
    group by organization_id, event_date, skill_name, product, user_id
)

select * from final
