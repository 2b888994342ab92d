{{ config(partition_by='snapshot_date', replaced='dump_window') }}
with snapshot as (
    {{ snapshot_rows('organizations') }}
),

final as (
    select
        snapshot_date,
        {{ json_str('organization_id') }} as organization_id,
        {{ json_str('name') }} as organization_name,
        {{ json_str('plan') }} as plan,
        {{ json_str('billing') }} as billing,
        cast({{ json_str('extra_usage_enabled') }} as boolean) as extra_usage_enabled,
        {{ json_int('seat_count') }} as seat_count,
        {{ json_utc('created_at') }} as created_at_utc
    from snapshot
)

select * from final
