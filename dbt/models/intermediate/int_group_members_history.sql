{{ snapshot_history('stg_snapshots__group_members', 'group_members') }}
