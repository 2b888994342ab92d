-- The record days of every key the run's dump window delivers or withdraws, in any of its
-- versions (old and new), and of every record a re-delivered day no longer carries: the days a
-- re-decided key can move from or to. A view, read by int_affected_days in the same run.
{{ config(materialized='view') }}

with touched as (
    {% for raw_table in ['events', 'usage', 'claude_code'] %}
        select '{{ raw_table }}' as raw_table, record_key, record_day from {{ source('raw', raw_table) }}
        where record_key in ({{ keys_touched_by_dump_window(raw_table) }})
        union all
    {% endfor %}
    select raw_table, record_key, record_day from {{ source('raw', 'withdrawn_records') }}
    where {{ in_dump_window('dump_date') }}
)

select * from touched
