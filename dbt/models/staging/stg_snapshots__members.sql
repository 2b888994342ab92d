{{ config(partition_by='snapshot_date', replaced='dump_window') }}
with snapshot as (
    {{ snapshot_rows('members') }}
),

final as (
    select
        snapshot_date,
        {{ json_str('organization_id') }} as organization_id,
        {{ json_str('user_id') }} as user_id,
        {{ json_str('email') }} as email,
        -- the form claude_code actor emails are matched on (SPEC §3)
        lower(trim({{ json_str('email') }})) as email_normalized,
        {{ json_str('full_name') }} as full_name,
        {{ json_str('role') }} as role,
        {{ json_str('status') }} as status,
        {{ json_utc('joined_at') }} as joined_at_utc
    from snapshot
)

select * from final
