{{ config(pre_hook="{{ delete_affected_days('date') }}") }}
-- One row per organisation, user, day and model with usage: billed spend (exact DECIMAL)
-- and tokens.
with usage as (
    select * from {{ ref('stg_usage__records') }}
    {{ where_affected('usage_date') }}
),

final as (
    select
        organization_id,
        user_id,
        usage_date as date,
        model,
        cast(sum(cost_usd) as {{ type_money() }}) as spend_usd,
        cast(sum(input_tokens) as {{ type_wide_integer() }}) as input_tokens,
        cast(sum(output_tokens) as {{ type_wide_integer() }}) as output_tokens,
        count(*) as usage_records
    from usage
    group by all
)

select * from final
