"""Deterministic generator of raw dump sets (SPEC §2).

The committed `raw_fixtures/` were made with the defaults; `make bench` uses it for
large sets. Besides ordinary activity it plants every case SPEC §2 warns about:
duplicate and corrected redeliveries, late records, offsets that change the UTC day,
a day without snapshots, a restated Claude Code day, api actors, messy actor emails,
a member deactivated mid-period, an organisation that appears mid-period, and one bad
line per rejection reason and source (with --bad-lines).

    python tools/generate_dumps.py --out raw_fixtures --orgs 4 --days 64 --seed 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import shutil
from collections import defaultdict
from pathlib import Path

MODELS = ["claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5"]
CONNECTORS = [
    "Google Drive",
    "Slack",
    "GitHub",
    "Jira",
    "Notion",
    "Linear",
    "Asana",
    "Confluence",
    "Gmail",
    "Box",
    "Dropbox",
    "Figma",
]
ARTIFACT_TYPES = ["code", "document", "html", "svg", "mermaid"]
# RBAC groups (SPEC §2.4), some with names that look nested
DEPARTMENTS = [
    "Engineering / Platform",
    "Engineering / Mobile",
    "Sales",
    "Research & Development",
    "Support (EMEA)",
    "Finance",
    "Legal",
    "Marketing / Growth",
]
PROJECT_TOPICS = ["Roadmap", "Onboarding", "Q3 launch", "Pricing", "Support macros", "Research notes"]
TERMINALS = ["vscode", "iterm2", "jetbrains", "ghostty"]
# skills (SPEC §2.1): a name, its display name (null for a member's own), sometimes written in
# another letter case by the client
SKILLS = [
    ("docx", "Word documents"),
    ("pdf", "PDF"),
    ("xlsx", "Spreadsheets"),
    ("pptx", "Presentations"),
    ("brand-guidelines", "Brand guidelines"),
    ("skill_01hx7k2m9q", None),
    ("release-notes", "Release notes"),
    ("sql-review", "SQL review"),
    ("incident-postmortem", "Incident postmortem"),
    ("canvas-design", "Canvas design"),
    ("meeting-notes", "Meeting notes"),
    ("contract-review", "Contract review"),
]
# plugins (SPEC §2.1): an id and its name; the last one is renamed half-way through the period
PLUGINS = [
    ("serena@claude-plugins-official", "serena"),
    ("github@claude-plugins-official", "GitHub"),
    ("sentry@claude-plugins-official", "Sentry"),
    ("pr-review-toolkit@acme-marketplace", "PR review toolkit"),
    ("figma@claude-plugins-official", "Figma"),
    ("commit-commands@acme-marketplace", "Commit commands"),
    ("security-guidance@acme-marketplace", "Security guidance"),
    ("feature-dev@claude-plugins-official", "Feature dev"),
    ("data-tools@acme-marketplace", "Data tools"),
    ("hookify@claude-plugins-official", "Hookify"),
    ("linear@acme-marketplace", "Linear"),
]
RENAMED_PLUGIN = ("linear@acme-marketplace", "Linear for Teams")
PLANS = [
    ("team", "seat_based", False),
    ("enterprise", "seat_based", False),
    ("enterprise", "usage_based", True),
    ("team", "usage_based", True),
    ("enterprise", "seat_based", True),
]
OFFSETS = ["Z", "+00:00", "-05:00", "+02:00", "+09:30", "-08:00"]


def iso(ts: dt.datetime, offset: str) -> str:
    """Render a UTC instant in the given offset, as the upstream systems do."""
    if offset in ("Z", "+00:00"):
        return ts.strftime("%Y-%m-%dT%H:%M:%S") + offset
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    local = ts + sign * dt.timedelta(hours=hours, minutes=minutes)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + offset


class Generator:
    def __init__(self, args: argparse.Namespace):
        self.rng = random.Random(args.seed)
        # the optional properties (a project's name, an artifact's is_shared) come from their own
        # stream, so that adding them left every other record of a seed as it was
        self.extras = random.Random(f"{args.seed}:optional-properties")
        self.group_rng = random.Random(f"{args.seed}:groups")  # groups, likewise
        self.skill_rng = random.Random(f"{args.seed}:skills-and-plugins")  # skill and plugin events, likewise
        # (organization_id, user_id, UTC day) of every generated event, in the order generated:
        # skill and plugin events go to these user-days only, so that who is active stays as it was
        self.active_days: dict[tuple[str, str, int], None] = {}
        self.args = args
        self.start = dt.date.fromisoformat(args.start)
        self.days = [self.start + dt.timedelta(days=i) for i in range(args.days)]
        # deliveries[source][dump_date][file_name] -> list of lines
        self.deliveries: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        self.counter = 0

    def mid_period_month_end(self) -> int:
        middle = len(self.days) // 2
        for day in range(middle, len(self.days) - 2):
            if (self.days[day] + dt.timedelta(days=1)).day == 1:
                return day
        return middle

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}_{self.counter:09d}"

    # -- world ---------------------------------------------------------------
    def build_world(self) -> None:
        rng, a = self.rng, self.args
        self.orgs = []
        for i in range(a.orgs):
            plan, billing, extra = PLANS[i % len(PLANS)]
            # the last organisation (when there are 3 or more) signs up mid-period, on the last day
            # of a month when the period holds it (a forecast's first day is then a month's last)
            first_day = self.mid_period_month_end() if (i == a.orgs - 1 and a.orgs >= 3) else 0
            n_users = max(3, int(a.users_per_org * (0.5 + rng.random())))
            org = {
                "organization_id": f"org_{i + 1:04d}",
                "name": f"Organisation {i + 1}",
                "plan": plan,
                "billing": billing,
                "extra_usage_enabled": extra,
                "seat_count": n_users + rng.randint(0, max(1, n_users // 2)),
                "created_at": iso(dt.datetime.combine(self.days[first_day], dt.time(9)), "Z"),
                "first_day": first_day,
                "members": [],
                "invites": [],
                "projects": [],
            }
            if i == 1:
                org["seat_count"] = 0  # utilization is null for zero seats
            for u in range(n_users):
                uid = f"user_{i + 1:04d}_{u + 1:05d}"
                member = {
                    "organization_id": org["organization_id"],
                    "user_id": uid,
                    "email": f"person{u + 1}.org{i + 1}@example.com",
                    "full_name": f"Person {u + 1} of Org {i + 1}",
                    "role": "primary_owner" if u == 0 else rng.choice(["owner", "admin", "member", "member"]),
                    "status": "active",
                    "joined_at": org["created_at"],
                    "join_day": first_day if u < n_users * 0.7 else rng.randint(first_day, len(self.days) - 1),
                    "leave_day": None,
                    "activity": rng.choice([0.15, 0.4, 0.7, 0.9]),
                    "chats": [],
                }
                org["members"].append(member)
            # one member deactivated mid-period
            org["members"][-1]["leave_day"] = first_day + (len(self.days) - first_day) // 2
            for k in range(max(3, n_users // 5)):
                created = rng.randint(first_day, len(self.days) - 1)
                expires_kind = rng.choice(["null", "end_of_day", "later", "earlier"])
                org["invites"].append(
                    {
                        "invite_id": f"inv_{i + 1:04d}_{k + 1:04d}",
                        "organization_id": org["organization_id"],
                        "email": f"invitee{k + 1}.org{i + 1}@example.com",
                        "role": "member",
                        "created_day": created,
                        "expires_kind": expires_kind,
                        "answer_day": rng.choice([None, created + rng.randint(1, 10)]),
                        "answer": rng.choice(["accepted", "declined", "revoked"]),
                    }
                )
            self.orgs.append(org)

    # -- delivery helpers ----------------------------------------------------
    def deliver(
        self, source: str, record_day: int, record: dict, late: int | None = None, rng: random.Random | None = None
    ) -> None:
        """Queue a record for a dump: usually its own day, sometimes late or duplicated."""
        rng = rng or self.rng
        if late is None:
            r = rng.random()
            late = 0 if r < 0.9 else rng.randint(1, 5)
        dump = min(record_day + late, len(self.days) - 1)
        line = json.dumps(record, separators=(",", ":"))
        part = rng.choice(["part-0001.jsonl", "part-0002.jsonl.gz"])
        self.deliveries[source][dump][part].append(line)
        r = rng.random()
        if r < 0.02:  # same file twice
            self.deliveries[source][dump][part].append(line)
        elif r < 0.04:  # another file, same dump
            self.deliveries[source][dump]["part-0003.jsonl"].append(line)
        elif r < 0.05 and dump + 1 < len(self.days):  # a later dump
            self.deliveries[source][dump + 1]["part-0001.jsonl"].append(line)

    def timestamp(self, day: int, near_midnight: bool = False) -> str:
        rng = self.rng
        base = dt.datetime.combine(self.days[day], dt.time())
        if near_midnight:
            # local late evening west of UTC: the UTC day is the next day
            ts = base + dt.timedelta(hours=28, minutes=rng.randint(0, 59))
            return iso(ts, "-05:00")
        ts = base + dt.timedelta(seconds=rng.randint(3 * 3600, 20 * 3600))
        return iso(ts, rng.choice(OFFSETS))

    # -- sources -------------------------------------------------------------
    def events_and_usage(self) -> None:
        rng, a = self.rng, self.args
        for day in range(len(self.days)):
            for org in self.orgs:
                if day < org["first_day"]:
                    continue
                for m in org["members"]:
                    if m["join_day"] > day or (m["leave_day"] is not None and day >= m["leave_day"]):
                        continue
                    if rng.random() > m["activity"]:
                        continue
                    for _ in range(max(1, int(rng.expovariate(1 / a.events_per_user_day)))):
                        self.one_event(org, m, day)
                    for _ in range(rng.randint(0, 2 * a.usage_per_user_day)):
                        self.one_usage(org, m, day)

    def one_event(self, org: dict, m: dict, day: int) -> None:
        rng = self.rng
        kind = rng.choices(
            ["chat.created", "message.sent", "project.created", "artifact.created", "connector.used"], [3, 8, 1, 2, 2]
        )[0]
        own_chats = m["chats"]
        if kind != "chat.created" and kind != "project.created" and not own_chats:
            kind = "chat.created"
        near = rng.random() < 0.03 and day + 1 < len(self.days)
        occurred = self.timestamp(day, near)
        self.active_days[(org["organization_id"], m["user_id"], day + 1 if near else day)] = None
        props: dict
        if kind == "chat.created":
            project = rng.choice(org["projects"])["project_id"] if org["projects"] and rng.random() < 0.3 else None
            chat = {"chat_id": self.next_id("chat"), "user_id": m["user_id"], "project_id": project}
            m["chats"].append(chat)
            props = {"chat_id": chat["chat_id"], "project_id": project}
        elif kind == "message.sent":
            chat = rng.choice(own_chats[-5:])
            props = {"chat_id": chat["chat_id"], "message_id": self.next_id("msg")}
        elif kind == "project.created":
            project = {"project_id": self.next_id("proj")}
            org["projects"].append(project)
            props = dict(project)
            if self.extras.random() < 0.8:  # optional (SPEC §2.1): some dumps lack it
                props["name"] = f"{self.extras.choice(PROJECT_TOPICS)} {self.extras.randint(1, 99)}"
        elif kind == "artifact.created":
            props = {
                "artifact_id": self.next_id("art"),
                "chat_id": rng.choice(own_chats)["chat_id"],
                "artifact_type": rng.choice(ARTIFACT_TYPES),
            }
            if self.extras.random() < 0.7:  # optional (SPEC §2.1)
                props["is_shared"] = self.extras.random() < 0.3
        else:
            props = {
                "connector": rng.choice(CONNECTORS[: 4 + len(org["organization_id"]) % 9]),
                "chat_id": rng.choice(own_chats)["chat_id"] if rng.random() < 0.7 else None,
            }
        record = {
            "event_id": self.next_id("evt"),
            "event_type": kind,
            "occurred_at": occurred,
            "organization_id": org["organization_id"],
            "user_id": m["user_id"],
            "properties": props,
        }
        if rng.random() < 0.02:
            record["client_version"] = "2.3.1"  # unknown extra field: kept, not rejected
        self.deliver("events", day, record)
        if rng.random() < 0.01 and day + 2 < len(self.days):
            # corrected redelivery two dumps later: the later dump wins
            fixed = json.loads(json.dumps(record))
            fixed["occurred_at"] = self.timestamp(day)
            fixed["corrected"] = True
            self.deliver("events", day, fixed, late=2)

    def one_usage(self, org: dict, m: dict, day: int) -> None:
        rng = self.rng
        inp, out = rng.randint(100, 20000), rng.randint(10, 4000)
        model = rng.choices(MODELS, [1, 3, 2])[0]
        price = {"claude-opus-4-5": 15, "claude-sonnet-4-5": 3, "claude-haiku-4-5": 1}[model]
        micro = (inp * price + out * price * 5) // 1  # millionths of a dollar
        record = {
            "usage_id": self.next_id("use"),
            "occurred_at": self.timestamp(day, rng.random() < 0.03),
            "organization_id": org["organization_id"],
            "user_id": m["user_id"],
            "product": rng.choice(["claude_ai", "claude_ai", "claude_code"]),
            "model": model,
            "input_tokens": inp,
            "output_tokens": out,
            "cache_read_input_tokens": rng.choice([0, 0, rng.randint(0, 5000)]),
            "cache_creation_input_tokens": rng.choice([0, rng.randint(0, 1000)]),
            "cost_usd": f"{micro // 1_000_000}.{micro % 1_000_000:06d}",
        }
        self.deliver("usage", day, record)
        if rng.random() < 0.01 and day + 1 < len(self.days):
            fixed = dict(record, cost_usd=f"{(micro + 1234) // 1_000_000}.{(micro + 1234) % 1_000_000:06d}")
            self.deliver("usage", day, fixed, late=1)

    def claude_code(self) -> None:
        rng = self.rng
        for day in range(len(self.days)):
            date = self.days[day].isoformat() + "T00:00:00Z"
            for org in self.orgs:
                # an organisation that signs up mid-period sets Claude Code up after its first day
                if day < org["first_day"] or (day == org["first_day"] > 0):
                    continue
                coders = [
                    m
                    for m in org["members"]
                    if m["join_day"] <= day and m["activity"] >= 0.4 and (m["leave_day"] is None or day < m["leave_day"])
                ]
                for m in coders:
                    if rng.random() < 0.5:
                        continue
                    email = m["email"]
                    if rng.random() < 0.2:
                        email = "  " + email.upper() + " "  # matched trimmed, case-insensitive
                    actor = {"type": "user_actor", "email_address": email}
                    self.deliver("claude_code", day, self.cc_record(date, org, actor, rng.choice(TERMINALS)))
                if rng.random() < 0.5:  # api keys count in totals only
                    actor = {"type": "api_actor", "api_key_name": f"ci-key-{org['organization_id']}"}
                    self.deliver("claude_code", day, self.cc_record(date, org, actor, "non_interactive"))
                if rng.random() < 0.2:  # someone not (or no longer) a member
                    actor = {"type": "user_actor", "email_address": f"contractor@{org['organization_id']}.example.com"}
                    self.deliver("claude_code", day, self.cc_record(date, org, actor, "vscode"))

    def cc_record(self, date: str, org: dict, actor: dict, terminal: str) -> dict:
        rng = self.rng
        tools = {
            t: {"accepted": rng.randint(0, 20), "rejected": rng.randint(0, 5)}
            for t in ["edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool"]
        }
        return {
            "date": date,
            "actor": actor,
            "organization_id": org["organization_id"],
            "customer_type": "subscription",
            "terminal_type": terminal,
            "core_metrics": {
                "num_sessions": rng.choice([0, 1, 2, 3, 5]),
                "lines_of_code": {"added": rng.randint(0, 500), "removed": rng.randint(0, 200)},
                "commits_by_claude_code": rng.randint(0, 4),
                "pull_requests_by_claude_code": rng.randint(0, 2),
            },
            "tool_actions": tools,
            "model_breakdown": [
                {
                    "model": model,
                    "tokens": {
                        "input": rng.randint(0, 90000),
                        "output": rng.randint(0, 9000),
                        "cache_read": rng.randint(0, 1000),
                        "cache_creation": 0,
                    },
                    "estimated_cost": {"currency": "USD", "amount": rng.randint(0, 900)},
                }
                for model in rng.sample(MODELS, rng.randint(1, 2))
            ],
        }

    def snapshots(self) -> None:
        skip = {len(self.days) // 3}  # a day without any snapshot
        for day in range(len(self.days)):
            if day in skip:
                continue
            orgs, members, invites = [], [], []
            for org in self.orgs:
                if day < org["first_day"]:
                    continue
                orgs.append(
                    {
                        k: org[k]
                        for k in ["organization_id", "name", "plan", "billing", "extra_usage_enabled", "seat_count", "created_at"]
                    }
                )
                for m in org["members"]:
                    if m["join_day"] > day:
                        continue
                    row = {k: m[k] for k in ["organization_id", "user_id", "email", "full_name", "role", "status", "joined_at"]}
                    if m["leave_day"] is not None and day >= m["leave_day"]:
                        row["status"] = "deactivated"
                    members.append(row)
                for inv in org["invites"]:
                    if inv["created_day"] > day:
                        continue
                    created = dt.datetime.combine(self.days[inv["created_day"]], dt.time(10))
                    expires = {
                        "null": None,
                        # expires exactly at the start of a later day: pending until then
                        "end_of_day": iso(
                            dt.datetime.combine(self.days[min(inv["created_day"] + 3, len(self.days) - 1)], dt.time()), "Z"
                        ),
                        "later": iso(created + dt.timedelta(days=14), "+02:00"),
                        "earlier": iso(created + dt.timedelta(days=2), "-05:00"),
                    }[inv["expires_kind"]]
                    status = "pending"
                    if inv["answer_day"] is not None and day >= inv["answer_day"]:
                        status = inv["answer"]
                    invites.append(
                        {
                            "invite_id": inv["invite_id"],
                            "organization_id": inv["organization_id"],
                            "email": inv["email"],
                            "role": inv["role"],
                            "status": status,
                            "created_at": iso(created, "Z"),
                            "expires_at": expires,
                        }
                    )
            groups, group_members = self.group_rows(day)
            tables = [("organizations", orgs), ("members", members), ("invites", invites), ("groups", groups)]
            if day != self.membership_gap:  # a day whose group_members file is missing: the day before holds
                tables.append(("group_members", group_members))
            for name, rows in tables:
                fname = f"{name}.jsonl.gz" if day % 7 == 3 else f"{name}.jsonl"
                self.deliveries["snapshots"][day][fname] = [json.dumps(r, separators=(",", ":")) for r in rows]

    # -- RBAC groups ----------------------------------------------------------
    def build_groups(self) -> None:
        """Groups per organisation from their own random stream (the other records of a seed stay as
        they were): every fifth organisation has none, a user is in one to three groups, and the first
        organisation with groups (a Team one) plants a user in two groups, a user who moves mid-month,
        a renamed group and a deleted group whose memberships stay listed (and are ignored)."""
        rng, n_days = self.group_rng, len(self.days)
        self.membership_gap = n_days // 4 if n_days >= 8 else -1
        for i, org in enumerate(self.orgs):
            org["groups"] = []
            if i % 5 == 3:
                continue  # an organisation without groups
            n_groups = min(50, max(3, len(org["members"]) // 5))
            for k in range(n_groups):
                name = DEPARTMENTS[k % len(DEPARTMENTS)] + (f" {k // len(DEPARTMENTS) + 1}" if k >= len(DEPARTMENTS) else "")
                org["groups"].append({"rbac_group_id": f"rbac_group_{i + 1:04d}_{k + 1:03d}", "name": name, "renames": []})
            for m in org["members"]:
                m["groups"] = [(g["rbac_group_id"], 0, None) for g in rng.sample(org["groups"], rng.choice([1, 1, 1, 2, 3]))]
        planted = next((o for o in self.orgs if o["groups"]), None)
        if planted is None or n_days < 8:
            return
        first, second, last = planted["groups"][0], planted["groups"][1], planted["groups"][-1]
        two, mover = planted["members"][1], planted["members"][2]
        two["groups"] = [(first["rbac_group_id"], 0, None), (second["rbac_group_id"], 0, None)]
        middle = n_days // 2  # the mover leaves the first group and joins the second on this day
        mover["groups"] = [(first["rbac_group_id"], 0, middle), (second["rbac_group_id"], middle, None)]
        second["renames"].append((middle + 3, second["name"] + " (renamed)"))
        last["deleted_day"] = middle + 6
        planted["stray_member"] = two["user_id"]  # also listed in a group no groups snapshot holds: ignored

    def group_rows(self, day: int) -> tuple[list[dict], list[dict]]:
        groups, memberships = [], []
        for org in self.orgs:
            if day < org["first_day"]:
                continue
            for g in org.get("groups", []):
                if day >= g.get("deleted_day", day + 1):
                    continue
                name = next((n for d, n in reversed(g["renames"]) if day >= d), g["name"])
                groups.append({"organization_id": org["organization_id"], "rbac_group_id": g["rbac_group_id"], "name": name})
            for m in org["members"]:
                if m["join_day"] > day:
                    continue
                for group_id, since, until in m.get("groups", []):
                    if since <= day and (until is None or day < until):
                        memberships.append(
                            {"organization_id": org["organization_id"], "rbac_group_id": group_id, "user_id": m["user_id"]}
                        )
            if "stray_member" in org:
                memberships.append(
                    {
                        "organization_id": org["organization_id"],
                        "rbac_group_id": "rbac_group_unknown",
                        "user_id": org["stray_member"],
                    }
                )
        return groups, memberships

    def plant_cases(self) -> None:
        """Deterministic edge cases that the tests refer to by id."""
        org = self.orgs[0]
        m = org["members"][1]
        d = min(10, len(self.days) - 3)
        base = {"organization_id": org["organization_id"], "user_id": m["user_id"]}
        # a chat in a project, messages on a later day count as project use
        self.deliveries["events"][d]["part-0001.jsonl"] += [
            json.dumps(
                dict(
                    base,
                    event_id="evt_case_project",
                    event_type="project.created",
                    occurred_at=self.timestamp(d),
                    properties={"project_id": "proj_case"},
                )
            ),
            json.dumps(
                dict(
                    base,
                    event_id="evt_case_chat",
                    event_type="chat.created",
                    occurred_at=self.timestamp(d),
                    properties={"chat_id": "chat_case", "project_id": "proj_case"},
                )
            ),
        ]
        # late by five days, and a duplicate in a later dump with corrected content
        self.deliveries["events"][d + 2]["part-0001.jsonl"].append(
            json.dumps(
                dict(
                    base,
                    event_id="evt_case_message",
                    event_type="message.sent",
                    occurred_at=self.timestamp(d - 5),
                    properties={"chat_id": "chat_case", "message_id": "msg_case_v1"},
                )
            )
        )
        self.deliveries["events"][d + 2]["part-0002.jsonl.gz"].append(
            json.dumps(
                dict(
                    base,
                    event_id="evt_case_message",
                    event_type="message.sent",
                    occurred_at=self.timestamp(d - 5),
                    properties={"chat_id": "chat_case", "message_id": "msg_case_v2"},
                )
            )
        )
        self.deliveries["events"][d + 1]["part-0003.jsonl"].append(
            json.dumps(
                dict(
                    base,
                    event_id="evt_case_message",
                    event_type="message.sent",
                    occurred_at=self.timestamp(d - 5),
                    properties={"chat_id": "chat_case", "message_id": "msg_case_v0"},
                )
            )
        )
        # near midnight: 23:30 at -05:00 on day d is day d+1 in UTC
        local = self.days[d].isoformat() + "T23:30:00-05:00"
        self.deliveries["events"][d]["part-0001.jsonl"].append(
            json.dumps(
                dict(
                    base,
                    event_id="evt_case_midnight",
                    event_type="chat.created",
                    occurred_at=local,
                    properties={"chat_id": "chat_case_midnight", "project_id": None},
                )
            )
        )
        # a usage record corrected in a later dump
        usage = dict(
            base,
            usage_id="use_case_corrected",
            occurred_at=self.timestamp(d),
            product="claude_ai",
            model="claude-opus-4-5",
            input_tokens=10,
            output_tokens=20,
            cache_read_input_tokens=0,
            cache_creation_input_tokens=0,
            cost_usd="1.000000",
        )
        self.deliveries["usage"][d]["part-0001.jsonl"].append(json.dumps(usage))
        self.deliveries["usage"][d + 1]["part-0001.jsonl"].append(json.dumps(dict(usage, cost_usd="1.250001")))
        # a Claude Code day restated by a later dump: replaces, not adds
        date = self.days[d].isoformat() + "T00:00:00Z"
        actor = {"type": "user_actor", "email_address": " " + m["email"].upper()}
        first = self.cc_record(date, org, actor, "cursor")
        restated = json.loads(json.dumps(first))
        restated["core_metrics"]["num_sessions"] = 7
        restated["core_metrics"]["lines_of_code"]["added"] = 777
        self.deliveries["claude_code"][d]["part-0001.jsonl"].append(json.dumps(first))
        self.deliveries["claude_code"][d + 2]["part-0002.jsonl.gz"].append(json.dumps(restated))

    def plant_member_cases(self) -> None:
        """Members of the contract's second version, in place before any activity is generated."""
        first, third = self.orgs[0], self.orgs[2 % len(self.orgs)]
        # a member whose email is another member's in other letter case: the smallest user_id wins
        twin = first["members"][2]
        first["members"].append(
            dict(
                twin,
                user_id=first["organization_id"].replace("org", "user") + "_00000",
                email=twin["email"].upper(),
                full_name="Twin Of Person 3",
                role="member",
                activity=0.0,
                chats=[],
                leave_day=None,
            )
        )
        # spreadsheet formulas in names and emails of spenders of an organisation with spend files
        for k, (name, email) in enumerate(
            [
                ('=HYPERLINK("http://evil.example","click")', "=1+1@example.com"),
                ("+Plus Name", "-minus@example.com"),
                ("\tTab Name", "@at@example.com"),
            ]
        ):
            m = third["members"][k + 1]
            m["full_name"], m["email"] = name, email

    def plant_contract_cases(self) -> None:
        """Cases of the contract's second version (SPEC §2.5, §3, §4, §5), deterministic and by id."""
        first, third = self.orgs[0], self.orgs[2 % len(self.orgs)]
        d = min(12, len(self.days) - 4)

        def event(org, user, kind, day, props, event_id):
            return json.dumps(
                {
                    "event_id": event_id,
                    "event_type": kind,
                    "occurred_at": self.timestamp(day),
                    "organization_id": org["organization_id"],
                    "user_id": user,
                    "properties": props,
                }
            )

        # a chat id created on two days counts once over a window
        m = first["members"][1]
        self.deliveries["events"][d]["part-0001.jsonl"].append(
            event(first, m["user_id"], "chat.created", d, {"chat_id": "chat_case_twice", "project_id": None}, "evt_case_twice_1")
        )
        self.deliveries["events"][d + 3]["part-0001.jsonl"].append(
            event(
                first, m["user_id"], "chat.created", d + 3, {"chat_id": "chat_case_twice", "project_id": None}, "evt_case_twice_2"
            )
        )
        # connector ties: two connectors with one user each (uses decide), two equal in both (names decide)
        users = [mm["user_id"] for mm in third["members"][:3]]
        for name, user, uses in [
            ("Tie Connector B", users[0], 3),
            ("Tie Connector A", users[1], 1),
            ("Tie Connector D", users[2], 2),
            ("Tie Connector C", users[2], 2),
        ]:
            for u in range(uses):
                self.deliveries["events"][d]["part-0001.jsonl"].append(
                    event(third, user, "connector.used", d, {"connector": name, "chat_id": None}, f"evt_case_tie_{name[-1]}_{u}")
                )
        # a user active once, a year before the first dump (delivered late): dormant, then gone after 365 days
        self.deliveries["events"][1]["part-0001.jsonl"].append(
            json.dumps(
                {
                    "event_id": "evt_case_year_ago",
                    "event_type": "project.created",
                    "occurred_at": (self.days[0] - dt.timedelta(days=330)).isoformat() + "T12:00:00Z",
                    "organization_id": first["organization_id"],
                    "user_id": "user_case_year_ago",
                    "properties": {"project_id": "proj_case_year_ago"},
                }
            )
        )
        # a spend spike: far above the organisation's usual day, once a baseline of 28 days exists
        spike_day = min(third["first_day"] + 40, len(self.days) - 2)
        self.deliveries["usage"][spike_day]["part-0001.jsonl"].append(
            json.dumps(
                {
                    "usage_id": "use_case_spike",
                    "occurred_at": self.timestamp(spike_day),
                    "organization_id": third["organization_id"],
                    "user_id": third["members"][0]["user_id"],
                    "product": "claude_code",
                    "model": "claude-opus-4-5",
                    "input_tokens": 9_000_000,
                    "output_tokens": 900_000,
                    "cache_read_input_tokens": 0,
                    "cache_creation_input_tokens": 0,
                    "cost_usd": "742.123456",
                }
            )
        )
        # an unsafe organisation id in every source: rejected (invalid_field), never a folder
        for source, record in [
            (
                "events",
                {
                    "event_id": "evt_case_escape",
                    "event_type": "project.created",
                    "occurred_at": self.timestamp(d),
                    "organization_id": "../../escape",
                    "user_id": "u",
                    "properties": {"project_id": "p"},
                },
            ),
            (
                "usage",
                {
                    "usage_id": "use_case_escape",
                    "occurred_at": self.timestamp(d),
                    "organization_id": "/tmp/x",
                    "user_id": "u",
                    "product": "claude_ai",
                    "model": "m",
                    "input_tokens": 1,
                    "output_tokens": 1,
                    "cache_read_input_tokens": 0,
                    "cache_creation_input_tokens": 0,
                    "cost_usd": "1.0",
                },
            ),
            (
                "claude_code",
                dict(
                    self.cc_record(
                        self.days[d].isoformat() + "T00:00:00Z", first, {"type": "api_actor", "api_key_name": "k"}, "vscode"
                    ),
                    organization_id=".hidden",
                ),
            ),
        ]:
            self.deliveries[source][d]["part-0001.jsonl"].append(json.dumps(record))
        snap = self.deliveries["snapshots"][d + 1]
        snap["organizations.jsonl"] = list(snap.get("organizations.jsonl", [])) + [
            json.dumps(
                {
                    "organization_id": "../../escape",
                    "name": "Escape",
                    "plan": "team",
                    "billing": "usage_based",
                    "extra_usage_enabled": True,
                    "seat_count": 1,
                    "created_at": "2026-01-01T00:00:00Z",
                }
            )
        ]
        # one line over 16 MiB (compressed, it stays small): a rejected record, not a failed file
        huge = {
            "event_id": "evt_case_huge",
            "event_type": "project.created",
            "occurred_at": self.timestamp(d),
            "organization_id": first["organization_id"],
            "user_id": "u",
            "properties": {"project_id": "p", "blob": "x" * (17 * 1024 * 1024)},
        }
        self.deliveries["events"][d]["part-0005-huge.jsonl.gz"].append(json.dumps(huge))

    def plant_stray_files(self, out: Path) -> None:
        """Files that are not dump files: each is listed in raw.ignored_files, none is ingested."""
        day = self.days[min(3, len(self.days) - 1)].isoformat()
        strays = {
            f"events/dt={day}/notes.txt": "not a dump file\n",
            f"usage/dt={day}/part-0001.JSONL": "{}\n",
            f"claude_code/dt={day}/export.json": "{}\n",
            f"snapshots/dt={day}/users.jsonl": "{}\n",
            "events/dt=2026-13-45/part-0001.jsonl": "{}\n",
            "events/latest.jsonl": "{}\n",
            f"billing/dt={day}/part-0001.jsonl": "{}\n",
            "events/dt=2999-01-01/part-0001.jsonl": "{}\n",
            "README.txt": "raw dumps\n",
        }
        for rel, text in strays.items():
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    # -- skills and plugins (SPEC §2.1) ----------------------------------------
    def skill_and_plugin_event(self, org_id: str, user_id: str, day: int, kind: str, props: dict, event_id: str) -> dict:
        """An event at a time inside the UTC day `day`, written in one of the usual offsets."""
        rng = self.skill_rng
        ts = dt.datetime.combine(self.days[day], dt.time()) + dt.timedelta(seconds=rng.randint(3 * 3600, 20 * 3600))
        return {
            "event_id": event_id,
            "event_type": kind,
            "occurred_at": iso(ts, rng.choice(OFFSETS)),
            "organization_id": org_id,
            "user_id": user_id,
            "properties": props,
        }

    def skills_and_plugins(self) -> None:
        """Skill uses and enables, plugin uses and installs on days their users are active anyway;
        from their own random stream and ids, so that every other record of a seed stays as it was.
        Clients send a skill's name in either letter case; one plugin is renamed half-way."""
        rng = self.skill_rng
        orgs = {org["organization_id"]: org for org in self.orgs}
        n = 0

        def emit(org_id, user_id, day, kind, props):
            nonlocal n
            n += 1
            record = self.skill_and_plugin_event(org_id, user_id, day, kind, props, f"evt_sp_{n:09d}")
            self.deliver("events", day, record, rng=rng)
            if rng.random() < 0.01 and day + 2 < len(self.days):  # corrected redelivery: the later dump wins
                fixed = json.loads(json.dumps(record))
                fixed["occurred_at"] = self.skill_and_plugin_event(org_id, user_id, day, kind, props, "")["occurred_at"]
                self.deliver("events", day, fixed, late=2, rng=rng)

        for org_id, user_id, day in self.active_days:
            if day >= len(self.days):
                continue
            org = orgs[org_id]
            chats = [c["chat_id"] for c in next(m for m in org["members"] if m["user_id"] == user_id)["chats"]]
            if rng.random() < 0.3:
                for _ in range(rng.randint(1, 3)):
                    name, display = rng.choice(SKILLS[: 6 + len(org_id) % 7])
                    product = rng.choices(["chat", "claude_code", "cowork"], [6, 3, 1])[0]
                    in_chat = product == "chat" and chats and rng.random() < 0.85
                    session = None if product == "chat" or rng.random() < 0.1 else f"sess_{user_id}_{day}_{rng.randint(1, 2)}"
                    props = {
                        "skill_name": name.upper() if rng.random() < 0.1 else name,
                        "skill_display_name": display,
                        "product": product,
                        "share_status": rng.choice(["organization", "organization", "private", "public"]),
                        "chat_id": rng.choice(chats[-3:]) if in_chat else None,
                        "session_id": session,
                    }
                    emit(org_id, user_id, day, "skill.used", props)
            if rng.random() < 0.04:
                emit(org_id, user_id, day, "skill.enabled", {"skill_name": rng.choice(SKILLS)[0]})
            if rng.random() < 0.12:
                for _ in range(rng.randint(1, 2)):
                    plugin_id, name = rng.choice(PLUGINS)
                    if (plugin_id, day >= len(self.days) // 2) == (RENAMED_PLUGIN[0], True):
                        name = RENAMED_PLUGIN[1]
                    product = rng.choice(["claude_code", "claude_code", "cowork"])
                    session = None if rng.random() < 0.1 else f"sess_{user_id}_{day}_{rng.randint(1, 2)}"
                    props = {"plugin_id": plugin_id, "plugin_name": name, "product": product, "session_id": session}
                    emit(org_id, user_id, day, "plugin.used", props)
            if rng.random() < 0.03:
                plugin_id, name = rng.choice(PLUGINS)
                if (plugin_id, day >= len(self.days) // 2) == (RENAMED_PLUGIN[0], True):
                    name = RENAMED_PLUGIN[1]
                emit(org_id, user_id, day, "plugin.installed", {"plugin_id": plugin_id, "plugin_name": name})

    def plant_skill_cases(self) -> None:
        """Skill and plugin cases the tests refer to by id, on user-days active anyway: one skill in
        two letter cases, in chat and in Claude Code by the same user; a use outside any chat or
        session; a use delivered twice with corrected content; a user in two groups."""
        org = self.orgs[0]
        m = org["members"][1]
        d = min(10, len(self.days) - 3)  # the day of plant_cases' project and chat: the user is active
        oid, uid = org["organization_id"], m["user_id"]

        def at(kind, props, event_id, hour):
            ts = dt.datetime.combine(self.days[d], dt.time(hour))
            return {
                "event_id": event_id,
                "event_type": kind,
                "occurred_at": iso(ts, "+02:00"),
                "organization_id": oid,
                "user_id": uid,
                "properties": props,
            }

        def skill(name, product, chat_id, session_id, display="Word documents"):
            return {
                "skill_name": name,
                "skill_display_name": display,
                "product": product,
                "share_status": "organization",
                "chat_id": chat_id,
                "session_id": session_id,
            }

        serena = {"plugin_id": "serena@claude-plugins-official", "plugin_name": "serena", "product": "claude_code"}
        self.deliveries["events"][d]["part-0001.jsonl"] += [
            json.dumps(at("skill.used", skill("Docx", "chat", "chat_case", None), "evt_case_skill_chat", 9)),
            json.dumps(at("skill.used", skill("docx", "claude_code", None, "sess_case"), "evt_case_skill_code", 10)),
            json.dumps(at("skill.used", skill("docx", "cowork", None, None), "evt_case_skill_bare", 11)),
            json.dumps(at("plugin.used", {**serena, "session_id": None}, "evt_case_plugin_bare", 12)),
        ]
        redelivered = at("skill.used", skill("pdf", "chat", "chat_case", None, "PDF"), "evt_case_skill_redelivered", 13)
        corrected = json.loads(json.dumps(redelivered))
        corrected["properties"]["share_status"] = "public"
        self.deliveries["events"][d]["part-0002.jsonl.gz"].append(json.dumps(redelivered))
        self.deliveries["events"][d + 1]["part-0001.jsonl"].append(json.dumps(corrected))
        # a user in two groups on a day they are active
        for org_id, user_id, day in self.active_days:
            member = next(x for o in self.orgs if o["organization_id"] == org_id for x in o["members"] if x["user_id"] == user_id)
            held = [g for g, since, until in member.get("groups", []) if since <= day and (until is None or day < until)]
            if len(held) >= 2 and day < len(self.days):
                props = {**skill("xlsx", "chat", None, None, "Spreadsheets"), "share_status": "private"}
                event = {
                    "event_id": "evt_case_skill_two_groups",
                    "event_type": "skill.used",
                    "occurred_at": iso(dt.datetime.combine(self.days[day], dt.time(12)), "Z"),
                    "organization_id": org_id,
                    "user_id": user_id,
                    "properties": props,
                }
                self.deliveries["events"][day]["part-0001.jsonl"].append(json.dumps(event))
                break

    def plant_bad_lines(self) -> None:
        """One bad line for every rejection reason and source (SPEC §2.5)."""
        org, m = self.orgs[0], self.orgs[0]["members"][0]
        d = min(5, len(self.days) - 3)
        good_event = {
            "event_id": "evt_bad",
            "event_type": "chat.created",
            "occurred_at": self.timestamp(d),
            "organization_id": org["organization_id"],
            "user_id": m["user_id"],
            "properties": {"chat_id": "chat_bad", "project_id": None},
        }
        future = (self.days[d] + dt.timedelta(days=2)).isoformat() + "T01:00:00Z"
        bad_events = [
            "this is not json",
            "[1, 2, 3]",
            "",
            json.dumps({k: v for k, v in good_event.items() if k != "user_id"}),
            json.dumps(dict(good_event, organization_id=42)),
            json.dumps(dict(good_event, event_type="chat.deleted")),
            json.dumps(dict(good_event, occurred_at="2026-02-30T10:00:00Z")),
            json.dumps(dict(good_event, occurred_at="yesterday")),
            json.dumps(dict(good_event, occurred_at=future)),
            json.dumps(dict(good_event, event_type="message.sent", properties={"chat_id": "chat_bad"})),
            json.dumps(dict(good_event, event_type="connector.used", properties={"connector": 7, "chat_id": None})),
            json.dumps(
                dict(
                    good_event,
                    event_type="skill.used",
                    properties={
                        "skill_name": "docx",
                        "skill_display_name": None,
                        "product": "office",
                        "share_status": "private",
                        "chat_id": None,
                        "session_id": None,
                    },
                )
            ),
            json.dumps(dict(good_event, event_type="skill.enabled", properties={"skill_name": 7})),
            json.dumps(
                dict(
                    good_event,
                    event_type="plugin.used",
                    properties={"plugin_name": "serena", "product": "claude_code", "session_id": None},
                )
            ),
        ]
        usage = {
            "usage_id": "use_bad",
            "occurred_at": self.timestamp(d),
            "organization_id": org["organization_id"],
            "user_id": m["user_id"],
            "product": "claude_ai",
            "model": "claude-opus-4-5",
            "input_tokens": 1,
            "output_tokens": 1,
            "cache_read_input_tokens": 0,
            "cache_creation_input_tokens": 0,
            "cost_usd": "0.100000",
        }
        bad_usage = [
            "{truncated",
            json.dumps(dict(usage, input_tokens=-5)),
            json.dumps(dict(usage, cost_usd="-0.5")),
            json.dumps(dict(usage, cost_usd="abc")),
            json.dumps(dict(usage, output_tokens="12")),
            json.dumps(dict(usage, product="claude_desktop")),
            json.dumps(dict(usage, occurred_at=future)),
            json.dumps({k: v for k, v in usage.items() if k != "model"}),
            json.dumps(dict(usage, input_tokens=1.5)),
            json.dumps(dict(usage, cost_usd=0.1)),
        ]
        cc = self.cc_record(
            self.days[d].isoformat() + "T00:00:00Z", org, {"type": "user_actor", "email_address": m["email"]}, "vscode"
        )
        neg = json.loads(json.dumps(cc))
        neg["core_metrics"]["lines_of_code"]["added"] = -3
        bad_cost = json.loads(json.dumps(cc))
        bad_cost["model_breakdown"][0]["estimated_cost"]["amount"] = "lots"
        bad_cc = [
            "42",
            json.dumps(dict(cc, actor={"type": "robot_actor", "name": "x"})),
            json.dumps(dict(cc, actor={"type": "user_actor"})),
            json.dumps(neg),
            json.dumps(bad_cost),
            json.dumps(dict(cc, date="not a date")),
            json.dumps(dict(cc, date=future)),
        ]
        # SPEC §2.5: values no later step could hold, offsets RFC 3339 does not allow, a key named
        # twice; each is rejected at ingest, so that it can never fail the night
        bad_events.append(json.dumps(dict(good_event, occurred_at=self.timestamp(d)[:19] + "+24:00")))
        bad_events.append(json.dumps(good_event)[:-1] + ', "user_id": "someone_else"}')
        bad_usage += [
            json.dumps(dict(usage, input_tokens=2**63)),  # one past the largest signed 64-bit integer
            json.dumps(dict(usage, cost_usd="1000000000000.000000")),  # 13 integer digits
            json.dumps(dict(usage, occurred_at=self.timestamp(d)[:19] + "+99:99")),
            json.dumps(usage)[:-1] + ', "cost_usd": "999.000000"}',
        ]
        huge_cost = json.loads(json.dumps(cc))
        huge_cost["model_breakdown"][0]["estimated_cost"]["amount"] = 1e300
        nan_cost = json.dumps(cc).replace(
            '"amount": ' + json.dumps(cc["model_breakdown"][0]["estimated_cost"]["amount"]), '"amount": NaN', 1
        )
        bad_cc += [json.dumps(huge_cost), nan_cost]
        self.deliveries["events"][d]["part-0009-bad.jsonl"] += bad_events
        self.deliveries["usage"][d]["part-0009-bad.jsonl"] += bad_usage
        self.deliveries["claude_code"][d]["part-0009-bad.jsonl"] += bad_cc
        snap = self.deliveries["snapshots"][d]
        snap["members.jsonl"] = list(snap.get("members.jsonl", [])) + [
            json.dumps(
                {
                    "organization_id": org["organization_id"],
                    "user_id": "user_bad",
                    "email": "bad@example.com",
                    "full_name": "Bad Role",
                    "role": "superuser",
                    "status": "active",
                    "joined_at": "2026-01-01T00:00:00Z",
                }
            )
        ]
        snap["invites.jsonl"] = list(snap.get("invites.jsonl", [])) + [
            json.dumps(
                {
                    "invite_id": "inv_bad",
                    "organization_id": org["organization_id"],
                    "email": "x@example.com",
                    "role": "member",
                    "status": "pending",
                    "created_at": "whenever",
                    "expires_at": None,
                }
            )
        ]
        snap["organizations.jsonl"] = list(snap.get("organizations.jsonl", [])) + [
            json.dumps(
                {
                    "organization_id": "org_bad",
                    "name": "Bad",
                    "plan": "team",
                    "billing": "seat_based",
                    "extra_usage_enabled": "no",
                    "seat_count": -1,
                    "created_at": "2026-01-01T00:00:00Z",
                }
            )
        ]
        # groups: an unsafe group id (invalid_field) and a membership without a user (missing_field)
        snap["groups.jsonl"] = list(snap.get("groups.jsonl", [])) + [
            json.dumps({"organization_id": org["organization_id"], "rbac_group_id": "../groups", "name": "Escape"})
        ]
        snap["group_members.jsonl"] = list(snap.get("group_members.jsonl", [])) + [
            json.dumps({"organization_id": org["organization_id"], "rbac_group_id": "rbac_group_x"})
        ]

    # -- output --------------------------------------------------------------
    def write(self, out: Path) -> int:
        if out.exists():
            shutil.rmtree(out)
        written = 0
        for source, dumps in self.deliveries.items():
            for day, files in dumps.items():
                folder = out / source / f"dt={self.days[day].isoformat()}"
                folder.mkdir(parents=True, exist_ok=True)
                for name, lines in sorted(files.items()):
                    data = ("\n".join(lines) + "\n").encode() if lines else b""
                    path = folder / (name.replace(".gz", "") if self.args.no_gzip else name)
                    if path.suffix == ".gz":
                        # mtime=0 keeps the bytes reproducible
                        with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
                            gz.write(data)
                    else:
                        path.write_bytes(data)
                    written += len(lines)
        return written

    def run(self, out: Path) -> int:
        self.build_world()
        self.build_groups()
        if self.args.bad_lines:
            self.plant_member_cases()
        self.events_and_usage()
        self.claude_code()
        self.snapshots()
        self.skills_and_plugins()
        if self.args.bad_lines:
            self.plant_skill_cases()
            self.plant_cases()
            self.plant_contract_cases()
            self.plant_bad_lines()
        written = self.write(out)
        if self.args.bad_lines:
            self.plant_stray_files(out)
        return written


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("raw_fixtures"))
    p.add_argument("--orgs", type=int, default=4)
    p.add_argument("--days", type=int, default=64)
    p.add_argument("--start", default="2026-02-10", help="first dump date")
    p.add_argument("--users-per-org", type=int, default=16, help="scale: average members per organisation")
    p.add_argument("--events-per-user-day", type=float, default=3.0, help="scale: mean events of an active user-day")
    p.add_argument("--usage-per-user-day", type=int, default=2)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-bad-lines", dest="bad_lines", action="store_false")
    p.add_argument("--no-gzip", action="store_true", help="write every file uncompressed")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    n = Generator(args).run(args.out)
    print(f"wrote {n} lines to {args.out}")


if __name__ == "__main__":
    main()
