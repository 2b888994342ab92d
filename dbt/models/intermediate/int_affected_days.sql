-- The record days this run's deliveries touch: every day on which a re-decided key had any
-- version (so a corrected record moving days fixes both, and a withdrawn record leaves its day),
-- message days of chats whose chat.created changed (their project), and every day from the
-- window's first dump date on (new days, and snapshots or identity mappings that changed from
-- then on).
with touched_record_days as (
    select * from {{ ref('stg_ingest__touched_record_days') }}
),

changed_chats as (
    select * from {{ ref('stg_ingest__window_created_chats') }}
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
    select record_day as date from touched_record_days
    where record_day is not null
    union
    select record_day from chat_message_days
    union
    select date from calendar
    where date >= {{ dump_window_start() }}
)

select * from final
