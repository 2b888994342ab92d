{{ config(partition_by='activity_date', replaced='record_days', raw_table='claude_code') }}

{% set tools = ['edit_tool', 'multi_edit_tool', 'write_tool', 'notebook_edit_tool'] %}

with deliveries as (
    {{ latest_delivery('claude_code') }}
),

model_costs as (
    -- estimated_cost.amount is in US cents (SPEC §2.3)
    select
        record_key,
        -- times 0.01, not / 100: a DECIMAL divided stays exact only as a multiplication
        sum(cast(cost as decimal(38, 6))) * 0.01 as estimated_cost_usd
    from (
        select record_key, {{ json_unnest_str('model_breakdown', 'estimated_cost.amount') }} as cost
        from deliveries
    ) as model_breakdown
    group by record_key
),

final as (
    select
        deliveries.record_key as claude_code_record_key,
        deliveries.record_day as activity_date,
        {{ json_str('organization_id') }} as organization_id,
        {{ json_str('actor.type') }} as actor_type,
        lower(trim({{ json_str('actor.email_address') }})) as actor_email,
        {{ json_str('actor.api_key_name') }} as api_key_name,
        {{ json_str('customer_type') }} as customer_type,
        {{ json_str('terminal_type') }} as terminal_type,
        {{ json_int('core_metrics.num_sessions') }} as num_sessions,
        {{ json_int('core_metrics.lines_of_code.added') }} as lines_added,
        {{ json_int('core_metrics.lines_of_code.removed') }} as lines_removed,
        {{ json_int('core_metrics.commits_by_claude_code') }} as commits,
        {{ json_int('core_metrics.pull_requests_by_claude_code') }} as pull_requests,
        -- four 64-bit counts may not fit 64 bits together
        {% for tool in tools %}
            cast({{ json_int('tool_actions.' ~ tool ~ '.accepted') }} as {{ type_wide_integer() }}){{ ' + ' if not loop.last }}
        {% endfor %}
            as tool_accepted,
        {% for tool in tools %}
            cast({{ json_int('tool_actions.' ~ tool ~ '.rejected') }} as {{ type_wide_integer() }}){{ ' + ' if not loop.last }}
        {% endfor %}
            as tool_rejected,
        cast(coalesce(model_costs.estimated_cost_usd, 0) as {{ type_money() }}) as estimated_cost_usd,
        deliveries.dump_date,
        deliveries.file as source_file,
        deliveries.line_number as source_line
    from deliveries
    left join model_costs on deliveries.record_key = model_costs.record_key
)

select * from final
