{{ config(materialized='incremental', partition_by='date', replaced='affected_days', lookahead=29, drop_outside_calendar=true) }}
-- One row per organisation, day and RBAC group (SPEC §4 marts.group_activity_daily): its users'
-- activity, Claude Code and spend, each user's day counting for every group they were in that day
-- (SPEC §3 Groups). DAU, WAU and MAU count marts.group_active_users_daily, whose rows a user's
-- active day enters for 30 days, hence the lookahead of an incremental run; the day before each
-- recomputed day is computed too, for the day-over-day changes.
with group_days as (
    select * from {{ ref('groups_daily') }}
    {{ where_affected('date', lookahead=29, lookbehind=1) }}
),

member_days as (
    select * from {{ ref('group_members_daily') }}
    {% if is_incremental() %}where date in ({{ affected_days(lookahead=29, lookbehind=1) }}){% endif %}
),

user_days as (
    select * from {{ ref('fct_user_activity_daily') }}
    {% if is_incremental() %}where date in ({{ affected_days(lookahead=29, lookbehind=1) }}){% endif %}
),

user_spend as (
    select organization_id, user_id, date, sum(spend_usd) as spend_usd
    from {{ ref('fct_user_spend_daily') }}
    {{ where_affected('date', lookahead=29, lookbehind=1) }}
    group by all
),

-- each user's day, attributed to the groups the user was in on that day
group_user_days as (
    select
        member_days.organization_id,
        member_days.date,
        member_days.rbac_group_id,
        member_days.user_id,
        coalesce(user_days.chats_created, 0) as chats,
        coalesce(user_days.messages_sent, 0) as messages,
        coalesce(user_days.projects_created, 0) as projects_created,
        coalesce(user_days.artifacts_created, 0) as artifacts_created,
        coalesce(user_days.claude_code_sessions, 0) as claude_code_sessions,
        coalesce(user_days.claude_code_lines_added, 0) as claude_code_lines_added,
        coalesce(user_days.claude_code_lines_removed, 0) as claude_code_lines_removed,
        coalesce(user_days.claude_code_commits, 0) as claude_code_commits,
        coalesce(user_days.claude_code_pull_requests, 0) as claude_code_pull_requests,
        coalesce(user_spend.spend_usd, 0) as spend_usd
    from member_days
    left join user_days using (organization_id, user_id, date)
    left join user_spend using (organization_id, user_id, date)
),

daily as (
    select
        organization_id,
        date,
        rbac_group_id,
        cast(sum(chats) as bigint) as chats,
        cast(sum(messages) as bigint) as messages,
        cast(sum(projects_created) as bigint) as projects_created,
        cast(sum(artifacts_created) as bigint) as artifacts_created,
        count(*) filter (where chats > 0) as users_with_chat,
        count(*) filter (where projects_created > 0) as users_created_project,
        count(*) filter (where artifacts_created > 0) as users_created_artifact,
        count(*) filter (where claude_code_sessions > 0) as claude_code_active_users,
        cast(sum(claude_code_sessions) as {{ type_wide_integer() }}) as claude_code_sessions,
        cast(sum(claude_code_lines_added) as {{ type_wide_integer() }}) as claude_code_lines_added,
        cast(sum(claude_code_lines_removed) as {{ type_wide_integer() }}) as claude_code_lines_removed,
        cast(sum(claude_code_commits) as {{ type_wide_integer() }}) as claude_code_commits,
        cast(sum(claude_code_pull_requests) as {{ type_wide_integer() }}) as claude_code_pull_requests,
        cast(sum(spend_usd) as {{ type_money() }}) as spend_usd
    from group_user_days
    group by all
),

active_users as (
    -- the users active on days they were in the group (marts.group_active_users_daily)
    select
        organization_id,
        date,
        rbac_group_id,
        count(*) filter (where counts_in_dau) as dau,
        count(*) filter (where counts_in_wau) as wau,
        count(*) as mau
    from {{ ref('group_active_users_daily') }}
    {{ where_affected('date', lookahead=29, lookbehind=1) }}
    group by all
),

with_totals as (
    select
        group_days.organization_id,
        group_days.date,
        group_days.rbac_group_id,
        coalesce(active_users.dau, 0) as dau,
        coalesce(active_users.wau, 0) as wau,
        coalesce(active_users.mau, 0) as mau,
        group_days.seats,
        {{ ratio('coalesce(active_users.wau, 0)', 'group_days.seats') }} as utilization,
        coalesce(daily.chats, 0) as chats,
        coalesce(daily.messages, 0) as messages,
        coalesce(daily.projects_created, 0) as projects_created,
        coalesce(daily.artifacts_created, 0) as artifacts_created,
        coalesce(daily.users_with_chat, 0) as users_with_chat,
        coalesce(daily.claude_code_active_users, 0) as claude_code_active_users,
        coalesce(daily.claude_code_sessions, 0) as claude_code_sessions,
        coalesce(daily.claude_code_lines_added, 0) as claude_code_lines_added,
        coalesce(daily.claude_code_lines_removed, 0) as claude_code_lines_removed,
        coalesce(daily.claude_code_commits, 0) as claude_code_commits,
        coalesce(daily.claude_code_pull_requests, 0) as claude_code_pull_requests,
        coalesce(daily.spend_usd, 0) as spend_usd,
        coalesce(daily.users_created_project, 0) as users_created_project,
        coalesce(daily.users_created_artifact, 0) as users_created_artifact
    from group_days
    left join daily using (organization_id, date, rbac_group_id)
    left join active_users using (organization_id, date, rbac_group_id)
),

with_changes as (
    select
        *,
        {{ dod_change('chats', partition='organization_id, rbac_group_id') }} as chats_change,
        {{ dod_change('projects_created', partition='organization_id, rbac_group_id') }} as projects_created_change,
        {{ dod_change('artifacts_created', partition='organization_id, rbac_group_id') }} as artifacts_created_change,
        -- null on the group's first day (no row for the day before), as for an organisation
        lag(date) over (partition by organization_id, rbac_group_id order by date) = date - interval 1 day as has_previous_day
    from with_totals
),

final as (
    select
        organization_id,
        date,
        rbac_group_id,
        dau,
        wau,
        mau,
        seats,
        utilization,
        chats,
        messages,
        projects_created,
        artifacts_created,
        users_with_chat,
        claude_code_active_users,
        claude_code_sessions,
        claude_code_lines_added,
        claude_code_lines_removed,
        claude_code_commits,
        claude_code_pull_requests,
        spend_usd,
        users_created_project,
        users_created_artifact,
        {{ ratio('users_with_chat', 'seats') }} as pct_users_with_chat,
        case when has_previous_day then chats_change end as chats_dod_change,
        case when has_previous_day then projects_created_change end as projects_created_dod_change,
        case when has_previous_day then artifacts_created_change end as artifacts_created_dod_change
    from with_changes
    {% if is_incremental() %}where date in ({{ affected_days(lookahead=29) }}){% endif %}
)

select * from final
