-- The floor: the work no pipeline can skip. Read every raw events and usage file and keep one
-- row per id, the latest delivery winning. Run by bench/run_bench.py with the raw directory
-- substituted for {raw}.
create or replace table floor_events as
select * from read_json('{raw}/events/*/*.jsonl*', format = 'newline_delimited', filename = true,
                        columns = {event_id: 'VARCHAR', event_type: 'VARCHAR', occurred_at: 'VARCHAR',
                                   organization_id: 'VARCHAR', user_id: 'VARCHAR', properties: 'JSON'},
                        ignore_errors = true)
qualify row_number() over (partition by event_id order by filename desc) = 1;

create or replace table floor_usage as
select * from read_json('{raw}/usage/*/*.jsonl*', format = 'newline_delimited', filename = true,
                        columns = {usage_id: 'VARCHAR', occurred_at: 'VARCHAR', organization_id: 'VARCHAR',
                                   user_id: 'VARCHAR', product: 'VARCHAR', model: 'VARCHAR',
                                   input_tokens: 'BIGINT', output_tokens: 'BIGINT', cost_usd: 'VARCHAR'},
                        ignore_errors = true)
qualify row_number() over (partition by usage_id order by filename desc) = 1;
