{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day and user identity with at least one non-zero metric on the day
-- (SPEC §4 marts.user_activity_daily): what each person did, Claude.ai, Claude Code and spend.
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

user_days as (
    select * from {{ ref('fct_user_activity_daily') }}
    {{ where_affected('date') }}
),

user_spend as (
    select
        organization_id,
        user_id,
        date,
        cast(sum(spend_usd) as {{ type_money() }}) as spend_usd,
        cast(sum(input_tokens) as {{ type_wide_integer() }}) as input_tokens,
        cast(sum(output_tokens) as {{ type_wide_integer() }}) as output_tokens
    from {{ ref('fct_user_spend_daily') }}
    {{ where_affected('date') }}
    group by all
),

members as (
    select * from {{ ref('int_members_history') }}
),

per_user as (
    select
        organization_id,
        date,
        user_id,
        coalesce(user_days.chats_created, 0) as chats,
        coalesce(user_days.messages_sent, 0) as messages,
        coalesce(user_days.projects_created, 0) as projects_created,
        coalesce(user_days.artifacts_created, 0) as artifacts_created,
        coalesce(user_days.connector_uses, 0) as connector_uses,
        coalesce(user_days.claude_code_sessions, 0) as claude_code_sessions,
        coalesce(user_days.claude_code_lines_added, 0) as claude_code_lines_added,
        coalesce(user_days.claude_code_lines_removed, 0) as claude_code_lines_removed,
        coalesce(user_days.claude_code_commits, 0) as claude_code_commits,
        coalesce(user_days.claude_code_pull_requests, 0) as claude_code_pull_requests,
        coalesce(user_spend.spend_usd, 0) as spend_usd,
        coalesce(user_spend.input_tokens, 0) as input_tokens,
        coalesce(user_spend.output_tokens, 0) as output_tokens
    from user_days
    full outer join user_spend using (organization_id, user_id, date)
),

final as (
    select
        per_user.organization_id,
        per_user.date,
        per_user.user_id,
        members.email,
        members.full_name,
        per_user.chats,
        per_user.messages,
        per_user.projects_created,
        per_user.artifacts_created,
        per_user.connector_uses,
        per_user.claude_code_sessions,
        per_user.claude_code_lines_added,
        per_user.claude_code_lines_removed,
        per_user.claude_code_commits,
        per_user.claude_code_pull_requests,
        per_user.spend_usd,
        per_user.input_tokens,
        per_user.output_tokens
    from per_user
    inner join organization_days using (organization_id, date)
    left join members
        on per_user.organization_id = members.organization_id
        and per_user.user_id = members.user_id
        and per_user.date >= members.valid_from
        and per_user.date < members.valid_to
    -- a row only for a user with something to show on the day
    where per_user.chats + per_user.messages + per_user.projects_created + per_user.artifacts_created
        + per_user.connector_uses + per_user.claude_code_sessions + per_user.claude_code_lines_added
        + per_user.claude_code_lines_removed + per_user.claude_code_commits + per_user.claude_code_pull_requests
        + per_user.input_tokens + per_user.output_tokens > 0
        or per_user.spend_usd <> 0
)

select * from final
