"""Turn exceptions into `ErrorResponse` bodies with the right HTTP status.

Every error the API returns has the same shape: `{"error": {"code", "message",
"problems"}}`, where `code` is the stable `SpotdeskError` code or an `api.*` code.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from spotdesk.errors import SpotdeskError, UsageError
from spotdesk.store.contract import (
    InvalidCursor,
    InvalidTransition,
    StoreUnavailable,
    TaskNotFound,
)

from .schemas import ErrorInfo, ErrorResponse, Problem

log = logging.getLogger(__name__)

# Seconds a client should wait before retrying when the store is unreachable.
STORE_RETRY_AFTER_SECONDS = 5


class ApiError(Exception):
    """An error response raised by a handler: status, stable code, message, problems."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        problems: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = problems or []
        self.headers = headers


def error_response(
    status: int,
    code: str,
    message: str,
    problems: list[Problem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(error=ErrorInfo(code=code, message=message, problems=problems or []))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def status_for(error: SpotdeskError) -> int:
    if isinstance(error, TaskNotFound):
        return 404
    if isinstance(error, InvalidTransition):
        return 409
    if isinstance(error, InvalidCursor):
        return 400
    if isinstance(error, StoreUnavailable):
        return 503
    if isinstance(error, UsageError):
        return 422
    return 500


def _location(parts: tuple[Any, ...]) -> str:
    # pydantic gives ("body", "links", 2); the API reports "links[2]".
    text = ""
    for part in parts:
        if part == "body" and not text:
            continue
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "body"


async def _on_api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return error_response(
        error.status, error.code, error.message, error.problems, headers=error.headers
    )


async def _on_spotdesk_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, SpotdeskError)
    status = status_for(error)
    headers = None
    if status == 503:
        headers = {"Retry-After": str(STORE_RETRY_AFTER_SECONDS)}
        log.warning("store unavailable during %s %s: %s", request.method, request.url.path, error)
    elif status == 500:
        log.error("%s %s failed: %s (%s)", request.method, request.url.path, error, error.code)
    if error.detail:
        log.debug("detail of %s: %s", error.code, error.detail)
    return error_response(status, error.code, error.message, headers=headers)


async def _on_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [
        Problem(
            location=_location(tuple(item.get("loc", ()))),
            code=f"invalid.{item.get('type', 'value')}",
            message=str(item.get("msg", "invalid value")),
        )
        for item in error.errors()
    ]
    summary = "; ".join(f"{problem.location}: {problem.message}" for problem in problems[:5])
    message = f"The request is invalid: {summary}"
    return error_response(422, "api.invalid_request", message, problems)


async def _on_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    codes = {
        400: "api.bad_request",
        401: "api.unauthorized",
        404: "api.not_found",
        405: "api.method_not_allowed",
    }
    code = codes.get(error.status_code, f"api.http_{error.status_code}")
    message = error.detail if isinstance(error.detail, str) else "The request failed."
    headers = dict(error.headers) if error.headers else None
    if error.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
    return error_response(error.status_code, code, message, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    # Starlette's 405 names only the first route matching the path, but `/downloads`
    # has a GET route and a POST route, so the OpenAPI paths give the full list.
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods.update(name.upper() for name in operations)
    return sorted(methods)


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error in %s %s", request.method, request.url.path)
    return error_response(
        500, "api.internal", "The server failed unexpectedly; the server log has the details."
    )


async def reject_unknown_query(request: Request) -> None:
    """Reject query parameters the route does not declare, so a typo is not ignored."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        known.update(param.alias for param in current.query_params)
        pending.extend(current.dependencies)
    unknown = sorted(set(request.query_params.keys()) - known)
    if unknown:
        problems = [
            Problem(location=f"query.{name}"[:200], code="invalid.unknown_parameter",
                    message=f"Unknown query parameter {name!r}.")
            for name in unknown
        ]
        allowed = ", ".join(sorted(known)) or "none"
        raise ApiError(
            422,
            "api.invalid_request",
            f"Unknown query parameter {unknown[0]!r}; this endpoint accepts: {allowed}.",
            problems,
        )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(SpotdeskError, _on_spotdesk_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
