"""The SQLite schema and its forward migrations.

`PRAGMA user_version` stores the schema version. Opening a file runs every migration
above its version in one transaction. A file with a version above `SCHEMA_VERSION` was
written by a newer spotdesk, so opening it raises `SchemaTooNew` instead of guessing.
"""

from __future__ import annotations

import logging
import sqlite3

from .contract import SchemaTooNew

log = logging.getLogger(__name__)

_V1 = """
CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- submission order, also the rowid
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    link TEXT NOT NULL,
    options TEXT NOT NULL,
    parent_id TEXT,
    position INTEGER,
    priority INTEGER NOT NULL DEFAULT 0,
    dedupe_key TEXT,
    title TEXT,
    track TEXT,
    context TEXT,
    stage TEXT,
    progress REAL NOT NULL DEFAULT 0,
    bytes_done INTEGER,
    bytes_total INTEGER,
    speed REAL,
    eta REAL,
    match TEXT,
    candidates TEXT,
    chosen_url TEXT,
    output_path TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 3,
    error_code TEXT,
    error_message TEXT,
    owner TEXT,
    lease_token TEXT,
    lease_until REAL,
    not_before REAL NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    pause_requested INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL,
    child_count INTEGER,
    skipped TEXT,
    skipped_reason TEXT,
    change_seq INTEGER NOT NULL DEFAULT 0
);
-- Claim: the next queued task by priority then seq, read in order from this index; the
-- claim's not_before and kind filters are checked on the index entries too.
CREATE INDEX tasks_claim ON tasks (priority DESC, seq, not_before, kind) WHERE state = 'queued';
-- Reaper: running tasks by lease expiry.
CREATE INDEX tasks_lease ON tasks (lease_until) WHERE state = 'running';
-- A collection's tracks in order, and idempotent child creation.
CREATE UNIQUE INDEX tasks_parent ON tasks (parent_id, position) WHERE parent_id IS NOT NULL;
CREATE INDEX tasks_parent_seq ON tasks (parent_id, seq);
-- Listing by state, and counts.
CREATE INDEX tasks_state ON tasks (state, kind, seq);
-- Changed-since polling by the window and the API.
CREATE INDEX tasks_change ON tasks (change_seq);
-- At most one active task per dedupe key.
CREATE UNIQUE INDEX tasks_dedupe ON tasks (dedupe_key)
    WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'running', 'paused');

CREATE TABLE removed_tasks (
    change_seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    removed_at REAL NOT NULL
);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('change', 0);

CREATE TABLE catalog (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE day_stats (
    day TEXT NOT NULL,
    metric TEXT NOT NULL,  -- 'downloads', 'bytes' or 'failure:<error code>'
    value INTEGER NOT NULL,
    PRIMARY KEY (day, metric)
) WITHOUT ROWID;
"""

# Item i is the script that takes a file from version i to version i + 1.
MIGRATIONS: list[str] = [_V1]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, path: str, migrations: list[str] | None = None) -> int:
    """Bring the file at `path` to the newest schema; return the version it had before.

    `conn` must be in autocommit mode. Raises `SchemaTooNew` for a file from a newer
    program. `migrations` replaces the built-in list in tests.
    """
    steps = MIGRATIONS if migrations is None else migrations
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = schema_version(conn)
        if found > len(steps):
            raise SchemaTooNew(
                f"The queue database {path} has schema version {found}, but this spotdesk "
                f"reads versions up to {len(steps)}; update spotdesk or choose another store.",
            )
        for version in range(found, len(steps)):
            log.info("migrating queue database %s from schema %d to %d", path, version, version + 1)
            for statement in _statements(steps[version]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {len(steps)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found


def _statements(script: str) -> list[str]:
    """Split a script into statements, because `executescript` would commit on its own."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
