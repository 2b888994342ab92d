"""Errors in the API's envelope (SPEC §7): `{"type": "error", "error": {"type": ..., "message": ...}}`.

Every bad input is a 4xx with a message saying what to fix; nothing a caller sends can produce a
5xx or a stack trace.
"""

from __future__ import annotations

import logging
import sqlite3

import duckdb
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from ...core.errors import first_line
from ..core.server_state import KeyStoreMissing
from ..core.warehouse import WarehouseUnavailable

log = logging.getLogger(__name__)


ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    429: "rate_limit_error",
    503: "api_error",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def invalid(message: str) -> ApiError:
    return ApiError(400, message)


class ErrorDetail(BaseModel):
    type: str
    message: str


class ErrorResponse(BaseModel):
    type: str = "error"
    error: ErrorDetail


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"type": "error", "error": {"type": ERROR_TYPES.get(status, "invalid_request_error"), "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def describe_validation(exc: RequestValidationError, request: Request) -> str:
    parts = []
    for error in exc.errors():
        loc = error.get("loc", ())
        where = ".".join(str(p) for p in loc if p not in ("query", "header", "path"))
        if error.get("type") == "extra_forbidden" and loc[:1] == ("query",):
            # a query model forbids what it does not name (api/params.py)
            parts.append(f"unknown query parameter {where!r}; this endpoint takes: {', '.join(query_names(request))}")
        else:
            message = error.get("msg", "invalid value").removeprefix("Value error, ")
            if error.get("type", "").startswith("date_") and "YYYY-MM-DD" not in message:
                message = f"{error.get('input')!r} is not a date: use YYYY-MM-DD, e.g. 2026-03-01"
            parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or "invalid request"


def query_names(request: Request) -> list[str]:
    """The query parameters of the request's endpoint: the fields of its query model."""
    names = []
    for param in getattr(getattr(request.scope.get("route"), "dependant", None), "query_params", []):
        model = getattr(param.field_info, "annotation", None)
        is_model = isinstance(model, type) and issubclass(model, BaseModel)
        names += [f.alias or n for n, f in model.model_fields.items()] if is_model else [param.alias]
    return names


# OpenAPI: what each error status means, on every endpoint
ERROR_RESPONSES = {
    400: {"model": ErrorResponse, "description": "A parameter is missing or invalid; the message says which and why."},
    401: {"model": ErrorResponse, "description": "No x-api-key header, or an unknown or revoked key."},
    403: {"model": ErrorResponse, "description": "The key's plan or role may not read this."},
    429: {"model": ErrorResponse, "description": "Too many requests for the organisation; retry after `retry-after` seconds."},
    503: {
        "model": ErrorResponse,
        "description": "No published warehouse yet, or the server's files cannot be read now; retry after `retry-after` seconds.",
    },
}


# what a client should do when the server's own files fail it: try again shortly
RETRY_SECONDS = "5"


def server_fault(exc: Exception) -> str | None:
    """What to tell a caller when the server's own files fail a request (the published warehouse
    missing or unreadable, the key store gone or locked by another process); None for any other
    error."""
    if isinstance(exc, WarehouseUnavailable | KeyStoreMissing):
        return str(exc)
    if isinstance(exc, duckdb.Error):
        return f"the published warehouse could not be read ({first_line(exc)}); retry later"
    if isinstance(exc, sqlite3.Error):
        return f"the key store is busy or unreadable ({first_line(exc)}); retry"
    return None


SERVER_FAULTS = (WarehouseUnavailable, duckdb.Error, sqlite3.Error)


def install(app: FastAPI, page_for_fault=None) -> None:
    """Every error an endpoint or a dependency raises becomes an answer in the envelope. A server
    fault (server_fault) is a 503 with retry-after, never a 500; outside /v1/ (the dashboard's
    pages) `page_for_fault(request, message)` answers it, when given."""

    async def fault(request: Request, exc: Exception):
        message = server_fault(exc) or "the server could not answer; retry"
        log.error("%s %s: %s", request.method, request.url.path, message)
        if page_for_fault is not None and not request.url.path.startswith("/v1/"):
            return page_for_fault(request, message)
        return error_response(503, message, {"retry-after": RETRY_SECONDS})

    for kind in SERVER_FAULTS:
        app.add_exception_handler(kind, fault)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError):
        headers = {"retry-after": RETRY_SECONDS, **exc.headers} if exc.status == 503 else exc.headers
        return error_response(exc.status, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return error_response(400, describe_validation(exc, request))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404:
            message = "no such endpoint: see /docs for the API's endpoints"
        return error_response(exc.status_code, message, getattr(exc, "headers", None))
