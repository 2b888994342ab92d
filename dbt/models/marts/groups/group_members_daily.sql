{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day, RBAC group and user the group lists that day (SPEC §3 Groups:
-- the group_members snapshot holding on the day lists the user in a group of the groups snapshot
-- holding on it), for organisations present that day: what attributes a user's day to groups.
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

groups as (
    select * from {{ ref('int_groups_history') }}
),

memberships as (
    select * from {{ ref('int_group_members_history') }}
),

final as (
    select distinct
        organization_days.organization_id,
        organization_days.date,
        memberships.rbac_group_id,
        memberships.user_id
    from organization_days
    inner join memberships
        on organization_days.organization_id = memberships.organization_id
        and organization_days.date >= memberships.valid_from
        and organization_days.date < memberships.valid_to
    -- a membership of a group the day's groups snapshot does not hold is ignored (SPEC §2.4)
    inner join groups
        on memberships.organization_id = groups.organization_id
        and memberships.rbac_group_id = groups.rbac_group_id
        and organization_days.date >= groups.valid_from
        and organization_days.date < groups.valid_to
)

select * from final
