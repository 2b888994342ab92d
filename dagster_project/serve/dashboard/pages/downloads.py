"""The dashboard's CSV downloads (SPEC §8): Export Spend Report (from and to inclusive) and the
per-user Claude Code file of a date and window."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ...core.services import get_services
from ...downloads import claude_code_users_csv, user_spend_report_csv
from ...queries.windows import CLAUDE_CODE_USER_WINDOWS
from ..frame import chosen_date
from ..spend_section import report_range
from ..templating import download, message_page
from ..viewer import ViewerDep

router = APIRouter(include_in_schema=False)


@router.get("/analytics/exports/spend-report")
def spend_report(request: Request, who: ViewerDep):
    """Export Spend Report: the API's user_spend_report as CSV, from and to inclusive."""
    if who.spend_reason:
        return message_page(request, who.spend_reason, 403)
    start, end, problem = report_range(request, who)
    if problem:
        # back to the form, which keeps what was typed and says what to fix beside it
        kept = urlencode({k: request.query_params.get(k, "") for k in ("from", "to")})
        return RedirectResponse(f"/analytics/all-activity?{kept}#export", status_code=303)
    with get_services(request).warehouse.cursor() as (cursor, _):
        data, name = user_spend_report_csv(cursor, who.organization_id, start, end + dt.timedelta(days=1))
    return download(data, name)


@router.get("/analytics/exports/claude-code")
def claude_code_csv(request: Request, who: ViewerDep):
    day, problem = chosen_date(request, who)
    window = request.query_params.get("window", "mtd")
    if problem or window not in CLAUDE_CODE_USER_WINDOWS:
        return message_page(request, problem or f"window is one of {', '.join(CLAUDE_CODE_USER_WINDOWS)}.", 400)
    with get_services(request).warehouse.cursor() as (cursor, _):
        data, name = claude_code_users_csv(cursor, who.organization_id, day, window, with_spend=who.spend_reason is None)
    return download(data, name)
