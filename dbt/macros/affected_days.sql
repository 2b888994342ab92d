{#
  Incremental daily models recompute exactly the days that this run's records touch
  (int_affected_days) and, for metrics that look back (WAU: 6 days, day-over-day: 1 day),
  the days after them that see those days (lookahead). lookbehind adds the earlier days a
  recomputation needs as input. A full build recomputes every day.
#}
{% macro affected_days(lookahead=0, lookbehind=0) -%}
    select distinct cast(date + to_days(cast(shift as integer)) as date) as date
    from {{ ref('int_affected_days') }}, range({{ -lookbehind }}, {{ lookahead + 1 }}) as shifts(shift)
{%- endmacro %}

{% macro where_affected(column, lookahead=0, lookbehind=0) -%}
    -- depends_on: {{ ref('int_affected_days') }}, {{ ref('int_calendar_days') }}
    {% if is_incremental() -%}
    where {{ column }} in ({{ affected_days(lookahead, lookbehind) }})
    {%- endif %}
{%- endmacro %}

{# Facts delete the affected record days; daily marts (calendar_only) also every day the calendar
   no longer holds (a removed dump folder), as a build from scratch would not have them. #}
{% macro delete_affected_days(column='date', lookahead=0, calendar_only=false) -%}
    {% if is_incremental() -%}
    delete from {{ this }} where {{ column }} in ({{ affected_days(lookahead) }})
    {%- if calendar_only %} or {{ column }} not in (select date from {{ ref('int_calendar_days') }}){% endif %}
    {%- endif %}
{%- endmacro %}
