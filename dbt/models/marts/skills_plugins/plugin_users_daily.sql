{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day, plugin, product and user who used the plugin: invocations and
-- sessions, with the plugin's name of that day. Per-user rows, so that distinct users over any
-- range, group or product are exact (the API's plugins, the All activity page's top plugins).
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

plugin_uses as (
    select * from {{ ref('fct_plugin_events_daily') }}
    {{ where_affected('date') }}
),

final as (
    select
        plugin_uses.organization_id,
        plugin_uses.date,
        plugin_uses.plugin_id,
        plugin_uses.product,
        plugin_uses.user_id,
        plugin_uses.plugin_name,
        plugin_uses.events as invocations,
        plugin_uses.sessions
    from plugin_uses
    inner join organization_days using (organization_id, date)
    where plugin_uses.event_type = 'plugin.used'
)

select * from final
