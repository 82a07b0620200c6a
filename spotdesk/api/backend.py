"""Run store and service calls on a thread pool, off the event loop.

A store is safe to use from one thread at a time, so each pool thread opens its own store
(and a `Service` over it) on first use. Handlers await `Backend.call(fn, ...)`, which runs
`fn(store, service, ...)` on a pool thread: a slow database call then holds one pool
thread, while the event loop keeps serving other requests and server-sent event streams.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from spotdesk.config import Settings

if TYPE_CHECKING:
    from spotdesk.service import Service
    from spotdesk.store.contract import Store

log = logging.getLogger(__name__)

R = TypeVar("R")

DEFAULT_POOL_SIZE = 8


class Backend:
    """A thread pool whose threads each hold one open store and one `Service`."""

    def __init__(self, store_uri: str, settings: Settings, pool_size: int = DEFAULT_POOL_SIZE):
        self.store_uri = store_uri
        self.settings = settings
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()
        self._closed = False
        self._executor = ThreadPoolExecutor(
            max_workers=pool_size, thread_name_prefix="spotdesk-api-store"
        )

    def _thread_handles(self) -> tuple[Store, Service]:
        handles = getattr(self._local, "handles", None)
        if handles is None:
            from spotdesk.service import Service
            from spotdesk.store import open_store

            store = open_store(self.store_uri)
            with self._lock:
                self._opened.append(store)
            handles = (store, Service(store, self.settings))
            self._local.handles = handles
        return handles

    def _run(self, fn: Callable[..., R], *args: object, **kwargs: object) -> R:
        store, service = self._thread_handles()
        return fn(store, service, *args, **kwargs)

    async def call(self, fn: Callable[..., R], *args: object, **kwargs: object) -> R:
        """Run `fn(store, service, *args, **kwargs)` on a pool thread and await its result."""
        if self._closed:
            raise RuntimeError("the API backend is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(self._run, fn, *args, **kwargs)
        )

    def close(self) -> None:
        """Wait for running calls, then close every store the pool opened."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            stores, self._opened = self._opened, []
        for store in stores:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - closing must go on for the other stores
                log.exception("closing the store %s failed", type(store).__name__)
        log.debug("API backend closed %d store connections", len(stores))
