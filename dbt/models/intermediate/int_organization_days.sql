-- One row per organisation and day for organisations in the organizations snapshot holding on
-- the day: the grid every daily and as-of mart is built on (SPEC §3, §4).
with calendar as (
    select * from {{ ref('int_calendar_days') }}
),

organizations as (
    select * from {{ ref('int_organizations_history') }}
),

final as (
    select
        organizations.organization_id,
        calendar.date,
        organizations.organization_name,
        organizations.plan,
        organizations.billing,
        organizations.extra_usage_enabled,
        organizations.seat_count,
        -- SPEC §3: spend reports are hidden for seat-based enterprise without extra usage
        (organizations.plan = 'enterprise'
            and organizations.billing = 'seat_based'
            and not organizations.extra_usage_enabled) as spend_reports_hidden
    from calendar
    inner join organizations
        on calendar.date >= organizations.valid_from and calendar.date < organizations.valid_to
)

select * from final
