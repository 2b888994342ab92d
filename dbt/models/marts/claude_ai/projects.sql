-- One row per organisation and project created in the dumps: its name (where the dump has one),
-- when and by whom it was created, with the creator's email on that day.
with creations as (
    select * from {{ ref('stg_events__events') }}
    where event_type = 'project.created'
),

members as (
    select * from {{ ref('int_members_history') }}
),

-- organisations the warehouse holds (on any day)
organizations as (
    select distinct organization_id from {{ ref('int_organization_days') }}
),

-- the first creation event of a project is its creation
firsts as (
    select
        organization_id,
        project_id,
        min(occurred_at_utc) as created_at,
        min_by(user_id, occurred_at_utc) as created_by,
        min_by(project_name, occurred_at_utc) as project_name
    from creations
    group by organization_id, project_id
),

final as (
    select
        firsts.organization_id,
        firsts.project_id,
        firsts.project_name,
        firsts.created_at,
        firsts.created_by,
        members.email as created_by_email
    from firsts
    inner join organizations on firsts.organization_id = organizations.organization_id
    left join members
        on firsts.organization_id = members.organization_id
        and firsts.created_by = members.user_id
        and cast(firsts.created_at as date) >= members.valid_from
        and cast(firsts.created_at as date) < members.valid_to
)

select * from final
