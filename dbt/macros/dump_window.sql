{#
  The dump dates this run brings in: control.dump_window, written by the Dagster asset before
  it starts dbt (one row, or none for "every dump is new": a full build). A table rather than
  --vars, so that the dbt command never changes and dbt's partial parsing holds.
#}
{% macro dump_window_start() -%}
    coalesce((select min(dump_start) from {{ source('control', 'dump_window') }}), '0001-01-01'::date)
{%- endmacro %}

{% macro dump_window_end() -%}
    coalesce((select max(dump_end) from {{ source('control', 'dump_window') }}), '9999-12-31'::date)
{%- endmacro %}

{% macro in_dump_window(column) -%}
    {{ column }} between {{ dump_window_start() }} and {{ dump_window_end() }}
{%- endmacro %}
