{# No two rows share the grain (a combination of columns). #}
{% test unique_grain(model, columns) %}
select {{ columns | join(', ') }}, count(*) as rows_with_this_grain
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
