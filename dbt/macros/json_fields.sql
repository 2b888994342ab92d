{# Typed extraction from a raw record's JSON. #}
{% macro json_str(path, column='record') -%}
    json_extract_string({{ column }}, '$.{{ path }}')
{%- endmacro %}

{% macro json_int(path, column='record') -%}
    coalesce(cast(json_extract_string({{ column }}, '$.{{ path }}') as bigint), 0)
{%- endmacro %}

{# An ISO-8601 timestamp with offset, as a UTC timestamp (SPEC §3: UTC before a day is taken). #}
{% macro json_utc(path, column='record') -%}
    timezone('UTC', cast(json_extract_string({{ column }}, '$.{{ path }}') as timestamptz))
{%- endmacro %}
