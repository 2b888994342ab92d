{# No two rows share the grain (a combination of columns, quoted the engine's way: "window" is one). #}
{% test unique_grain(model, columns) %}
{%- set quoted = [] -%}
{%- for column in columns -%}{%- do quoted.append(adapter.quote(column)) -%}{%- endfor -%}
select {{ quoted | join(', ') }}, count(*) as rows_with_this_grain
from {{ model }}
group by {{ quoted | join(', ') }}
having count(*) > 1
{% endtest %}
