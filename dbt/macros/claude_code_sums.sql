{# The sums of a group of Claude Code records' metrics (SPEC §2 claude_code), named
   <prefix><metric>: counts as BIGINT, the estimated cost as DECIMAL(18,6). #}
{% macro claude_code_sums(prefix='') -%}
    {%- set sums = [
        ('num_sessions', 'sessions', 'bigint'),
        ('lines_added', 'lines_added', 'bigint'),
        ('lines_removed', 'lines_removed', 'bigint'),
        ('commits', 'commits', 'bigint'),
        ('pull_requests', 'pull_requests', 'bigint'),
        ('tool_accepted', 'tool_accepted', 'bigint'),
        ('tool_rejected', 'tool_rejected', 'bigint'),
        ('estimated_cost_usd', 'estimated_cost_usd', 'decimal(18, 6)'),
    ] -%}
    {%- for column, name, type in sums %}
        cast(sum({{ column }}) as {{ type }}) as {{ prefix }}{{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
