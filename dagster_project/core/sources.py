"""What each raw source looks like: its tables, files, required fields and dedupe key (SPEC §2),
and what loading one day of it gave (DayLoad). The raw contract that ingest, the quality checks and
the summary share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ROLES = ("primary_owner", "owner", "admin", "member")
EVENT_TYPES = (
    "chat.created",
    "message.sent",
    "project.created",
    "artifact.created",
    "connector.used",
    "skill.used",
    "skill.enabled",
    "plugin.installed",
    "plugin.used",
)
SKILL_PRODUCTS = ("chat", "claude_code", "cowork")
PLUGIN_PRODUCTS = ("claude_code", "cowork")
SHARE_STATUSES = ("organization", "private", "public")
CHAT_EVENTS = "event_type in ('chat.created', 'message.sent', 'artifact.created')"
TOOLS = ("edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool")


@dataclass(frozen=True)
class Field:
    """A field to validate. `kind` picks the check; `when` limits it to some records."""

    path: str
    kind: str  # string | safe_name | enum | timestamp | count | money | bool | object | costs
    required: bool = True
    values: tuple[str, ...] = ()
    when: str | None = None


@dataclass(frozen=True)
class Table:
    """One raw table fed by one source."""

    name: str  # raw.<name>
    key: str  # SQL over the JSON column `j`: the natural key duplicates collapse on
    fields: tuple[Field, ...]
    record_time: str | None = None  # JSON path of the timestamp whose UTC day is the record's day
    file_stem: str | None = None  # snapshots: which file feeds the table


@dataclass(frozen=True)
class Source:
    name: str
    tables: tuple[Table, ...] = field(default_factory=tuple)


def _s(path: str) -> str:
    return f"json_extract_string(j, '$.{path}')"


EVENTS = Table(
    name="events",
    key=_s("event_id"),
    record_time="occurred_at",
    fields=(
        Field("event_id", "string"),
        Field("event_type", "enum", values=EVENT_TYPES),
        Field("occurred_at", "timestamp"),
        Field("organization_id", "safe_name"),
        Field("user_id", "string"),
        Field("properties", "object"),
        Field("properties.chat_id", "string", when=CHAT_EVENTS),
        Field("properties.project_id", "string", required=False, when="event_type = 'chat.created'"),
        Field("properties.message_id", "string", when="event_type = 'message.sent'"),
        Field("properties.project_id", "string", when="event_type = 'project.created'"),
        Field("properties.artifact_id", "string", when="event_type = 'artifact.created'"),
        Field("properties.artifact_type", "string", when="event_type = 'artifact.created'"),
        # optional properties: absent is fine, present must have the type
        Field("properties.name", "string", required=False, when="event_type = 'project.created'"),
        Field("properties.is_shared", "bool", required=False, when="event_type = 'artifact.created'"),
        Field("properties.connector", "string", when="event_type = 'connector.used'"),
        Field("properties.chat_id", "string", required=False, when="event_type = 'connector.used'"),
        Field("properties.skill_name", "string", when="event_type in ('skill.used', 'skill.enabled')"),
        Field("properties.skill_display_name", "string", required=False, when="event_type = 'skill.used'"),
        Field("properties.product", "enum", values=SKILL_PRODUCTS, when="event_type = 'skill.used'"),
        Field("properties.share_status", "enum", values=SHARE_STATUSES, when="event_type = 'skill.used'"),
        Field("properties.chat_id", "string", required=False, when="event_type = 'skill.used'"),
        Field("properties.session_id", "string", required=False, when="event_type in ('skill.used', 'plugin.used')"),
        Field("properties.plugin_id", "string", when="event_type in ('plugin.installed', 'plugin.used')"),
        Field("properties.plugin_name", "string", when="event_type in ('plugin.installed', 'plugin.used')"),
        Field("properties.product", "enum", values=PLUGIN_PRODUCTS, when="event_type = 'plugin.used'"),
    ),
)

USAGE = Table(
    name="usage",
    key=_s("usage_id"),
    record_time="occurred_at",
    fields=(
        Field("usage_id", "string"),
        Field("occurred_at", "timestamp"),
        Field("organization_id", "safe_name"),
        Field("user_id", "string"),
        Field("product", "enum", values=("claude_ai", "claude_code")),
        Field("model", "string"),
        Field("input_tokens", "count"),
        Field("output_tokens", "count"),
        Field("cache_read_input_tokens", "count"),
        Field("cache_creation_input_tokens", "count"),
        Field("cost_usd", "money"),
    ),
)

CLAUDE_CODE = Table(
    name="claude_code",
    # SPEC §2.3: a later delivery of (date, organization_id, actor, terminal_type) restates the day
    # the day as a UTC date, so that "…T00:00:00Z" and "…T00:00:00+00:00" are the same day
    key=(
        f"concat_ws('|', cast(record_day as varchar), {_s('organization_id')}, {_s('actor.type')}, "
        f"lower(trim(coalesce({_s('actor.email_address')}, {_s('actor.api_key_name')}))), {_s('terminal_type')})"
    ),
    record_time="date",
    fields=(
        Field("date", "timestamp"),
        Field("actor", "object"),
        Field("actor.type", "enum", values=("user_actor", "api_actor")),
        Field("actor.email_address", "string", when="actor_type = 'user_actor'"),
        Field("actor.api_key_name", "string", when="actor_type = 'api_actor'"),
        Field("organization_id", "safe_name"),
        Field("customer_type", "string", required=False),
        Field("terminal_type", "string"),
        Field("core_metrics.num_sessions", "count"),
        Field("core_metrics.lines_of_code.added", "count"),
        Field("core_metrics.lines_of_code.removed", "count"),
        Field("core_metrics.commits_by_claude_code", "count"),
        Field("core_metrics.pull_requests_by_claude_code", "count"),
        *(Field(f"tool_actions.{tool}.{what}", "count", required=False) for tool in TOOLS for what in ("accepted", "rejected")),
        Field("model_breakdown", "costs", required=False),
    ),
)

ORGANIZATIONS = Table(
    name="organizations",
    key=_s("organization_id"),
    file_stem="organizations",
    fields=(
        Field("organization_id", "safe_name"),
        Field("name", "string"),
        Field("plan", "enum", values=("team", "enterprise")),
        Field("billing", "enum", values=("seat_based", "usage_based")),
        Field("extra_usage_enabled", "bool"),
        Field("seat_count", "count"),
        Field("created_at", "timestamp"),
    ),
)

MEMBERS = Table(
    name="members",
    key=f"concat_ws('|', {_s('organization_id')}, {_s('user_id')})",
    file_stem="members",
    fields=(
        Field("organization_id", "safe_name"),
        Field("user_id", "string"),
        Field("email", "string"),
        Field("full_name", "string"),
        Field("role", "enum", values=ROLES),
        Field("status", "enum", values=("active", "deactivated")),
        Field("joined_at", "timestamp"),
    ),
)

INVITES = Table(
    name="invites",
    key=_s("invite_id"),
    file_stem="invites",
    fields=(
        Field("invite_id", "string"),
        Field("organization_id", "safe_name"),
        Field("email", "string"),
        Field("role", "enum", values=ROLES),
        Field("status", "enum", values=("pending", "accepted", "declined", "revoked", "expired")),
        Field("created_at", "timestamp"),
        Field("expires_at", "timestamp", required=False),
    ),
)

# SPEC §2.4: the organisations' RBAC groups and who is in them; a group id is a safe name
GROUPS = Table(
    name="groups",
    key=f"concat_ws('|', {_s('organization_id')}, {_s('rbac_group_id')})",
    file_stem="groups",
    fields=(
        Field("organization_id", "safe_name"),
        Field("rbac_group_id", "safe_name"),
        Field("name", "string"),
    ),
)

GROUP_MEMBERS = Table(
    name="group_members",
    key=f"concat_ws('|', {_s('organization_id')}, {_s('rbac_group_id')}, {_s('user_id')})",
    file_stem="group_members",
    fields=(
        Field("organization_id", "safe_name"),
        Field("rbac_group_id", "safe_name"),
        Field("user_id", "string"),
    ),
)

SOURCES = {
    "events": Source("events", (EVENTS,)),
    "usage": Source("usage", (USAGE,)),
    "claude_code": Source("claude_code", (CLAUDE_CODE,)),
    "snapshots": Source("snapshots", (ORGANIZATIONS, MEMBERS, INVITES, GROUPS, GROUP_MEMBERS)),
}


@dataclass
class DayLoad:
    source: str
    dump_date: dt.date
    files: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # per raw table
    accepted: dict[str, int] = field(default_factory=dict)  # per raw table
    rejected: dict[str, dict[str, int]] = field(default_factory=dict)  # per raw table, per reason

    @property
    def lines_total(self) -> int:
        return sum(self.lines.values())

    @property
    def accepted_total(self) -> int:
        return sum(self.accepted.values())

    @property
    def rejected_total(self) -> int:
        return sum(n for reasons in self.rejected.values() for n in reasons.values())

    def rejected_in(self, table: str) -> int:
        return sum(self.rejected.get(table, {}).values())


def rejections_by_reason(loads: list[DayLoad], table: str) -> dict[str, int]:
    """The lines of `table` rejected over some dump days, per reason."""
    reasons: dict[str, int] = {}
    for load in loads:
        for reason, n in load.rejected.get(table, {}).items():
            reasons[reason] = reasons.get(reason, 0) + n
    return reasons
