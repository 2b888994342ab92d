{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day, skill and user who enabled the skill that day (the API's
-- skills: enable_count).
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

skill_enables as (
    select * from {{ ref('fct_skill_enables_daily') }}
    {{ where_affected('date') }}
),

final as (
    select skill_enables.organization_id, skill_enables.date, skill_enables.skill_name, skill_enables.user_id
    from skill_enables
    inner join organization_days using (organization_id, date)
)

select * from final
