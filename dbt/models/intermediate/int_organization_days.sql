-- One row per organisation and day for organisations in the organizations snapshot holding on
-- the day, with that day's seats, members and pending invites: the grid every daily and
-- as-of mart is built on (SPEC §3, §4).
with calendar as (
    select * from {{ ref('int_calendar_days') }}
),

organizations as (
    select * from {{ ref('int_organizations_history') }}
),

members_by_snapshot as (
    select organization_id, valid_from, valid_to, count(*) filter (where status = 'active') as active_members
    from {{ ref('int_members_history') }}
    group by all
),

invites as (
    select * from {{ ref('int_invites_history') }}
    where status = 'pending'
),

organization_days as (
    select
        organizations.organization_id,
        calendar.date,
        organizations.organization_name,
        organizations.plan,
        organizations.billing,
        organizations.extra_usage_enabled,
        organizations.seat_count,
        -- SPEC §3: spend reports are hidden for seat-based enterprise without extra usage
        (
            organizations.plan = 'enterprise'
            and organizations.billing = 'seat_based'
            and not organizations.extra_usage_enabled
        ) as spend_reports_hidden
    from calendar
    inner join organizations
        on calendar.date >= organizations.valid_from and calendar.date < organizations.valid_to
),

active_members as (
    select organization_days.organization_id, organization_days.date, members_by_snapshot.active_members
    from organization_days
    inner join members_by_snapshot
        on organization_days.organization_id = members_by_snapshot.organization_id
        and organization_days.date >= members_by_snapshot.valid_from
        and organization_days.date < members_by_snapshot.valid_to
),

pending_invites as (
    -- pending, and not expired before the start (00:00 UTC) of the next day
    select organization_days.organization_id, organization_days.date, count(*) as pending_invites
    from organization_days
    inner join invites
        on organization_days.organization_id = invites.organization_id
        and organization_days.date >= invites.valid_from
        and organization_days.date < invites.valid_to
    where invites.expires_at_utc is null
        or invites.expires_at_utc >= cast(organization_days.date + interval 1 day as timestamp)
    group by all
),

final as (
    select
        organization_days.*,
        coalesce(active_members.active_members, 0) as active_members,
        coalesce(pending_invites.pending_invites, 0) as pending_invites
    from organization_days
    left join active_members using (organization_id, date)
    left join pending_invites using (organization_id, date)
)

select * from final
