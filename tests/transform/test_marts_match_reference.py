"""Every mart equals a plain-Python computation from the SPEC's words, row by row."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from tests.conftest import build, generate
from tests.reference import GRAINS, Reference

MARTS = list(GRAINS)


def mart_rows(warehouse, mart: str, where: str = "") -> dict:
    with __import__("duckdb").connect(str(warehouse.published), read_only=True) as conn:
        cursor = conn.execute(f"select * from marts.{mart} {where}")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    grain = GRAINS[mart]
    out = {}
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        key = tuple(record.pop(c) for c in grain)
        assert key not in out, f"{mart}: duplicate grain {key}"
        out[key] = record
    return out


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(a) == Decimal(b)
    return a == b


def assert_mart_matches(mart: str, actual: dict, expected: dict) -> None:
    missing = sorted(set(expected) - set(actual))[:5]
    extra = sorted(set(actual) - set(expected))[:5]
    assert not missing and not extra, f"{mart}: missing rows {missing}, unexpected rows {extra}"
    diffs = []
    for key, exp in expected.items():
        for column, value in exp.items():
            if not same(actual[key].get(column), value):
                diffs.append(f"{key} {column}: warehouse {actual[key].get(column)!r} != reference {value!r}")
    assert not diffs, f"{mart}: {len(diffs)} differences, e.g.\n" + "\n".join(diffs[:10])


@pytest.mark.parametrize("mart", MARTS)
def test_fixture_mart_matches_reference(fixture_warehouse, reference, mart):
    expected = getattr(reference, mart)()
    assert expected, f"the fixtures should give {mart} rows"
    assert_mart_matches(mart, mart_rows(fixture_warehouse, mart), expected)


@pytest.mark.parametrize("seed,start", [(101, "2025-12-20"), (202, "2026-06-12")])
def test_generated_set_matches_reference(tmp_path, seed, start):
    """Fresh data sets with other seeds, crossing a year and a quarter start respectively."""
    raw = generate(
        tmp_path / "raw", "--seed", str(seed), "--start", start, "--days", "30", "--orgs", "3", "--users-per-org", "14"
    )
    warehouse = build(tmp_path / "wh", raw)
    reference = Reference(raw)
    for mart in MARTS:
        assert_mart_matches(mart, mart_rows(warehouse, mart), getattr(reference, mart)())


def test_fixtures_cover_month_and_quarter_boundaries(reference):
    days = reference.days
    assert len(days) >= 60
    assert any(d.day == 1 for d in days[1:]) and any(d == dt.date(d.year, 4, 1) for d in days)
