"""The query layer: every read of the published marts, written once.

Each listing names its mart, its columns (with their JSON type and meaning, from which the API's
response schemas are built) and a unique order, and is read one page at a time by keyset: the
API pages through it with cursors, the dashboard reads it whole. No SQL lives anywhere else in
the serving code.
"""

from .common import Col, Listing, Page, fetch_all, fetch_page  # noqa: F401
