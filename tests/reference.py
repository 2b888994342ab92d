"""A plain-Python reference implementation of SPEC §2.5, §3 and §4, written from the SPEC's words.

It shares no code with the pipeline: it reads the raw dump files itself, applies the rejection
rules, collapses duplicates, and computes every mart as a dict keyed by the mart's grain. Tests
compare the warehouse with it row by row.
"""

from __future__ import annotations

import calendar
import datetime as dt
import gzip
import json
import re
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from dagster_project.core.mart_catalog import mart_catalog
from dagster_project.settings import DBT_PROJECT_DIR

EVENT_PROPS = {
    "chat.created": {"chat_id": False, "project_id": True},
    "message.sent": {"chat_id": False, "message_id": False},
    "project.created": {"project_id": False},
    "artifact.created": {"artifact_id": False, "chat_id": False, "artifact_type": False},
    "connector.used": {"connector": False, "chat_id": True},
    "skill.used": {
        "skill_name": False,
        "skill_display_name": True,
        "product": frozenset({"chat", "claude_code", "cowork"}),
        "share_status": frozenset({"organization", "private", "public"}),
        "chat_id": True,
        "session_id": True,
    },
    "skill.enabled": {"skill_name": False},
    "plugin.installed": {"plugin_id": False, "plugin_name": False},
    "plugin.used": {
        "session_id": True,
        "plugin_id": False,
        "plugin_name": False,
        "product": frozenset({"claude_code", "cowork"}),
    },
}  # property -> may be null (True), must be a string (False), or one of a set of strings
# SPEC §2.1: optional properties, which may be absent but, when present, have their type
OPTIONAL_EVENT_PROPS = {"project.created": {"name": "str"}, "artifact.created": {"is_shared": "bool"}}
ROLES = {"primary_owner", "owner", "admin", "member"}
TOOLS = ["edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool"]
# SPEC §2.5: an offset is a valid RFC 3339 offset, hours 00-23 and minutes 00-59
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$")
MONEY_RE = re.compile(r"^\d{1,12}(\.\d{1,6})?$")
# a well-formed number that is too large or too precise, or has an exponent: out_of_range
NUMBER_TEXT_RE = re.compile(r"^\d+(\.\d+)?([eE][+-]?\d+)?$|^[+-]?(nan|inf|infinity)$", re.IGNORECASE)
INT64_MAX = 2**63 - 1
MAX_CENTS = 10**12 - 1
# SPEC §5: letters, digits, `_`, `-`, `.`, not starting with `.`
SAFE_ID_RE = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*$")
MAX_LINE_BYTES = 16 * 1024 * 1024
SNAPSHOT_TABLES = ("organizations", "members", "invites", "groups", "group_members")
ONE_DAY = dt.timedelta(days=1)
MICRO = Decimal("0.000001")


class Bad(Exception):
    pass


def parse_ts(value) -> dt.datetime:
    if not isinstance(value, str) or not TS_RE.match(value):
        raise Bad("bad_timestamp")
    try:
        ts = dt.datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError as exc:
        raise Bad("bad_timestamp") from exc
    return ts.astimezone(dt.UTC)


def need(obj, path: str, kind: str, nullable: bool = False):
    value = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        if nullable:
            return None
        raise Bad("missing_field")
    if kind == "str" and not isinstance(value, str):
        raise Bad("wrong_type")
    if kind == "count":
        check_integer(value, INT64_MAX)
    if kind == "bool" and not isinstance(value, bool):
        raise Bad("wrong_type")
    if kind == "dict" and not isinstance(value, dict):
        raise Bad("wrong_type")
    return value


def check_integer(value, maximum: int) -> None:
    """SPEC §2.5: integers fit (here: up to `maximum`); larger, NaN, Infinity or an exponent is
    out_of_range, any other non-integer wrong_type. Floats arrive as Decimal (parse_float)."""
    if isinstance(value, float):  # NaN, Infinity (parse_constant)
        raise Bad("out_of_range")
    if isinstance(value, Decimal):
        raise Bad("out_of_range" if "E" in str(value) or abs(value) > maximum else "wrong_type")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Bad("wrong_type")
    if value < 0:
        raise Bad("negative_value")
    if value > maximum:
        raise Bad("out_of_range")


def no_duplicate_keys(pairs):
    """json.loads hook: an object naming the same key twice is rejected (SPEC §2.5)."""
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Bad("duplicate_key")
    return dict(pairs)


def parse_line(line: bytes):
    return json.loads(line, object_pairs_hook=no_duplicate_keys, parse_float=Decimal, parse_constant=lambda name: float(name))


def safe_name(obj, field: str):
    value = need(obj, field, "str")
    if not SAFE_ID_RE.match(value):
        raise Bad("invalid_field")
    return value


def org_id(obj):
    return safe_name(obj, "organization_id")


def enum(obj, path, values):
    value = need(obj, path, "str")
    if value not in values:
        raise Bad("unknown_enum")
    return value


def check_event(r):
    need(r, "event_id", "str")
    org_id(r)
    need(r, "user_id", "str")
    kind = enum(r, "event_type", EVENT_PROPS)
    ts = parse_ts(need(r, "occurred_at", "str"))
    need(r, "properties", "dict")
    for prop, rule in EVENT_PROPS[kind].items():
        if isinstance(rule, frozenset):
            enum(r, "properties." + prop, rule)
        else:
            need(r, "properties." + prop, "str", rule)
    for prop, prop_kind in OPTIONAL_EVENT_PROPS.get(kind, {}).items():
        need(r, "properties." + prop, prop_kind, nullable=True)
    return r["event_id"], ts.date()


def check_usage(r):
    need(r, "usage_id", "str")
    org_id(r)
    for f in ["user_id", "model"]:
        need(r, f, "str")
    enum(r, "product", {"claude_ai", "claude_code"})
    for f in ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"]:
        need(r, f, "count")
    cost = need(r, "cost_usd", "str")
    if cost.strip().startswith("-"):
        raise Bad("negative_value")
    if not MONEY_RE.match(cost):
        raise Bad("out_of_range" if NUMBER_TEXT_RE.match(cost) else "wrong_type")
    return r["usage_id"], parse_ts(r["occurred_at"]).date()


def check_claude_code(r):
    day = parse_ts(need(r, "date", "str")).date()
    need(r, "actor", "dict")
    actor_type = enum(r, "actor.type", {"user_actor", "api_actor"})
    actor = need(r, "actor.email_address" if actor_type == "user_actor" else "actor.api_key_name", "str")
    org_id(r)
    terminal = need(r, "terminal_type", "str")
    for f in [
        "num_sessions",
        "lines_of_code.added",
        "lines_of_code.removed",
        "commits_by_claude_code",
        "pull_requests_by_claude_code",
    ]:
        need(r, "core_metrics." + f, "count")
    for tool in TOOLS:
        for what in ["accepted", "rejected"]:
            if need(r, f"tool_actions.{tool}.{what}", "any", nullable=True) is not None:
                need(r, f"tool_actions.{tool}.{what}", "count")
    for entry in r.get("model_breakdown") or []:
        amount = (entry.get("estimated_cost") or {}).get("amount") if isinstance(entry, dict) else None
        if amount is None:
            raise Bad("missing_field")
        check_integer(amount, MAX_CENTS)  # SPEC §2.3: an integer of at most 12 digits (cents)
    key = (day, r["organization_id"], actor_type, actor.strip().lower(), terminal)
    return key, day


def check_snapshot(table):
    def check(r):
        if table == "organizations":
            org_id(r)
            need(r, "name", "str")
            enum(r, "plan", {"team", "enterprise"})
            enum(r, "billing", {"seat_based", "usage_based"})
            need(r, "extra_usage_enabled", "bool")
            need(r, "seat_count", "count")
            parse_ts(need(r, "created_at", "str"))
            return r["organization_id"], None
        if table == "groups":
            org_id(r)
            safe_name(r, "rbac_group_id")
            need(r, "name", "str")
            return (r["organization_id"], r["rbac_group_id"]), None
        if table == "group_members":
            org_id(r)
            safe_name(r, "rbac_group_id")
            need(r, "user_id", "str")
            return (r["organization_id"], r["rbac_group_id"], r["user_id"]), None
        if table == "members":
            org_id(r)
            for f in ["user_id", "email", "full_name"]:
                need(r, f, "str")
            enum(r, "role", ROLES)
            enum(r, "status", {"active", "deactivated"})
            parse_ts(need(r, "joined_at", "str"))
            return (r["organization_id"], r["user_id"]), None
        need(r, "invite_id", "str")
        org_id(r)
        need(r, "email", "str")
        enum(r, "role", ROLES)
        enum(r, "status", {"pending", "accepted", "declined", "revoked", "expired"})
        parse_ts(need(r, "created_at", "str"))
        if r.get("expires_at") is not None:
            parse_ts(need(r, "expires_at", "str"))
        return r["invite_id"], None

    return check


def read_lines(path: Path) -> list[bytes]:
    data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    data.decode("utf-8")  # a file that is not UTF-8 fails as a whole
    return data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n")


def dump_files(raw_dir: Path, source: str) -> list[tuple[dt.date, list[Path]]]:
    """SPEC §2.5: dump files are *.jsonl / *.jsonl.gz (exact case) directly in <source>/dt=YYYY-MM-DD/
    folders not dated after today (UTC); snapshots only of the three tables."""
    today = dt.datetime.now(dt.UTC).date()
    out = []
    for folder in sorted((raw_dir / source).glob("dt=*")):
        try:
            dump = dt.date.fromisoformat(folder.name[3:])
        except ValueError:
            continue
        if len(folder.name) != 13 or not folder.is_dir() or dump > today:
            continue
        files = sorted(
            p
            for p in folder.iterdir()
            if p.is_file()
            and (p.name.endswith(".jsonl") or p.name.endswith(".jsonl.gz"))
            and (source != "snapshots" or p.name.split(".")[0] in SNAPSHOT_TABLES)
        )
        out.append((dump, files))
    return out


class Raw:
    """Accepted, deduplicated records and rejection counts of a dump directory."""

    def __init__(self, raw_dir: Path):
        self.rejections: dict[tuple[str, str], int] = defaultdict(int)  # (source, reason code)
        self.dump_dates: set[dt.date] = set()
        self.snapshot_dates: dict[str, set[dt.date]] = defaultdict(set)
        self.snapshots: dict[str, dict[dt.date, dict]] = defaultdict(dict)
        self.records: dict[str, dict] = {}
        for source, check in [("events", check_event), ("usage", check_usage), ("claude_code", check_claude_code)]:
            loaded = self._load(raw_dir, source, lambda _p, check=check: check)
            self.records[source] = {k: v[1] for k, v in loaded.items()}
        checks = {t: check_snapshot(t) for t in SNAPSHOT_TABLES}
        self._load(raw_dir, "snapshots", lambda p: checks[p.name.split(".")[0]])

    def _load(self, raw_dir: Path, source: str, checker_for) -> dict:
        latest: dict = {}
        for dump, files in dump_files(raw_dir, source):
            if files:
                self.dump_dates.add(dump)
            for path in files:
                check = checker_for(path)
                table = path.name.split(".")[0]
                if source == "snapshots":
                    self.snapshot_dates[table].add(dump)
                    self.snapshots[table].setdefault(dump, {})
                for line in read_lines(path):
                    try:
                        if len(line) > MAX_LINE_BYTES:
                            raise Bad("line_too_long")
                        try:
                            record = parse_line(line)
                        except ValueError as exc:
                            raise Bad("not_json_object") from exc
                        if not isinstance(record, dict):
                            raise Bad("not_json_object")
                        key, day = check(record)
                        if day is not None and day > dump + ONE_DAY:
                            raise Bad("too_far_in_future")
                    except Bad as bad:
                        self.rejections[(source, str(bad))] += 1
                        continue
                    if source == "snapshots":
                        self.snapshots[table][dump][key] = record  # later file/line wins
                    else:
                        latest[key] = (dump, record)  # dumps, files and lines come in order
        return latest


def holding(dates: set[dt.date], day: dt.date) -> dt.date | None:
    earlier = [d for d in dates if d <= day]
    return max(earlier) if earlier else None


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def utc_day(ts: str) -> dt.date:
    return parse_ts(ts).date()


WINDOW_DAYS = {"1w": 7, "1m": 30, "3m": 90, "1y": 365}

# SPEC §4 marts.leaderboards: the windows each metric is ranked over
LEADERBOARD_WINDOWS = {
    "projects_used": ("mtd", "qtd", "ytd", "1y"),
    "artifacts_created": ("mtd", "qtd", "ytd", "1y"),
    "spend_usd": ("mtd",),
    "claude_code_lines_added": ("1w", "1m", "mtd"),
    "claude_code_pull_requests": ("1w", "1m", "mtd"),
}


def window_start(window: str, d: dt.date) -> dt.date:
    if window in WINDOW_DAYS:
        return d - dt.timedelta(days=WINDOW_DAYS[window] - 1)
    if window == "mtd":
        return d.replace(day=1)
    if window == "qtd":
        return d.replace(month=3 * ((d.month - 1) // 3) + 1, day=1)
    return d.replace(month=1, day=1)


def month_forecast(spend: dict[dt.date, Decimal], d: dt.date) -> dict:
    """SPEC §4 spend_forecast of day d from a spend-per-day series: the month so far, its pace to
    the month's end (rounded half up to 6 places) and the whole previous calendar month."""
    first = d.replace(day=1)
    previous_end = first - ONE_DAY
    mtd = sum((v for day, v in spend.items() if first <= day <= d), Decimal(0))
    days_in_month = calendar.monthrange(d.year, d.month)[1]
    return {
        "spend_mtd_usd": mtd,
        "days_elapsed": d.day,
        "days_in_month": days_in_month,
        "projected_month_usd": (mtd * days_in_month / d.day).quantize(MICRO, ROUND_HALF_UP),
        "previous_month_usd": sum(
            (v for day, v in spend.items() if previous_end.replace(day=1) <= day <= previous_end), Decimal(0)
        ),
    }


def frac(a, b):
    return None if not b else a / b


class Reference:
    def __init__(self, raw_dir: Path):
        raw = self.raw = Raw(raw_dir)
        self.days = days_between(min(raw.dump_dates), max(raw.dump_dates))
        self.events = list(raw.records["events"].values())
        for e in self.events:
            e["_day"] = utc_day(e["occurred_at"])
        self.usage = list(raw.records["usage"].values())
        for u in self.usage:
            u["_day"] = utc_day(u["occurred_at"])
            u["_cost"] = Decimal(u["cost_usd"])
        self.claude_code = list(raw.records["claude_code"].values())
        for c in self.claude_code:
            c["_day"] = utc_day(c["date"])
            c["_user"] = self.claude_code_user(c)

    def snapshot(self, table: str, day: dt.date) -> list[dict]:
        when = holding(self.raw.snapshot_dates[table], day)
        return list(self.raw.snapshots[table].get(when, {}).values()) if when else []

    def orgs_on(self, day: dt.date) -> dict[str, dict]:
        return {o["organization_id"]: o for o in self.snapshot("organizations", day)}

    def member(self, org: str, user: str, day: dt.date) -> dict | None:
        return next((m for m in self.snapshot("members", day) if m["organization_id"] == org and m["user_id"] == user), None)

    def claude_code_user(self, c: dict) -> str | None:
        if c["actor"]["type"] != "user_actor":
            return None
        email = c["actor"]["email_address"].strip().lower()
        matches = [
            m["user_id"]
            for m in self.snapshot("members", c["_day"])
            if m["organization_id"] == c["organization_id"] and m["email"].strip().lower() == email
        ]
        return min(matches) if matches else "email:" + email

    # -- helpers over records -----------------------------------------------
    def active_users(self, org: str, start: dt.date, end: dt.date) -> set[str]:
        users = {e["user_id"] for e in self.events if e["organization_id"] == org and start <= e["_day"] <= end}
        users |= {
            c["_user"]
            for c in self.claude_code
            if c["organization_id"] == org and c["_user"] and start <= c["_day"] <= end and c["core_metrics"]["num_sessions"] > 0
        }
        return users

    def events_of(self, org: str, kind: str, start: dt.date, end: dt.date) -> list[dict]:
        return [e for e in self.events if e["organization_id"] == org and e["event_type"] == kind and start <= e["_day"] <= end]

    def active_members(self, org: str, day: dt.date) -> int:
        return sum(1 for m in self.snapshot("members", day) if m["organization_id"] == org and m["status"] == "active")

    # -- daily marts ---------------------------------------------------------
    def activity_daily(self) -> dict:
        rows = {}
        for d in self.days:
            next_day = dt.datetime.combine(d + ONE_DAY, dt.time(), dt.UTC)
            for org, o in self.orgs_on(d).items():
                wau = len(self.active_users(org, d - dt.timedelta(days=6), d))
                rows[(org, d)] = {
                    "dau": len(self.active_users(org, d, d)),
                    "wau": wau,
                    "mau": len(self.active_users(org, d - dt.timedelta(days=29), d)),
                    "total_seats": o["seat_count"],
                    "utilization": frac(wau, o["seat_count"]),
                    "active_members": self.active_members(org, d),
                    "pending_invites": sum(
                        1
                        for i in self.snapshot("invites", d)
                        if i["organization_id"] == org
                        and i["status"] == "pending"
                        and (i["expires_at"] is None or parse_ts(i["expires_at"]) >= next_day)
                    ),
                }
        return rows

    def claude_ai_daily(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                chats = self.events_of(org, "chat.created", d, d)
                messages = self.events_of(org, "message.sent", d, d)
                projects = self.events_of(org, "project.created", d, d)
                artifacts = self.events_of(org, "artifact.created", d, d)
                users_with_chat = len({e["user_id"] for e in chats})
                rows[(org, d)] = {
                    "chats": len({e["properties"]["chat_id"] for e in chats}),
                    "messages": len(messages),
                    "avg_messages_per_chat": frac(len(messages), len({e["properties"]["chat_id"] for e in messages})),
                    "projects_created": len(projects),
                    "users_created_project": len({e["user_id"] for e in projects}),
                    "artifacts_created": len(artifacts),
                    "users_created_artifact": len({e["user_id"] for e in artifacts}),
                    "users_with_chat": users_with_chat,
                    "pct_users_with_chat": frac(users_with_chat, self.active_members(org, d)),
                }
        for (org, d), row in rows.items():
            before = rows.get((org, d - ONE_DAY))
            for metric in ["chats", "avg_messages_per_chat", "projects_created", "artifacts_created"]:
                old, new = (before or {}).get(metric), row[metric]
                row[f"{metric}_dod_change"] = None if old is None or new is None else new - old
        return rows

    def spend_daily(self) -> dict:
        rows = {}
        for u in self.usage:
            if u["_day"] not in self.days or u["organization_id"] not in self.orgs_on(u["_day"]):
                continue
            row = rows.setdefault(
                (u["organization_id"], u["_day"], u["model"]), {"spend_usd": Decimal(0), "input_tokens": 0, "output_tokens": 0}
            )
            row["spend_usd"] += u["_cost"]
            row["input_tokens"] += u["input_tokens"]
            row["output_tokens"] += u["output_tokens"]
        return rows

    def claude_code_daily(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                recs = [c for c in self.claude_code if c["organization_id"] == org and c["_day"] == d]
                cm = [c["core_metrics"] for c in recs]
                tools = [c.get("tool_actions", {}).get(t, {}) for c in recs for t in TOOLS]
                accepted = sum(t.get("accepted", 0) for t in tools)
                rejected = sum(t.get("rejected", 0) for t in tools)
                rows[(org, d)] = {
                    "active_users": len({c["_user"] for c in recs if c["_user"] and c["core_metrics"]["num_sessions"] > 0}),
                    "sessions": sum(m["num_sessions"] for m in cm),
                    "lines_added": sum(m["lines_of_code"]["added"] for m in cm),
                    "lines_removed": sum(m["lines_of_code"]["removed"] for m in cm),
                    "commits": sum(m["commits_by_claude_code"] for m in cm),
                    "pull_requests": sum(m["pull_requests_by_claude_code"] for m in cm),
                    "tool_accepted": accepted,
                    "tool_rejected": rejected,
                    "tool_accept_rate": frac(accepted, accepted + rejected),
                    "estimated_cost_usd": sum(
                        (Decimal(str(b["estimated_cost"]["amount"])) / 100 for c in recs for b in c.get("model_breakdown") or []),
                        Decimal(0),
                    ),
                }
        return rows

    # -- as-of marts -----------------------------------------------------------
    def claude_ai_windows(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                members = self.active_members(org, d)
                for w in ["1w", "1m", "3m", "1y", "mtd", "qtd", "ytd"]:
                    s = window_start(w, d)
                    chats = self.events_of(org, "chat.created", s, d)
                    projects = self.events_of(org, "project.created", s, d)
                    artifacts = self.events_of(org, "artifact.created", s, d)
                    uc, up, ua = ({e["user_id"] for e in x} for x in (chats, projects, artifacts))
                    rows[(org, d, w)] = {
                        "chats": len({e["properties"]["chat_id"] for e in chats}),
                        "projects_created": len(projects),
                        "artifacts_created": len(artifacts),
                        "users_with_chat": len(uc),
                        "users_with_project": len(up),
                        "users_with_artifact": len(ua),
                        "active_members": members,
                        "pct_users_with_chat": frac(len(uc), members),
                        "pct_users_with_project": frac(len(up), members),
                        "pct_users_with_artifact": frac(len(ua), members),
                    }
        return rows

    def projects_used(self, org: str, s: dt.date, d: dt.date) -> dict[str, int]:
        return {u: len(ps) for u, ps in self.projects_used_sets(org, s, d).items()}

    def projects_used_sets(self, org: str, s: dt.date, d: dt.date) -> dict[str, set[str]]:
        """User -> the projects they used in [s, d] (SPEC §3)."""
        used = defaultdict(set)
        for (user, day), projects in self.project_days(org).items():
            if s <= day <= d:
                used[user] |= projects
        return used

    def project_days(self, org: str) -> dict[tuple[str, dt.date], set[str]]:
        """(user, day) -> the projects the user used that day: created one, created a chat in one, or
        sent a message in a chat of one (SPEC §3)."""
        chat_project = {
            e["properties"]["chat_id"]: e["properties"]["project_id"]
            for e in self.events
            if e["organization_id"] == org and e["event_type"] == "chat.created" and e["properties"].get("project_id")
        }
        used = defaultdict(set)
        for e in self.events:
            if e["organization_id"] != org:
                continue
            p, key = e["properties"], (e["user_id"], e["_day"])
            if e["event_type"] == "project.created" or (e["event_type"] == "chat.created" and p.get("project_id")):
                used[key].add(p["project_id"])
            elif e["event_type"] == "message.sent" and p["chat_id"] in chat_project:
                used[key].add(chat_project[p["chat_id"]])
        return used

    @staticmethod
    def top10(values: dict) -> list[tuple[str, object]]:
        ranked = sorted(((k, v) for k, v in values.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:10]

    def leaderboards(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                boards = {}
                for w in ["mtd", "qtd", "ytd", "1y"]:
                    s = window_start(w, d)
                    boards[("projects_used", w)] = self.projects_used(org, s, d)
                    counts = defaultdict(int)
                    for e in self.events_of(org, "artifact.created", s, d):
                        counts[e["user_id"]] += 1
                    boards[("artifacts_created", w)] = counts
                s = window_start("mtd", d)
                spend = defaultdict(Decimal)
                for u in self.usage:
                    if u["organization_id"] == org and s <= u["_day"] <= d:
                        spend[u["user_id"]] += u["_cost"]
                boards[("spend_usd", "mtd")] = spend
                for w in ["1w", "1m", "mtd"]:
                    s = window_start(w, d)
                    lines, pulls = defaultdict(int), defaultdict(int)
                    for c in self.claude_code:
                        if c["organization_id"] == org and c["_user"] and s <= c["_day"] <= d:
                            lines[c["_user"]] += c["core_metrics"]["lines_of_code"]["added"]
                            pulls[c["_user"]] += c["core_metrics"]["pull_requests_by_claude_code"]
                    boards[("claude_code_lines_added", w)] = lines
                    boards[("claude_code_pull_requests", w)] = pulls
                for (metric, w), values in boards.items():
                    for rank, (user, value) in enumerate(self.top10(values), start=1):
                        m = self.member(org, user, d)
                        rows[(org, d, metric, w, rank)] = {
                            "user_id": user,
                            "value": Decimal(value),
                            "email": m["email"] if m else None,
                            "full_name": m["full_name"] if m else None,
                        }
        return rows

    def top_connectors(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                for w in ["1w", "1m", "3m", "1y"]:
                    uses, users = defaultdict(int), defaultdict(set)
                    for e in self.events_of(org, "connector.used", window_start(w, d), d):
                        uses[e["properties"]["connector"]] += 1
                        users[e["properties"]["connector"]].add(e["user_id"])
                    # by unique users, then uses, then name; connectors nobody used are left out
                    ranked = sorted(users, key=lambda c: (-len(users[c]), -uses[c], c))[:10]
                    for rank, connector in enumerate(ranked, start=1):
                        rows[(org, d, w, rank)] = {
                            "connector": connector,
                            "uses": uses[connector],
                            "unique_users": len(users[connector]),
                        }
        return rows

    def spend_between(self, org: str, s: dt.date, d: dt.date) -> list[dict]:
        return [u for u in self.usage if u["organization_id"] == org and s <= u["_day"] <= d]

    def spend_totals(self) -> dict:
        return {
            (org, d, w): {"spend_usd": sum((u["_cost"] for u in self.spend_between(org, window_start(w, d), d)), Decimal(0))}
            for d in self.days
            for org in self.orgs_on(d)
            for w in ["mtd", "qtd", "ytd"]
        }

    def spend_by_model(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                for w in ["1m", "3m", "1y"]:
                    for u in self.spend_between(org, window_start(w, d), d):
                        row = rows.setdefault((org, d, w, u["model"]), {"spend_usd": Decimal(0)})
                        row["spend_usd"] += u["_cost"]
        return rows

    def user_spend(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                per_user = defaultdict(
                    lambda: {k: Decimal(0) for k in ["spend_day_usd", "spend_mtd_usd", "spend_qtd_usd", "spend_ytd_usd"]}
                )
                for u in self.spend_between(org, window_start("ytd", d), d):
                    row = per_user[u["user_id"]]
                    row["spend_ytd_usd"] += u["_cost"]
                    if u["_day"] >= window_start("qtd", d):
                        row["spend_qtd_usd"] += u["_cost"]
                    if u["_day"] >= window_start("mtd", d):
                        row["spend_mtd_usd"] += u["_cost"]
                    if u["_day"] == d:
                        row["spend_day_usd"] += u["_cost"]
                for user, row in per_user.items():
                    if row["spend_ytd_usd"] != 0:
                        m = self.member(org, user, d)
                        rows[(org, d, user)] = dict(row, email=m["email"] if m else None, full_name=m["full_name"] if m else None)
        return rows

    # -- per user (SPEC §4, second version) ---------------------------------------
    def member_fields(self, org: str, user: str, day: dt.date) -> dict:
        m = self.member(org, user, day)
        return {"email": m["email"] if m else None, "full_name": m["full_name"] if m else None}

    def user_activity_daily(self) -> dict:
        rows = {}
        zero = {
            "chats": set(),
            "messages": 0,
            "projects_created": 0,
            "artifacts_created": 0,
            "connector_uses": 0,
            "claude_code_sessions": 0,
            "claude_code_lines_added": 0,
            "claude_code_lines_removed": 0,
            "claude_code_commits": 0,
            "claude_code_pull_requests": 0,
            "spend_usd": Decimal(0),
            "input_tokens": 0,
            "output_tokens": 0,
        }
        per = defaultdict(lambda: {k: (set() if k == "chats" else v) for k, v in zero.items()})
        names = {
            "message.sent": "messages",
            "project.created": "projects_created",
            "artifact.created": "artifacts_created",
            "connector.used": "connector_uses",
        }
        for e in self.events:
            row = per[(e["organization_id"], e["_day"], e["user_id"])]
            if e["event_type"] == "chat.created":
                row["chats"].add(e["properties"]["chat_id"])
            elif e["event_type"] in names:  # skill and plugin events have no column here
                row[names[e["event_type"]]] += 1
        for c in self.claude_code:
            if c["_user"]:
                row, m = per[(c["organization_id"], c["_day"], c["_user"])], c["core_metrics"]
                row["claude_code_sessions"] += m["num_sessions"]
                row["claude_code_lines_added"] += m["lines_of_code"]["added"]
                row["claude_code_lines_removed"] += m["lines_of_code"]["removed"]
                row["claude_code_commits"] += m["commits_by_claude_code"]
                row["claude_code_pull_requests"] += m["pull_requests_by_claude_code"]
        for u in self.usage:
            row = per[(u["organization_id"], u["_day"], u["user_id"])]
            row["spend_usd"] += u["_cost"]
            row["input_tokens"] += u["input_tokens"]
            row["output_tokens"] += u["output_tokens"]
        for (org, d, user), row in per.items():
            row = dict(row, chats=len(row["chats"]))
            if d in self.days and org in self.orgs_on(d) and any(v != 0 for v in row.values()):
                rows[(org, d, user)] = dict(row, **self.member_fields(org, user, d))
        return rows

    def active_days_by_user(self) -> dict[tuple[str, str], set[dt.date]]:
        days = defaultdict(set)
        for e in self.events:
            days[(e["organization_id"], e["user_id"])].add(e["_day"])
        for c in self.claude_code:
            if c["_user"] and c["core_metrics"]["num_sessions"] > 0:
                days[(c["organization_id"], c["_user"])].add(c["_day"])
        return days

    def user_engagement(self) -> dict:
        rows = {}
        active = self.active_days_by_user()
        for d in self.days:
            for org in self.orgs_on(d):
                users = {
                    m["user_id"] for m in self.snapshot("members", d) if m["organization_id"] == org and m["status"] == "active"
                }
                users |= {
                    u for (o, u), days in active.items() if o == org and any(d - dt.timedelta(days=364) <= x <= d for x in days)
                }
                for user in users:
                    until = sorted(x for x in active.get((org, user), ()) if x <= d)
                    n = sum(1 for x in until if x >= d - dt.timedelta(days=29))
                    tier = "power" if n >= 15 else "regular" if n >= 5 else "light" if n >= 1 else "dormant"
                    rows[(org, d, user)] = dict(
                        self.member_fields(org, user, d),
                        active_days_30=n,
                        tier=tier,
                        first_active_date=until[0] if until else None,
                        last_active_date=until[-1] if until else None,
                    )
        return rows

    def claude_code_users(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                for w in ["1w", "1m", "mtd", "qtd", "ytd"]:
                    s = window_start(w, d)
                    per = {}
                    for c in self.claude_code:
                        if c["organization_id"] != org or not c["_user"] or not s <= c["_day"] <= d:
                            continue
                        m = c["core_metrics"]
                        row = per.setdefault(c["_user"], defaultdict(int))
                        row["sessions"] += m["num_sessions"]
                        row["lines_added"] += m["lines_of_code"]["added"]
                        row["lines_removed"] += m["lines_of_code"]["removed"]
                        row["commits"] += m["commits_by_claude_code"]
                        row["pull_requests"] += m["pull_requests_by_claude_code"]
                        for t in TOOLS:
                            row["tool_accepted"] += c.get("tool_actions", {}).get(t, {}).get("accepted", 0)
                            row["tool_rejected"] += c.get("tool_actions", {}).get(t, {}).get("rejected", 0)
                        row["estimated_cost_usd"] += sum(
                            (Decimal(str(b["estimated_cost"]["amount"])) / 100 for b in c.get("model_breakdown") or []),
                            Decimal(0),
                        )
                    for user, row in per.items():
                        rows[(org, d, w, user)] = dict(
                            row,
                            **self.member_fields(org, user, d),
                            estimated_cost_usd=Decimal(row["estimated_cost_usd"]),
                            tool_accept_rate=frac(row["tool_accepted"], row["tool_accepted"] + row["tool_rejected"]),
                        )
        return rows

    def daily_spend(self, org: str) -> dict[dt.date, Decimal]:
        spend = defaultdict(Decimal)
        for u in self.usage:
            if u["organization_id"] == org:
                spend[u["_day"]] += u["_cost"]
        return spend

    def spend_forecast(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                rows[(org, d)] = month_forecast(self.daily_spend(org), d)
        return rows

    def group_spend_forecast(self) -> dict:
        """spend_forecast per group: over the group's daily spend (group_activity_daily)."""
        spend = defaultdict(dict)  # (org, group) -> day -> spend of its users on days they held it
        for (org, d, g), row in self.group_activity_daily().items():
            spend[(org, g)][d] = row["spend_usd"]
        rows = {}
        for (org, g), by_day in spend.items():
            for d in by_day:
                rows[(org, d, g)] = month_forecast(by_day, d)
        return rows

    def group_spend_totals(self) -> dict:
        """spend_totals per group: the group's users' spend on days they were in it."""
        held = self.group_held()
        return {
            (org, d, g, w): {
                "spend_usd": sum(
                    (
                        u["_cost"]
                        for u in self.spend_between(org, window_start(w, d), d)
                        if u["user_id"] in held[(org, g)].get(u["_day"], set())
                    ),
                    Decimal(0),
                )
            }
            for org, d, g in self.groups_daily()
            for w in ["mtd", "qtd", "ytd"]
        }

    def group_claude_ai_windows(self) -> dict:
        """claude_ai_windows per group over 1w, 1m, 3m, 1y: the sums and the users with a chat, a
        project or an artifact, over the days each user was in the group."""
        values = self.user_day_values()
        held = defaultdict(list)  # (org, group) -> [(day, user)] on which the user was in the group
        for d in self.days:
            for org in self.orgs_on(d):
                for g, users in self.group_users(org, d).items():
                    held[(org, g)].extend((d, u) for u in users)
        rows = {}
        for (org, d, g), group in self.groups_daily().items():
            for w in ["1w", "1m", "3m", "1y"]:
                s = window_start(w, d)
                days = [values.get((org, u, x), {}) | {"user": u} for x, u in held[(org, g)] if s <= x <= d]
                with_item = {
                    kind: {v["user"] for v in days if v.get(column, 0) > 0}
                    for kind, column in (("chat", "chats"), ("project", "projects_created"), ("artifact", "artifacts_created"))
                }
                rows[(org, d, g, w)] = {
                    "chats": sum(v.get("chats", 0) for v in days),
                    "projects_created": sum(v.get("projects_created", 0) for v in days),
                    "artifacts_created": sum(v.get("artifacts_created", 0) for v in days),
                    **{f"users_with_{kind}": len(users) for kind, users in with_item.items()},
                    "seats": group["seats"],
                    **{f"pct_users_with_{kind}": frac(len(users), group["seats"]) for kind, users in with_item.items()},
                }
        return rows

    def group_held(self) -> dict[tuple[str, str], dict[dt.date, set[str]]]:
        """(organisation, group) -> day -> the users in the group that day."""
        held = defaultdict(dict)
        for d in self.days:
            for org in self.orgs_on(d):
                for g, users in self.group_users(org, d).items():
                    held[(org, g)][d] = users
        return held

    def group_active_users_daily(self) -> dict:
        """Per group and day, the users active on a day of the 30 ending on it on which they were
        in the group, and whether that was the day itself, one of the last 7, or with Claude Code."""
        values, held, rows = self.user_day_values(), self.group_held(), {}
        for org, d, g in self.groups_daily():
            for x in days_between(d - dt.timedelta(days=29), d):
                for u in held[(org, g)].get(x, set()):
                    v = values.get((org, u, x), {})
                    if not v.get("active"):
                        continue
                    row = rows.setdefault(
                        (org, d, g, u), {"counts_in_dau": False, "counts_in_wau": False, "counts_in_claude_code_dau": False}
                    )
                    row["counts_in_dau"] |= x == d
                    row["counts_in_wau"] |= x >= d - dt.timedelta(days=6)
                    row["counts_in_claude_code_dau"] |= x == d and bool(v.get("claude_code_active"))
        return rows

    def group_leaderboards(self) -> dict:
        """leaderboards per group: each user's value over the window's days on which they were in it."""
        values, held, rows = self.user_day_values(), self.group_held(), {}
        projects = {org: self.project_days(org) for org in {org for org, _ in held}}
        for org, d, g in self.groups_daily():
            for metric, windows in LEADERBOARD_WINDOWS.items():
                for w in windows:
                    in_group = [(x, u) for x, users in held[(org, g)].items() if window_start(w, d) <= x <= d for u in users]
                    if metric == "projects_used":
                        used = defaultdict(set)
                        for x, u in in_group:
                            used[u] |= projects[org].get((u, x), set())
                        board = {u: len(p) for u, p in used.items()}
                    else:
                        board = defaultdict(int)
                        for x, u in in_group:
                            board[u] += values.get((org, u, x), {}).get(metric, 0)
                    for rank, (user, value) in enumerate(self.top10(board), start=1):
                        m = self.member(org, user, d)
                        rows[(org, d, g, metric, w, rank)] = {
                            "user_id": user,
                            "value": Decimal(value),
                            "email": m["email"] if m else None,
                            "full_name": m["full_name"] if m else None,
                        }
        return rows

    def group_top_connectors(self) -> dict:
        """top_connectors per group: the group's users' uses on days they were in it."""
        held, rows = self.group_held(), {}
        for org, d, g in self.groups_daily():
            for w in ["1w", "1m", "3m", "1y"]:
                uses, users = defaultdict(int), defaultdict(set)
                for e in self.events_of(org, "connector.used", window_start(w, d), d):
                    if e["user_id"] in held[(org, g)].get(e["_day"], set()):
                        uses[e["properties"]["connector"]] += 1
                        users[e["properties"]["connector"]].add(e["user_id"])
                ranked = sorted(users, key=lambda c: (-len(users[c]), -uses[c], c))[:10]
                for rank, connector in enumerate(ranked, start=1):
                    rows[(org, d, g, w, rank)] = {
                        "connector": connector,
                        "uses": uses[connector],
                        "unique_users": len(users[connector]),
                    }
        return rows

    def group_spend_by_model(self) -> dict:
        """spend_by_model per group: the group's users' usage on days they were in it."""
        held, rows = self.group_held(), {}
        for org, d, g in self.groups_daily():
            for w in ["1m", "3m", "1y"]:
                for u in self.spend_between(org, window_start(w, d), d):
                    if u["user_id"] in held[(org, g)].get(u["_day"], set()):
                        row = rows.setdefault((org, d, g, w, u["model"]), {"spend_usd": Decimal(0)})
                        row["spend_usd"] += u["_cost"]
        return rows

    def spend_alerts(self) -> dict:
        rows = {}
        first_day = {}
        for d in self.days:
            for org in self.orgs_on(d):
                first_day.setdefault(org, d)
        for org, first in first_day.items():
            spend = self.daily_spend(org)
            for d in self.days:
                if d < first + dt.timedelta(days=28) or org not in self.orgs_on(d):
                    continue
                baseline = statistics.median(spend.get(d - dt.timedelta(days=k), Decimal(0)) for k in range(1, 29))
                today = spend.get(d, Decimal(0))
                if today > 3 * baseline and today > 10:
                    rows[(org, d)] = {
                        "spend_usd": today,
                        "baseline_usd": baseline.quantize(MICRO, ROUND_HALF_UP),
                        "ratio": float(today / baseline) if baseline else None,
                    }
        return rows

    # -- groups (SPEC §3 Groups, §4 "Per group") ---------------------------------------------
    def groups_on(self, org: str, day: dt.date) -> dict[str, str]:
        """Group id -> name, in the groups snapshot holding on the day."""
        return {g["rbac_group_id"]: g["name"] for g in self.snapshot("groups", day) if g["organization_id"] == org}

    def group_users(self, org: str, day: dt.date) -> dict[str, set[str]]:
        """Group id -> the users the group_members snapshot holding on the day lists in it, for the
        groups of that day's groups snapshot (a membership of any other group is ignored)."""
        groups = self.groups_on(org, day)
        listed = defaultdict(set)
        for m in self.snapshot("group_members", day):
            if m["organization_id"] == org and m["rbac_group_id"] in groups:
                listed[m["rbac_group_id"]].add(m["user_id"])
        return {g: listed[g] for g in groups}

    def group_members_daily(self) -> dict:
        return {
            (org, d, g, user): {}
            for d in self.days
            for org in self.orgs_on(d)
            for g, users in self.group_users(org, d).items()
            for user in users
        }

    def groups_daily(self) -> dict:
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                active = {
                    m["user_id"] for m in self.snapshot("members", d) if m["organization_id"] == org and m["status"] == "active"
                }
                names = self.groups_on(org, d)
                for g, users in self.group_users(org, d).items():
                    rows[(org, d, g)] = {"name": names[g], "members": len(users), "seats": len(users & active)}
        return rows

    def user_day_values(self) -> dict[tuple[str, str, dt.date], dict]:
        """(organisation, user, day) -> what the user did that day, for the group sums."""
        values = defaultdict(lambda: defaultdict(int))
        chats = defaultdict(set)
        for e in self.events:
            key = (e["organization_id"], e["user_id"], e["_day"])
            values[key]["active"] = 1
            kind = e["event_type"]
            if kind == "chat.created":
                chats[key].add(e["properties"]["chat_id"])
            elif kind == "message.sent":
                values[key]["messages"] += 1
            elif kind == "project.created":
                values[key]["projects_created"] += 1
            elif kind == "artifact.created":
                values[key]["artifacts_created"] += 1
        for key, ids in chats.items():
            values[key]["chats"] = len(ids)
        for c in self.claude_code:
            if not c["_user"]:
                continue
            key = (c["organization_id"], c["_user"], c["_day"])
            core = c["core_metrics"]
            if core["num_sessions"] > 0:
                values[key]["active"] = 1
                values[key]["claude_code_active"] = 1
            values[key]["claude_code_sessions"] += core["num_sessions"]
            values[key]["claude_code_lines_added"] += core["lines_of_code"]["added"]
            values[key]["claude_code_lines_removed"] += core["lines_of_code"]["removed"]
            values[key]["claude_code_commits"] += core["commits_by_claude_code"]
            values[key]["claude_code_pull_requests"] += core["pull_requests_by_claude_code"]
        for u in self.usage:
            values[(u["organization_id"], u["user_id"], u["_day"])]["spend_usd"] += u["_cost"]
        return values

    def group_activity_daily(self) -> dict:
        values = self.user_day_values()
        in_group = {}  # (org, day) -> group -> users
        rows = {}
        for d in self.days:
            for org in self.orgs_on(d):
                in_group[(org, d)] = self.group_users(org, d)
        seats = self.groups_daily()
        for (org, d), groups in in_group.items():
            for g, users in groups.items():

                def active_in(start: dt.date, org=org, g=g, d=d) -> set[str]:
                    """Users active on a day of [start, d] on which they were in the group."""
                    out = set()
                    x = start
                    while x <= d:
                        for u in in_group.get((org, x), {}).get(g, set()):
                            if values.get((org, u, x), {}).get("active"):
                                out.add(u)
                        x += ONE_DAY
                    return out

                day = [values.get((org, u, d), {}) for u in users]
                wau = len(active_in(d - dt.timedelta(days=6)))
                group_seats = seats[(org, d, g)]["seats"]
                rows[(org, d, g)] = {
                    "dau": len(active_in(d)),
                    "wau": wau,
                    "mau": len(active_in(d - dt.timedelta(days=29))),
                    "seats": group_seats,
                    "utilization": frac(wau, group_seats),
                    **{
                        k: sum(v.get(k, 0) for v in day)
                        for k in (
                            "chats",
                            "messages",
                            "projects_created",
                            "artifacts_created",
                            "claude_code_sessions",
                            "claude_code_lines_added",
                            "claude_code_lines_removed",
                            "claude_code_commits",
                            "claude_code_pull_requests",
                        )
                    },
                    "users_with_chat": sum(1 for v in day if v.get("chats", 0) > 0),
                    "claude_code_active_users": sum(1 for v in day if v.get("claude_code_active")),
                    "spend_usd": sum((v.get("spend_usd", Decimal(0)) for v in day), Decimal(0)),
                    "users_created_project": sum(1 for v in day if v.get("projects_created", 0) > 0),
                    "users_created_artifact": sum(1 for v in day if v.get("artifacts_created", 0) > 0),
                }
                rows[(org, d, g)]["pct_users_with_chat"] = frac(rows[(org, d, g)]["users_with_chat"], group_seats)
        # day-over-day changes: against the group's row of the day before; none on its first day
        for (org, d, g), row in rows.items():
            before = rows.get((org, d - ONE_DAY, g))
            for column in ("chats", "projects_created", "artifacts_created"):
                row[f"{column}_dod_change"] = row[column] - before[column] if before else None
        return rows

    # -- skills and plugins (SPEC §3 "Skills and plugins", §4) --------------------------------------
    def counted_events(self, kinds: tuple[str, ...]) -> list[dict]:
        """Events of the kinds on days the marts hold: in the calendar, the organisation present."""
        return [
            e for e in self.events
            if e["event_type"] in kinds and e["_day"] in self.days and e["organization_id"] in self.orgs_on(e["_day"])
        ]  # fmt: skip

    @staticmethod
    def latest_first(e: dict):
        return (parse_ts(e["occurred_at"]), e["event_id"])

    def skill_users_daily(self) -> dict:
        uses = defaultdict(list)
        for e in self.counted_events(("skill.used",)):
            p = e["properties"]
            uses[(e["organization_id"], e["_day"], p["skill_name"].lower(), p["product"], e["user_id"])].append(e)
        rows = {}
        for key, events in uses.items():
            latest = max(events, key=self.latest_first)["properties"]
            rows[key] = {
                "skill_display_name": latest["skill_display_name"],
                "share_status": latest["share_status"],
                "invocations": len(events),
                "conversations": len({e["properties"]["chat_id"] for e in events} - {None}),
                "sessions": len({e["properties"]["session_id"] for e in events} - {None}),
            }
        return rows

    def skill_enables_daily(self) -> dict:
        return {
            (e["organization_id"], e["_day"], e["properties"]["skill_name"].lower(), e["user_id"]): {}
            for e in self.counted_events(("skill.enabled",))
        }

    def plugin_name(self, org: str, plugin_id: str, day: dt.date) -> str:
        """The latest plugin_name seen for the id up to the day (SPEC §3)."""
        seen = [
            e for e in self.events
            if e["organization_id"] == org and e["event_type"] in ("plugin.used", "plugin.installed")
            and e["properties"]["plugin_id"] == plugin_id and e["_day"] <= day
        ]  # fmt: skip
        return max(seen, key=self.latest_first)["properties"]["plugin_name"]

    def plugin_users_daily(self) -> dict:
        uses = defaultdict(list)
        for e in self.counted_events(("plugin.used",)):
            p = e["properties"]
            uses[(e["organization_id"], e["_day"], p["plugin_id"], p["product"], e["user_id"])].append(e)
        return {
            key: {
                "plugin_name": self.plugin_name(key[0], key[2], key[1]),
                "invocations": len(events),
                "sessions": len({e["properties"]["session_id"] for e in events} - {None}),
            }
            for key, events in uses.items()
        }

    def plugin_installs_daily(self) -> dict:
        return {
            (e["organization_id"], e["_day"], e["properties"]["plugin_id"], e["user_id"]): {
                "plugin_name": self.plugin_name(e["organization_id"], e["properties"]["plugin_id"], e["_day"])
            }
            for e in self.counted_events(("plugin.installed",))
        }

    def skills_and_plugins_between(
        self, org: str, kinds: tuple[str, ...], start: dt.date, end: dt.date, group: str | None = None
    ) -> list[dict]:
        """The organisation's events of the kinds on days in [start, end) the marts hold; with `group`,
        only those of users in the group on the event's day (SPEC §3 Groups)."""
        return [
            e for e in self.counted_events(kinds)
            if e["organization_id"] == org and start <= e["_day"] < end
            and (group is None or e["user_id"] in self.group_users(org, e["_day"]).get(group, set()))
        ]  # fmt: skip

    # -- the vendor's shapes (SPEC §7 "Vendor surface"), over any range [start, end) ---------------
    def events_between(self, org: str, kind: str, start: dt.date, end: dt.date) -> list[dict]:
        """Events of a kind whose day is in [start, end) and on which the organisation is present."""
        return [e for e in self.events_of(org, kind, start, end - ONE_DAY) if org in self.orgs_on(e["_day"])]

    def connectors_over(self, org: str, start: dt.date, end: dt.date) -> dict[str, int]:
        """Connector -> distinct users who used it in [start, end)."""
        users = defaultdict(set)
        for e in self.events_between(org, "connector.used", start, end):
            users[e["properties"]["connector"]].add(e["user_id"])
        return {c: len(u) for c, u in users.items()}

    def artifacts_on(self, org: str, day: dt.date) -> dict[tuple[str, bool | None], dict]:
        """(artifact_type, is_shared or None) -> artifacts created and distinct creators on the day."""
        buckets = defaultdict(list)
        for e in self.events_between(org, "artifact.created", day, day + ONE_DAY):
            buckets[(e["properties"]["artifact_type"], e["properties"].get("is_shared"))].append(e["user_id"])
        return {k: {"artifacts_created_count": len(v), "distinct_user_count": len(set(v))} for k, v in buckets.items()}

    def projects_over(self, org: str, start: dt.date, end: dt.date) -> dict[str, dict]:
        """Project -> distinct users who used it (SPEC §3) and messages in its chats over [start, end),
        with its name and creator where a project.created event says."""
        chat_project = {
            e["properties"]["chat_id"]: e["properties"]["project_id"]
            for e in self.events
            if e["organization_id"] == org and e["event_type"] == "chat.created" and e["properties"].get("project_id")
        }
        users, messages, chats = defaultdict(set), defaultdict(int), defaultdict(set)
        for kind in ("project.created", "chat.created", "message.sent"):
            for e in self.events_between(org, kind, start, end):
                p = e["properties"]
                project = p.get("project_id") if kind != "message.sent" else chat_project.get(p["chat_id"])
                if not project:
                    continue
                users[project].add(e["user_id"])
                if kind == "message.sent":
                    messages[project] += 1
                if kind != "project.created":
                    chats[project].add(p["chat_id"])
        created = {}
        for e in sorted(
            self.events_of(org, "project.created", self.days[0], self.days[-1]), key=lambda e: parse_ts(e["occurred_at"])
        ):
            created.setdefault(e["properties"]["project_id"], e)
        out = {}
        for project, who in users.items():
            first = created.get(project)
            out[project] = {
                "distinct_user_count": len(who),
                "message_count": messages[project],
                "conversations": len(chats[project]),
                "project_name": first["properties"].get("name") if first else None,
                "created_by": first["user_id"] if first else None,
            }
        return out

    def ledger(self, org: str, start: dt.date, end: dt.date) -> list[dict]:
        """Usage records of [start, end) on days the organisation is present."""
        return [u for u in self.spend_between(org, start, end - ONE_DAY) if org in self.orgs_on(u["_day"])]

    def cost_by_day(self, org: str, start: dt.date, end: dt.date) -> dict[tuple[dt.date, str, str], dict]:
        """(day, model, product as the vendor names it) -> cost in US cents and requests."""
        rows = defaultdict(lambda: {"cents": Decimal(0), "requests": 0})
        for u in self.ledger(org, start, end):
            row = rows[(u["_day"], u["model"], "chat" if u["product"] == "claude_ai" else u["product"])]
            row["cents"] += u["_cost"] * 100
            row["requests"] += 1
        return dict(rows)

    def tokens_by_user(self, org: str, start: dt.date, end: dt.date) -> dict[str, dict]:
        """User -> token counts and requests over [start, end)."""
        rows = defaultdict(lambda: defaultdict(int))
        for u in self.ledger(org, start, end):
            row = rows[u["user_id"]]
            for kind in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
                row[kind] += u[kind]
            row["requests"] += 1
        return {user: dict(row) for user, row in rows.items()}


# mart -> its grain columns, in SPEC §4
# the marts this reference computes; each one's grain (the key its rows are compared by) is the one
# its dbt YAML declares and the build tests (core/mart_catalog.py)
REFERENCE_MARTS = (
    "activity_daily",
    "claude_ai_daily",
    "spend_daily",
    "claude_code_daily",
    "claude_ai_windows",
    "leaderboards",
    "top_connectors",
    "spend_totals",
    "spend_by_model",
    "user_spend",
    "user_activity_daily",
    "user_engagement",
    "claude_code_users",
    "spend_forecast",
    "spend_alerts",
    "group_members_daily",
    "groups_daily",
    "group_activity_daily",
    "group_spend_forecast",
    "group_spend_totals",
    "group_claude_ai_windows",
    "group_active_users_daily",
    "group_leaderboards",
    "group_top_connectors",
    "group_spend_by_model",
    "skill_users_daily",
    "skill_enables_daily",
    "plugin_users_daily",
    "plugin_installs_daily",
)
MARTS = mart_catalog(DBT_PROJECT_DIR / "models" / "marts")
GRAINS = {name: list(MARTS[name].grain) for name in REFERENCE_MARTS}
