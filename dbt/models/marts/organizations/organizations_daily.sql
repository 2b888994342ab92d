-- One row per organisation and day it is present in the organizations snapshot holding on the
-- day: what every mart covers, and what the exports and the API need to know of it (its plan,
-- and whether its spend reports are hidden, SPEC §3).
with organization_days as (
    select * from {{ ref('int_organization_days') }}
),

final as (
    select
        organization_id,
        date,
        organization_name,
        plan,
        billing,
        extra_usage_enabled,
        seat_count,
        spend_reports_hidden
    from organization_days
)

select * from final
