-- The as-of dates this run writes: every calendar day from the earliest day its deliveries
-- touch (int_affected_days: new dump dates, and the days of late or withdrawn records). A late
-- record changes the windows of every as-of date from its day on, so those dates are recomputed
-- and the as-of marts stay what a build from scratch would give (SPEC §2.5). A full build: every
-- day of the calendar. A nightly run: the new day and the few days its late records reach back to.
with calendar as (
    select * from {{ ref('int_calendar_days') }}
),

earliest_affected as (
    select min(date) as first_date from {{ ref('int_affected_days') }}
),

final as (
    select calendar.date as as_of_date
    from calendar, earliest_affected
    where calendar.date >= earliest_affected.first_date
)

select * from final
