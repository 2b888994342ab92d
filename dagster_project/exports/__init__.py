"""Exports (SPEC §5) and the published warehouse (SPEC §6)."""
