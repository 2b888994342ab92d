{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation, day, user, artifact type and sharing state (null where the dump
-- does not say): artifact.created events.
with events as (
    select * from {{ ref('stg_events__events') }}
    {{ where_affected('event_date') }}
),

final as (
    select organization_id, event_date as date, user_id, artifact_type, is_shared, count(*) as artifacts_created
    from events
    where event_type = 'artifact.created'
    group by all
)

select * from final
