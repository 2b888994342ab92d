{{ config(materialized='view') }}
-- SPEC §3: a user_actor is the member of the organisation whose email matches (trimmed,
-- case-insensitive) in the latest members snapshot at or before the record's day, else
-- 'email:' || the normalised email. api_actor records have no user.
with records as (
    select * from {{ ref('stg_claude_code__records') }}
),

members as (
    select * from {{ ref('int_members_history') }}
),

final as (
    select
        records.*,
        case
            when records.actor_type = 'user_actor'
                then coalesce(members.user_id, 'email:' || records.actor_email)
        end as user_id
    from records
    left join members
        on records.actor_type = 'user_actor'
        and members.organization_id = records.organization_id
        and members.email_normalized = records.actor_email
        and records.activity_date >= members.valid_from
        and records.activity_date < members.valid_to
)

select * from final
