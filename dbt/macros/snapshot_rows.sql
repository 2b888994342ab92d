{#
  A snapshot table's rows, one set per snapshot date (= dump date), duplicates within a
  snapshot collapsed with the later file and line winning (SPEC §2.4, §2.5).
#}
{% macro snapshot_rows(raw_table) %}
    select *, dump_date as snapshot_date
    from {{ source('raw', raw_table) }}
    qualify row_number() over (
        partition by dump_date, record_key order by file desc, line_number desc
    ) = 1
{% endmacro %}
