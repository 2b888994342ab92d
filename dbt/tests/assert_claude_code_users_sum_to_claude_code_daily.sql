-- a check of marts.claude_code_users in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'claude_code_users'}}}) }}
-- Each person's Claude Code over a window adds up to the organisation's Claude Code of the user
-- actors over that window (api actors are in claude_code_daily but are never users). This run's
-- as-of dates.
{% set metrics = ['sessions', 'lines_added', 'lines_removed', 'commits', 'pull_requests', 'tool_accepted',
                  'tool_rejected', 'estimated_cost_usd'] %}
with per_user as (
    select organization_id, as_of_date, {{ window_column() }},
           {% for m in metrics %}sum({{ m }}) as {{ m }}{{ ',' if not loop.last }}{% endfor %}
    from {{ ref('claude_code_users') }}
    where as_of_date in (select as_of_date from {{ ref('int_as_of_dates') }})
    group by all
),

windows as (
    {{ as_of_windows(['1w', '1m', 'mtd', 'qtd', 'ytd']) }}
),

user_actor_days as (
    select * from {{ ref('fct_claude_code_daily') }}
    where actor_type = 'user_actor'
),

organization as (
    select organizations.organization_id, windows.as_of_date, windows.{{ window_column() }},
           {% for m in metrics %}sum(days.{{ m }}) as {{ m }}{{ ',' if not loop.last }}{% endfor %}
    from {{ ref('int_as_of_organizations') }} as organizations
    inner join windows using (as_of_date)
    inner join user_actor_days as days
        on days.organization_id = organizations.organization_id
        and days.date between windows.window_start and windows.as_of_date
    group by all
)

select *
from organization
full outer join per_user using (organization_id, as_of_date, {{ window_column() }})
where {% for m in metrics %}coalesce(organization.{{ m }}, 0) <> coalesce(per_user.{{ m }}, 0){{ ' or ' if not loop.last }}{% endfor %}
