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

    for mart in DAILY_MARTS:
        assert_mart_matches(mart, mart_rows(warehouse, mart), getattr(reference, mart)())
    # the newest as-of date saw every record, as the reference does
    last = dates[-1]
    for mart in AS_OF_MARTS:
        expected = {k: v for k, v in getattr(reference, mart)().items() if str(k[1]) == last}
        assert_mart_matches(mart, mart_rows(warehouse, mart, f"where as_of_date = '{last}'"), expected)
    # and earlier as-of dates are kept as history
    assert warehouse.query("select count(distinct as_of_date) from marts.spend_totals") == [(len(dates),)]

    # the last increment recomputed the new day and the earlier days of its late records and
    # corrections, never the whole history
    affected = [str(d) for (d,) in warehouse.query(
        "select date from intermediate.int_affected_days order by 1", published=False)]
    assert affected[-1] == last
    assert 1 < len(affected) <= 7, affected
