{#
  SQL that DuckDB and Spark spell differently, one macro each, dispatched by adapter
  (default__ is DuckDB, the engine of every run; spark__ is `make run-spark`). Models call these
  and never branch on the target themselves.
#}

{# One row per day from `first_day` to `last_day` (inclusive), as column `date`, for each row of
   `relation` (whose columns the two bounds name). #}
{% macro days_between(first_day, last_day, relation) -%}
    {{ return(adapter.dispatch('days_between', 'analytics')(first_day, last_day, relation)) }}
{%- endmacro %}

{% macro default__days_between(first_day, last_day, relation) -%}
    select cast(day as date) as date
    from {{ relation }}, range({{ first_day }}, {{ last_day }} + 1, interval 1 day) as days(day)
{%- endmacro %}

{% macro spark__days_between(first_day, last_day, relation) -%}
    select explode(sequence({{ first_day }}, {{ last_day }}, interval 1 day)) as date
    from {{ relation }}
{%- endmacro %}

{# The date `days` (an integer expression) after `date`. #}
{% macro add_days(date, days) -%}
    {{ return(adapter.dispatch('add_days', 'analytics')(date, days)) }}
{%- endmacro %}

{% macro default__add_days(date, days) -%}
    cast({{ date }} + to_days(cast({{ days }} as integer)) as date)
{%- endmacro %}

{% macro spark__add_days(date, days) -%}
    date_add({{ date }}, {{ days }})
{%- endmacro %}

{#
  An as-of join: each left row meets the one `relation` row with the same keys and the latest
  `date` that is `op` ('<=' or '<') `point`. DuckDB has ASOF JOIN; elsewhere each relation row is
  given the date of the next row of its keys, and a row matches when `point` falls between its
  date and the next one: a plain range join that finds at most one row per left row.
#}
{% macro asof_join(relation, alias, keys, left, op, point, kind='left') -%}
    {%- if op not in ['<=', '<'] -%}{{ exceptions.raise_compiler_error("asof_join: op must be <= or <") }}{%- endif -%}
    {{ return(adapter.dispatch('asof_join', 'analytics')(relation, alias, keys, left, op, point, kind)) }}
{%- endmacro %}

{% macro default__asof_join(relation, alias, keys, left, op, point, kind) -%}
    asof {{ kind }} join {{ relation }} as {{ alias }}
        on {% for k in keys %}{{ alias }}.{{ k }} = {{ left }}.{{ k }} and {% endfor %}{{ alias }}.date {{ op }} {{ point }}
{%- endmacro %}

{% macro spark__asof_join(relation, alias, keys, left, op, point, kind) -%}
    {{ kind }} join (
        select *, lead(date) over (partition by {{ keys | join(', ') }} order by date) as asof_next_date
        from {{ relation }}
    ) as {{ alias }}
        on {% for k in keys %}{{ alias }}.{{ k }} = {{ left }}.{{ k }} and {% endfor %}{{ alias }}.date {{ op }} {{ point }}
        and ({{ alias }}.asof_next_date is null or not {{ alias }}.asof_next_date {{ op }} {{ point }})
{%- endmacro %}

{# The values of `expression` over a window frame (an `over (...)` body), sorted ascending. #}
{% macro sorted_window_values(expression, frame) -%}
    {{ return(adapter.dispatch('sorted_window_values', 'analytics')(expression, frame)) }}
{%- endmacro %}

{% macro default__sorted_window_values(expression, frame) -%}
    list_sort(list({{ expression }}) over ({{ frame }}))
{%- endmacro %}

{% macro spark__sorted_window_values(expression, frame) -%}
    array_sort(collect_list({{ expression }}) over ({{ frame }}))
{%- endmacro %}

{# The n-th (from 1) element of a list, null past its end. #}
{% macro list_item(list, n) -%}
    {{ return(adapter.dispatch('list_item', 'analytics')(list, n)) }}
{%- endmacro %}

{% macro default__list_item(list, n) -%}
    ({{ list }})[{{ n }}]
{%- endmacro %}

{% macro spark__list_item(list, n) -%}
    try_element_at({{ list }}, {{ n }})
{%- endmacro %}

{# Whole numbers wide enough for micro-dollar products, and integer division of them. #}
{% macro type_wide_integer() -%}
    {{ return(adapter.dispatch('type_wide_integer', 'analytics')()) }}
{%- endmacro %}

{% macro default__type_wide_integer() -%}hugeint{%- endmacro %}

{% macro spark__type_wide_integer() -%}decimal(38, 0){%- endmacro %}

{% macro integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('integer_divide', 'analytics')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
    ({{ numerator }}) // ({{ denominator }})
{%- endmacro %}

{% macro spark__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}

{# One row per `keys` with a column per value of `column` in `values`: the sum of `measure` over
   the rows with that value (null when none), named after the value. Portable PIVOT. #}
{% macro pivot_sum(relation, keys, column, values, measure) -%}
    select
        {{ keys | join(', ') }},
        {% for value in values %}
        sum({{ measure }}) filter (where {{ column }} = '{{ value }}') as {{ adapter.quote(value) }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ relation }}
    group by {{ keys | join(', ') }}
{%- endmacro %}

{# The as-of marts' "window" column: a reserved word in DuckDB, quoted the engine's way. #}
{% macro window_column() -%}
    {{ adapter.quote('window') }}
{%- endmacro %}

{#
  SPEC §2.5: every sum the marts compute holds a million records of the largest accepted
  value. Money: a cost_usd has 12 integer digits, so sums need 19: DECIMAL(38, 6) everywhere after
  staging. Integers from raw (tokens, lines, sessions) fit 64 bits one by one, so their sums are
  wide integers (type_wide_integer). Counts of records stay BIGINT.
#}
{% macro type_money() -%}decimal(38, 6){%- endmacro %}
