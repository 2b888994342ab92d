{{ config(materialized='incremental', partition_by='date', replaced='affected_days', lookahead=29, drop_outside_calendar=true) }}
-- One row per organisation, day, RBAC group and user in the group's MAU that day: a user active
-- (SPEC §3) on a day of the 30 ending on it on which they were in the group (SPEC §3 Groups), with
-- whether they count in its DAU, WAU and Claude Code DAU. A count of distinct users over several
-- groups is the users of any of them (a user counted once). A user active on day a is in the
-- rows of a .. a+29, hence the lookahead of an incremental run.
with group_days as (
    select organization_id, date, rbac_group_id from {{ ref('groups_daily') }}
    {{ where_affected('date', lookahead=29) }}
),

member_days as (
    select * from {{ ref('group_members_daily') }}
    {% if is_incremental() %}where date in ({{ affected_days(lookahead=29, lookbehind=29) }}){% endif %}
),

user_days as (
    select * from {{ ref('fct_user_activity_daily') }}
    {% if is_incremental() %}where date in ({{ affected_days(lookahead=29, lookbehind=29) }}){% endif %}
),

active_days as (
    -- the days each user was active while in the group
    select
        member_days.organization_id,
        member_days.rbac_group_id,
        member_days.user_id,
        member_days.date,
        user_days.claude_code_sessions > 0 as on_claude_code
    from member_days
    inner join user_days using (organization_id, user_id, date)
    where user_days.is_active
),

final as (
    select
        group_days.organization_id,
        group_days.date,
        group_days.rbac_group_id,
        active_days.user_id,
        bool_or(active_days.date = group_days.date) as counts_in_dau,
        bool_or(active_days.date >= {{ window_start('1w', 'group_days.date') }}) as counts_in_wau,
        bool_or(active_days.date = group_days.date and active_days.on_claude_code) as counts_in_claude_code_dau
    from group_days
    inner join active_days
        on group_days.organization_id = active_days.organization_id
        and group_days.rbac_group_id = active_days.rbac_group_id
        and active_days.date between {{ window_start('1m', 'group_days.date') }} and group_days.date
    group by group_days.organization_id, group_days.date, group_days.rbac_group_id, active_days.user_id
)

select * from final
