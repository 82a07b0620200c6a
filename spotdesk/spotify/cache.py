"""Caches for resolved Spotify metadata.

Any object with `cache_get` and `cache_put` works; the store satisfies the protocol and
keeps entries across runs, while `InMemoryCache` lasts as long as the process. Values are
JSON types so every implementation can keep them.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol


class MetadataCache(Protocol):
    def cache_get(self, key: str) -> Any | None: ...

    def cache_put(self, key: str, value: Any, ttl_seconds: float) -> None: ...


class InMemoryCache:
    """A thread-safe dictionary cache whose entries expire after their TTL."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def cache_get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, value = entry
            if self._clock() >= expires_at:
                del self._entries[key]
                return None
            # A copy, so a caller that edits the value does not change the cache.
            return copy.deepcopy(value)

    def cache_put(self, key: str, value: Any, ttl_seconds: float) -> None:
        with self._lock:
            self._entries[key] = (self._clock() + ttl_seconds, copy.deepcopy(value))

    def __len__(self) -> int:
        return len(self._entries)
