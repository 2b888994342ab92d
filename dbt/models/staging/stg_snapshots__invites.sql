{{ config(partition_by='snapshot_date', replaced='dump_window') }}
with snapshot as (
    {{ snapshot_rows('invites') }}
),

final as (
    select
        snapshot_date,
        {{ json_str('invite_id') }} as invite_id,
        {{ json_str('organization_id') }} as organization_id,
        {{ json_str('email') }} as email,
        {{ json_str('role') }} as role,
        {{ json_str('status') }} as status,
        {{ json_utc('created_at') }} as created_at_utc,
        {{ json_utc('expires_at') }} as expires_at_utc
    from snapshot
)

select * from final
