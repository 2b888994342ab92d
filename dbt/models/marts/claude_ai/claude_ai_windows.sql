{{ config(materialized='incremental', pre_hook="{{ delete_this_runs_as_of_dates() }}") }}
-- One row per organisation, as-of date and window (1w, 1m, 3m, 1y, mtd, qtd, ytd):
-- Claude.ai adoption over the window (SPEC §4 marts.claude_ai_windows).
with windows as (
    {{ as_of_windows(['1w', '1m', '3m', '1y', 'mtd', 'qtd', 'ytd']) }}
),

organizations as (
    -- organisations in the snapshot holding on the as-of date, with its active members
    select organization_id, date as as_of_date, active_members
    from {{ ref('int_organization_days') }}
    where date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

organization_counts as (
    select * from {{ ref('fct_organization_events_daily') }}
),

user_days as (
    select * from {{ ref('fct_user_activity_daily') }}
),

window_counts as (
    select
        organizations.organization_id,
        windows.as_of_date,
        windows."window",
        coalesce(sum(organization_counts.chats), 0) as chats,
        coalesce(sum(organization_counts.projects_created), 0) as projects_created,
        coalesce(sum(organization_counts.artifacts_created), 0) as artifacts_created
    from organizations
    inner join windows on organizations.as_of_date = windows.as_of_date
    left join organization_counts
        on organization_counts.organization_id = organizations.organization_id
        and organization_counts.date between windows.window_start and windows.as_of_date
    group by all
),

window_users as (
    select
        user_days.organization_id,
        windows.as_of_date,
        windows."window",
        count(distinct user_days.user_id) filter (user_days.chats_created > 0) as users_with_chat,
        count(distinct user_days.user_id) filter (user_days.projects_created > 0) as users_with_project,
        count(distinct user_days.user_id) filter (user_days.artifacts_created > 0) as users_with_artifact
    from windows
    inner join user_days on user_days.date between windows.window_start and windows.as_of_date
    where user_days.chats_created > 0 or user_days.projects_created > 0 or user_days.artifacts_created > 0
    group by all
),

final as (
    select
        window_counts.organization_id,
        window_counts.as_of_date,
        window_counts."window",
        window_counts.chats,
        window_counts.projects_created,
        window_counts.artifacts_created,
        coalesce(window_users.users_with_chat, 0) as users_with_chat,
        coalesce(window_users.users_with_project, 0) as users_with_project,
        coalesce(window_users.users_with_artifact, 0) as users_with_artifact,
        organizations.active_members,
        {{ ratio('coalesce(window_users.users_with_chat, 0)', 'organizations.active_members') }} as pct_users_with_chat,
        {{ ratio('coalesce(window_users.users_with_project, 0)', 'organizations.active_members') }} as pct_users_with_project,
        {{ ratio('coalesce(window_users.users_with_artifact, 0)', 'organizations.active_members') }} as pct_users_with_artifact
    from window_counts
    inner join organizations using (organization_id, as_of_date)
    left join window_users using (organization_id, as_of_date, "window")
)

select * from final
