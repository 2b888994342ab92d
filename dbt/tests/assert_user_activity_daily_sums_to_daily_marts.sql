-- a check of marts.user_activity_daily in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'user_activity_daily'}}}) }}
-- What each person did adds up to the organisation's day: chats created, messages, projects and
-- artifacts (claude_ai_daily), spend and tokens (spend_daily).
with per_user as (
    select
        organization_id,
        date,
        sum(chats) as chats,
        sum(messages) as messages,
        sum(projects_created) as projects_created,
        sum(artifacts_created) as artifacts_created,
        sum(spend_usd) as spend_usd,
        sum(input_tokens) as input_tokens,
        sum(output_tokens) as output_tokens
    from {{ ref('user_activity_daily') }}
    group by all
),

spend as (
    select organization_id, date, sum(spend_usd) as spend_usd, sum(input_tokens) as input_tokens,
           sum(output_tokens) as output_tokens
    from {{ ref('spend_daily') }}
    group by all
),

organization as (
    select
        claude_ai.organization_id,
        claude_ai.date,
        claude_ai.chats,
        claude_ai.messages,
        claude_ai.projects_created,
        claude_ai.artifacts_created,
        coalesce(spend.spend_usd, 0) as spend_usd,
        coalesce(spend.input_tokens, 0) as input_tokens,
        coalesce(spend.output_tokens, 0) as output_tokens
    from {{ ref('claude_ai_daily') }} as claude_ai
    left join spend using (organization_id, date)
)

select *
from organization
full outer join per_user using (organization_id, date)
where coalesce(organization.chats, 0) <> coalesce(per_user.chats, 0)
    or coalesce(organization.messages, 0) <> coalesce(per_user.messages, 0)
    or coalesce(organization.projects_created, 0) <> coalesce(per_user.projects_created, 0)
    or coalesce(organization.artifacts_created, 0) <> coalesce(per_user.artifacts_created, 0)
    or coalesce(organization.spend_usd, 0) <> coalesce(per_user.spend_usd, 0)
    or coalesce(organization.input_tokens, 0) <> coalesce(per_user.input_tokens, 0)
    or coalesce(organization.output_tokens, 0) <> coalesce(per_user.output_tokens, 0)
