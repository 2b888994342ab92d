-- Every file ingest read, per source, raw table and dump date (empty files included): which dump
-- dates each snapshot table and source was delivered on. A view: it is read once per run.
{{ config(materialized='view') }}

select
    source,
    raw_table,
    dump_date,
    file
from {{ source('raw', 'ingested_files') }}
