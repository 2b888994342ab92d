{#
  Day-ranged history of a snapshot table: each snapshot holds from its date until the next
  snapshot of that table (SPEC §2.4: a day without a snapshot keeps the latest earlier one).
  valid_to is exclusive. Snapshot dates come from the ingest log (stg_ingest__ingested_files), so
  an empty file is still a snapshot (of nothing).
#}
{% macro snapshot_history(staging_model, raw_table) %}
with snapshot_dates as (
    select distinct dump_date as snapshot_date
    from {{ ref('stg_ingest__ingested_files') }}
    where raw_table = '{{ raw_table }}'
),

ranges as (
    select
        snapshot_date,
        snapshot_date as valid_from,
        coalesce(lead(snapshot_date) over (order by snapshot_date), '9999-12-31'::date) as valid_to
    from snapshot_dates
),

rows as (
    select * from {{ ref(staging_model) }}
),

final as (
    select ranges.valid_from, ranges.valid_to, rows.*
    from rows
    inner join ranges on rows.snapshot_date = ranges.snapshot_date
)

select * from final
{% endmacro %}
