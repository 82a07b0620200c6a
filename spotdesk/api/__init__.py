"""The headless HTTP API over the task queue (the optional `spotdesk[api]` extra).

`create_app(store_uri, settings, token)` builds the FastAPI application; `spotdesk api`
serves it with uvicorn. This package imports the service and the store, never Qt.
"""

from __future__ import annotations

from .app import API_PREFIX, create_app

__all__ = ["API_PREFIX", "create_app"]
