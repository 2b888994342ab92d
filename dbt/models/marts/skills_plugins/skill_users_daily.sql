{{ config(materialized='incremental', partition_by='date', replaced='affected_days', drop_outside_calendar=true) }}
-- One row per organisation, day, skill, product and user who used the skill: invocations,
-- conversations and sessions, with the display name and share status of the day's latest use.
-- Per-user rows, so that distinct users over any range, group or product are exact (the API's
-- skills, the All activity page's top skills).
with organization_days as (
    select organization_id, date from {{ ref('int_organization_days') }}
    {{ where_affected('date') }}
),

skill_uses as (
    select * from {{ ref('fct_skill_uses_daily') }}
    {{ where_affected('date') }}
),

final as (
    select
        skill_uses.organization_id,
        skill_uses.date,
        skill_uses.skill_name,
        skill_uses.product,
        skill_uses.user_id,
        skill_uses.skill_display_name,
        skill_uses.share_status,
        skill_uses.last_used_at,
        skill_uses.invocations,
        skill_uses.conversations,
        skill_uses.sessions
    from skill_uses
    inner join organization_days using (organization_id, date)
)

select * from final
