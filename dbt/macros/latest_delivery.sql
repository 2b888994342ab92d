{#
  SPEC §2.5: duplicates collapse to one record per key; the later dump wins, and within a dump
  the later file (name order) and the later line. Incrementally, only keys delivered in this
  run's dump window are re-decided, over every delivery of those keys.
#}
{% macro latest_delivery(raw_table) %}
    select *
    from {{ source('raw', raw_table) }}
    {% if is_incremental() %}
    where record_key in (
        select record_key from {{ source('raw', raw_table) }}
        where {{ in_dump_window('dump_date') }}
    )
    {% endif %}
    qualify row_number() over (
        partition by record_key order by dump_date desc, file desc, line_number desc
    ) = 1
{% endmacro %}
