{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- One row per organisation, as-of date, RBAC group in the groups snapshot holding on it and window
-- (mtd, qtd, ytd): the group's spend to date, 0 when none (marts.spend_totals for a group, over
-- group_activity_daily.spend_usd).
with group_windows as (
    {{ group_windows(['mtd', 'qtd', 'ytd']) }}
),

daily_spend as (
    select organization_id, rbac_group_id, date, spend_usd from {{ ref('group_activity_daily') }}
),

window_spend as (
    {{ window_sums('daily_spend', 'group_windows', ['organization_id', 'rbac_group_id'], ['spend_usd']) }}
),

final as (
    select
        organization_id, as_of_date, rbac_group_id, {{ window_column() }},
        cast(spend_usd as {{ type_money() }}) as spend_usd
    from window_spend
)

select * from final
