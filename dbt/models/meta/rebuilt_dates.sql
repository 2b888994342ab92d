-- The dates this run rebuilt in the marts: the exports rewrite the files of exactly these dates
-- (and remove those of dates the calendar no longer holds).
with as_of_dates as (
    select * from {{ ref('int_as_of_dates') }}
),

final as (
    select as_of_date as date from as_of_dates
)

select * from final
