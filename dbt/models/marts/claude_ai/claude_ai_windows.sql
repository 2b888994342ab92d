{{ config(materialized='incremental', pre_hook="{{ delete_this_runs_as_of_dates() }}") }}
-- One row per organisation, as-of date and window (1w, 1m, 3m, 1y, mtd, qtd, ytd):
-- Claude.ai adoption over the window (SPEC §4 marts.claude_ai_windows).
with windows as (
    {{ as_of_windows(['1w', '1m', '3m', '1y', 'mtd', 'qtd', 'ytd']) }}
),

organizations as (
    select * from {{ ref('int_as_of_organizations') }}
),

targets as (
    {{ organization_windows(['1w', '1m', '3m', '1y', 'mtd', 'qtd', 'ytd']) }}
),

organization_counts as (
    select organization_id, date, chats, projects_created, artifacts_created
    from {{ ref('fct_organization_events_daily') }}
),

window_counts as (
    {{ window_sums('organization_counts', 'targets', ['organization_id'], ['chats', 'projects_created', 'artifacts_created']) }}
),

chat_created_events as (
    select organization_id, chat_id, event_date as date
    from {{ ref('stg_events__events') }}
    where event_type = 'chat.created'
),

repeated_chats as (
    select organization_id, chat_id
    from chat_created_events
    group by organization_id, chat_id
    having count(distinct date) > 1
),

repeated_chat_days as (
    -- SPEC §3: a chat id created on two days counts once over a window. The window sum above
    -- counts it once per day; these (rare) chats say how much to take off.
    select chat_created_events.*
    from chat_created_events
    inner join repeated_chats using (organization_id, chat_id)
    group by all
),

chats_counted_twice as (
    select targets.organization_id, targets.as_of_date, targets.{{ window_column() }}, sum(days_in_window - 1) as extra_chats
    from (
        select targets.organization_id, targets.as_of_date, targets.{{ window_column() }}, repeated_chat_days.chat_id,
               count(*) as days_in_window
        from targets
        inner join repeated_chat_days
            on repeated_chat_days.organization_id = targets.organization_id
            and repeated_chat_days.date between targets.window_start and targets.as_of_date
        group by all
    ) as targets
    group by all
),

user_days as (
    select * from {{ ref('fct_user_activity_daily') }}
),

{% set adoption = {'chat': 'chats_created', 'project': 'projects_created', 'artifact': 'artifacts_created'} %}
{% for name, column in adoption.items() %}
{{ name }}_days as (
    select organization_id, user_id, date from user_days where {{ column }} > 0
),

users_with_{{ name }} as (
    -- a user has one in the window when the latest one by the as-of date is inside it
    select organization_id, as_of_date, {{ window_column() }}, count(*) as users
    from ({{ keys_active_in_windows(name ~ '_days', ['organization_id', 'user_id']) }})
    group by all
),
{% endfor %}

final as (
    select
        window_counts.organization_id,
        window_counts.as_of_date,
        window_counts.{{ window_column() }},
        cast(window_counts.chats - coalesce(chats_counted_twice.extra_chats, 0) as bigint) as chats,
        cast(window_counts.projects_created as bigint) as projects_created,
        cast(window_counts.artifacts_created as bigint) as artifacts_created,
        coalesce(users_with_chat.users, 0) as users_with_chat,
        coalesce(users_with_project.users, 0) as users_with_project,
        coalesce(users_with_artifact.users, 0) as users_with_artifact,
        organizations.active_members,
        {{ ratio('coalesce(users_with_chat.users, 0)', 'organizations.active_members') }} as pct_users_with_chat,
        {{ ratio('coalesce(users_with_project.users, 0)', 'organizations.active_members') }} as pct_users_with_project,
        {{ ratio('coalesce(users_with_artifact.users, 0)', 'organizations.active_members') }} as pct_users_with_artifact
    from window_counts
    inner join organizations using (organization_id, as_of_date)
    left join chats_counted_twice using (organization_id, as_of_date, {{ window_column() }})
    left join users_with_chat using (organization_id, as_of_date, {{ window_column() }})
    left join users_with_project using (organization_id, as_of_date, {{ window_column() }})
    left join users_with_artifact using (organization_id, as_of_date, {{ window_column() }})
)

select * from final
