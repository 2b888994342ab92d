-- The record days this run's deliveries touch: every day on which a re-decided key had any
-- version (so a corrected record moving days fixes both, and a withdrawn record leaves its day),
-- message days of chats whose chat.created changed (their project), and every day from the
-- window's first dump date on (new days, and snapshots or identity mappings that changed from
-- then on).
with window_keys as (
    {% for raw_table in ['events', 'usage', 'claude_code'] %}
        select record_key, record_day from {{ source('raw', raw_table) }}
        where record_key in ({{ keys_touched_by_dump_window(raw_table) }})
        union all
    {% endfor %}
    select record_key, record_day from {{ source('raw', 'withdrawn_records') }}
    where {{ in_dump_window('dump_date') }}
),

changed_chat_events as (
    select record from {{ source('raw', 'events') }}
    where {{ in_dump_window('dump_date') }}
    union all
    select record from {{ source('raw', 'withdrawn_records') }}
    where raw_table = 'events' and {{ in_dump_window('dump_date') }}
),

changed_chats as (
    select distinct {{ json_str('properties.chat_id') }} as chat_id
    from changed_chat_events
    where {{ json_str('event_type') }} = 'chat.created'
),

chat_message_days as (
    select distinct event_date as record_day
    from {{ ref('stg_events__events') }}
    where event_type = 'message.sent' and chat_id in (select chat_id from changed_chats)
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

-- A record's day counts whether or not the calendar holds it: a late record dated before the
-- first dump date still feeds facts and the long windows (1y) of later as-of dates, and a build
-- from scratch has its fact row whatever order the dump dates were built in.
final as (
    select record_day as date from window_keys
    where record_day is not null
    union
    select record_day from chat_message_days
    union
    select date from calendar
    where date >= {{ dump_window_start() }}
)

select * from final
