"""Notifications (SPEC §9): the product tells people, once per event and target.

    events.py     what happened, as plain events (kind, key, text): built from the published
                  warehouse (stale, spend alerts, budgets) or handed in by the Dagster side
                  (failed and recovered runs, quality warnings: dagster_project/run_events.py)
    audience.py   who gets an event: the operators' targets, or an organisation's recipients
                  allowed to see its spend
    store.py      recipients, budgets and the delivery ledger, in one SQLite file beside the key store
    channels.py   a webhook (Slack/Teams-shaped JSON) and email over SMTP
    delivery.py   enqueue (exactly once per event and target), withdraw, deliver with retries

Nothing here imports Dagster or the server: the run, the daemon and `make notify` call `notify_once`.
"""
