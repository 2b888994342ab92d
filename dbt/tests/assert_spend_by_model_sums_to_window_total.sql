-- a check of marts.spend_by_model in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'spend_by_model'}}}) }}
-- The models' spend over a window adds up to the organisation's spend over that window.
with by_model as (
    select organization_id, as_of_date, {{ window_column() }}, sum(spend_usd) as spend_usd
    from {{ ref('spend_by_model') }}
    group by all
),

windows as (
    {{ as_of_windows(['1m', '3m', '1y']) }}
),

organizations as (
    select organization_id, date as as_of_date from {{ ref('int_organization_days') }}
),

totals as (
    select organizations.organization_id, windows.as_of_date, windows.{{ window_column() }}, sum(spend.spend_usd) as spend_usd
    from windows
    inner join organizations on organizations.as_of_date = windows.as_of_date
    inner join {{ ref('fct_user_spend_daily') }} as spend
        on spend.organization_id = organizations.organization_id
        and spend.date between windows.window_start and windows.as_of_date
    group by all
)

select *
from totals
full outer join by_model using (organization_id, as_of_date, {{ window_column() }})
where totals.as_of_date in (select as_of_date from {{ ref('int_as_of_dates') }})
    and coalesce(totals.spend_usd, 0) <> coalesce(by_model.spend_usd, 0)
