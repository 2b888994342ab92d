{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation, day, skill and user with a skill.enabled event for it that day.
with events as (
    select * from {{ ref('stg_events__events') }}
    {{ where_affected('event_date') }}
),

final as (
    select distinct organization_id, event_date as date, skill_name, user_id
    from events
    where event_type = 'skill.enabled'
)

select * from final
