-- a check of marts.user_spend in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'user_spend'}}}) }}
-- Finance relies on it: the user-spend rows of an organisation and as-of date add up to
-- marts.spend_totals for mtd, qtd and ytd, to the cent and beyond.
with user_sums as (
    select
        organization_id,
        as_of_date,
        sum(spend_mtd_usd) as mtd,
        sum(spend_qtd_usd) as qtd,
        sum(spend_ytd_usd) as ytd
    from {{ ref('user_spend') }}
    group by all
),

totals as (
    {{ pivot_sum(ref('spend_totals'), ['organization_id', 'as_of_date'], window_column(), ['mtd', 'qtd', 'ytd'], 'spend_usd') }}
)

select totals.*, user_sums.mtd as user_mtd, user_sums.qtd as user_qtd, user_sums.ytd as user_ytd
from totals
left join user_sums using (organization_id, as_of_date)
where coalesce(user_sums.mtd, 0) <> totals.mtd
    or coalesce(user_sums.qtd, 0) <> totals.qtd
    or coalesce(user_sums.ytd, 0) <> totals.ytd
