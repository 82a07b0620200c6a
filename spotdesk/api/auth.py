"""Bearer-token authentication for every endpoint except `/health`."""

from __future__ import annotations

import logging
import threading
import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import ApiError, error_response
from .token import ApiToken

log = logging.getLogger(__name__)

# auto_error=False: a missing header gets this API's error body, not FastAPI's default.
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearerToken",
    description=(
        "The token printed by `spotdesk api --show-token`, or the value of "
        "`SPOTDESK_API_TOKEN` on the server."
    ),
)

MISSING_TOKEN_MESSAGE = (
    "Missing bearer token; send 'Authorization: Bearer TOKEN' with the token from "
    "'spotdesk api --show-token'."
)
INVALID_TOKEN_MESSAGE = "Invalid bearer token; check 'spotdesk api --show-token'."

# Rejected tokens are logged at most once per this many seconds per app, with the count
# of rejections in between, so a client guessing tokens cannot flood the log.
REJECTION_LOG_INTERVAL = 10.0


class Unauthorized(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(
            401, "api.unauthorized", message, headers={"WWW-Authenticate": "Bearer"}
        )


class RejectionLog:
    """Rate-limited log of rejected tokens, one per app."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._suppressed = 0
        self._last = 0.0

    def record(self, client: str, path: str) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last < REJECTION_LOG_INTERVAL:
                self._suppressed += 1
                return
            suppressed, self._suppressed, self._last = self._suppressed, 0, now
        # The rejected value is not logged: it may be a real token for another service.
        log.warning(
            "rejected an invalid API token from %s for %s (%d rejections not logged before it)",
            client, path, suppressed,
        )


async def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> None:
    """Raise `Unauthorized` unless the request carries the API's bearer token."""
    token: ApiToken = request.app.state.token
    if credentials is None:
        raise Unauthorized(MISSING_TOKEN_MESSAGE)
    if not token.matches(credentials.credentials):
        # `TokenGate` has logged the rejection already.
        raise Unauthorized(INVALID_TOKEN_MESSAGE)


class TokenGate:
    """Check the bearer token before routing, body parsing and size limits.

    The `require_token` dependency alone runs after FastAPI has parsed the body, so an
    anonymous client sending malformed JSON would learn about validation before being
    rejected. This ASGI middleware returns 401 first. `public_paths` need no token.
    """

    def __init__(self, app: ASGIApp, token: ApiToken, public_paths: frozenset[str]) -> None:
        self.app = app
        self.token = token
        self.public_paths = public_paths
        self.rejections = RejectionLog()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.public_paths:
            await self.app(scope, receive, send)
            return
        problem = self._check(scope)
        if problem is None:
            await self.app(scope, receive, send)
            return
        response = error_response(
            401, "api.unauthorized", problem, headers={"WWW-Authenticate": "Bearer"}
        )
        await response(scope, receive, send)

    def _check(self, scope: Scope) -> str | None:
        header = Headers(scope=scope).get("authorization", "")
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            return MISSING_TOKEN_MESSAGE
        if not self.token.matches(credentials):
            client = scope.get("client")
            self.rejections.record(client[0] if client else "unknown", scope["path"])
            return INVALID_TOKEN_MESSAGE
        return None
