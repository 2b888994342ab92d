{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- One row per organisation, as-of date, RBAC group in the groups snapshot holding on it, window
-- (1m, 3m, 1y) and model with a usage record of the group's users in the window, on days they were
-- in the group (marts.spend_by_model for a group).
with group_windows as (
    {{ group_windows(['1m', '3m', '1y']) }}
),

held as (
    select organization_id, date, rbac_group_id, user_id from {{ ref('group_members_daily') }}
),

model_days as (
    select held.organization_id, held.rbac_group_id, spend.model, held.date, sum(spend.spend_usd) as spend_usd
    from {{ ref('fct_user_spend_daily') }} as spend
    inner join held using (organization_id, user_id, date)
    group by all
),

targets as (
-- models with a usage record in the window, of groups held on the as-of date
    {{ keys_active_in_windows('model_days', ['organization_id', 'rbac_group_id', 'model'], 'group_windows',
                              window_keys=['organization_id', 'rbac_group_id']) }}
),

window_spend as (
    {{ window_sums('model_days', 'targets', ['organization_id', 'rbac_group_id', 'model'], ['spend_usd']) }}
),

final as (
    select
        organization_id, as_of_date, rbac_group_id, {{ window_column() }}, model,
        cast(spend_usd as {{ type_money() }}) as spend_usd
    from window_spend
)

select * from final
