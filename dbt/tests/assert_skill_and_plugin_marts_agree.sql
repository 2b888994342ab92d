-- a check of marts.plugin_users_daily in Dagster (a singular test with several refs needs to be told which)
{{ config(meta={'dagster': {'ref': {'name': 'plugin_users_daily'}}}) }}
-- The skills and plugins marts agree with each other and with who was active: a plugin has one name
-- per organisation and day across its uses and installs, and every user of a skill or plugin on a
-- day is active that day (an event is activity, SPEC §3), so is counted in activity_daily's DAU.
with plugin_day_names as (
    select organization_id, date, plugin_id, plugin_name from {{ ref('plugin_users_daily') }}
    union
    select organization_id, date, plugin_id, plugin_name from {{ ref('plugin_installs_daily') }}
),

renamed_within_a_day as (
    select 'plugin name' as failed_check, organization_id, date
    from plugin_day_names
    group by organization_id, date, plugin_id
    having count(*) > 1
),

users_per_day as (
    select organization_id, date, count(distinct user_id) as users
    from (
        select organization_id, date, user_id from {{ ref('skill_users_daily') }}
        union all
        select organization_id, date, user_id from {{ ref('skill_enables_daily') }}
        union all
        select organization_id, date, user_id from {{ ref('plugin_users_daily') }}
        union all
        select organization_id, date, user_id from {{ ref('plugin_installs_daily') }}
    ) as user_days
    group by organization_id, date
),

more_users_than_dau as (
    select 'users above dau' as failed_check, users_per_day.organization_id, users_per_day.date
    from users_per_day
    inner join {{ ref('activity_daily') }} as activity using (organization_id, date)
    where users_per_day.users > activity.dau
)

select * from renamed_within_a_day
union all
select * from more_users_than_dau
