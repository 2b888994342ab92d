{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day, plugin and user who installed the plugin that day, with the
-- plugin's name of that day (the API's plugins: install_count).
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

plugin_installs as (
    select * from {{ ref('fct_plugin_events_daily') }}
    {{ where_affected('date') }}
),

final as (
    select
        plugin_installs.organization_id,
        plugin_installs.date,
        plugin_installs.plugin_id,
        plugin_installs.user_id,
        plugin_installs.plugin_name
    from plugin_installs
    inner join organization_days using (organization_id, date)
    where plugin_installs.event_type = 'plugin.installed'
)

select * from final
