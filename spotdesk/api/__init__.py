"""The headless HTTP API over the task queue (the optional `spotdesk[api]` extra).

`create_app(store_uri, settings, token)` builds the FastAPI application; `spotdesk api`
serves it with uvicorn. This package imports the service and the store, never Qt.
FastAPI is imported only when `create_app` is first used, so `spotdesk.api.token` (and
`spotdesk api --show-token`) work without the extra installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import API_PREFIX, create_app

__all__ = ["API_PREFIX", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
