{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day, artifact type, sharing state and user who created such
-- artifacts: how many (the API's artifacts buckets).
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

artifacts as (
    select * from {{ ref('fct_artifacts_daily') }}
    {{ where_affected('date') }}
),

final as (
    select
        artifacts.organization_id,
        artifacts.date,
        artifacts.artifact_type,
        artifacts.is_shared,
        artifacts.user_id,
        artifacts.artifacts_created
    from artifacts
    inner join organization_days using (organization_id, date)
)

select * from final
