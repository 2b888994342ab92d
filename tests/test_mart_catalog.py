"""The marts' one registry (core/mart_catalog.py): every mart's grain and date column, from its
dbt YAML."""

from __future__ import annotations

import pytest

from dagster_project.core.mart_catalog import mart_catalog
from dagster_project.settings import DBT_PROJECT_DIR

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
