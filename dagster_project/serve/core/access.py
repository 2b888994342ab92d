"""Who may see spend (SPEC §7, §8): one rule for the API and the dashboard. Spend (and the
estimated cost of Claude Code, which is spend) is withheld from role admin, and from everyone in an
organisation whose spend reports are hidden (Enterprise, seat-based billing, no extra usage)."""

from __future__ import annotations

from typing import Literal

SpendWithheld = Literal["admin", "hidden"]


def spend_withheld(role: str, spend_reports_hidden: bool) -> SpendWithheld | None:
    """Why spend is withheld from this key's holder, or None when they may see it."""
    if role == "admin":
        return "admin"
    return "hidden" if spend_reports_hidden else None
