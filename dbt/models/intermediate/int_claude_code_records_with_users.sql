{{ config(materialized='view') }}
-- SPEC §3: a user_actor is the member of the organisation whose email matches (trimmed,
-- case-insensitive) in the latest members snapshot at or before the record's day, the smallest
-- user_id when several members share the email, else 'email:' || the normalised email.
-- api_actor records have no user.
with records as (
    select * from {{ ref('stg_claude_code__records') }}
),

members as (
    select * from {{ ref('int_members_history') }}
),

member_emails as (
    -- one user per organisation, email and snapshot range: two members sharing an email (in
    -- another letter case) must not duplicate the record
    select organization_id, email_normalized, valid_from, valid_to, min(user_id) as user_id
    from members
    group by all
),

final as (
    select
        records.*,
        case
            when records.actor_type = 'user_actor'
                then coalesce(member_emails.user_id, 'email:' || records.actor_email)
        end as user_id
    from records
    left join member_emails
        on records.actor_type = 'user_actor'
        and records.organization_id = member_emails.organization_id
        and records.actor_email = member_emails.email_normalized
        and records.activity_date >= member_emails.valid_from
        and records.activity_date < member_emails.valid_to
)

select * from final
