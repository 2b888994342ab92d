{#
  What a run reads before its first model: the raw tables and the dump window (on-run-start).
  DuckDB: ingest writes the raw tables into the warehouse (schema raw) and the orchestrator
  writes control.dump_window before dbt starts. Spark: ingest (on DuckDB) writes each raw table
  as Parquet, one folder per dump date, under ANALYTICS_SPARK_RAW_DIR, and the dump window as a
  Parquet file under ANALYTICS_SPARK_CONTROL_DIR; every run registers a view over each.
#}
{% macro register_run_inputs() -%}
    {{ return(adapter.dispatch('register_run_inputs', 'analytics')()) }}
{%- endmacro %}

{% macro default__register_run_inputs() -%}
    create schema if not exists control;
    create table if not exists control.dump_window (dump_start date, dump_end date)
{%- endmacro %}

{% macro spark__register_run_inputs() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var('ANALYTICS_SPARK_RAW_DIR') -%}
        {%- set control_dir = env_var('ANALYTICS_SPARK_CONTROL_DIR') -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
            {%- do run_query('create or replace view raw.' ~ source.name
                             ~ ' as select * from parquet.`' ~ raw_dir ~ '/' ~ source.name ~ '`') -%}
        {%- endfor -%}
        {%- do run_query('create schema if not exists control') -%}
        {%- do run_query('create or replace view control.dump_window as select * from parquet.`' ~ control_dir ~ '/dump_window`') -%}
    {%- endif -%}
    select 1
{%- endmacro %}
