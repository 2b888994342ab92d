{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- One row per organisation, as-of date, RBAC group in the groups snapshot holding on it, and
-- window (1w, 1m, 3m, 1y): Claude.ai adoption over the window by the group's users, on the days
-- they were in the group (marts.claude_ai_windows for a group).
with windows as (
    {{ as_of_windows(['1w', '1m', '3m', '1y']) }}
),

group_dates as (
    select organization_id, date as as_of_date, rbac_group_id, seats
    from {{ ref('groups_daily') }}
    where date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

targets as (
    select group_dates.*, windows.{{ window_column() }}, windows.window_start
    from group_dates
    inner join windows using (as_of_date)
),

group_counts as (
    select organization_id, rbac_group_id, date, chats, projects_created, artifacts_created
    from {{ ref('group_activity_daily') }}
),

window_counts as (
    {{ window_sums('group_counts', 'targets', ['organization_id', 'rbac_group_id'],
                   ['chats', 'projects_created', 'artifacts_created']) }}
),

held_user_days as (
    select
        members.organization_id,
        members.rbac_group_id,
        members.user_id,
        members.date,
        users.chats_created,
        users.projects_created,
        users.artifacts_created
    from {{ ref('group_members_daily') }} as members
    inner join {{ ref('fct_user_activity_daily') }} as users using (organization_id, user_id, date)
),

adoption_days as (
    -- the days each user created a chat, a project or an artifact while in the group
    select organization_id, rbac_group_id, user_id, date, 'chat' as item from held_user_days
    where chats_created > 0
    union all
    select organization_id, rbac_group_id, user_id, date, 'project' as item from held_user_days
    where projects_created > 0
    union all
    select organization_id, rbac_group_id, user_id, date, 'artifact' as item from held_user_days
    where artifacts_created > 0
),

adopting_users as (
    -- a user has one in the window when the latest one by the as-of date is inside it
    select
        organization_id, rbac_group_id, as_of_date, {{ window_column() }},
        count(*) filter (where item = 'chat') as users_with_chat,
        count(*) filter (where item = 'project') as users_with_project,
        count(*) filter (where item = 'artifact') as users_with_artifact
    from ({{ keys_active_in_windows('adoption_days', ['organization_id', 'rbac_group_id', 'user_id', 'item'], 'windows') }})
    group by all
),

final as (
    select
        window_counts.organization_id,
        window_counts.as_of_date,
        window_counts.rbac_group_id,
        window_counts.{{ window_column() }},
        cast(window_counts.chats as bigint) as chats,
        cast(window_counts.projects_created as bigint) as projects_created,
        cast(window_counts.artifacts_created as bigint) as artifacts_created,
        coalesce(adopting_users.users_with_chat, 0) as users_with_chat,
        coalesce(adopting_users.users_with_project, 0) as users_with_project,
        coalesce(adopting_users.users_with_artifact, 0) as users_with_artifact,
        window_counts.seats,
        {{ ratio('coalesce(adopting_users.users_with_chat, 0)', 'window_counts.seats') }} as pct_users_with_chat,
        {{ ratio('coalesce(adopting_users.users_with_project, 0)', 'window_counts.seats') }} as pct_users_with_project,
        {{ ratio('coalesce(adopting_users.users_with_artifact, 0)', 'window_counts.seats') }} as pct_users_with_artifact
    from window_counts
    left join adopting_users using (organization_id, rbac_group_id, as_of_date, {{ window_column() }})
)

select * from final
