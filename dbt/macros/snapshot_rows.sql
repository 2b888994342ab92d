{#
  A snapshot table's rows, one set per snapshot date (= dump date), duplicates within a
  snapshot collapsed with the later file and line winning (SPEC §2.4, §2.5).

  Incrementally, only the snapshots of this run's dump dates are read and replaced: a snapshot
  is whole within its dump date, so a re-delivered day replaces its rows and a removed folder's
  day loses them (replace_partitions, rule dump_window), and a night reads one day, not the history.
#}
{% macro snapshot_rows(raw_table) %}
    select *, dump_date as snapshot_date
    from {{ source('raw', raw_table) }}
    {% if is_incremental() %}where {{ in_dump_window('dump_date') }}{% endif %}
    qualify row_number() over (
        partition by dump_date, record_key order by file desc, line_number desc
    ) = 1
{% endmacro %}
