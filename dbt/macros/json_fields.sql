{# Typed extraction from a raw record's JSON. The engines name the function differently:
   DuckDB json_extract_string, Spark get_json_object (both take a '$.a.b' path, both give text). #}
{% macro json_str(path, column='record') -%}
    {{ return(adapter.dispatch('json_str', 'analytics')(path, column)) }}
{%- endmacro %}

{% macro default__json_str(path, column) -%}
    json_extract_string({{ column }}, '$.{{ path }}')
{%- endmacro %}

{% macro spark__json_str(path, column) -%}
    get_json_object({{ column }}, '$.{{ path }}')
{%- endmacro %}

{% macro json_int(path, column='record') -%}
    coalesce(cast({{ json_str(path, column) }} as bigint), 0)
{%- endmacro %}

{# An ISO-8601 timestamp with offset, as a UTC timestamp without time zone (SPEC §3: UTC before a
   day is taken). #}
{% macro json_utc(path, column='record') -%}
    {{ return(adapter.dispatch('json_utc', 'analytics')(path, column)) }}
{%- endmacro %}

{% macro default__json_utc(path, column) -%}
    timezone('UTC', cast({{ json_str(path, column) }} as timestamptz))
{%- endmacro %}

{# Spark reads the offset into an instant; the session time zone is UTC (profiles.yml), so the
   instant without its zone is the UTC wall time. #}
{% macro spark__json_utc(path, column) -%}
    cast(cast({{ json_str(path, column) }} as timestamp) as timestamp_ntz)
{%- endmacro %}

{# One output row per element of the JSON array at `array_path`: the text at `item_path` inside
   it (a generator: use it alone in a select list). #}
{% macro json_unnest_str(array_path, item_path, column='record') -%}
    {{ return(adapter.dispatch('json_unnest_str', 'analytics')(array_path, item_path, column)) }}
{%- endmacro %}

{% macro default__json_unnest_str(array_path, item_path, column) -%}
    unnest(json_extract_string({{ column }}, '$.{{ array_path }}[*].{{ item_path }}'))
{%- endmacro %}

{% macro spark__json_unnest_str(array_path, item_path, column) -%}
    explode(transform(
        from_json(get_json_object({{ column }}, '$.{{ array_path }}'), 'array<string>'),
        item -> get_json_object(item, '$.{{ item_path }}')
    ))
{%- endmacro %}
