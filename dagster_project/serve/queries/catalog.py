"""What each mart column means, read from dbt's manifest: the dbt YAML is the one place a column is
documented, and the API's response schemas (OpenAPI) take their descriptions from it.

`make manifest` (run by `make serve`, `make run` and `make test`) writes the manifest; a server
started without one still serves, with the columns undocumented in /docs.
"""

from __future__ import annotations

import json
import logging
from functools import cache

from ...settings import DBT_PROJECT_DIR

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
log = logging.getLogger(__name__)


@cache
def _mart_columns() -> dict[tuple[str, str], str]:
    try:
        nodes = json.loads(MANIFEST.read_text())["nodes"]
    except (OSError, ValueError, KeyError):
        log.warning("no dbt manifest at %s (make manifest): the API's columns go undocumented", MANIFEST)
        return {}
    return {
        (node["name"], column): " ".join((meta.get("description") or "").split())
        for node in nodes.values()
        if node.get("resource_type") == "model" and node.get("schema") == "marts"
        for column, meta in node.get("columns", {}).items()
    }


def column_doc(mart: str | None, column: str) -> str:
    """The dbt description of `mart`.`column` ('' when the column is not a documented mart column)."""
    return _mart_columns().get((mart, column), "") if mart else ""
