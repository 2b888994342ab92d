"""Serving (SPEC §7, §8): the Analytics API and the dashboard, over the published warehouse.

queries/    the query layer: every read of the marts, shared by the API and the dashboard
warehouse   the shared read-only connection, reopened when a run publishes a new file
keys        API keys: random secrets shown once, stored hashed
api/        the JSON endpoints: authentication, roles, pagination, errors, rate limit
dashboard/  the HTML pages
app         the application both are served from (`make serve`)
"""
