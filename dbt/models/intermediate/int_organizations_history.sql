{{ snapshot_history('stg_snapshots__organizations', 'organizations') }}
