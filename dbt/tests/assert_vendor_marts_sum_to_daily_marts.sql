-- a check of marts.usage_daily in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'usage_daily'}}}) }}
-- The per-entity marts the vendor's shapes read add up to the daily marts: the ledger per user,
-- model and product to spend_daily; artifacts per type and user to claude_ai_daily; connector
-- uses per connector and user to user_activity_daily.
with usage_per_model as (
    select
        organization_id,
        date,
        model,
        sum(spend_usd) as spend_usd,
        sum(input_tokens) as input_tokens,
        sum(output_tokens) as output_tokens
    from {{ ref('usage_daily') }}
    group by all
),

usage_mismatches as (
    select
        'usage_daily' as mart,
        coalesce(u.organization_id, s.organization_id) as organization_id,
        coalesce(u.date, s.date) as date
    from usage_per_model as u
    full outer join {{ ref('spend_daily') }} as s using (organization_id, date, model)
    where u.spend_usd is distinct from s.spend_usd
        or u.input_tokens is distinct from s.input_tokens
        or u.output_tokens is distinct from s.output_tokens
),

artifacts_per_day as (
    select organization_id, date, sum(artifacts_created) as artifacts_created
    from {{ ref('artifact_users_daily') }}
    group by all
),

artifact_mismatches as (
    select 'artifact_users_daily' as mart, c.organization_id, c.date
    from {{ ref('claude_ai_daily') }} as c
    left join artifacts_per_day as a using (organization_id, date)
    where coalesce(a.artifacts_created, 0) <> c.artifacts_created
),

connector_uses_per_user as (
    select organization_id, date, user_id, sum(uses) as uses
    from {{ ref('connector_users_daily') }}
    group by all
),

connector_mismatches as (
    select 'connector_users_daily' as mart, p.organization_id, p.date
    from {{ ref('user_activity_daily') }} as p
    left join connector_uses_per_user as c using (organization_id, date, user_id)
    where coalesce(c.uses, 0) <> p.connector_uses
),

final as (
    select * from usage_mismatches
    union all
    select * from artifact_mismatches
    union all
    select * from connector_mismatches
)

select * from final
