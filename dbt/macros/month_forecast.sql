{#
  Where a month's spend is heading (SPEC §4 marts.spend_forecast), for any series of daily spend:
  `series` has `keys`, date and spend_usd; `targets` has `keys` and as_of_date. One row per target:
  the month so far, days elapsed and in the month, the same daily pace projected to the month's end
  (exactly, rounded half up to 6 places) and the whole previous calendar month.
#}
{% macro month_forecast(series, targets, keys) %}
    {%- set key_list = keys | join(', ') -%}
    with month_so_far_targets as (
        select {{ key_list }}, as_of_date, {{ window_start('mtd', 'as_of_date') }} as window_start
        from {{ targets }}
    ),

    previous_month_targets as (
        -- the whole previous calendar month: its last day is the "as-of date" of the window sum
        select
            {{ key_list }},
            as_of_date as forecast_date,
            cast({{ window_start('mtd', 'as_of_date') }} - interval 1 day as date) as as_of_date,
            {{ window_start('mtd', window_start('mtd', 'as_of_date') ~ ' - interval 1 day') }} as window_start
        from {{ targets }}
    ),

    month_so_far as (
        {{ window_sums(series, 'month_so_far_targets', keys, ['spend_usd']) }}
    ),

    previous_month as (
        {{ window_sums(series, 'previous_month_targets', keys, ['spend_usd']) }}
    )

    select
        {% for k in keys %}month_so_far.{{ k }}, {% endfor %}
        month_so_far.as_of_date,
        cast(month_so_far.spend_usd as {{ type_money() }}) as spend_mtd_usd,
        cast(day(month_so_far.as_of_date) as bigint) as days_elapsed,
        cast(day(last_day(month_so_far.as_of_date)) as bigint) as days_in_month,
        -- spend_mtd_usd / days_elapsed x days_in_month, exactly, rounded to 6 places
        {{ money_scaled('month_so_far.spend_usd', 'day(last_day(month_so_far.as_of_date))',
                        'day(month_so_far.as_of_date)') }} as projected_month_usd,
        cast(previous_month.spend_usd as {{ type_money() }}) as previous_month_usd
    from month_so_far
    inner join previous_month
        on {% for k in keys %}month_so_far.{{ k }} = previous_month.{{ k }} and {% endfor %}month_so_far.as_of_date = previous_month.forecast_date
{% endmacro %}
