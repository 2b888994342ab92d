{#
  SPEC §2.5: duplicates collapse to one record per key; the later dump wins, and within a dump
  the later file (name order) and the later line. Incrementally, only the keys this run's dump
  window touches are re-decided, over every delivery of those keys: keys delivered in the window,
  and keys that a window day carried before it was delivered again (raw.withdrawn_records), for
  which an older dump's version counts again.
#}
{% macro keys_touched_by_dump_window(raw_table) %}
    select record_key from {{ source('raw', raw_table) }}
    where {{ in_dump_window('dump_date') }}
    union
    select record_key from {{ source('raw', 'withdrawn_records') }}
    where raw_table = '{{ raw_table }}' and {{ in_dump_window('dump_date') }}
{% endmacro %}

{% macro latest_delivery(raw_table) %}
    select *
    from {{ source('raw', raw_table) }}
    {% if is_incremental() %}
    where record_key in ({{ keys_touched_by_dump_window(raw_table) }})
    {% endif %}
    qualify row_number() over (
        partition by record_key order by dump_date desc, file desc, line_number desc
    ) = 1
{% endmacro %}

{#
  Post-hook of incremental staging: a withdrawn key that no delivery carries any more is gone,
  as it would be in a build from scratch (delete+insert only replaces keys that still exist).
#}
{% macro delete_keys_without_delivery(raw_table, key_column) %}
    {% if is_incremental() %}
    delete from {{ this }}
    where {{ key_column }} in (
        select record_key from {{ source('raw', 'withdrawn_records') }}
        where raw_table = '{{ raw_table }}' and {{ in_dump_window('dump_date') }}
    )
        and {{ key_column }} not in (select record_key from {{ source('raw', raw_table) }})
    {% endif %}
{% endmacro %}
