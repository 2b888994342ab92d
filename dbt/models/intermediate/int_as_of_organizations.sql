-- The organisations every as-of mart covers: those in the organizations snapshot holding on
-- each of this run's as-of dates (SPEC §4), with that day's active members.
with organization_days as (
    select * from {{ ref('int_organization_days') }}
),

final as (
    select organization_id, date as as_of_date, active_members
    from organization_days
    where date in (select as_of_date from {{ ref('int_as_of_dates') }})
)

select * from final
