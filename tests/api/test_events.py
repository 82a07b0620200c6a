"""`GET /api/v1/events`: live task changes and `Last-Event-ID` resume, on both stores."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from spotdesk.model import OutputOptions
from tests.api.conftest import TOKEN, RunningApi, serve
from tests.api.helpers import ALBUM_LINK, TRACK_LINKS, add_tracks, report_download
from tests.api.sse import read_events, task_events
from tests.fakes.mongo import start_mongo_server

DOWNLOADS = "/api/v1/downloads"


def submit_ids(api: RunningApi, links: list[str]) -> list[str]:
    response = api.client.post(DOWNLOADS, json={"links": links})
    assert response.status_code == 202, response.text
    return [task["id"] for task in response.json()["tasks"]]


def test_stream_starts_with_ready(api: RunningApi) -> None:
    with read_events(api.client) as reader:
        ready = reader.events[0]

    assert ready.event == "ready"
    assert ready.id
    assert ready.data["cursor"] == ready.id
    assert reader.retry is not None


def test_submitted_task_arrives_live(api: RunningApi) -> None:
    with read_events(api.client) as reader:
        [task_id] = submit_ids(api, TRACK_LINKS[:1])
        reader.wait_for(lambda events: bool(task_events(events, task_id)))

    event = task_events(reader.events, task_id)[0]
    assert event.data["state"] == "queued"
    assert event.data["link"] == TRACK_LINKS[0]


def test_progress_arrives_live(api: RunningApi) -> None:
    [parent] = submit_ids(api, [ALBUM_LINK])
    with api.store() as store:
        [child] = add_tracks(store, parent, 1, OutputOptions(folder=str(api.library)))

    with read_events(api.client) as reader, api.store() as store:
        report_download(store, child)
        reader.wait_for(
            lambda events: any(
                event.data.get("stage") == "downloading" for event in task_events(events, child)
            )
        )

    progress = [e for e in task_events(reader.events, child) if e.data["stage"] == "downloading"]
    assert progress[-1].data["progress"] == 0.4
    assert progress[-1].data["speed"] == 250_000.0
    assert progress[-1].data["eta"] == 2.4


def test_last_event_of_batch_carries_id(api: RunningApi) -> None:
    with read_events(api.client) as reader:
        ids = submit_ids(api, TRACK_LINKS[:3])
        reader.wait_for(lambda events: all(task_events(events, task_id) for task_id in ids))

    assert reader.events[-1].id is not None


def test_resume_delivers_missed_changes(api: RunningApi) -> None:
    [first] = submit_ids(api, TRACK_LINKS[:1])
    with read_events(api.client) as reader:
        api.client.post(f"{DOWNLOADS}/{first}/pause")
        reader.wait_for(lambda events: any(e.data.get("state") == "paused" for e in events))
        resume_from = reader.last_id()
    assert resume_from is not None

    # Changes while no client is connected.
    [second] = submit_ids(api, TRACK_LINKS[1:2])
    api.client.post(f"{DOWNLOADS}/{first}/resume")
    api.client.delete(f"{DOWNLOADS}/{second}")

    with read_events(api.client, headers={"Last-Event-ID": resume_from}) as reader:
        reader.wait_for(lambda events: any(e.event == "removed" for e in events))

    assert reader.events[0].id == resume_from
    assert [e.data["state"] for e in task_events(reader.events, first)] == ["queued"]
    assert {"id": second} in [e.data for e in reader.events if e.event == "removed"]
    assert not any(e.data.get("state") == "paused" for e in task_events(reader.events, first))


def test_resume_by_query_parameter(api: RunningApi) -> None:
    with read_events(api.client) as reader:
        start = reader.events[0].id
    assert start is not None
    [task_id] = submit_ids(api, TRACK_LINKS[:1])

    with read_events(api.client, params={"last_event_id": start}) as reader:
        reader.wait_for(lambda events: bool(task_events(events, task_id)))


def test_resume_from_latest_id_repeats_nothing(api: RunningApi) -> None:
    [task_id] = submit_ids(api, TRACK_LINKS[:1])
    with read_events(api.client) as reader:
        latest = reader.events[0].id
    assert latest is not None

    with read_events(api.client, headers={"Last-Event-ID": latest}) as reader:
        time.sleep(1.5)

    assert task_events(reader.events, task_id) == []


def test_invalid_last_event_id_gets_400(api: RunningApi) -> None:
    response = api.client.get("/api/v1/events", headers={"Last-Event-ID": "garbage"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "store.invalid_cursor"


def test_collection_filter_hides_other_tasks(api: RunningApi) -> None:
    [parent] = submit_ids(api, [ALBUM_LINK])

    with read_events(api.client, params={"collection": parent}) as reader:
        [other] = submit_ids(api, TRACK_LINKS[:1])
        api.client.post(f"{DOWNLOADS}/{parent}/pause")
        reader.wait_for(lambda events: bool(task_events(events, parent)))

    assert task_events(reader.events, other) == []


def test_shutdown_ends_stream(api: RunningApi) -> None:
    with read_events(api.client) as reader:
        started = time.monotonic()
        api.server.request_stop()
        assert reader.closed.wait(10)

    assert time.monotonic() - started < 10


def test_concurrent_streams_all_receive(api: RunningApi) -> None:
    clients = [httpx.Client(base_url=api.base_url, headers=api.client.headers) for _ in range(5)]
    try:
        readers = [read_events(client) for client in clients]
        entered = [reader.__enter__() for reader in readers]
        [task_id] = submit_ids(api, TRACK_LINKS[:1])
        for reader in entered:
            reader.wait_for(lambda events: bool(task_events(events, task_id)))
        for reader in readers:
            reader.__exit__(None, None, None)
    finally:
        for client in clients:
            client.close()


def test_stream_cap_rejects_extra_clients(tmp_path: Path, library: Path) -> None:
    server, thread = serve(f"sqlite:///{tmp_path / 'q.db'}", library, max_event_streams=2)
    url = f"http://127.0.0.1:{server.bound_port}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with (
            httpx.Client(base_url=url, headers=headers, timeout=20) as first,
            httpx.Client(base_url=url, headers=headers, timeout=20) as second,
            httpx.Client(base_url=url, headers=headers, timeout=20) as third,
        ):
            with read_events(first), read_events(second):
                rejected = third.get("/api/v1/events")
            # Closed streams free their places within one poll interval.
            deadline = time.monotonic() + 10
            while True:
                try:
                    with read_events(third):
                        break
                except AssertionError:
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
    finally:
        thread.stop()

    assert rejected.status_code == 503
    assert rejected.json()["error"]["code"] == "api.too_many_streams"
    assert rejected.headers["Retry-After"] == "10"


def test_resume_across_many_batches(api: RunningApi) -> None:
    with read_events(api.client) as reader:
        start = reader.events[0].id
    assert start is not None
    links = [f"https://open.spotify.com/track/{index:022d}" for index in range(1, 601)]
    ids = submit_ids(api, links[:300]) + submit_ids(api, links[300:])

    with read_events(api.client, headers={"Last-Event-ID": start}) as reader:
        reader.wait_for(
            lambda events: len({e.data["id"] for e in events if e.event == "task"}) >= 600,
            timeout=60,
        )

    received = [e.data["id"] for e in reader.events if e.event == "task"]
    assert set(received) == set(ids)
    assert received.index(ids[0]) < received.index(ids[-1])
    assert len([e for e in reader.events if e.id is not None]) >= 3  # ready and two batches


@pytest.mark.mongo
def test_stream_survives_store_outage(tmp_path: Path, library: Path) -> None:
    mongo = start_mongo_server(tmp_path / "mongo")
    if mongo.external_uri:
        mongo.stop()
        pytest.skip("an external MongoDB server cannot be stopped by the tests")
    server, thread = serve(mongo.database_uri("outage"), library)
    url = f"http://127.0.0.1:{server.bound_port}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            with read_events(client) as reader:
                mongo.stop()
                reader.wait_for(lambda events: any(e.event == "error" for e in events), 60)
                mongo.start()
                response = client.post(DOWNLOADS, json={"links": TRACK_LINKS[:1]})
                assert response.status_code == 202, response.text
                task_id = response.json()["tasks"][0]["id"]
                reader.wait_for(lambda events: bool(task_events(events, task_id)), 60)
    finally:
        thread.stop()
        mongo.stop()

    errors = [e for e in reader.events if e.event == "error"]
    assert len(errors) == 1
    assert errors[0].data["code"] == "store.unavailable"
