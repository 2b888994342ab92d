"""SPEC §5: the only names from the data that may name a folder or a key's organisation: letters,
digits, `_`, `-`, `.`, not starting with `.` (never `..`, `/tmp/x` or an empty name). Ingest
rejects records whose organisation id is not one (as SQL), the exports refuse to make such a
folder, and `make api-key` refuses such an id."""

import re

SAFE_NAME_PATTERN = r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$"
SAFE_NAME = re.compile(SAFE_NAME_PATTERN)


def is_safe_name(name: str) -> bool:
    return bool(SAFE_NAME.match(name))
