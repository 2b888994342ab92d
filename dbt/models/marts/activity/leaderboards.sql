{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- depends_on: {{ ref('int_as_of_dates') }}, {{ ref('int_calendar_days') }}
-- Top 10 users per organisation, as-of date, metric and window (SPEC §3 rankings, §4
-- marts.leaderboards): value descending, ties by user_id, zero values left out.
with user_values as (
    select * from {{ ref('int_user_window_values') }}
),

organizations as (
    select * from {{ ref('int_as_of_organizations') }}
),

members as (
    select * from {{ ref('int_members_history') }}
),

ranked as (
    select
        user_values.*,
        -- BIGINT on every engine (Spark gives row_number() as INT)
        cast(row_number() over (
            partition by organization_id, as_of_date, metric, {{ window_column() }}
            order by value desc, user_id asc
        ) as bigint) as rank
    from user_values
    inner join organizations using (organization_id, as_of_date)
),

final as (
    select
        ranked.organization_id,
        ranked.as_of_date,
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
