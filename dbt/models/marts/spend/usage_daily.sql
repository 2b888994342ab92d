{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day, user, model and product with usage (the billing ledger): spend,
-- tokens by kind and requests, with who the user was that day (the API's cost and usage reports).
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

usage as (
    select * from {{ ref('fct_user_spend_daily') }}
    {{ where_affected('date') }}
),

members as (
    select * from {{ ref('int_members_history') }}
),

final as (
    select
        usage.organization_id,
        usage.date,
        usage.user_id,
        usage.model,
        usage.product,
        usage.spend_usd,
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_read_input_tokens,
        usage.cache_creation_input_tokens,
        usage.usage_records as requests,
        members.email,
        members.full_name,
        coalesce(members.status = 'active', false) as is_active_member
    from usage
    inner join organization_days using (organization_id, date)
    left join members
        on usage.organization_id = members.organization_id
        and usage.user_id = members.user_id
        and usage.date >= members.valid_from
        and usage.date < members.valid_to
)

select * from final
