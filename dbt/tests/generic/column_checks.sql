{#
  Every column check of a model, in one pass over it: each column lists its checks in the YAML
  beside its description (`config: {meta: {checks: [...]}}`), and this test counts, per column
  and check, the rows that break it. One query per model instead of one per column and check
  keeps a nightly run's dbt time on the data, not on per-test overhead; every assertion stays.

  Checks: not_null, not_negative (null allowed), positive (null allowed), fraction (0 to 1, null allowed), unique,
  {accepted_values: [...]} and {between: [min, max]} (null allowed).
#}
{% test column_checks(model) %}
{%- set conditions = [] -%}
{%- if execute -%}
    {%- set node = graph.nodes.values() | selectattr("resource_type", "equalto", "model")
                                        | selectattr("alias", "equalto", model.identifier) | first -%}
    {%- for column in node.columns.values() -%}
        {%- set quoted = adapter.quote(column.name) -%}
        {%- for check in (column.config.meta or column.meta or {}).get("checks", []) -%}
            {%- if check == "not_null" -%}
                {%- do conditions.append((column.name ~ ": not_null", "count(*) filter (where " ~ quoted ~ " is null)")) -%}
            {%- elif check == "not_negative" -%}
                {%- do conditions.append((column.name ~ ": not_negative", "count(*) filter (where " ~ quoted ~ " < 0)")) -%}
            {%- elif check == "positive" -%}
                {%- do conditions.append((column.name ~ ": positive", "count(*) filter (where " ~ quoted ~ " <= 0)")) -%}
            {%- elif check == "fraction" -%}
                {%- do conditions.append((column.name ~ ": fraction", "count(*) filter (where " ~ quoted ~ " < 0 or " ~ quoted ~ " > 1)")) -%}
            {%- elif check == "unique" -%}
                {%- do conditions.append((column.name ~ ": unique", "count(" ~ quoted ~ ") - count(distinct " ~ quoted ~ ")")) -%}
            {%- elif check is mapping and "accepted_values" in check -%}
                {%- set values = [] -%}
                {%- for value in check["accepted_values"] -%}
                    {%- do values.append("'" ~ value ~ "'" if value is string else value | string) -%}
                {%- endfor -%}
                {%- do conditions.append((column.name ~ ": accepted_values", "count(*) filter (where " ~ quoted ~ " not in (" ~ values | join(", ") ~ "))")) -%}
            {%- elif check is mapping and "between" in check -%}
                {%- do conditions.append((column.name ~ ": between", "count(*) filter (where " ~ quoted ~ " < " ~ check["between"][0] ~ " or " ~ quoted ~ " > " ~ check["between"][1] ~ ")")) -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error("unknown check " ~ check ~ " on " ~ model.identifier ~ "." ~ column.name) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif %}
with counts as (
    select
        {% for name, condition in conditions %}{{ condition }} as check_{{ loop.index }},
        {% endfor %}count(*) as rows_checked
    from {{ model }}
),

failures as (
    {% for name, condition in conditions %}
    select '{{ name }}' as failed_check, check_{{ loop.index }} as failing_rows from counts
    {% if not loop.last %}union all{% endif %}
    {% else %}
    select 'none' as failed_check, 0 as failing_rows
    {% endfor %}
)

select * from failures where failing_rows > 0
{% endtest %}
