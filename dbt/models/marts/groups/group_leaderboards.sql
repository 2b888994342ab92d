{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- depends_on: {{ ref('int_as_of_dates') }}, {{ ref('int_calendar_days') }}
-- Top 10 users per organisation, as-of date, RBAC group in the groups snapshot holding on it,
-- metric and window, over the days each user was in the group (marts.leaderboards for a group).
with user_values as (
    select * from {{ ref('int_group_user_window_values') }}
),

group_dates as (
    select organization_id, date as as_of_date, rbac_group_id
    from {{ ref('groups_daily') }}
    where date in (select as_of_date from {{ ref('int_as_of_dates') }})
),

members as (
    select * from {{ ref('int_members_history') }}
),

ranked as (
    select
        user_values.*,
        -- BIGINT on every engine (Spark gives row_number() as INT)
        cast(row_number() over (
            partition by organization_id, rbac_group_id, as_of_date, metric, {{ window_column() }}
            order by value desc, user_id asc
        ) as bigint) as rank
    from user_values
    inner join group_dates using (organization_id, as_of_date, rbac_group_id)
),

final as (
    select
        ranked.organization_id,
        ranked.as_of_date,
        ranked.rbac_group_id,
        ranked.metric,
        ranked.{{ window_column() }},
        ranked.rank,
        ranked.user_id,
        members.email,
        members.full_name,
        ranked.value
    from ranked
    left join members
        on ranked.organization_id = members.organization_id
        and ranked.user_id = members.user_id
        and ranked.as_of_date >= members.valid_from
        and ranked.as_of_date < members.valid_to
    where ranked.rank <= 10
)

select * from final
