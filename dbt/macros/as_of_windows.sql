{# SPEC §3: windows are inclusive day ranges ending at the as-of date. #}
{% macro window_start(window_name, as_of) -%}
    {%- if window_name == '1d' -%} cast({{ as_of }} as date)
    {%- elif window_name == '1w' -%} cast({{ as_of }} - interval 6 day as date)
    {%- elif window_name == '1m' -%} cast({{ as_of }} - interval 29 day as date)
    {%- elif window_name == '3m' -%} cast({{ as_of }} - interval 89 day as date)
    {%- elif window_name == '1y' -%} cast({{ as_of }} - interval 364 day as date)
    {%- elif window_name == 'mtd' -%} cast(date_trunc('month', {{ as_of }}) as date)
    {%- elif window_name == 'qtd' -%} cast(date_trunc('quarter', {{ as_of }}) as date)
    {%- elif window_name == 'ytd' -%} cast(date_trunc('year', {{ as_of }}) as date)
    {%- else -%} {{ exceptions.raise_compiler_error("unknown window " ~ window_name) }}
    {%- endif -%}
{%- endmacro %}

{# The first as-of date whose window no longer holds `day` (the inverse of window_start). #}
{% macro window_end(window_name, day) -%}
    {%- if window_name == '1d' -%} cast({{ day }} + interval 1 day as date)
    {%- elif window_name == '1w' -%} cast({{ day }} + interval 7 day as date)
    {%- elif window_name == '1m' -%} cast({{ day }} + interval 30 day as date)
    {%- elif window_name == '3m' -%} cast({{ day }} + interval 90 day as date)
    {%- elif window_name == '1y' -%} cast({{ day }} + interval 365 day as date)
    {%- elif window_name == 'mtd' -%} cast(date_trunc('month', {{ day }}) + interval 1 month as date)
    {%- elif window_name == 'qtd' -%} cast(date_trunc('quarter', {{ day }}) + interval 3 month as date)
    {%- elif window_name == 'ytd' -%} cast(date_trunc('year', {{ day }}) + interval 1 year as date)
    {%- else -%} {{ exceptions.raise_compiler_error("unknown window " ~ window_name) }}
    {%- endif -%}
{%- endmacro %}

{# (as_of_date, window, window_start) for this run's as-of dates and the given windows. #}
{% macro as_of_windows(windows) -%}
    -- depends_on: {{ ref('int_calendar_days') }}
    {% for w in windows %}
    select as_of_date, '{{ w }}' as {{ window_column() }}, {{ window_start(w, 'as_of_date') }} as window_start
    from {{ ref('int_as_of_dates') }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{%- endmacro %}

{# a / b as a fraction, null when b is 0 or null (SPEC §3 percentages) #}
{% macro ratio(numerator, denominator) -%}
    case when coalesce(({{ denominator }}), 0) = 0 then null
         else cast(({{ numerator }}) as double) / ({{ denominator }}) end
{%- endmacro %}

{# value(d) - value(d-1) within an organisation; null on its first day or when either is null #}
{% macro dod_change(column, partition='organization_id', order='date') -%}
    {{ column }} - lag({{ column }}) over (partition by {{ partition }} order by {{ order }})
{%- endmacro %}

{# One row per organisation present on each of this run's as-of dates and per window. #}
{% macro organization_windows(windows) -%}
    select organizations.organization_id, organizations.active_members, windows.*
    from {{ ref('int_as_of_organizations') }} as organizations
    inner join ({{ as_of_windows(windows) }}) as windows using (as_of_date)
{%- endmacro %}

{# One row per RBAC group of the groups snapshot holding on each of this run's as-of dates and per window. #}
{% macro group_windows(windows) -%}
    select groups.organization_id, groups.rbac_group_id, windows.*
    from {{ ref('groups_daily') }} as groups
    inner join ({{ as_of_windows(windows) }}) as windows on groups.date = windows.as_of_date
{%- endmacro %}
