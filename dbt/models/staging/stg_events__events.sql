{{ config(partition_by='event_date', replaced='record_days', raw_table='events') }}

with deliveries as (
    {{ latest_delivery('events') }}
),

final as (
    select
        record_key as event_id,
        {{ json_str('event_type') }} as event_type,
        {{ json_utc('occurred_at') }} as occurred_at_utc,
        record_day as event_date,
        {{ json_str('organization_id') }} as organization_id,
        {{ json_str('user_id') }} as user_id,
        {{ json_str('properties.chat_id') }} as chat_id,
        {{ json_str('properties.project_id') }} as project_id,
        {{ json_str('properties.message_id') }} as message_id,
        {{ json_str('properties.artifact_id') }} as artifact_id,
        {{ json_str('properties.artifact_type') }} as artifact_type,
        -- optional properties, null where the dump lacks them (never invented)
        -- (read on their own event type only: elsewhere a field of that name is an unknown extra)
        case
            when {{ json_str('event_type') }} = 'project.created' then {{ json_str('properties.name') }}
        end as project_name,
        case
            when {{ json_str('event_type') }} = 'artifact.created' then cast({{ json_str('properties.is_shared') }} as boolean)
        end as is_shared,
        {{ json_str('properties.connector') }} as connector,
        -- skills and plugins: a skill is named case-insensitively, so by its lower-cased name
        lower({{ json_str('properties.skill_name') }}) as skill_name,
        case
            when {{ json_str('event_type') }} = 'skill.used' then {{ json_str('properties.skill_display_name') }}
        end as skill_display_name,
        case
            when {{ json_str('event_type') }} in ('skill.used', 'plugin.used') then {{ json_str('properties.product') }}
        end as product,
        case
            when {{ json_str('event_type') }} = 'skill.used' then {{ json_str('properties.share_status') }}
        end as share_status,
        {{ json_str('properties.session_id') }} as session_id,
        {{ json_str('properties.plugin_id') }} as plugin_id,
        {{ json_str('properties.plugin_name') }} as plugin_name,
        dump_date,
        file as source_file,
        line_number as source_line
    from deliveries
)

select * from final
