{#
  Exact money arithmetic. DuckDB turns DECIMAL / INTEGER into a DOUBLE; these stay in whole
  micro-dollars (money has 6 places) and round half up, so that a forecast or a median
  is the same to the last digit in SQL, in Python's Decimal and in a spreadsheet.
#}
{% macro to_micros(amount) -%}
    cast(({{ amount }}) * 1000000 as {{ type_wide_integer() }})
{%- endmacro %}

{% macro from_micros(micros) -%}
    cast(cast(({{ micros }}) as decimal(38, 0)) * 0.000001 as {{ type_money() }})
{%- endmacro %}

{# amount * multiplier / divisor, rounded half up to 6 places (amount >= 0, divisor > 0) #}
{% macro money_scaled(amount, multiplier, divisor) -%}
    {{ from_micros(integer_divide(to_micros(amount) ~ ' * (' ~ multiplier ~ ') * 2 + (' ~ divisor ~ ')', '2 * (' ~ divisor ~ ')')) }}
{%- endmacro %}
