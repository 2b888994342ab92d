{#
  Window aggregates for many as-of dates at once, without joining every fact row to every
  window that contains it (which grows with dates x windows x rows):

  - window_sums: a running total per key; a window's sum is the total at the as-of date minus
    the total before the window starts, both found with an ASOF join.
  - latest_on_or_before: per key and as-of date, the latest day with activity; a key has
    activity in a window exactly when that day is on or after the window's start.
#}

{# series: one row per keys + date with the `values` columns; targets: keys + as_of_date + window_start.
   Gives every target row with each value summed over its window. #}
{% macro window_sums(series, targets, keys, values) %}
    with running as (
        select {{ keys | join(', ') }}, date,
            {% for v in values %}
            sum({{ v }}) over (partition by {{ keys | join(', ') }} order by date) as running_{{ v }}{{ ',' if not loop.last }}
            {% endfor %}
        from {{ series }}
    )

    select
        targets.*,
        {% for v in values %}
        coalesce(at_end.running_{{ v }}, 0) - coalesce(before_start.running_{{ v }}, 0) as {{ v }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ targets }} as targets
    asof left join running as at_end
        on {% for k in keys %}at_end.{{ k }} = targets.{{ k }} and {% endfor %}at_end.date <= targets.as_of_date
    asof left join running as before_start
        on {% for k in keys %}before_start.{{ k }} = targets.{{ k }} and {% endfor %}before_start.date < targets.window_start
{% endmacro %}

{# series: keys + date (activity days); as_of_dates: as_of_date. Rows only for keys seen by then. #}
{% macro latest_on_or_before(series, as_of_dates, keys) %}
    with key_starts as (
        select {{ keys | join(', ') }}, min(date) as first_date
        from {{ series }}
        group by all
    ),

    key_dates as (
        select key_starts.*, as_of_dates.as_of_date
        from key_starts
        inner join {{ as_of_dates }} as as_of_dates on key_starts.first_date <= as_of_dates.as_of_date
    )

    select key_dates.*, series.date as last_date
    from key_dates
    asof inner join {{ series }} as series
        on {% for k in keys %}series.{{ k }} = key_dates.{{ k }} and {% endfor %}series.date <= key_dates.as_of_date
{% endmacro %}
