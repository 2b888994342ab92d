-- Every day from the first dump date to the latest (SPEC §3: the days daily marts cover).
with dump_dates as (
    select min(dump_date) as first_day, max(dump_date) as last_day
    from {{ ref('stg_ingest__ingested_files') }}
),

final as (
    {{ days_between('first_day', 'last_day', 'dump_dates') }}
)

select * from final
