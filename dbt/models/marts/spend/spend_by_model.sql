{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- One row per organisation, as-of date, window (1m, 3m, 1y) and model with at least one usage
-- record in the window (SPEC §4 marts.spend_by_model).
with windows as (
    {{ as_of_windows(['1m', '3m', '1y']) }}
),

organizations as (
    select * from {{ ref('int_as_of_organizations') }}
),

model_days as (
    select organization_id, model, date, sum(spend_usd) as spend_usd
    from {{ ref('fct_user_spend_daily') }}
    group by all
),

targets as (
    -- models with a usage record in the window, of organisations present on the as-of date
    {{ keys_active_in_windows('model_days', ['organization_id', 'model'], 'windows', organizations='organizations') }}
),

window_spend as (
    {{ window_sums('model_days', 'targets', ['organization_id', 'model'], ['spend_usd']) }}
),

final as (
    select organization_id, as_of_date, {{ window_column() }}, model, cast(spend_usd as {{ type_money() }}) as spend_usd
    from window_spend
)

select * from final
