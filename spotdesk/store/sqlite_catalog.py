"""The catalog half of the SQLite store: the Spotify metadata cache and daily statistics."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from .contract import DayStats, Store

# Expired cache entries are deleted on every this many `cache_put` calls.
_PRUNE_EVERY = 200


class SqliteCatalog(Store):
    """Catalog methods; `SqliteStore` supplies the connection and transactions."""

    _puts_since_prune = 0

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def cache_get(self, key: str) -> Any | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT value FROM catalog WHERE key = ? AND expires_at > ?", (key, time.time())
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def cache_put(self, key: str, value: Any, ttl_seconds: float) -> None:
        now = time.time()
        text = json.dumps(value, ensure_ascii=False)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO catalog (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key)"
                " DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
                (key, text, now + ttl_seconds),
            )
            self._puts_since_prune += 1
            if self._puts_since_prune >= _PRUNE_EVERY:
                conn.execute("DELETE FROM catalog WHERE expires_at <= ?", (now,))
                self._puts_since_prune = 0

    def stats(self, days: int = 30) -> list[DayStats]:
        first_day = (datetime.now(UTC) - timedelta(days=days - 1)).strftime("%Y-%m-%d")
        with self._read() as conn:
            rows = conn.execute(
                "SELECT day, metric, value FROM day_stats WHERE day >= ? ORDER BY day DESC",
                (first_day,),
            ).fetchall()
        return list(_fold_stats((row[0], row[1], int(row[2])) for row in rows))

    def _count(self, conn: sqlite3.Connection, metric: str, amount: int) -> None:
        """Add `amount` to today's `metric`, inside the caller's write transaction."""
        conn.execute(
            "INSERT INTO day_stats (day, metric, value) VALUES (?, ?, ?) ON CONFLICT (day, metric)"
            " DO UPDATE SET value = value + excluded.value",
            (today(), metric, amount),
        )


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def _fold_stats(rows: Iterator[tuple[str, str, int]]) -> Iterator[DayStats]:
    """Fold (day, metric, value) rows, newest day first, into one `DayStats` per day."""
    current: DayStats | None = None
    for day, metric, value in rows:
        if current is None or current.day != day:
            if current is not None:
                yield current
            current = DayStats(day)
        if metric == "downloads":
            current.downloads += value
        elif metric == "bytes":
            current.bytes += value
        elif metric.startswith("failure:"):
            code = metric.removeprefix("failure:")
            current.failures[code] = current.failures.get(code, 0) + value
    if current is not None:
        yield current
