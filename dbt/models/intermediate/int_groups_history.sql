{{ snapshot_history('stg_snapshots__groups', 'groups') }}
