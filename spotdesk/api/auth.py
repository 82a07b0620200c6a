"""Bearer-token authentication for every endpoint except `/health`."""

from __future__ import annotations

import logging
import threading
import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import ApiError
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

# Rejected tokens are logged at most once per this many seconds, with a count, so a
# client guessing tokens cannot flood the log.
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
            "rejected an invalid API token from %s for %s (%d more rejections not logged)",
            client, path, suppressed,
        )



async def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> None:
    """Raise `Unauthorized` unless the request carries the API's bearer token."""
    token: ApiToken = request.app.state.token
    if credentials is None:
        raise Unauthorized(
            "Missing bearer token; send 'Authorization: Bearer TOKEN' with the token from "
            "'spotdesk api --show-token'."
        )
    if not token.matches(credentials.credentials):
        client = request.client.host if request.client else "unknown"
        rejections: RejectionLog = request.app.state.rejections
        rejections.record(client, request.url.path)
        raise Unauthorized("Invalid bearer token; check 'spotdesk api --show-token'.")
