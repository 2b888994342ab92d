{#
  The one incremental strategy of the project: `replace_partitions`. A model is a set of
  partitions (its `partition_by` column: a record day, a date, an as-of date, a snapshot date);
  an incremental run rebuilds the partitions its dump window affects and leaves the rest alone.
  Which partitions a run replaces is a named rule, the model's `replaced` config:

    record_days   staging of records: the record days of every key the window re-decides
                  (its deliveries, and the keys a re-delivered day no longer carries)
    dump_window   staging of snapshots: the window's snapshot dates
    affected_days facts and daily marts: int_affected_days, shifted by the model's `lookahead`
                  (the days after that see them: WAU looks back 6 days, MAU 29)
    as_of_dates   as-of marts: int_as_of_dates

  and, for marts (`drop_outside_calendar`), every partition the calendar no longer holds (a
  removed dump folder). The model's SQL computes the rows of those partitions (its inputs read
  only what they need); the strategy puts them in place, the engine's way:

    DuckDB  delete the replaced partitions' rows, insert the new ones (one transaction)
    Spark   drop the replaced partitions, insert the new rows (Parquet tables take no DELETE;
            a partition left empty is gone, which dynamic partition overwrite alone would keep)
#}

{# A SQL predicate on `column` (a column or an expression): true for the partitions this run replaces. #}
{% macro replaced_partitions(column) -%}
    {%- set rule = config.get('replaced') -%}
    {%- if rule == 'record_days' -%}
        {{ column }} in ({{ touched_record_days(config.get('raw_table')) }})
    {%- elif rule == 'dump_window' -%}
        {{ in_dump_window(column) }}
    {%- elif rule == 'affected_days' -%}
        {{ column }} in ({{ affected_days(lookahead=config.get('lookahead', 0)) }})
    {%- elif rule == 'as_of_dates' -%}
        {{ column }} in (select as_of_date from {{ ref('int_as_of_dates') }})
    {%- else -%}
        {{ exceptions.raise_compiler_error("replace_partitions: config 'replaced' must be record_days, dump_window, affected_days or as_of_dates, not " ~ rule) }}
    {%- endif -%}
    {%- if config.get('drop_outside_calendar') %}
        or {{ column }} not in (select date from {{ ref('int_calendar_days') }})
    {%- endif -%}
{%- endmacro %}

{% macro replace_partitions_sql(target, source) -%}
    {%- if not config.get('partition_by') -%}
        {{ exceptions.raise_compiler_error("replace_partitions: " ~ target ~ " names no partition_by column") }}
    {%- endif -%}
    {{ return(adapter.dispatch('replace_partitions_sql', 'analytics')(target, source)) }}
{%- endmacro %}

{% macro default__replace_partitions_sql(target, source) -%}
    {%- set column = config.get('partition_by') -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    delete from {{ target }} where {{ replaced_partitions(column) }};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }} where {{ replaced_partitions(column) }}
{%- endmacro %}

{% macro spark__replace_partitions_sql(target, source) -%}
    {%- set column = config.get('partition_by') -%}
    {#- the partitions to drop: a query over the partition column alone, which Spark answers from
        the folder names -#}
    {%- set dropped = run_query("select distinct cast(" ~ adapter.quote(column) ~ " as string) from " ~ target
                                ~ " where " ~ replaced_partitions(adapter.quote(column))) -%}
    {#- one statement per hundred partitions: a year's build replaces 365 -#}
    {%- for batch in dropped.columns[0].values() | batch(100) -%}
        {%- set specs = [] -%}
        {%- for value in batch -%}
            {%- do specs.append("partition (" ~ adapter.quote(column) ~ " = '" ~ value ~ "')") -%}
        {%- endfor -%}
        {%- do run_query('alter table ' ~ target ~ ' drop if exists ' ~ specs | join(', ')) -%}
    {%- endfor -%}
    {#- by name: Spark keeps a table's partition column last, the model's select has it where it is -#}
    insert into table {{ target }} by name
    select * from {{ source }} where {{ replaced_partitions(column) }}
{%- endmacro %}

{# dbt-duckdb finds a custom strategy by this name #}
{% macro get_incremental_replace_partitions_sql(arg_dict) -%}
    {{ return(replace_partitions_sql(arg_dict['target_relation'], arg_dict['temp_relation'])) }}
{%- endmacro %}

{# dbt-spark knows a fixed list of strategies: these two add this one and hand the rest back #}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy == 'replace_partitions' -%}{{ return(raw_strategy) }}{%- endif -%}
    {{ return(dbt_spark.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{%- endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy == 'replace_partitions' -%}{{ return(replace_partitions_sql(target, source)) }}{%- endif -%}
    {{ return(dbt_spark.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates)) }}
{%- endmacro %}
