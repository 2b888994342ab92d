{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day, connector and user who used it: uses and conversations. Per-user
-- rows, so that distinct users over any range are exact (the API's connectors, range mode).
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

connector_uses as (
    select * from {{ ref('fct_connector_uses_daily') }}
    {{ where_affected('date') }}
),

final as (
    select
        connector_uses.organization_id,
        connector_uses.date,
        connector_uses.connector,
        connector_uses.user_id,
        connector_uses.uses,
        connector_uses.conversations
    from connector_uses
    inner join organization_days using (organization_id, date)
)

select * from final
