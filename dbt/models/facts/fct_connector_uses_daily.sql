{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation, connector, user and day: connector.used events, and the distinct
-- conversations (chat_id) they were used in.
with events as (
    select * from {{ ref('stg_events__events') }}
    {{ where_affected('event_date') }}
),

final as (
    select organization_id, connector, user_id, event_date as date, count(*) as uses, count(distinct chat_id) as conversations
    from events
    where event_type = 'connector.used'
    group by all
)

select * from final
