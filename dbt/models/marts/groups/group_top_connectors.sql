{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- Top 10 connectors per organisation, as-of date, RBAC group in the groups snapshot holding on it
-- and window (1w, 1m, 3m, 1y), over the days each user was in the group: by unique users, then
-- uses, then connector name (marts.top_connectors for a group).
with group_windows as (
    {{ group_windows(['1w', '1m', '3m', '1y']) }}
),

held as (
    select organization_id, date, rbac_group_id, user_id from {{ ref('group_members_daily') }}
),

connector_user_days as (
    select held.rbac_group_id, uses.organization_id, uses.connector, uses.user_id, uses.date, uses.uses
    from {{ ref('fct_connector_uses_daily') }} as uses
    inner join held using (organization_id, user_id, date)
),

connector_days as (
    select organization_id, rbac_group_id, connector, date, sum(uses) as uses
    from connector_user_days
    group by all
),

targets as (
-- connectors used in the window by the group's users, of groups held on the as-of date
    {{ keys_active_in_windows('connector_days', ['organization_id', 'rbac_group_id', 'connector'], 'group_windows',
                              window_keys=['organization_id', 'rbac_group_id']) }}
),

window_uses as (
    {{ window_sums('connector_days', 'targets', ['organization_id', 'rbac_group_id', 'connector'], ['uses']) }}
),

window_users as (
    select organization_id, rbac_group_id, connector, as_of_date, {{ window_column() }}, count(*) as unique_users
    from ({{ keys_active_in_windows('connector_user_days', ['organization_id', 'rbac_group_id', 'connector', 'user_id'],
                                    'group_windows', window_keys=['organization_id', 'rbac_group_id']) }})
    group by all
),

ranked as (
    select
        window_uses.organization_id,
        window_uses.as_of_date,
        window_uses.rbac_group_id,
        window_uses.{{ window_column() }},
        window_uses.connector,
        window_users.unique_users,
        cast(window_uses.uses as bigint) as uses,
        -- BIGINT on every engine (Spark gives row_number() as INT)
        cast(row_number() over (
            partition by
                window_uses.organization_id, window_uses.rbac_group_id, window_uses.as_of_date,
                window_uses.{{ window_column() }}
            order by window_users.unique_users desc, window_uses.uses desc, window_uses.connector asc
        ) as bigint) as rank
    from window_uses
    inner join window_users using (organization_id, rbac_group_id, connector, as_of_date, {{ window_column() }})
    where window_users.unique_users > 0
),

final as (
    select organization_id, as_of_date, rbac_group_id, {{ window_column() }}, rank, connector, unique_users, uses
    from ranked
    where rank <= 10
)

select * from final
