-- The as-of dates this run writes: the dump dates of its partition window, within the
-- calendar (a full build: every day of the calendar).
with calendar as (
    select * from {{ ref('int_calendar_days') }}
),

final as (
    select date as as_of_date
    from calendar
    where {{ in_dump_window('date') }}
)

select * from final
