"""Run store and service calls on a thread pool, off the event loop.

Threads sharing one SQLite store wait for each other on its lock, so one slow write would
hold up every read. The backend therefore keeps a pool of open stores, each with its own
connection and a `Service` over it, and uses each store for one call at a time. A call
takes an idle store (or opens a new one when none is idle) and puts it back when done.
Handlers await `Backend.call(fn, ...)`, which runs `fn(store, service, ...)` on a pool
thread. A slow database call then occupies one thread
and one store, while the event loop keeps serving other requests and event streams.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import queue
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
# Stores opened at start-up. Opening a SQLite store briefly needs the write lock, so
# opening one on demand while a writer holds the lock would stall a read. With two open
# stores, a read still finds an idle one while another request waits for the lock.
PREPARED_STORES = 2


class Backend:
    """A thread pool and a pool of open stores, each store used by one call at a time."""

    def __init__(self, store_uri: str, settings: Settings, pool_size: int = DEFAULT_POOL_SIZE):
        self.store_uri = store_uri
        self.settings = settings
        self._idle: queue.SimpleQueue[tuple[Store, Service]] = queue.SimpleQueue()
        self._opened: list[Store] = []
        self._lock = threading.Lock()
        self._closed = False
        self._executor = ThreadPoolExecutor(
            max_workers=pool_size, thread_name_prefix="spotdesk-api-store"
        )

    def _open(self) -> tuple[Store, Service]:
        from spotdesk.service import Service
        from spotdesk.store import open_store

        store = open_store(self.store_uri)
        with self._lock:
            self._opened.append(store)
            count = len(self._opened)
        log.debug("API opened store connection %d", count)
        return store, Service(store, self.settings)

    def _take(self) -> tuple[Store, Service]:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return self._open()

    def _run(self, fn: Callable[..., R], *args: object, **kwargs: object) -> R:
        handles = self._take()
        try:
            return fn(*handles, *args, **kwargs)
        finally:
            self._idle.put(handles)

    def prepare(self, count: int = PREPARED_STORES) -> None:
        """Open `count` stores now; raises the store's error when it cannot be opened."""
        opened = [self._open() for _ in range(count)]
        for handles in opened:
            self._idle.put(handles)

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
