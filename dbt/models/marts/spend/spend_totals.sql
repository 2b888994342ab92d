{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- One row per organisation, as-of date and window (mtd, qtd, ytd): spend, 0 when none
-- (SPEC §4 marts.spend_totals).
with targets as (
    {{ organization_windows(['mtd', 'qtd', 'ytd']) }}
),

daily_spend as (
    select organization_id, date, spend_usd from {{ ref('fct_organization_spend_daily') }}
),

window_spend as (
    {{ window_sums('daily_spend', 'targets', ['organization_id'], ['spend_usd']) }}
),

final as (
    select organization_id, as_of_date, {{ window_column() }}, cast(spend_usd as {{ type_money() }}) as spend_usd
    from window_spend
)

select * from final
