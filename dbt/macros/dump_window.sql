{# The dump dates this run brings in (the Dagster partition window), or every dump date. #}
{% macro dump_window_start() -%}
    {{ "'" ~ var('dump_start') ~ "'::date" if var('dump_start') else "'0001-01-01'::date" }}
{%- endmacro %}

{% macro dump_window_end() -%}
    {{ "'" ~ var('dump_end') ~ "'::date" if var('dump_end') else "'9999-12-31'::date" }}
{%- endmacro %}

{% macro in_dump_window(column) -%}
    {{ column }} between {{ dump_window_start() }} and {{ dump_window_end() }}
{%- endmacro %}
