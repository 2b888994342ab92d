{{ config(materialized='incremental', pre_hook="{{ delete_affected_days('date', lookahead=6, calendar_only=true) }}") }}
-- One row per organisation and day: usage (SPEC §4 marts.activity_daily).
with organization_days as (
    select * from {{ ref('int_organization_days') }}
    {{ where_affected('date', lookahead=6) }}
),

active_user_days as (
    select organization_id, user_id, date
    from {{ ref('fct_user_activity_daily') }}
    {{ where_affected('date', lookahead=6, lookbehind=6) }}
    {{ 'and' if is_incremental() else 'where' }} is_active
),

daily_active as (
    select organization_id, date, count(distinct user_id) as dau
    from active_user_days
    group by all
),

weekly_active as (
    -- a user active on day a counts towards WAU of days a .. a + 6
    select active_user_days.organization_id, organization_days.date, count(distinct active_user_days.user_id) as wau
    from organization_days
    inner join active_user_days
        on active_user_days.organization_id = organization_days.organization_id
        and active_user_days.date between organization_days.date - interval 6 day and organization_days.date
    group by all
),

final as (
    select
        organization_days.organization_id,
        organization_days.date,
        coalesce(daily_active.dau, 0) as dau,
        coalesce(weekly_active.wau, 0) as wau,
        organization_days.seat_count as total_seats,
        {{ ratio('coalesce(weekly_active.wau, 0)', 'organization_days.seat_count') }} as utilization,
        organization_days.active_members,
        organization_days.pending_invites
    from organization_days
    left join daily_active using (organization_id, date)
    left join weekly_active using (organization_id, date)
)

select * from final
