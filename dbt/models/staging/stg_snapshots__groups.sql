{{ config(partition_by='snapshot_date', replaced='dump_window') }}
with snapshot as (
    {{ snapshot_rows('groups') }}
),

final as (
    select
        snapshot_date,
        {{ json_str('organization_id') }} as organization_id,
        {{ json_str('rbac_group_id') }} as rbac_group_id,
        {{ json_str('name') }} as group_name
    from snapshot
)

select * from final
