"""The vendor's shapes of `summaries` and `users` (SPEC §7 Compatibility), from the listings' rows."""

from __future__ import annotations

import datetime as dt

from .reading import Shape, public

SEAT_RATES = {"daily_adoption_rate": "a__dau", "weekly_adoption_rate": "a__wau", "monthly_adoption_rate": "a__mau"}


def rfc3339(moment: dt.datetime) -> str:
    """A UTC time (the warehouse stores UTC without a zone) as RFC 3339 with `Z`."""
    return moment.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def midnight(day: dt.date) -> str:
    return rfc3339(dt.datetime.combine(day, dt.time()))


def nested(row: dict, alias: str) -> dict:
    return {k.split("__", 1)[1]: public(v) for k, v in row.items() if k.startswith(alias + "__")}


def summary_shape(with_spend: bool) -> Shape:
    return lambda row: summary_row(row, with_spend)


def summary_row(row: dict, with_spend: bool) -> dict:
    seats = row["a__total_seats"]
    out = {
        "starting_at": midnight(row["date"]),
        "ending_at": midnight(row["date"] + dt.timedelta(days=1)),
        "daily_active_user_count": row["a__dau"],
        "weekly_active_user_count": row["a__wau"],
        "monthly_active_user_count": row["a__mau"],
        "assigned_seat_count": seats,
        **{rate: (row[column] / seats * 100 if seats else None) for rate, column in SEAT_RATES.items()},
        "pending_invite_count": row["a__pending_invites"],
        "claude_code_daily_active_user_count": row["k__active_users"],
    }
    claude_code = nested(row, "k")
    if not with_spend:
        claude_code.pop("estimated_cost_usd", None)
    return {
        **out,
        "activity_daily": nested(row, "a"),
        "claude_ai_daily": nested(row, "c"),
        "claude_code_daily": claude_code,
    }


def scoped_summary_row(row: dict) -> dict:
    """A day of a group-scoped summary (SPEC §7 groups): the organisation's seats, invites and the
    rates derived from them are null, as the vendor documents for scoped rows."""
    return {
        "starting_at": midnight(row["date"]),
        "ending_at": midnight(row["date"] + dt.timedelta(days=1)),
        "daily_active_user_count": row["dau"],
        "weekly_active_user_count": row["wau"],
        "monthly_active_user_count": row["mau"],
        "assigned_seat_count": None,
        **dict.fromkeys(SEAT_RATES),
        "pending_invite_count": None,
        "claude_code_daily_active_user_count": row["claude_code_dau"],
    }


def user_shape(with_spend: bool, group_names: dict | None = None) -> Shape:
    """A user row in the vendor's shape; a row summed per group (group_by[]=rbac_group_id) has no
    user and carries its group instead."""

    def shape(row: dict) -> dict:
        per_group = "rbac_group_id" in row
        out = {
            "user": None if per_group else {"id": row["user_id"], "email_address": row["email_address"], "type": "user"},
            "chat_metrics": {
                "message_count": row["messages"],
                "distinct_conversation_count": row["chats"],
                "distinct_projects_created_count": row["projects_created"],
                "distinct_artifacts_created_count": row["artifacts_created"],
                "connectors_used_count": row["connector_uses"],
            },
            "claude_code_metrics": {
                "core_metrics": {
                    "distinct_session_count": row["claude_code_sessions"],
                    "commit_count": row["claude_code_commits"],
                    "pull_request_count": row["claude_code_pull_requests"],
                    "lines_of_code": {
                        "added_count": row["claude_code_lines_added"],
                        "removed_count": row["claude_code_lines_removed"],
                    },
                }
            },
            "last_activity_date": row["date"],
        }
        if with_spend:
            out["spend"] = {
                "spend_usd": public(row["spend_usd"]),
                "input_tokens": row["input_tokens"],
                "output_tokens": row["output_tokens"],
            }
        if per_group:
            out["rbac_group_id"] = row["rbac_group_id"]
            out["rbac_group_name"] = (group_names or {}).get(row["rbac_group_id"])
        return out

    return shape
