"""SQLite specifics: schema migrations, a newer schema, WAL, locks and the claim's index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from spotdesk.model import OutputOptions, TaskState
from spotdesk.store import open_store
from spotdesk.store.contract import InvalidStoreUri, SchemaTooNew, StoreUnavailable
from spotdesk.store.sqlite import SqliteStore, claim_subquery
from spotdesk.store.sqlite_schema import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from tests.store.conftest import track_task


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), isolation_level=None)


def test_new_file_has_current_schema(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "q.db").close()

    with connect(tmp_path / "q.db") as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migration_keeps_data(tmp_path: Path, options: OutputOptions) -> None:
    path = tmp_path / "q.db"
    with SqliteStore(path) as store:
        task_id = store.submit([track_task(options, "a")])[0].task_id
    upgrade = (
        "ALTER TABLE tasks ADD COLUMN added_later TEXT;\n"
        "CREATE INDEX tasks_added ON tasks (added_later);"
    )

    conn = connect(path)
    before = migrate(conn, str(path), [*MIGRATIONS, upgrade])

    assert before == SCHEMA_VERSION
    assert schema_version(conn) == SCHEMA_VERSION + 1
    columns = {row[1] for row in conn.execute("PRAGMA table_info(tasks)")}
    assert "added_later" in columns
    assert conn.execute("SELECT id FROM tasks").fetchone()[0] == task_id
    conn.close()


def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    SqliteStore(path).close()
    broken = "ALTER TABLE tasks ADD COLUMN fine TEXT;\nALTER TABLE no_such_table ADD COLUMN x TEXT;"

    conn = connect(path)
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, str(path), [*MIGRATIONS, broken])

    assert schema_version(conn) == SCHEMA_VERSION
    assert "fine" not in {row[1] for row in conn.execute("PRAGMA table_info(tasks)")}
    conn.close()


def test_newer_schema_raises(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    SqliteStore(path).close()
    with connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    with pytest.raises(SchemaTooNew) as raised:
        open_store(f"sqlite:///{path}")

    assert str(path) in raised.value.message
    assert raised.value.code == "store.schema_too_new"


def test_locked_file_is_unavailable_then_recovers(tmp_path: Path, options: OutputOptions) -> None:
    path = tmp_path / "q.db"
    store = SqliteStore(path, busy_timeout=0.2)
    task_id = store.submit([track_task(options, "a")])[0].task_id
    blocker = connect(path)
    blocker.execute("BEGIN IMMEDIATE")

    with pytest.raises(StoreUnavailable):
        store.request_pause([task_id])
    blocker.execute("ROLLBACK")
    blocker.close()

    assert store.request_pause([task_id]) == [task_id]
    assert store.get(task_id).state is TaskState.PAUSED
    store.close()


def test_unwritable_folder_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    with pytest.raises(StoreUnavailable):
        SqliteStore(blocker / "q.db")


def test_claim_query_uses_index(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "q.db").close()

    with connect(tmp_path / "q.db") as conn:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {claim_subquery(1)}", (1.0, "track"))
        plan = " ".join(str(row[3]) for row in rows)

    assert "tasks_claim" in plan
    assert "TEMP B-TREE" not in plan


def test_relative_and_empty_uris(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    open_store("sqlite:///relative.db").close()

    assert (tmp_path / "relative.db").exists()
    with pytest.raises(InvalidStoreUri):
        open_store("sqlite:///")


def test_store_env_variable_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTDESK_STORE", f"sqlite:///{tmp_path / 'env.db'}")

    with open_store() as store:
        assert store.uri == f"sqlite:///{tmp_path / 'env.db'}"


def test_invalid_uri_message_hides_password() -> None:
    with pytest.raises(InvalidStoreUri) as raised:
        open_store("mongo://user:secret@db.example/queue")

    assert "secret" not in raised.value.message
    assert "user:***@db.example" in raised.value.message


def test_settings_store_wins_over_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spotdesk.config import Settings, save_settings
    from spotdesk.store import resolve_store_uri

    save_settings(Settings(store_uri=f"sqlite:///{tmp_path / 'settings.db'}"))
    monkeypatch.setenv("SPOTDESK_STORE", f"sqlite:///{tmp_path / 'env.db'}")

    assert resolve_store_uri() == f"sqlite:///{tmp_path / 'settings.db'}"
    assert resolve_store_uri("sqlite:///given.db") == "sqlite:///given.db"


def test_redact_uri_hides_only_password() -> None:
    from spotdesk.store.contract import redact_uri

    assert redact_uri("mongodb://u:p%40ss@h1,h2/db?x=1") == "mongodb://u:***@h1,h2/db?x=1"
    assert redact_uri("mongodb://h:27017/db") == "mongodb://h:27017/db"
    assert redact_uri("sqlite:////data/a@b.db") == "sqlite:////data/a@b.db"
