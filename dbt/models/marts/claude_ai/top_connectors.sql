{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
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

targets as (
-- connectors used in the window, of organisations present on the as-of date
    {{ keys_active_in_windows('connector_days', ['organization_id', 'connector'], 'windows',
                              organizations='organizations') }}
),

window_uses as (
    {{ window_sums('connector_days', 'targets', ['organization_id', 'connector'], ['uses']) }}
),

window_users as (
    select organization_id, connector, as_of_date, {{ window_column() }}, count(*) as unique_users
    from ({{ keys_active_in_windows('connector_user_days', ['organization_id', 'connector', 'user_id'], 'windows') }})
    group by all
),

ranked as (
    select
        window_uses.organization_id,
        window_uses.as_of_date,
        window_uses.{{ window_column() }},
        window_uses.connector,
        window_users.unique_users,
        cast(window_uses.uses as bigint) as uses,
        -- BIGINT on every engine (Spark gives row_number() as INT)
        cast(row_number() over (
            partition by window_uses.organization_id, window_uses.as_of_date, window_uses.{{ window_column() }}
            order by window_users.unique_users desc, window_uses.uses desc, window_uses.connector asc
        ) as bigint) as rank
    from window_uses
    inner join window_users using (organization_id, connector, as_of_date, {{ window_column() }})
    where window_users.unique_users > 0
),

final as (
    select organization_id, as_of_date, {{ window_column() }}, rank, connector, unique_users, uses
    from ranked
    where rank <= 10
)

select * from final
