{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- One row per organisation, as-of date, window (1w, 1m, mtd, qtd, ytd) and user identity with a
-- Claude Code record in the window: that person's Claude Code use over the window (SPEC §4
-- marts.claude_code_users). User actors only; api actors are never users.
{% set metrics = ['sessions', 'lines_added', 'lines_removed', 'commits', 'pull_requests',
                  'tool_accepted', 'tool_rejected', 'estimated_cost_usd'] %}
with windows as (
    {{ as_of_windows(['1w', '1m', 'mtd', 'qtd', 'ytd']) }}
),

organizations as (
    select * from {{ ref('int_as_of_organizations') }}
),

record_days as (
    select
        organization_id,
        user_id,
        {% for metric in metrics %}
            claude_code_{{ metric }} as {{ metric }},
        {% endfor %}
        date
    from {{ ref('fct_user_activity_daily') }}
    where has_claude_code_record
),

targets as (
    -- users with a record in the window, of organisations present on the as-of date
    {{ keys_active_in_windows('record_days', ['organization_id', 'user_id'], 'windows', organizations='organizations') }}
),

window_totals as (
    {{ window_sums('record_days', 'targets', ['organization_id', 'user_id'], metrics) }}
),

members as (
    select * from {{ ref('int_members_history') }}
),

final as (
    select
        window_totals.organization_id,
        window_totals.as_of_date,
        window_totals.{{ window_column() }},
        window_totals.user_id,
        members.email,
        members.full_name,
        {% for metric in metrics if metric != 'estimated_cost_usd' %}
            cast(window_totals.{{ metric }} as {{ type_wide_integer() }}) as {{ metric }},
        {% endfor %}
        {{ ratio('window_totals.tool_accepted', 'window_totals.tool_accepted + window_totals.tool_rejected') }}
            as tool_accept_rate,
        cast(window_totals.estimated_cost_usd as {{ type_money() }}) as estimated_cost_usd
    from window_totals
    left join members
        on window_totals.organization_id = members.organization_id
        and window_totals.user_id = members.user_id
        and window_totals.as_of_date >= members.valid_from
        and window_totals.as_of_date < members.valid_to
)

select * from final
