"""A request body size limit, applied before any handler reads the body."""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

# A request with the maximum number of links, each of maximum length, fits in about 1 MiB.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


class BodySizeLimit:
    """Reject request bodies over `max_bytes` with 413, before the app parses them.

    A declared `Content-Length` over the limit is rejected at once. Otherwise the body is
    read up to the limit and handed to the app from memory, so a chunked body cannot get
    past the limit by not declaring its length.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return

        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._reject(scope, send, declared)
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(scope, send, size)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break

        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, send: Send, size: int) -> None:
        log.warning(
            "rejected a %s %s request body of at least %d bytes (limit %d)",
            scope["method"], scope["path"], size, self.max_bytes,
        )
        payload = json.dumps(
            {
                "error": {
                    "code": "api.body_too_large",
                    "message": f"The request body is larger than {self.max_bytes} bytes; "
                    "send fewer links per request.",
                    "problems": [],
                }
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
