"""The server's shared plumbing, below the API and the dashboard: its settings, the published
warehouse's connection, the key store and sessions, cursors, the rate limit, the sign-in throttle
and who may see spend. Nothing here knows an endpoint or a page."""
