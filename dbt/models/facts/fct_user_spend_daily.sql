{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation, user, day, model and product with usage: billed spend (exact
-- DECIMAL), tokens by kind and the metered requests (one usage record is one request).
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
        product,
        cast(sum(cost_usd) as {{ type_money() }}) as spend_usd,
        cast(sum(input_tokens) as {{ type_wide_integer() }}) as input_tokens,
        cast(sum(output_tokens) as {{ type_wide_integer() }}) as output_tokens,
        cast(sum(cache_read_input_tokens) as {{ type_wide_integer() }}) as cache_read_input_tokens,
        cast(sum(cache_creation_input_tokens) as {{ type_wide_integer() }}) as cache_creation_input_tokens,
        count(*) as usage_records
    from usage
    group by all
)

select * from final
