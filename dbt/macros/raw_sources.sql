{#
  Where the raw tables come from. DuckDB: ingest writes them into the warehouse (schema raw).
  Spark: ingest (on DuckDB) writes each raw table as Parquet, partitioned by dump date, under
  ANALYTICS_SPARK_RAW_DIR; every run registers a view per table over its files.
#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'analytics')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
    select 1
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var('ANALYTICS_SPARK_RAW_DIR') -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
            {%- do run_query('create or replace view raw.' ~ source.name
                             ~ ' as select * from parquet.`' ~ raw_dir ~ '/' ~ source.name ~ '`') -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
