"""MongoDB specifics: the claim's index, schema versions, the server clock, outages."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymongo
import pytest

from spotdesk.model import OutputOptions, TaskKind, TaskState
from spotdesk.store import open_store
from spotdesk.store.contract import InvalidCursor, Outcome, SchemaTooNew, StoreUnavailable
from spotdesk.store.mongo import MongoStore
from spotdesk.store.mongo_support import ChangeCursor
from tests.fakes.mongo import URI_VARIABLE, MongoServer, start_mongo_server
from tests.store.conftest import track_task

pytestmark = pytest.mark.mongo


@pytest.fixture
def database_uri(mongo_server: MongoServer) -> str:
    return mongo_server.database_uri(f"test_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def mongo_store(database_uri: str) -> Iterator[MongoStore]:
    store = open_store(database_uri)
    assert isinstance(store, MongoStore)
    yield store
    store.close()


def plan_stages(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every stage of a query plan, outermost first."""
    stages = [plan]
    for key in ("inputStage", "queryPlan"):
        if isinstance(plan.get(key), dict):
            stages.extend(plan_stages(plan[key]))
    for child in plan.get("inputStages", []):
        stages.extend(plan_stages(child))
    return stages


def test_claim_explain_uses_index_scan(mongo_store: MongoStore, options: OutputOptions) -> None:
    mongo_store.submit([track_task(options, str(index)) for index in range(20)])

    for kinds in (None, [TaskKind.TRACK]):
        explained = mongo_store.explain_claim(kinds)
        stages = plan_stages(explained["queryPlanner"]["winningPlan"])

        scans = [stage for stage in stages if stage.get("stage") == "IXSCAN"]
        assert scans, stages
        assert scans[0]["indexName"] == "claim"
        assert not any(stage.get("stage") in ("COLLSCAN", "SORT") for stage in stages)


def test_indexes_exist(mongo_store: MongoStore, database_uri: str) -> None:
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(database_uri)
    names = set(client.get_default_database()["tasks"].index_information())
    client.close()

    assert {
        "claim",
        "lease_expiry",
        "by_parent",
        "child_position",
        "changes",
        "active_dedupe",
    } <= names


def test_newer_schema_raises(database_uri: str) -> None:
    open_store(database_uri).close()
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(database_uri)
    client.get_default_database()["meta"].update_one({"_id": "schema"}, {"$set": {"version": 99}})
    client.close()

    with pytest.raises(SchemaTooNew):
        open_store(database_uri)


def test_lease_uses_server_clock(mongo_store: MongoStore, options: OutputOptions) -> None:
    mongo_store.submit([track_task(options, "a")])
    server_now = mongo_store.clock.now()

    task = mongo_store.claim("w", 100)

    assert task is not None and task.lease_until is not None
    assert abs(task.lease_until - (server_now + 100)) < 5


def test_unreachable_server_is_unavailable(tmp_path: Path) -> None:
    port = _closed_port()
    uri = f"mongodb://127.0.0.1:{port}/db?serverSelectionTimeoutMS=300&directConnection=true"

    with pytest.raises(StoreUnavailable):
        open_store(uri)


def test_unreachable_server_message_is_one_sentence(caplog: pytest.LogCaptureFixture) -> None:
    port = _closed_port()
    uri = f"mongodb://127.0.0.1:{port}/db?serverSelectionTimeoutMS=300&directConnection=true"

    with (
        caplog.at_level("DEBUG", logger="spotdesk.store"),
        pytest.raises(StoreUnavailable) as raised,
    ):
        open_store(uri)

    message = raised.value.message
    assert message == (
        f"No MongoDB server answered at 127.0.0.1:{port} within 0.3 s; is the server running?"
    )
    assert "Topology Description" in (raised.value.detail or "")
    assert "Topology Description" in caplog.text


def test_cursor_asks_again_for_gaps() -> None:
    cursor = ChangeCursor(10)

    after = cursor.advance(seen=[11, 13], last=13, now=1000.0)
    later = ChangeCursor.decode(after.encode()).advance(seen=[12], last=13, now=1001.0)
    expired = after.advance(seen=[], last=13, now=1000.0 + 11)

    assert after.after == 13
    assert after.gaps == {12}
    assert ChangeCursor.decode(after.encode()) == ChangeCursor(13, {12}, 1000.0)
    assert later.gaps == set()
    assert expired.gaps == set()


def test_cursor_stays_short() -> None:
    cursor = ChangeCursor(10**12).advance(seen=[], last=10**12 + 10_000, now=2e9)

    assert len(cursor.gaps) == 256
    assert len(cursor.encode()) < 100
    assert ChangeCursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("text", ["5:0@1", "5:zz@1", "5:1@x", "3:ff@1", "5:1", f"9:{1 << 256:x}@1"])
def test_cursor_decode_rejects_garbage(text: str) -> None:
    with pytest.raises(InvalidCursor):
        ChangeCursor.decode(text)


@pytest.mark.skipif(bool(os.environ.get(URI_VARIABLE)), reason="cannot stop an external server")
def test_server_restart_loses_nothing(tmp_path: Path, options: OutputOptions) -> None:
    server = start_mongo_server(tmp_path / "data")
    uri = server.database_uri("restart") + "&serverSelectionTimeoutMS=500"
    try:
        store = open_store(uri)
        ids = [
            result.task_id
            for result in store.submit([track_task(options, str(i)) for i in range(3)])
        ]
        running = store.claim("w", 60)
        assert running and running.lease_token

        server.stop()
        with pytest.raises(StoreUnavailable):
            store.list_tasks()
        with pytest.raises(StoreUnavailable):
            store.heartbeat(running.id, running.lease_token, 60)
        server.start()

        assert _eventually(lambda: [task.id for task in store.list_tasks().tasks]) == ids
        store.complete(running.id, running.lease_token, Outcome(output_path="/music/a.mp3"))
        assert store.get(running.id).state is TaskState.DONE
        assert store.counts()["queued"] == 2
        store.close()
    finally:
        server.stop()


def _eventually(read: Any, timeout: float = 20.0) -> Any:
    """Return `read()` once the store responds again after a restart."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return read()
        except StoreUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_changes_include_late_write(mongo_store: MongoStore, options: OutputOptions) -> None:
    cursor = mongo_store.changes_since(None).cursor
    [first, second] = [
        result.task_id
        for result in mongo_store.submit([track_task(options, "a"), track_task(options, "b")])
    ]
    in_flight = mongo_store._take_numbers(
        "change"
    )  # a write that has its number but has not landed
    mongo_store.request_pause([second])

    early = mongo_store.changes_since(cursor)
    mongo_store._tasks.update_one(
        {"_id": first}, {"$set": {"change_seq": in_flight, "title": "late"}}
    )
    late = mongo_store.changes_since(early.cursor)

    assert {task.id for task in early.tasks} == {first, second}
    assert [task.id for task in late.tasks] == [first]
    assert late.tasks[0].title == "late"


class SkewedClock:
    """A stand-in for the `time` module whose wall clock runs an hour ahead."""

    SKEW = 3600.0

    @staticmethod
    def time() -> float:
        return time.time() + SkewedClock.SKEW

    @staticmethod
    def monotonic() -> float:
        return time.monotonic()


def test_skewed_client_clock_keeps_leases(
    database_uri: str, options: OutputOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spotdesk.store import mongo_support

    monkeypatch.setattr(mongo_support, "time", SkewedClock)
    store = open_store(database_uri)
    try:
        store.submit([track_task(options, "a")])

        task = store.claim("w", 100)

        assert task is not None and task.lease_until is not None
        assert abs(task.lease_until - (time.time() + 100)) < 5
        assert store.reap_expired() == 0
        assert store.get(task.id).state is TaskState.RUNNING
    finally:
        store.close()


def test_polling_fallback_finds_changes(mongo_store: MongoStore, options: OutputOptions) -> None:
    mongo_store._change_streams = False
    cursor = mongo_store.changes_since(None).cursor
    mongo_store.submit([track_task(options, "a")])

    changes = mongo_store.wait_for_changes(cursor, timeout=5.0, poll_interval=0.05)

    assert len(changes.tasks) == 1


def test_fresh_cursor_sees_write_in_flight(mongo_store: MongoStore, options: OutputOptions) -> None:
    [task_id] = [r.task_id for r in mongo_store.submit([track_task(options, "a")])]
    in_flight = mongo_store._take_numbers("change")  # taken before the reader starts

    cursor = mongo_store.changes_since(None).cursor
    mongo_store._tasks.update_one({"_id": task_id}, {"$set": {"change_seq": in_flight}})
    changes = mongo_store.changes_since(cursor)

    assert [task.id for task in changes.tasks] == [task_id]
    assert mongo_store.changes_since(changes.cursor).tasks == []
