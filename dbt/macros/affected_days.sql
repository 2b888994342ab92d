{#
  Incremental daily models recompute exactly the days that this run's records touch
  (int_affected_days) and, for metrics that look back (WAU: 6 days, day-over-day: 1 day),
  the days after them that see those days (lookahead). lookbehind adds the earlier days a
  recomputation needs as input. A full build recomputes every day.
#}
{% macro affected_days(lookahead=0, lookbehind=0) -%}
    select distinct {{ add_days('date', 'shift') }} as date
    from {{ ref('int_affected_days') }},
        (values {% for shift in range(-lookbehind, lookahead + 1) %}({{ shift }}){{ ', ' if not loop.last }}{% endfor %}) as shifts(shift)
{%- endmacro %}

{% macro where_affected(column, lookahead=0, lookbehind=0) -%}
    -- depends_on: {{ ref('int_affected_days') }}, {{ ref('int_calendar_days') }}
    {% if is_incremental() -%}
    where {{ column }} in ({{ affected_days(lookahead, lookbehind) }})
    {%- endif %}
{%- endmacro %}
