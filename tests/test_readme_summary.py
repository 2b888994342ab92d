"""The README's example summary is what `make run` prints on raw_fixtures/: each figure checked
against the warehouse the whole job built from the same fixtures (and the dbt project it ran)."""

from __future__ import annotations

import json
import re

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from tests.conftest import FIXTURES, Warehouse
from tests.reference import Raw

SOURCES = {"events": ["events"], "usage": ["usage"], "claude_code": ["claude_code"],
           "snapshots": ["organizations", "members", "invites", "groups", "group_members"]}  # fmt: skip


def readme_summary() -> str:
    text = (PROJECT_ROOT / "README.md").read_text()
    start = text.index("== run succeeded")
    return text[start : text.index("```", start)]


def number(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_readme_summary_is_a_run_on_the_fixtures(fixture_warehouse: Warehouse):
    summary = readme_summary()
    raw = Raw(FIXTURES)
    dates = sorted(raw.dump_dates)
    assert f"dump dates {dates[0]} .. {dates[-1]} ({len(dates)} days)" in summary

    for source, tables in SOURCES.items():
        line = re.search(rf"^\s+{source}\s+([\d,]+) lines\s+([\d,]+) accepted\s+([\d,]+) rejected$", summary, re.M)
        assert line, source
        lines, accepted, rejected = (number(g) for g in line.groups())
        held = sum(fixture_warehouse.query(f"select count(*) from raw.{t}", published=False)[0][0] for t in tables)
        refused = fixture_warehouse.query(
            "select count(*) from raw.rejected_records where source = ?", [source], published=False
        )[0][0]
        assert (accepted, rejected, lines) == (held, refused, held + refused), source

    ignored = fixture_warehouse.query("select count(*) from raw.ignored_files", published=False)[0][0]
    assert f"ignored files: {ignored} (see raw.ignored_files)" in summary

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    models = sum(n["resource_type"] == "model" for n in manifest["nodes"].values())
    data_tests = sum(
        n["resource_type"] == "test" and n.get("test_metadata", {}).get("name") != "unit" for n in manifest["nodes"].values()
    )
    assert f"dbt: {models} models built; tests {data_tests} passed, 0 warned, 0 failed" in summary

    snapshots = sum(1 for _ in (fixture_warehouse.exports / "snapshots").rglob("*.parquet"))
    assert f"Parquet snapshots: {snapshots:,} files" in summary
    spend = sorted((fixture_warehouse.exports / "spend").rglob("user_spend.csv"))
    assert f"spend CSVs: {len(spend):,} files" in summary
    code = sorted((fixture_warehouse.exports / "claude_code").rglob("claude_code_users.csv"))
    assert f"Claude Code CSVs: {len(code):,} files" in summary
