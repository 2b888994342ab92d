{#
  SPEC §2.5: duplicates collapse to one record per key; the later dump wins, and within a dump
  the later file (name order) and the later line. Incrementally, staging replaces the record
  days that this run's dump window touches (touched_record_days) with the winners of every key
  that has a delivery on one of those days.
#}
{% macro keys_touched_by_dump_window(raw_table) %}
    select record_key from {{ source('raw', raw_table) }}
    where {{ in_dump_window('dump_date') }}
    union
    select record_key from {{ source('raw', 'withdrawn_records') }}
    where raw_table = '{{ raw_table }}' and {{ in_dump_window('dump_date') }}
{% endmacro %}

{#
  The record days the window touches: every day on which a re-decided key has any delivery (its
  winner may move days, or an older dump's version count again), and the days of the records a
  re-delivered day no longer carries.
#}
{% macro touched_record_days(raw_table) %}
    select record_day from {{ source('raw', raw_table) }}
    where record_key in ({{ keys_touched_by_dump_window(raw_table) }})
    union
    select record_day from {{ source('raw', 'withdrawn_records') }}
    where raw_table = '{{ raw_table }}' and {{ in_dump_window('dump_date') }}
{% endmacro %}

{#
  A record is rejected when its day is later than the day after its dump date (SPEC §2.5), so a
  key with a delivery on day d has its winning delivery in a dump dated d - 1 or later: the
  winners of the touched days are found in the dumps from the earliest touched day - 1 on, and a
  night reads a few days of raw data, not the history.
#}
{% macro latest_delivery(raw_table) %}
    {% if is_incremental() %}
    with touched_days as (
        {{ touched_record_days(raw_table) }}
    ),

    first_dump as (
        select cast(min(record_day) - interval 1 day as date) as dump_date from touched_days
    ),

    recent as (
        select * from {{ source('raw', raw_table) }}
        where dump_date >= (select dump_date from first_dump)
    )

    select * from recent
    where record_key in (select record_key from recent where record_day in (select record_day from touched_days))
    {% else %}
    select * from {{ source('raw', raw_table) }}
    {% endif %}
    qualify row_number() over (
        partition by record_key order by dump_date desc, file desc, line_number desc
    ) = 1
{% endmacro %}
