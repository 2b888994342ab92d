{{ config(partition_by='date', replaced='affected_days') }}
-- One row per organisation and day with usage: its billed spend (exact DECIMAL), the series the
-- spend totals, the forecast and the alerts window over.
with user_spend as (
    select * from {{ ref('fct_user_spend_daily') }}
    {{ where_affected('date') }}
),

final as (
    select
        organization_id,
        date,
        cast(sum(spend_usd) as {{ type_money() }}) as spend_usd
    from user_spend
    group by organization_id, date
)

select * from final
