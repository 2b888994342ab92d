-- The chats whose chat.created record the run's dump window delivers or withdraws: their project
-- may have changed, so their message days are rebuilt too. A view, read by int_affected_days.
{{ config(materialized='view') }}

with window_chat_events as (
    select record from {{ source('raw', 'events') }}
    where {{ in_dump_window('dump_date') }}
    union all
    select record from {{ source('raw', 'withdrawn_records') }}
    where raw_table = 'events' and {{ in_dump_window('dump_date') }}
),

final as (
    select distinct {{ json_str('properties.chat_id') }} as chat_id
    from window_chat_events
    where {{ json_str('event_type') }} = 'chat.created'
)

select * from final
