"""The durable task queue and catalog: one contract, SQLite and MongoDB implementations.

`open_store` picks the implementation from a URI: `sqlite:///PATH` (a relative PATH, or an
absolute one as in `sqlite:////home/me/queue.db`) or `mongodb://...` /
`mongodb+srv://...` (the database name is the URI's path, `spotdesk` when absent).
"""

from __future__ import annotations

from pathlib import Path

from .contract import InvalidStoreUri, Store, StoreNotFound, redact_uri

SQLITE_PREFIX = "sqlite:///"
MONGODB_SCHEMES = ("mongodb://", "mongodb+srv://")


def resolve_store_uri(uri: str | None = None) -> str:
    """Return `uri`, or else the settings' store, `SPOTDESK_STORE`, or the default file."""
    if uri:
        return uri
    from spotdesk.config import load_settings

    return load_settings().effective_store_uri


def open_store(uri: str | None = None, create: bool = True) -> Store:
    """Open the store that `uri` names (see `resolve_store_uri` for None).

    With `create=False`, a SQLite file that does not exist raises `StoreNotFound` instead
    of being created, for commands that only read. Raises `InvalidStoreUri` for an unknown
    scheme and `StoreUnavailable` when the database cannot be reached or opened.
    """
    uri = resolve_store_uri(uri)
    if uri.startswith(SQLITE_PREFIX):
        from .sqlite import SqliteStore

        path = uri.removeprefix(SQLITE_PREFIX)
        if not path:
            raise InvalidStoreUri(f"The store URI {uri!r} names no file; use sqlite:///PATH.")
        if not create and not Path(path).exists():
            raise StoreNotFound(
                f"No task store at {path}; check the path, or submit a link to create the store."
            )
        return SqliteStore(path)
    if uri.startswith(MONGODB_SCHEMES):
        # NOTE: `create` does not apply here, because MongoDB creates a database on first
        # write, so an empty database and a mistyped name look the same.
        from .mongo import MongoStore

        return MongoStore(uri)
    raise InvalidStoreUri(
        f"Unknown store URI {redact_uri(uri)!r}; use sqlite:///PATH or "
        "mongodb://HOST:PORT/DATABASE."
    )


__all__ = ["Store", "open_store", "resolve_store_uri"]
