"""The dashboard (SPEC §8) in a real headless Chromium: Debian's, driven by Playwright."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from dagster_project.settings import PROJECT_ROOT
from tests.serve.conftest import ENTERPRISE, HIDDEN, TEAM

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("ANALYTICS_SCREENSHOTS", PROJECT_ROOT / "test-artifacts" / "screenshots"))
LATEST = "2026-04-14"
NEW_ORG = "org_0004"  # appears on 2026-03-31, the last day of a month
PAGES = ("all-activity", "claude-ai", "claude-code")
# as root, and on a machine whose network is closed: no sandbox, no background connections
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make browser)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def session(browser, api):
    """A fresh browser context signed in with a key; collects console errors."""
    contexts = []

    def open_as(organization: str, role: str = "owner", width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        page.goto(api.url + "/signin")
        page.fill("input[name=api_key]", api.key(organization, role))
        page.click("button[type=submit]")
        page.wait_for_url("**/analytics/all-activity")
        return page

    yield open_as
    for context in contexts:
        context.close()


def tiles(page) -> dict[tuple[str, str | None], str]:
    return {
        (t.get_attribute("data-metric"), t.get_attribute("data-window")): t.get_attribute("data-value")
        for t in page.query_selector_all(".tile[data-metric], td[data-metric]")
    }


def exact(value) -> str:
    if value is None:
        return ""
    return f"{value:.6f}" if isinstance(value, Decimal) else str(value)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def board_ids(page, metric: str, window: str) -> list[str]:
    return [
        r.get_attribute("data-user-id")
        for r in page.query_selector_all(f'table[data-metric="{metric}"][data-window="{window}"] tr[data-user-id]')
    ]


def leaderboard(warehouse, org, day, metric, window) -> list[str]:
    return [
        u
        for (u,) in warehouse.query(
            "select user_id from marts.leaderboards where organization_id = ? and as_of_date = ? and metric = ? "
            'and "window" = ? order by rank',
            [org, day, metric, window],
        )
    ]


@pytest.mark.parametrize("organization", [TEAM, HIDDEN, ENTERPRISE, NEW_ORG])
def test_every_page_shows_the_marts_values(session, fixture_warehouse, organization):
    page = session(organization)
    q = fixture_warehouse.query
    for name in PAGES:
        page.goto(f"{page.url.split('/analytics')[0]}/analytics/{name}?date={LATEST}")
        page.wait_for_load_state("networkidle")
        shown = tiles(page)
        if name == "all-activity":
            wau, utilization, invites = q(
                "select wau, utilization, pending_invites from marts.activity_daily where organization_id = ? and date = ?",
                [organization, LATEST],
            )[0]
            assert shown[("wau", None)] == str(wau) and shown[("pending_invites", None)] == str(invites)
            assert shown[("utilization", None)] == exact(utilization)
            chats, avg = q(
                "select chats, avg_messages_per_chat from marts.claude_ai_daily where organization_id = ? and date = ?",
                [organization, LATEST],
            )[0]
            assert shown[("chats", None)] == str(chats) and shown[("avg_messages_per_chat", None)] == exact(avg)
            assert board_ids(page, "projects_used", "mtd") == leaderboard(
                fixture_warehouse, organization, LATEST, "projects_used", "mtd"
            )
            assert page.query_selector("div[data-chart=usage] .main-svg"), "the usage chart is drawn"
            assert (page.query_selector('[data-section="spend"]') is not None) == (organization != HIDDEN)
            if organization != HIDDEN:  # owners see spend, unless the organisation's reports are hidden
                for window, spend in q(
                    'select "window", spend_usd from marts.spend_totals where organization_id = ? and as_of_date = ?',
                    [organization, LATEST],
                ):
                    assert shown[("spend_usd", window)] == exact(spend)
                assert board_ids(page, "spend_usd", "mtd") == leaderboard(
                    fixture_warehouse, organization, LATEST, "spend_usd", "mtd"
                )
        elif name == "claude-ai":
            for window, chats, pct in q(
                'select "window", chats, pct_users_with_project from marts.claude_ai_windows '
                'where organization_id = ? and as_of_date = ? and "window" in '
                "('1w', '1m', '3m', '1y')",
                [organization, LATEST],
            ):
                assert shown[("chats", window)] == str(chats) and shown[("pct_users_with_project", window)] == exact(pct)
            assert board_ids(page, "artifacts_created", "ytd") == leaderboard(
                fixture_warehouse, organization, LATEST, "artifacts_created", "ytd"
            )
        else:
            row = q(
                "select lines_added, pull_requests, tool_accept_rate, estimated_cost_usd from marts.claude_code_daily "
                "where organization_id = ? and date = ?",
                [organization, LATEST],
            )[0]
            assert [shown[(m, None)] for m in ("lines_added", "pull_requests", "tool_accept_rate")] == [exact(v) for v in row[:3]]
            # the estimated cost is spend (SPEC §7): not shown where spend is hidden
            assert shown.get(("estimated_cost_usd", None)) == (exact(row[3]) if organization != HIDDEN else None)
            assert board_ids(page, "claude_code_pull_requests", "mtd") == leaderboard(
                fixture_warehouse, organization, LATEST, "claude_code_pull_requests", "mtd"
            )
        assert page.console_errors == [], page.console_errors
        shot(page, f"{organization}-{name}")


@pytest.mark.parametrize("organization,role", [(ENTERPRISE, "admin"), (HIDDEN, "owner"), (HIDDEN, "primary_owner")])
def test_spend_section_is_replaced_by_a_reason(session, organization, role):
    page = session(organization, role)
    assert page.query_selector('[data-section="spend"]') is None
    assert page.query_selector('[data-metric="spend_usd"]') is None
    reason = page.inner_text('[data-section="spend-hidden"]')
    assert ("admins" in reason) if role == "admin" else ("hidden" in reason)


def test_export_spend_report_downloads_the_ranges_spend(session, fixture_warehouse):
    page = session(ENTERPRISE)
    page.fill("#from", "2026-03-01")
    page.fill("#to", "2026-03-31")
    with page.expect_download() as download:
        page.click("form.export button")
    text = Path(download.value.path()).read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    total = fixture_warehouse.query(
        "select sum(spend_usd) from marts.spend_daily where organization_id = ? and date between '2026-03-01' and '2026-03-31'",
        [ENTERPRISE],
    )[0][0]
    assert sum(Decimal(r["spend_usd"]) for r in rows) == total
    assert download.value.suggested_filename == f"user_spend_report_{ENTERPRISE}_2026-03-01_2026-03-31.csv"


def test_claude_code_csv_download(session, fixture_warehouse):
    page = session(ENTERPRISE)
    page.goto(page.url.replace("all-activity", "claude-code"))
    with page.expect_download() as download:
        page.click("form.export button")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    expected = fixture_warehouse.query(
        "select user_id, lines_added from marts.claude_code_users where organization_id = ? "
        "and as_of_date = ? and \"window\" = 'mtd' order by user_id",
        [ENTERPRISE, LATEST],
    )
    assert [(r["user_id"], int(r["lines_added"])) for r in rows] == expected


@pytest.mark.parametrize(
    "day,message",
    [
        ("2026-03-01", "no data before 2026-03-31"),
        ("2026-05-01", "Data is available up to 2026-04-14"),
        ("not-a-date", "is not a date"),
    ],
)
def test_edge_dates_get_a_clear_message(session, day, message):
    page = session(NEW_ORG)
    for name in PAGES:
        response = page.goto(page.url.split("/analytics")[0] + f"/analytics/{name}?date={day}")
        assert response.status == 200
        assert message in page.inner_text(".problem")


def test_a_new_organisations_first_day(session):
    page = session(NEW_ORG)
    page.goto(page.url.split("/analytics")[0] + "/analytics/claude-code?date=2026-03-31")
    assert page.query_selector(".problem") is None
    assert page.query_selector('.tile[data-metric="sessions"]') and page.console_errors == []
    shot(page, f"{NEW_ORG}-first-day-claude-code")


def test_narrow_window_has_no_sideways_scroll(session):
    page = session(ENTERPRISE, width=390)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"{ENTERPRISE}-all-activity-narrow")


def test_signing_out_and_a_revoked_key_end_the_session(session, api):
    from dagster_project.serve.core.keys import KeyStore

    store = KeyStore(api.settings.api_keys)
    key, secret = store.create(ENTERPRISE, "owner", "dashboard session")
    api.keys[(ENTERPRISE, "session")] = secret
    page = session(ENTERPRISE, "session")
    cookie = next(c for c in page.context.cookies() if c["name"] == "analytics_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    store.revoke(key.id)
    page.reload()
    assert "/signin" in page.url and "session ended" in page.inner_text("body")
    page2 = session(ENTERPRISE)
    page2.click("text=Sign out")
    page2.goto(page2.url.split("/signin")[0] + "/analytics/claude-ai")
    assert "/signin" in page2.url


# every number the pages show: tile values, table cells marked numeric, ranks
NUMBER_CELLS = ".tile .value, td.num, td.rank"


def wrapped_numbers(page) -> list[str]:
    """Numbers laid out on more than one line (a cell's height over 1.5 of its line height)."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)].filter(el => {
            const style = getComputedStyle(el);
            const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
            const range = document.createRange(); range.selectNodeContents(el);
            const rects = [...range.getClientRects()].filter(r => r.width > 0);
            const tops = new Set(rects.map(r => Math.round(r.top)));
            return tops.size > 1 || (rects.length && range.getBoundingClientRect().height > 1.5 * line);
        }).map(el => el.textContent.trim())""",
        NUMBER_CELLS,
    )


PHONE_HEIGHT_BEFORE = {"all-activity": 5448, "claude-code": 4355, "claude-ai": 6976}  # px at 390 px, on the fixtures


@pytest.mark.parametrize("width", [1280, 390])
def test_numbers_never_wrap_and_every_page_says_how_fresh_it_is(session, width):
    page = session(ENTERPRISE, width=width)
    for slug in PAGES:
        page.goto(page.url.split("/analytics/")[0] + f"/analytics/{slug}")
        assert page.query_selector_all(NUMBER_CELLS), slug
        assert wrapped_numbers(page) == [], f"{slug} at {width} px"
        freshness = page.inner_text(".freshness")
        assert freshness.startswith(f"Data through {LATEST}, published ") and freshness.endswith(" UTC"), freshness
        if width == 390:
            # two tiles a row on a phone
            tops = [round(t.bounding_box()["y"]) for t in page.query_selector_all(".tiles")[0].query_selector_all(".tile")]
            assert len(tops) < 2 or tops[0] == tops[1], f"{slug}: the first two tiles are not side by side"
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{slug} is wider than the screen"
            # at most half the height the pages had before the phone layout:
            # charts and top-10s are swiped through side by side, not stacked
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height <= PHONE_HEIGHT_BEFORE[slug] / 2, f"{slug} is {height} px tall at 390 px"
        assert page.console_errors == []


def test_changes_are_coloured_by_direction_in_the_tiles_unit(session, fixture_warehouse):
    page = session(ENTERPRISE)
    page.goto(page.url.split("/analytics/")[0] + f"/analytics/claude-code?date={LATEST}")
    notes = {
        t.get_attribute("data-metric"): t.query_selector(".note .change")
        for t in page.query_selector_all(".tile[data-metric]")
        if t.query_selector(".note .change")
    }
    assert notes, "no day-over-day change shown"
    for metric, change in notes.items():
        tone = change.get_attribute("class").split()[-1]
        text = change.inner_text()
        assert tone in ("up", "down", "neutral"), metric
        assert (tone == "up") == text.startswith("▲") or tone == "neutral", metric
        if "rate" in metric:
            assert text.endswith(" pp"), f"{metric}: {text} (a rate changes in percentage points)"
        if "cost" in metric or "spend" in metric:
            assert tone == "neutral" and "$" in text, metric


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_every_page_is_accessible_signed_in_and_out(browser, session, api, role):
    page = browser.new_page()
    for path in ("/signin", "/signin?ended=1"):
        page.goto(api.url + path)
        assert serious_accessibility_violations(page) == [], path
    page.close()
    page = session(ENTERPRISE, role)
    for slug in PAGES:
        page.goto(page.url.split("/analytics/")[0] + f"/analytics/{slug}")
        page.wait_for_load_state("networkidle")
        assert serious_accessibility_violations(page) == [], f"{slug} as {role}"
    page.goto(page.url.split("/analytics/")[0] + "/signout")
    assert serious_accessibility_violations(page) == [], "sign-out page"


def test_the_pages_work_by_keyboard_alone(session):
    """Tab reaches the page links, the date picker and its button; Enter follows a link."""
    page = session(ENTERPRISE)
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("(() => { const e = document.activeElement; return e.id || e.textContent.trim() })()"))
    assert {"Claude.ai", "Claude Code", "date"} <= set(reached), reached
    page.focus("nav a[href^='/analytics/claude-code']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/analytics/claude-code**")
    page.focus("#date")
    page.keyboard.type("03152026")  # Chromium's date field: month, day, year
    page.keyboard.press("Enter")
    page.wait_for_url("**date=2026-03-15**")


def test_a_refused_export_says_what_to_fix_beside_the_form_and_keeps_the_values(session):
    page = session(ENTERPRISE)
    page.fill("#from", "2026-04-10")
    page.fill("#to", "2026-04-01")
    page.click("form.export button")
    page.wait_for_url("**/analytics/all-activity?**")
    assert page.input_value("#from") == "2026-04-10" and page.input_value("#to") == "2026-04-01"
    problem = page.inner_text("#export-problem")
    assert "start (2026-04-10) is after the end (2026-04-01)" in problem
    assert page.get_attribute("#from", "aria-invalid") == "true"
    # corrected in place, the same form downloads
    page.fill("#from", "2026-04-01")
    page.fill("#to", "2026-04-10")
    with page.expect_download() as download:
        page.click("form.export button")
    assert download.value.suggested_filename.endswith("_2026-04-01_2026-04-10.csv")
    assert page.console_errors == []


def test_readme_screenshots(session):
    """Each page as the README shows it (the first screen, 1280 px wide, JPEG): written beside the
    other screenshots, and into docs/screenshots/ by `make screenshots` (ANALYTICS_README_SCREENSHOTS)."""
    page = session(ENTERPRISE)
    targets = [SCREENSHOTS / "readme"]
    if os.environ.get("ANALYTICS_README_SCREENSHOTS"):
        targets.append(Path(os.environ["ANALYTICS_README_SCREENSHOTS"]))
    for slug in PAGES:
        page.goto(page.url.split("/analytics/")[0] + f"/analytics/{slug}?date={LATEST}")
        page.wait_for_load_state("networkidle")
        for target in targets:
            target.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target / f"{slug}.jpg"), type="jpeg", quality=60)
            assert (target / f"{slug}.jpg").stat().st_size < 250_000


def test_each_top_10_has_one_period_selector(session, fixture_warehouse):
    page = session(ENTERPRISE)
    page.goto(page.url.split("/analytics/")[0] + f"/analytics/claude-ai?date={LATEST}")
    boards = page.query_selector_all("[data-board]")
    assert [b.get_attribute("data-board") for b in boards] == ["projects_used", "artifacts_created"]
    for board in boards:
        metric = board.get_attribute("data-board")
        shown = [t for t in board.query_selector_all("[data-period]") if t.is_visible()]
        assert [t.get_attribute("data-period") for t in shown] == ["mtd"] == [board.get_attribute("data-window")]
        board.query_selector("select").select_option("ytd")
        shown = [t for t in board.query_selector_all("[data-period]") if t.is_visible()]
        assert [t.get_attribute("data-period") for t in shown] == ["ytd"] == [board.get_attribute("data-window")]
        users = [r.get_attribute("data-user-id") for r in shown[0].query_selector_all("tr[data-user-id]")]
        assert users == leaderboard(fixture_warehouse, ENTERPRISE, LATEST, metric, "ytd")
    assert page.console_errors == []


def test_spend_is_drawn_per_day_with_the_forecast_and_by_model_per_period(session, fixture_warehouse):
    page = session(ENTERPRISE)
    page.goto(page.url.split("/analytics/")[0] + f"/analytics/all-activity?date={LATEST}")
    for name in ("spend_daily", "spend_month", "spend_by_model_1m"):
        page.wait_for_selector(f'[data-chart="{name}"][data-chart-state="drawn"]', timeout=15_000)
    charts = page.evaluate("JSON.parse(document.getElementById('chart-data').textContent)")
    ((projected, spent),) = fixture_warehouse.query(
        "select projected_month_usd, spend_mtd_usd from marts.spend_forecast where organization_id = ? and as_of_date = ?",
        [ENTERPRISE, LATEST],
    )
    month = charts["spend_month"]
    assert month["x"][-1] == "2026-04-30" and Decimal(month["forecast"][-1]) == projected
    assert Decimal(month["spend_to_date"][month["x"].index(LATEST)]) == spent
    models = dict(
        fixture_warehouse.query(
            "select model, spend_usd from marts.spend_by_model "
            "where organization_id = ? and as_of_date = ? and \"window\" = '3m'",
            [ENTERPRISE, LATEST],
        )
    )
    by_model = charts["spend_by_model_3m"]
    assert {m: Decimal(v) for m, v in zip(by_model["x"], by_model["spend_usd"], strict=True)} == models
    # every chart's numbers are in a table under it (keyboard and screen readers reach them)
    for name, series in charts.items():
        rows = page.query_selector_all(f'[data-chart="{name}"] + details.chart-numbers tbody tr')
        assert len(rows) == len(series["x"]), name
    board = page.query_selector('[data-board="spend_by_model"]')
    board.query_selector("select").select_option("3m")
    assert board.get_attribute("data-window") == "3m"
    assert page.query_selector('[data-period="3m"] [data-chart="spend_by_model_3m"]').is_visible()
    assert page.console_errors == []


GROUP_DAY = dt.date.fromisoformat(LATEST)


def group_of(fixture_warehouse) -> tuple[str, str]:
    return fixture_warehouse.query(
        "select rbac_group_id, name from marts.groups_daily where organization_id = ? and date = ? order by 1 limit 1",
        [ENTERPRISE, LATEST],
    )[0]


def test_a_groups_pages_show_the_group_marts(session, fixture_warehouse):
    """SPEC §8: with ?group= every tile is the group's (marts.group_activity_daily), the page
    names the group, and the picker offers the organisation's groups of the day."""
    group, name = group_of(fixture_warehouse)
    row = dict(
        zip(
            ("dau", "wau", "mau", "utilization", "chats", "projects_created", "sessions", "lines_added", "pull_requests"),
            fixture_warehouse.query(
                "select dau, wau, mau, utilization, chats, projects_created, claude_code_sessions, claude_code_lines_added, "
                "claude_code_pull_requests from marts.group_activity_daily where organization_id = ? and date = ? "
                "and rbac_group_id = ?",
                [ENTERPRISE, LATEST, group],
            )[0],
            strict=True,
        )
    )
    month = fixture_warehouse.query(
        "select sum(spend_usd) from marts.group_activity_daily where organization_id = ? and rbac_group_id = ? "
        "and date >= ? and date <= ?",
        [ENTERPRISE, group, GROUP_DAY.replace(day=1), LATEST],
    )[0][0]
    page = session(ENTERPRISE)
    base = page.url.split("/analytics")[0]
    page.goto(f"{base}/analytics/all-activity?date={LATEST}&group={group}")
    assert name in page.inner_text("h1")
    assert group in [o.get_attribute("value") for o in page.query_selector_all("select#group option")]
    shown = tiles(page)
    for metric in ("dau", "wau", "mau", "chats", "projects_created"):
        assert shown[(metric, None)] == str(row[metric]), metric
    assert shown[("utilization", None)] == exact(row["utilization"])
    assert ("pending_invites", None) not in shown  # the organisation's, not a group's
    assert shown[("spend_usd", "mtd")] == exact(month)
    projected, previous = fixture_warehouse.query(
        "select projected_month_usd, previous_month_usd from marts.group_spend_forecast "
        "where organization_id = ? and as_of_date = ? and rbac_group_id = ?",
        [ENTERPRISE, LATEST, group],
    )[0]
    assert (shown[("projected_month_usd", None)], shown[("previous_month_usd", None)]) == (exact(projected), exact(previous))
    page.goto(f"{base}/analytics/claude-ai?date={LATEST}&group={group}")
    shown = tiles(page)
    windows = fixture_warehouse.query(
        'select "window", chats, pct_users_with_chat, pct_users_with_project from marts.group_claude_ai_windows '
        "where organization_id = ? and as_of_date = ? and rbac_group_id = ?",
        [ENTERPRISE, LATEST, group],
    )
    assert {w for w, *_ in windows} == {"1w", "1m", "3m", "1y"}
    for window, chats, with_chat, with_project in windows:
        assert shown[("chats", window)] == str(chats)
        assert (shown[("pct_users_with_chat", window)], shown[("pct_users_with_project", window)]) == (
            exact(with_chat),
            exact(with_project),
        )
    page.goto(f"{base}/analytics/claude-code?date={LATEST}&group={group}")
    shown = tiles(page)
    assert (shown[("sessions", None)], shown[("lines_added", None)], shown[("pull_requests", None)]) == (
        str(row["sessions"]),
        str(row["lines_added"]),
        str(row["pull_requests"]),
    )
    # the nav keeps the group
    assert all(f"group={group}" in a.get_attribute("href") for a in page.query_selector_all("nav[aria-label=Pages] a"))
    page.goto(f"{base}/analytics/claude-ai?date={LATEST}&group=rbac_group_nope")
    assert "not a group" in page.inner_text(".problem")
    assert page.console_errors == []


def test_a_groups_top_10_counts_only_days_its_users_held_it(session, fixture_warehouse, reference):
    group, _ = group_of(fixture_warehouse)
    start = GROUP_DAY.replace(day=1)
    used: dict[str, set] = {}
    day = start
    while day <= GROUP_DAY:
        held = reference.group_users(ENTERPRISE, day).get(group, set())
        for user, projects in reference.projects_used_sets(ENTERPRISE, day, day).items():
            if user in held:
                used.setdefault(user, set()).update(projects)
        day += dt.timedelta(days=1)
    expected = [u for u, _ in sorted(((u, len(p)) for u, p in used.items() if p), key=lambda kv: (-kv[1], kv[0]))[:10]]
    page = session(ENTERPRISE)
    page.goto(f"{page.url.split('/analytics')[0]}/analytics/all-activity?date={LATEST}&group={group}")
    assert expected and board_ids(page, "projects_used", "mtd") == expected
    values = {
        r.get_attribute("data-user-id"): Decimal(r.get_attribute("data-value"))
        for r in page.query_selector_all('table[data-metric="projects_used"][data-window="mtd"] tr[data-user-id]')
    }
    assert values == {u: len(used[u]) for u in expected}


def ranked_top10(events: list[dict], key) -> list[tuple[str, int, int]]:
    """(name, distinct users, invocations) of the 10 with the most users, then invocations, then name."""
    users: dict[str, set] = {}
    uses: dict[str, int] = {}
    for e in events:
        users.setdefault(key(e), set()).add(e["user_id"])
        uses[key(e)] = uses.get(key(e), 0) + 1
    return sorted(((k, len(users[k]), uses[k]) for k in users), key=lambda r: (-r[1], -r[2], r[0]))[:10]


def shown_board(page, metric: str, attribute: str) -> list[tuple[str, int, int]]:
    rows = page.query_selector_all(f'table[data-metric="{metric}"] tbody tr')
    return [
        (r.get_attribute(attribute), int(r.query_selector_all("td.num")[0].inner_text().replace(",", "")),
         int(r.query_selector_all("td.num")[1].inner_text().replace(",", "")))
        for r in rows
    ]  # fmt: skip


@pytest.mark.parametrize("scoped", [False, True])
def test_top_skills_and_plugins_of_the_last_30_days(session, fixture_warehouse, reference, scoped):
    """SPEC §8: the top 10 skills and plugins by distinct users over the last 30 days, with invocations,
    for the organisation and for a group (its users on days they held it)."""
    group = group_of(fixture_warehouse)[0] if scoped else None
    last = dt.date.fromisoformat(LATEST)
    window = (last - dt.timedelta(days=29), last + dt.timedelta(days=1))
    skills = reference.skills_and_plugins_between(ENTERPRISE, ("skill.used",), *window, group=group)
    plugins = reference.skills_and_plugins_between(ENTERPRISE, ("plugin.used",), *window, group=group)
    page = session(ENTERPRISE)
    page.goto(f"{page.url.split('/analytics')[0]}/analytics/all-activity?date={LATEST}" + (f"&group={group}" if group else ""))
    expected_skills = ranked_top10(skills, lambda e: e["properties"]["skill_name"].lower())
    expected_plugins = ranked_top10(plugins, lambda e: e["properties"]["plugin_id"])
    assert len(expected_skills) >= 3 and shown_board(page, "top_skills", "data-skill") == expected_skills
    assert len(expected_plugins) >= 3 and shown_board(page, "top_plugins", "data-plugin") == expected_plugins
    ranks = [r.inner_text() for r in page.query_selector_all('table[data-metric="top_skills"] td.rank')]
    assert ranks == [str(n) for n in range(1, len(expected_skills) + 1)]
    assert page.console_errors == []


def test_claude_codes_top_10s_switch_period_in_place(session, fixture_warehouse):
    """As on Claude.ai: the period selector shows another window's top 10 without a reload; ?window=
    picks the one shown first."""
    page = session(ENTERPRISE)
    page.goto(page.url.split("/analytics/")[0] + f"/analytics/claude-code?date={LATEST}&window=1w")
    boards = page.query_selector_all("[data-board]")
    assert [b.get_attribute("data-board") for b in boards] == ["claude_code_lines_added", "claude_code_pull_requests"]
    for board in boards:
        metric = board.get_attribute("data-board")
        assert board.get_attribute("data-window") == "1w"
        url = page.url
        board.query_selector("select").select_option("1m")
        shown = [t for t in board.query_selector_all("[data-period]") if t.is_visible()]
        assert [t.get_attribute("data-period") for t in shown] == ["1m"] and page.url == url  # no reload
        users = [r.get_attribute("data-user-id") for r in shown[0].query_selector_all("tr[data-user-id]")]
        assert users == leaderboard(fixture_warehouse, ENTERPRISE, LATEST, metric, "1m")
    assert page.console_errors == []


def test_export_spend_report_is_reachable_on_a_phone_without_a_swipe(session):
    page = session(ENTERPRISE, width=390)
    page.goto(page.url.split("/analytics/")[0] + f"/analytics/all-activity?date={LATEST}")
    form = page.query_selector("form#export")
    box = form.bounding_box()
    # in view without scrolling sideways (the first card of its row)
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    form.query_selector("button").scroll_into_view_if_needed()
    assert page.evaluate("(f) => f.closest('.boards').scrollLeft", form) == 0
    assert form.query_selector("button").is_visible()


def test_chart_labels_stay_whole_on_a_phone(session):
    """At 390 px a model's name under its bar and the year under a date are inside the chart and
    clear of the legend."""
    page = session(ENTERPRISE, width=390)
    page.goto(page.url.split("/analytics/")[0] + f"/analytics/all-activity?date={LATEST}")
    for name in ("spend_by_model_1m", "usage"):
        chart = page.wait_for_selector(f'[data-chart="{name}"][data-chart-state="drawn"]')
        chart.scroll_into_view_if_needed()
        outer = chart.bounding_box()
        labels = [t.bounding_box() for t in chart.query_selector_all(".xtick text")]
        assert labels, name
        for box in labels:
            assert outer["x"] <= box["x"] and box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5, (name, box)
            assert box["y"] + box["height"] <= outer["y"] + outer["height"] + 0.5, (name, box)
        legend = chart.query_selector(".legend")
        if legend and legend.bounding_box():
            top = min(b["y"] for b in labels)
            assert legend.bounding_box()["y"] + legend.bounding_box()["height"] <= top, name
    assert any("2026" in (t.text_content() or "") for t in page.query_selector_all('[data-chart="usage"] .xtick text'))
