{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation, day, plugin, product and user with plugin events: plugin.used (product
-- claude_code or cowork) with its invocations and distinct sessions, and plugin.installed (product
-- null, no invocations). Each row carries the plugin's name of that day: the name of the
-- organisation's latest event for the plugin on the day, which is its latest name seen up to the
-- day (a row exists only on a day with events for the plugin).
with events as (
    select * from {{ ref('stg_events__events') }}
    {{ where_affected('event_date') }}
),

plugin_events as (
    select
        *,
        row_number() over (
            partition by organization_id, event_date, plugin_id
            order by occurred_at_utc desc, event_id desc
        ) as recency
    from events
    where event_type in ('plugin.used', 'plugin.installed')
),

day_names as (
    select organization_id, event_date, plugin_id, plugin_name
    from plugin_events
    where recency = 1
),

per_user as (
    select
        organization_id,
        event_date,
        plugin_id,
        event_type,
        product,
        user_id,
        count(*) as events,
        count(distinct session_id) as sessions
    from plugin_events
    group by organization_id, event_date, plugin_id, event_type, product, user_id
),

final as (
    select
        per_user.organization_id,
        per_user.event_date as date,
        per_user.plugin_id,
        per_user.event_type,
        per_user.product,
        per_user.user_id,
        day_names.plugin_name,
        per_user.events,
        per_user.sessions
    from per_user
    inner join day_names using (organization_id, event_date, plugin_id)
)

select * from final
