{{ config(materialized='incremental', pre_hook="{{ delete_this_runs_as_of_dates() }}") }}
-- Top 10 connectors per organisation, as-of date and window (1w, 1m, 3m, 1y): by unique users,
-- then uses, then connector name (SPEC §3 rankings, §4 marts.top_connectors).
with windows as (
    {{ as_of_windows(['1w', '1m', '3m', '1y']) }}
),

organizations as (
    select * from {{ ref('int_as_of_organizations') }}
),

connector_user_days as (
    select * from {{ ref('fct_connector_uses_daily') }}
),

connector_days as (
    select organization_id, connector, date, sum(uses) as uses
    from connector_user_days
    group by all
),

latest_connector_use as (
    {{ latest_on_or_before('connector_days', ref('int_as_of_dates'), ['organization_id', 'connector']) }}
),

targets as (
    select latest_connector_use.organization_id, latest_connector_use.connector, windows.*
    from latest_connector_use
    inner join organizations using (organization_id, as_of_date)
    inner join windows using (as_of_date)
    where latest_connector_use.last_date >= windows.window_start
),

window_uses as (
    {{ window_sums('connector_days', 'targets', ['organization_id', 'connector'], ['uses']) }}
),

latest_user_use as (
    {{ latest_on_or_before('connector_user_days', ref('int_as_of_dates'), ['organization_id', 'connector', 'user_id']) }}
),

window_users as (
    select latest_user_use.organization_id, latest_user_use.connector, windows.as_of_date, windows."window",
           count(*) as unique_users
    from latest_user_use
    inner join windows using (as_of_date)
    where latest_user_use.last_date >= windows.window_start
    group by all
),

ranked as (
    select
        window_uses.organization_id,
        window_uses.as_of_date,
        window_uses."window",
        window_uses.connector,
        window_users.unique_users,
        cast(window_uses.uses as bigint) as uses,
        row_number() over (
            partition by window_uses.organization_id, window_uses.as_of_date, window_uses."window"
            order by window_users.unique_users desc, window_uses.uses desc, window_uses.connector asc
        ) as rank
    from window_uses
    inner join window_users using (organization_id, connector, as_of_date, "window")
    where window_users.unique_users > 0
),

final as (
    select organization_id, as_of_date, "window", rank, connector, unique_users, uses
    from ranked
    where rank <= 10
)

select * from final
