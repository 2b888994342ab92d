"""Response schemas, built from the query layer's column specs (one description of each column),
plus the vendor-compatible shapes of `summaries` and `users` (SPEC §7 Compatibility)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, create_model

from ..queries import Col, Listing

MONEY = Annotated[str, Field(pattern=r"^\d+\.\d{6}$", examples=["12.345678"])]
TYPES = {"text": str, "int": int, "number": float, "money": MONEY, "date": dt.date, "bool": bool}


def field(col: Col) -> tuple:
    """A column's schema: nullable ones may be null; spend ones may be absent (SPEC §7)."""
    kind = TYPES[col.kind]
    if col.spend:
        return kind | None, Field(None, description=col.description or None)
    return (kind | None if col.nullable else kind), Field(description=col.description or None)


def row_model(listing: Listing, name: str) -> type[BaseModel]:
    return create_model(name, **{col.name: field(col) for col in listing.columns if not col.internal})


def page_model(row: type[BaseModel], name: str) -> type[BaseModel]:
    return create_model(
        name,
        data=(list[row], ...),
        next_page=(str | None, Field(description="Pass as `page` for the next page; null on the last.")),
    )


def listing_page_model(listing: Listing) -> type[BaseModel]:
    """The page schema of a listing answered as flat rows."""
    name = "".join(part.title() for part in listing.name.split("_"))
    return page_model(row_model(listing, f"{name}Row"), f"{name}Page")


def prefixed_model(columns: tuple[Col, ...], name: str) -> type[BaseModel]:
    return create_model(name, **{c.name: field(c) for c in columns})


class User(BaseModel):
    id: str
    email_address: str = Field(
        description="The member's email; for a Claude Code identity that is not a member, the email it was mapped from."
    )
    type: str = Field("user", pattern="^user$")


class ChatMetrics(BaseModel):
    message_count: int
    distinct_conversation_count: int = Field(description="Chats created.")
    distinct_projects_created_count: int
    distinct_artifacts_created_count: int
    connectors_used_count: int


class LinesOfCode(BaseModel):
    added_count: int
    removed_count: int


class CoreCodeMetrics(BaseModel):
    distinct_session_count: int
    commit_count: int
    pull_request_count: int
    lines_of_code: LinesOfCode


class ClaudeCodeMetrics(BaseModel):
    core_metrics: CoreCodeMetrics


class UserSpend(BaseModel):
    spend_usd: MONEY
    input_tokens: int
    output_tokens: int


class UserActivity(BaseModel):
    user: User | None = Field(description="The person; null on rows summed per group (group_by[]=rbac_group_id).")
    chat_metrics: ChatMetrics
    claude_code_metrics: ClaudeCodeMetrics
    last_activity_date: dt.date = Field(description="The requested date.")
    spend: UserSpend | None = Field(
        None, description="This warehouse's own; omitted for role admin and for organisations whose spend reports are hidden."
    )
    rbac_group_id: str | None = Field(None, description="With group_by[]=rbac_group_id: the group the row sums.")
    rbac_group_name: str | None = Field(None, description="The group's name now; null once it is deleted.")


UserActivityPage = page_model(UserActivity, "UserActivityPage")


def summary_model(activity: tuple[Col, ...], claude_ai: tuple[Col, ...], claude_code: tuple[Col, ...]) -> type[BaseModel]:
    """The vendor's single-day activity summary, then this warehouse's daily marts by name."""
    rate = "{} / assigned seats x 100; null when there are no seats."
    return create_model(
        "ActivitySummary",
        starting_at=(dt.datetime, Field(description="The day's UTC midnight (RFC 3339).")),
        ending_at=(dt.datetime, Field(description="The next day's UTC midnight (RFC 3339).")),
        daily_active_user_count=(int, Field(description="DAU.")),
        weekly_active_user_count=(int, Field(description="WAU: users active in the 7 days ending on the day.")),
        monthly_active_user_count=(int, Field(description="MAU: users active in the 30 days ending on the day.")),
        assigned_seat_count=(int | None, Field(description="Seats of the organisation on the day; null on group-scoped rows.")),
        daily_adoption_rate=(float | None, Field(description=rate.format("DAU"))),
        weekly_adoption_rate=(float | None, Field(description=rate.format("WAU"))),
        monthly_adoption_rate=(float | None, Field(description=rate.format("MAU"))),
        pending_invite_count=(int | None, Field(description="Pending invites; null on group-scoped rows.")),
        claude_code_daily_active_user_count=(int, Field(description="Users with a Claude Code session.")),
        # the organisation's daily marts: absent on group-scoped rows (they are the organisation's)
        activity_daily=(prefixed_model(activity, "ActivityDaily") | None, Field(None, description="marts.activity_daily")),
        claude_ai_daily=(prefixed_model(claude_ai, "ClaudeAiDaily") | None, Field(None, description="marts.claude_ai_daily")),
        claude_code_daily=(
            prefixed_model(claude_code, "ClaudeCodeDaily") | None,
            Field(None, description="marts.claude_code_daily"),
        ),
    )


class Health(BaseModel):
    status: str = Field(description="`ok` when a published warehouse is served.")
    latest_built_date: dt.date | None = Field(None, description="The latest date the marts hold.")
    published_at: dt.datetime | None = Field(None, description="When that warehouse was published.")
