{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day and RBAC group in the groups snapshot holding on the day (SPEC §4
-- marts.groups_daily): its name, the users it lists, and those of them who are active members.
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

groups as (
    select * from {{ ref('int_groups_history') }}
),

member_days as (
    select * from {{ ref('group_members_daily') }}
    {{ where_affected('date') }}
),

members as (
    select * from {{ ref('int_members_history') }}
),

group_days as (
    select organization_days.organization_id, organization_days.date, groups.rbac_group_id, groups.group_name
    from organization_days
    inner join groups
        on organization_days.organization_id = groups.organization_id
        and organization_days.date >= groups.valid_from
        and organization_days.date < groups.valid_to
),

listed as (
    select
        member_days.organization_id,
        member_days.date,
        member_days.rbac_group_id,
        count(*) as members,
        -- seats: the listed users with status active in the members snapshot holding on the day
        count(*) filter (where members.status = 'active') as seats
    from member_days
    left join members
        on member_days.organization_id = members.organization_id
        and member_days.user_id = members.user_id
        and member_days.date >= members.valid_from
        and member_days.date < members.valid_to
    group by all
),

final as (
    select
        group_days.organization_id,
        group_days.date,
        group_days.rbac_group_id,
        group_days.group_name as name,
        coalesce(listed.members, 0) as members,
        coalesce(listed.seats, 0) as seats
    from group_days
    left join listed using (organization_id, date, rbac_group_id)
)

select * from final
