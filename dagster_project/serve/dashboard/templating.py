"""The dashboard's templates and the answers every page shares: a one-line message, the page for a
server fault, a CSV download."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from .format import FILTERS

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
templates.env.filters.update(FILTERS)


def message_page(request: Request, message: str, status_code: int) -> Response:
    """A page that says in one line what is wrong, with the status an API client would get."""
    return templates.TemplateResponse(request, "message.html", {"message": message}, status_code=status_code)


def unavailable_page(request: Request, message: str) -> Response:
    """The server's own files failed the page (serve/api/errors.server_fault): 503, try again."""
    response = message_page(request, message, 503)
    response.headers["retry-after"] = "5"
    return response


def download(data: bytes, name: str) -> Response:
    return Response(data, media_type="text/csv; charset=utf-8", headers={"content-disposition": f'attachment; filename="{name}"'})
