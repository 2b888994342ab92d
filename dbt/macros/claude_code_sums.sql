{# The sums of a group of Claude Code records' metrics (SPEC §2 claude_code), named
   <prefix><metric>: wide integers and the estimated cost as money (macros/engine_sql.sql says why). #}
{% macro claude_code_sums(prefix='') -%}
    {%- set sums = [
        ('num_sessions', 'sessions', type_wide_integer()),
        ('lines_added', 'lines_added', type_wide_integer()),
        ('lines_removed', 'lines_removed', type_wide_integer()),
        ('commits', 'commits', type_wide_integer()),
        ('pull_requests', 'pull_requests', type_wide_integer()),
        ('tool_accepted', 'tool_accepted', type_wide_integer()),
        ('tool_rejected', 'tool_rejected', type_wide_integer()),
        ('estimated_cost_usd', 'estimated_cost_usd', type_money()),
    ] -%}
    {%- for column, name, type in sums %}
        cast(sum({{ column }}) as {{ type }}) as {{ prefix }}{{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
