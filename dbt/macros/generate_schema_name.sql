{# Layers live in schemas of their own names (staging, intermediate, facts, marts): SPEC §4 names `marts.<mart>`. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
