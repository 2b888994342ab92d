{{ snapshot_history('stg_snapshots__members', 'members') }}
