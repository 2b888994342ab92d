"""Nightly increments give the same marts as a full build: late records correct their own days."""

from tests.conftest import FIXTURES, Warehouse, dump_dates
from tests.reference import GRAINS
from tests.transform.test_marts_match_reference import assert_mart_matches, mart_rows

DAILY_MARTS = ["activity_daily", "claude_ai_daily", "spend_daily", "claude_code_daily"]
AS_OF_MARTS = [m for m in GRAINS if m not in DAILY_MARTS]


def test_nightly_runs_match_the_full_reference(tmp_path, reference):
    dates = dump_dates(FIXTURES)
    warehouse = Warehouse(tmp_path / "wh", FIXTURES)
    # history up to five days before the end, then one nightly run per remaining dump day;
    # the last days bring records up to 5 days late and corrections of earlier days
    assert warehouse.run(dates[0], dates[-6]).success
    for day in dates[-5:]:
        assert warehouse.run(day).success, f"nightly run of {day} failed"

    # every mart, daily and as-of, is what a build from scratch gives: late records reached back to
    # the days (and as-of dates) they belong to
    for mart in DAILY_MARTS + AS_OF_MARTS:
        assert_mart_matches(mart, mart_rows(warehouse, mart), getattr(reference, mart)())
    last = dates[-1]

    # the last increment recomputed the new day and the earlier days of its late records and
    # corrections, never the whole history
    affected = [str(d) for (d,) in warehouse.query("select date from intermediate.int_affected_days order by 1", published=False)]
    assert affected[-1] == last
    assert 1 < len(affected) <= 7, affected
    rebuilt = [str(d) for (d,) in warehouse.query("select date from meta.rebuilt_dates order by 1", published=False)]
    assert rebuilt == [d for d in dates if d >= affected[0]]
