{{ snapshot_history('stg_snapshots__invites', 'invites') }}
