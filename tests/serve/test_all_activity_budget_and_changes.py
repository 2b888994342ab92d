"""The All activity page's extras, in the API too (SPEC §7, §8): the mtd row of spend_totals carries
the organisation's monthly budget and the share used from the moment `make budget` sets it, and the
usage tiles say their change from the day before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from dagster_project.notify.store import NotificationStore
from tests.serve.conftest import ENTERPRISE, start_server

LATEST = dt.date(2026, 4, 14)


@pytest.fixture(scope="module")
def budget_server(fixture_warehouse, tmp_path_factory):
    folder = tmp_path_factory.mktemp("budgets")
    server = start_server(fixture_warehouse.published, folder / "api_keys.sqlite", notifications=folder / "notifications.sqlite")
    yield server
    server.server.should_exit = True
    server.thread.join(timeout=10)


def totals(server) -> dict[str, dict]:
    with server.client(server.key(ENTERPRISE, "owner")) as client:
        answer = client.get("/v1/organizations/analytics/spend_totals")
    assert answer.status_code == 200, answer.text
    return {row["window"]: row for row in answer.json()["data"]}


def test_the_mtd_row_carries_the_budget_and_the_share_used(budget_server, reference):
    without = totals(budget_server)
    assert {(r["budget_usd"], r["budget_used"]) for r in without.values()} == {(None, None)} and len(without) == 3

    NotificationStore(budget_server.settings.notifications).set_budget(ENTERPRISE, Decimal("250.00"))
    rows = totals(budget_server)
    mtd = reference.spend_totals()[(ENTERPRISE, LATEST, "mtd")]["spend_usd"]
    assert Decimal(rows["mtd"]["budget_usd"]) == Decimal("250")
    assert rows["mtd"]["budget_used"] == pytest.approx(float(mtd / Decimal("250")), abs=1e-6)
    assert (rows["qtd"]["budget_usd"], rows["ytd"]["budget_used"]) == (None, None)

    with httpx.Client(base_url=budget_server.url, follow_redirects=True, timeout=30) as browser:
        browser.post("/signin", data={"api_key": budget_server.key(ENTERPRISE, "owner")}, headers={"origin": budget_server.url})
        page = browser.get("/analytics/all-activity").text
    share = round(float(mtd / Decimal("250")) * 100)
    assert f"{share} % of the $250.00 budget" in page

    NotificationStore(budget_server.settings.notifications).remove_budget(ENTERPRISE)
    assert totals(budget_server)["mtd"]["budget_usd"] is None


def test_dau_and_mau_tiles_say_their_change_from_the_day_before(budget_server, reference):
    import re

    with httpx.Client(base_url=budget_server.url, follow_redirects=True, timeout=30) as browser:
        browser.post("/signin", data={"api_key": budget_server.key(ENTERPRISE, "owner")}, headers={"origin": budget_server.url})
        page = browser.get("/analytics/all-activity").text
    daily = reference.activity_daily()
    for metric in ("dau", "mau"):
        change = daily[(ENTERPRISE, LATEST)][metric] - daily[(ENTERPRISE, LATEST - dt.timedelta(days=1))][metric]
        tile = re.search(rf'data-metric="{metric}".*?<div class="note">(.*?)</div>', page, re.S)
        assert tile, metric
        text = re.sub(r"<[^>]+>", "", tile.group(1))
        expected = "± 0 vs the day before" if change == 0 else f"{'▲' if change > 0 else '▼'} {abs(change):,} vs the day before"
        assert text == expected, (metric, text)


def test_a_date_that_cannot_be_shown_keeps_the_group_picker(budget_server, fixture_warehouse):
    groups = fixture_warehouse.query(
        "select rbac_group_id from marts.groups_daily where organization_id = ? and date = ? order by name limit 1",
        [ENTERPRISE, LATEST],
    )
    assert groups, "the fixtures' Enterprise organisation has groups"
    with httpx.Client(base_url=budget_server.url, follow_redirects=True, timeout=30) as browser:
        browser.post("/signin", data={"api_key": budget_server.key(ENTERPRISE, "owner")}, headers={"origin": budget_server.url})
        for bad in ("2030-01-01", "not-a-date", "2000-01-01"):
            page = browser.get("/analytics/all-activity", params={"date": bad, "group": groups[0][0]}).text
            assert 'class="problem"' in page and 'id="group"' in page, bad
            assert f'value="{groups[0][0]}" selected' in page, bad
