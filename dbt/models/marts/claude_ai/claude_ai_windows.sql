{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
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
    select
        targets.organization_id, targets.as_of_date, targets.{{ window_column() }}, sum(targets.days_in_window - 1) as extra_chats
    from (
        select
            targets.organization_id, targets.as_of_date, targets.{{ window_column() }}, repeated_chat_days.chat_id,
            count(*) as days_in_window
        from targets
        inner join repeated_chat_days
            on targets.organization_id = repeated_chat_days.organization_id
            and repeated_chat_days.date between targets.window_start and targets.as_of_date
        group by all
    ) as targets
    group by all
),

user_days as (
    select * from {{ ref('fct_user_activity_daily') }}
),

adoption_days as (
    -- the days each user created a chat, a project or an artifact
    select organization_id, user_id, date, 'chat' as item from user_days
    where chats_created > 0
    union all
    select organization_id, user_id, date, 'project' as item from user_days
    where projects_created > 0
    union all
    select organization_id, user_id, date, 'artifact' as item from user_days
    where artifacts_created > 0
),

adopting_users as (
    -- a user has one in the window when the latest one by the as-of date is inside it
    select
        organization_id, as_of_date, {{ window_column() }},
        count(*) filter (where item = 'chat') as users_with_chat,
        count(*) filter (where item = 'project') as users_with_project,
        count(*) filter (where item = 'artifact') as users_with_artifact
    from ({{ keys_active_in_windows('adoption_days', ['organization_id', 'user_id', 'item'], 'windows') }})
    group by all
),

final as (
    select
        window_counts.organization_id,
        window_counts.as_of_date,
        window_counts.{{ window_column() }},
        cast(window_counts.chats - coalesce(chats_counted_twice.extra_chats, 0) as bigint) as chats,
        cast(window_counts.projects_created as bigint) as projects_created,
        cast(window_counts.artifacts_created as bigint) as artifacts_created,
        coalesce(adopting_users.users_with_chat, 0) as users_with_chat,
        coalesce(adopting_users.users_with_project, 0) as users_with_project,
        coalesce(adopting_users.users_with_artifact, 0) as users_with_artifact,
        organizations.active_members,
        {{ ratio('coalesce(adopting_users.users_with_chat, 0)', 'organizations.active_members') }}
            as pct_users_with_chat,
        {{ ratio('coalesce(adopting_users.users_with_project, 0)', 'organizations.active_members') }}
            as pct_users_with_project,
        {{ ratio('coalesce(adopting_users.users_with_artifact, 0)', 'organizations.active_members') }}
            as pct_users_with_artifact
    from window_counts
    inner join organizations using (organization_id, as_of_date)
    left join chats_counted_twice using (organization_id, as_of_date, {{ window_column() }})
    left join adopting_users using (organization_id, as_of_date, {{ window_column() }})
)

select * from final
