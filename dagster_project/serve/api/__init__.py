"""The Analytics API (SPEC §7): `GET /v1/organizations/analytics/<name>` endpoints."""
