{{ config(materialized='incremental', pre_hook="{{ delete_this_runs_as_of_dates() }}") }}
-- Top 10 connectors per organisation, as-of date and window (1w, 1m, 3m, 1y) by uses, ties by
-- connector name (SPEC §3 rankings, §4 marts.top_connectors).
with windows as (
    {{ as_of_windows(['1w', '1m', '3m', '1y']) }}
),

organizations as (
    select organization_id, date as as_of_date
    from {{ ref('int_organization_days') }}
    where date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

connector_uses as (
    select * from {{ ref('fct_connector_uses_daily') }}
),

window_uses as (
    select
        connector_uses.organization_id,
        windows.as_of_date,
        windows."window",
        connector_uses.connector,
        count(distinct connector_uses.user_id) as unique_users,
        sum(connector_uses.uses) as uses
    from windows
    inner join connector_uses on connector_uses.date between windows.window_start and windows.as_of_date
    group by all
),

ranked as (
    select
        window_uses.*,
        row_number() over (
            partition by organization_id, as_of_date, "window" order by uses desc, connector asc
        ) as rank
    from window_uses
    inner join organizations using (organization_id, as_of_date)
    where uses > 0
),

final as (
    select organization_id, as_of_date, "window", rank, connector, unique_users, uses
    from ranked
    where rank <= 10
)

select * from final
