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
    {{ asof_join('running', 'at_end', keys, 'targets', '<=', 'targets.as_of_date') }}
    {{ asof_join('running', 'before_start', keys, 'targets', '<', 'targets.window_start') }}
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
    {{ asof_join(series, 'series', keys, 'key_dates', '<=', 'key_dates.as_of_date', kind='inner') }}
{% endmacro %}

{# series: keys + date (activity days); windows: the name of a relation with as_of_date, "window",
   window_start (and `window_keys`, columns it shares with the series, such as a metric).
   One row per key, as-of date and window in which the key has activity: its latest day by the
   as-of date is on or after the window's start (or `active_since`, e.g. the year's start, for
   every window). With `organizations`, only organisations present on the as-of date. #}
{% macro keys_active_in_windows(series, keys, windows, window_keys=[], organizations=none, active_since=none) %}
    with latest as (
        {{ latest_on_or_before(series, ref('int_as_of_dates'), keys) }}
    )

    select {% for k in keys if k not in window_keys %}latest.{{ k }}, {% endfor %}windows.*
    from latest
    {% if organizations -%}
    inner join {{ organizations }} as organizations using (organization_id, as_of_date)
    {%- endif %}
    inner join {{ windows }} as windows using (as_of_date{% for k in window_keys %}, {{ k }}{% endfor %})
    where latest.last_date >= {{ active_since or 'windows.window_start' }}
{% endmacro %}

{# series: keys + item + date (the days each item was seen); targets: keys + as_of_date + "window",
   whose windows are among `window_names`. Gives every target row with `distinct_items`, the
   number of items seen in its window, without a row per item and as-of date: a day d on which
   an item was seen counts for the as-of dates from d until the item's next day or until d
   leaves the window, whichever comes first; the count at an as-of date is then a running sum of
   +1 where such intervals start and -1 where they end. #}
{% macro distinct_in_windows(series, keys, item, window_names, targets) %}
    {%- set key_list = keys | join(', ') -%}
    with seen as (
        select {{ key_list }}, date,
               lead(date) over (partition by {{ key_list }}, {{ item }} order by date) as next_date
        from (select distinct {{ key_list }}, {{ item }}, date from {{ series }}) as item_days
    ),

    interval_edges as (
        {% for w in window_names %}
        select {{ key_list }}, '{{ w }}' as {{ window_column() }}, date, 1 as delta from seen
        union all
        select {{ key_list }}, '{{ w }}' as {{ window_column() }},
               case when next_date < {{ window_end(w, 'date') }} then next_date else {{ window_end(w, 'date') }} end,
               -1 as delta
        from seen
        {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    daily_changes as (
        select {{ key_list }}, {{ window_column() }}, date, sum(delta) as delta
        from interval_edges
        group by all
    ),

    running as (
        select {{ key_list }}, {{ window_column() }}, date,
               sum(delta) over (partition by {{ key_list }}, {{ window_column() }} order by date) as distinct_items
        from daily_changes
    )

    select targets.*, coalesce(running.distinct_items, 0) as distinct_items
    from {{ targets }} as targets
    {{ asof_join('running', 'running', keys + [window_column()], 'targets', '<=', 'targets.as_of_date') }}
{% endmacro %}
