"""The FastAPI application: `create_app` wires routes, auth, limits and the store pool."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi

from spotdesk import __version__
from spotdesk.config import Settings
from spotdesk.errors import SpotdeskError

from . import downloads, events, system
from .auth import TokenGate, require_token
from .backend import DEFAULT_POOL_SIZE, Backend
from .errors import install_error_handlers, reject_unknown_query
from .limits import DEFAULT_MAX_BODY_BYTES, BodySizeLimit
from .token import ApiToken

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
HEALTH_PATH = f"{API_PREFIX}/health"

DESCRIPTION = """\
Submit Spotify links to the spotdesk download queue and follow their progress. The queue
is shared with the desktop app and the workers, through SQLite on one machine or MongoDB
across several.

Every endpoint except `/api/v1/health` needs `Authorization: Bearer TOKEN`; the server
prints its token with `spotdesk api --show-token`. Errors have one shape:
`{"error": {"code", "message", "problems"}}`, where `code` is stable.
"""


def create_app(
    store_uri: str,
    settings: Settings,
    token: ApiToken | str,
    *,
    workers_probe: Callable[[], int] | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    pool_size: int = DEFAULT_POOL_SIZE,
    max_event_streams: int = events.DEFAULT_MAX_STREAMS,
) -> FastAPI:
    """Build the API over the store at `store_uri`.

    `token` is the bearer token clients must send. `workers_probe`, when given, returns
    how many workers this process manages, for `/health`. Creating the app touches no
    database; the first stores are opened when the server starts.
    """
    if isinstance(token, str):
        token = ApiToken(token, "the caller")
    backend = Backend(store_uri, settings, pool_size=pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.shutdown = asyncio.Event()
        try:
            await asyncio.to_thread(backend.prepare)
        except SpotdeskError as error:
            # Serve anyway: /health reports the store, and calls retry opening it.
            log.warning("API started, but the task store cannot be opened: %s", error)
        log.info("API serving the task queue (%d store threads)", pool_size)
        try:
            yield
        finally:
            app.state.shutdown.set()
            await asyncio.to_thread(backend.close)
            log.info("API stopped")

    app = FastAPI(
        title="spotdesk API",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url=None,  # served below, behind the token like every other endpoint
        docs_url=None,
        redoc_url=None,
        license_info={"name": "GPL-3.0-or-later", "identifier": "GPL-3.0-or-later"},
    )
    app.state.backend = backend
    app.state.token = token
    app.state.workers_probe = workers_probe
    app.state.event_streams = events.StreamCount(limit=max_event_streams)
    # Set again by the lifespan; present from the start so tests without it still work.
    app.state.shutdown = asyncio.Event()

    install_error_handlers(app)
    # Starlette runs the middleware added last first: the token before the body limit.
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(TokenGate, token=token, public_paths=frozenset({HEALTH_PATH}))

    # The token is checked first, so an anonymous client learns nothing about parameters.
    protected = APIRouter(
        prefix=API_PREFIX,
        dependencies=[Depends(require_token), Depends(reject_unknown_query)],
    )
    protected.include_router(downloads.router)
    protected.include_router(events.router)
    protected.include_router(system.stats_router)
    app.include_router(protected)
    app.include_router(
        system.health_router, prefix=API_PREFIX, dependencies=[Depends(reject_unknown_query)]
    )
    _add_openapi_routes(app)
    return app


def _build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            license_info=app.license_info,
            servers=[{"url": "/", "description": "this server"}],
        )
        app.openapi_schema = schema
    return app.openapi_schema


def _add_openapi_routes(app: FastAPI) -> None:
    async def openapi(request: Request) -> dict[str, Any]:
        return _build_openapi(request.app)

    for path in ("/openapi.json", f"{API_PREFIX}/openapi.json"):
        app.add_api_route(
            path,
            openapi,
            methods=["GET"],
            include_in_schema=False,
            dependencies=[Depends(require_token)],
        )
