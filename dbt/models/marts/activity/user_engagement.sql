{{ config(materialized='incremental', partition_by='as_of_date', replaced='as_of_dates', drop_outside_calendar=true) }}
-- depends_on: {{ ref('int_calendar_days') }}
-- One row per organisation, as-of date and user: every active member on the date and every
-- identity active in the year up to it, with first and last active days, active days of the
-- last 30 and the engagement tier (SPEC §4 marts.user_engagement).
with organizations as (
    select * from {{ ref('int_as_of_organizations') }}
),

active_days as (
    -- SPEC §3 active: an accepted event, or a Claude Code user record with a session
    select organization_id, user_id, date, 1 as active_days
    from {{ ref('fct_user_activity_daily') }}
    where is_active
),

latest_active as (
    {{ latest_on_or_before('active_days', ref('int_as_of_dates'), ['organization_id', 'user_id']) }}
),

members_on_date as (
    select members.*, as_of_dates.as_of_date
    from {{ ref('int_members_history') }} as members
    inner join {{ ref('int_as_of_dates') }} as as_of_dates
        on members.valid_from <= as_of_dates.as_of_date and members.valid_to > as_of_dates.as_of_date
),

population as (
    select organization_id, as_of_date, user_id from members_on_date
    where status = 'active'
    union
    select organization_id, as_of_date, user_id from latest_active
    where last_date >= {{ window_start('1y', 'as_of_date') }}
),

targets as (
    select population.*, {{ window_start('1m', 'population.as_of_date') }} as window_start
    from population
    inner join organizations using (organization_id, as_of_date)
),

last_30_days as (
    {{ window_sums('active_days', 'targets', ['organization_id', 'user_id'], ['active_days']) }}
),

final as (
    select
        last_30_days.organization_id,
        last_30_days.as_of_date,
        last_30_days.user_id,
        members_on_date.email,
        members_on_date.full_name,
        latest_active.first_date as first_active_date,
        latest_active.last_date as last_active_date,
        cast(last_30_days.active_days as bigint) as active_days_30,
        -- SPEC §4 tiers by active days of the last 30
        case
            when last_30_days.active_days >= 15 then 'power'
            when last_30_days.active_days >= 5 then 'regular'
            when last_30_days.active_days >= 1 then 'light'
            else 'dormant'
        end as tier
    from last_30_days
    left join latest_active using (organization_id, as_of_date, user_id)
    left join members_on_date using (organization_id, as_of_date, user_id)
)

select * from final
