{{ config(materialized='incremental', partition_by='date', replaced='affected_days', lookahead=29, drop_outside_calendar=true) }}
-- One row per organisation and day: usage (SPEC §4 marts.activity_daily). A user active on day a
-- counts in WAU of a .. a+6 and in MAU of a .. a+29, hence the lookahead of an incremental run.
with organization_days as (
    select * from {{ ref('int_organization_days') }}
    {{ where_affected('date', lookahead=29) }}
),

active_user_days as (
    select organization_id, user_id, date
    from {{ ref('fct_user_activity_daily') }}
    where is_active
    {% if is_incremental() %}and date in ({{ affected_days(lookahead=29, lookbehind=29) }}){% endif %}
),

daily_active as (
    select organization_id, date, count(distinct user_id) as dau
    from active_user_days
    group by all
),

rolling_active as (
    -- distinct users active in the 7 and the 30 days ending on each day
    select
        active_user_days.organization_id,
        organization_days.date,
        count(distinct active_user_days.user_id)
        filter (where active_user_days.date >= {{ window_start('1w', 'organization_days.date') }}) as wau,
        count(distinct active_user_days.user_id) as mau
    from organization_days
    inner join active_user_days
        on organization_days.organization_id = active_user_days.organization_id
        and active_user_days.date between {{ window_start('1m', 'organization_days.date') }} and organization_days.date
    group by all
),

final as (
    select
        organization_days.organization_id,
        organization_days.date,
        coalesce(daily_active.dau, 0) as dau,
        coalesce(rolling_active.wau, 0) as wau,
        coalesce(rolling_active.mau, 0) as mau,
        organization_days.seat_count as total_seats,
        {{ ratio('coalesce(rolling_active.wau, 0)', 'organization_days.seat_count') }} as utilization,
        organization_days.active_members,
        organization_days.pending_invites
    from organization_days
    left join daily_active using (organization_id, date)
    left join rolling_active using (organization_id, date)
)

select * from final
