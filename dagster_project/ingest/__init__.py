"""Raw dumps -> the `raw` schema of the working warehouse (SPEC §2)."""
