"""Errors in the API's envelope (SPEC §7): `{"type": "error", "error": {"type": ..., "message": ...}}`.

Every bad input is a 4xx with a message saying what to fix; nothing a caller sends can produce a
5xx or a stack trace.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

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
            parts.append(f"{where}: {error.get('msg', 'invalid value')}" if where else error.get("msg", "invalid value"))
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
    503: {"model": ErrorResponse, "description": "No published warehouse yet."},
}


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError):
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return error_response(400, describe_validation(exc, request))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404:
            message = "no such endpoint: see /docs for the API's endpoints"
        return error_response(exc.status_code, message, getattr(exc, "headers", None))
