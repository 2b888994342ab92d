{{ config(partition_by='usage_date', replaced='record_days', raw_table='usage') }}

with deliveries as (
    {{ latest_delivery('usage') }}
),

final as (
    select
        record_key as usage_id,
        {{ json_utc('occurred_at') }} as occurred_at_utc,
        record_day as usage_date,
        {{ json_str('organization_id') }} as organization_id,
        {{ json_str('user_id') }} as user_id,
        {{ json_str('product') }} as product,
        {{ json_str('model') }} as model,
        {{ json_int('input_tokens') }} as input_tokens,
        {{ json_int('output_tokens') }} as output_tokens,
        {{ json_int('cache_read_input_tokens') }} as cache_read_input_tokens,
        {{ json_int('cache_creation_input_tokens') }} as cache_creation_input_tokens,
        -- money is exact from raw to export (SPEC §2.2)
        cast({{ json_str('cost_usd') }} as decimal(18, 6)) as cost_usd,
        dump_date,
        file as source_file,
        line_number as source_line
    from deliveries
)

select * from final
