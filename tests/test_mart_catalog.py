"""The marts' one registry (core/mart_catalog.py): every mart's grain and date column, from its
dbt YAML."""

from __future__ import annotations

import json

import pytest

from dagster_project.core.mart_catalog import mart_catalog
from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.transform.dbt_models import ensure_manifest

MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"


def test_every_mart_model_is_in_the_catalog_with_its_grain():
    catalog = mart_catalog(MARTS_DIR)
    assert set(catalog) == {path.stem for path in MARTS_DIR.rglob("*.sql")}
    assert catalog["leaderboards"].grain == ("organization_id", "as_of_date", "metric", "window", "rank")
    assert catalog["activity_daily"].date_column == "date"
    assert catalog["user_spend"].date_column == "as_of_date"
    assert catalog["projects"].date_column is None


def test_a_mart_without_a_grain_is_refused_by_name(tmp_path):
    (tmp_path / "_x__models.yml").write_text("version: 2\nmodels:\n  - name: x_daily\n    columns:\n      - name: date\n")
    with pytest.raises(ValueError, match="mart x_daily declares no grain"):
        mart_catalog(tmp_path)


def test_every_mart_is_a_public_model_with_an_enforced_contract():
    """The marts' names and types are what the API, the CSVs and analysts are written against: each
    mart enforces a contract (every column with its type) on DuckDB, is public, and sources
    declare when they are fresh."""
    manifest = json.loads(ensure_manifest().read_text())
    marts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("schema") == "marts"
    }
    assert set(marts) == set(mart_catalog(MARTS_DIR))
    for name, node in marts.items():
        assert node["contract"]["enforced"], name
        assert node["access"] == "public" and node["group"] == "marts", name
        untyped = [column for column, spec in node["columns"].items() if not spec.get("data_type")]
        assert not untyped, f"{name}: columns without a data_type: {untyped}"
    below = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["name"] not in marts]
    assert below and all(n["access"] == "protected" for n in below)
    raw = [s for s in manifest["sources"].values() if s["source_name"] == "raw" and s["name"] in ("events", "usage")]
    assert raw and all(s["freshness"]["error_after"]["count"] for s in raw)
