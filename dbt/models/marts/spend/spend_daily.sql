{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day and model with spend (SPEC §4 marts.spend_daily); days
-- without usage have no row.
with organization_days as (
    select * from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

spend as (
    select * from {{ ref('fct_user_spend_daily') }}
),

final as (
    select
        spend.organization_id,
        spend.date,
        spend.model,
        cast(sum(spend.spend_usd) as {{ type_money() }}) as spend_usd,
        cast(sum(spend.input_tokens) as {{ type_wide_integer() }}) as input_tokens,
        cast(sum(spend.output_tokens) as {{ type_wide_integer() }}) as output_tokens
    from spend
    inner join organization_days using (organization_id, date)
    group by all
)

select * from final
