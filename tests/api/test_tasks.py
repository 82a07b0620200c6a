"""Listing, reading, acting on and removing tasks through the API, on both stores."""

from __future__ import annotations

import pytest

from spotdesk.model import OutputOptions
from spotdesk.store.contract import Outcome
from tests.api.conftest import RunningApi
from tests.api.helpers import (
    ALBUM_LINK,
    TRACK_LINKS,
    add_tracks,
    claim,
    fail,
    report_download,
)

DOWNLOADS = "/api/v1/downloads"
UNKNOWN_ID = "0123456789abcdef0123456789abcdef"


def submit_ids(api: RunningApi, links: list[str]) -> list[str]:
    response = api.client.post(DOWNLOADS, json={"links": links})
    assert response.status_code == 202, response.text
    return [task["id"] for task in response.json()["tasks"]]


def act(api: RunningApi, task_id: str, action: str) -> tuple[int, dict]:
    response = api.client.post(f"{DOWNLOADS}/{task_id}/{action}")
    return response.status_code, response.json()


def state_of(api: RunningApi, task_id: str) -> str:
    return str(api.client.get(f"{DOWNLOADS}/{task_id}").json()["state"])


def collection(api: RunningApi, tracks: int) -> tuple[str, list[str]]:
    [parent] = submit_ids(api, [ALBUM_LINK])
    with api.store() as store:
        children = add_tracks(store, parent, tracks, OutputOptions(folder=str(api.library)))
    return parent, children


# ---- listing ---------------------------------------------------------------------------


def test_list_in_submission_order(api: RunningApi) -> None:
    ids = submit_ids(api, TRACK_LINKS[:3])

    listed = api.client.get(DOWNLOADS).json()
    assert [task["id"] for task in listed["tasks"]] == ids
    assert listed["next_cursor"] is None


def test_pages_cover_every_task_once(api: RunningApi) -> None:
    ids = submit_ids(api, TRACK_LINKS[:5])

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = api.client.get(DOWNLOADS, params=params).json()
        assert len(page["tasks"]) <= 2
        seen += [task["id"] for task in page["tasks"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert pages == 3


def test_filter_by_state(api: RunningApi) -> None:
    first, second, third = submit_ids(api, TRACK_LINKS[:3])
    api.client.post(f"{DOWNLOADS}/{second}/pause")
    api.client.post(f"{DOWNLOADS}/{third}/cancel")

    paused = api.client.get(DOWNLOADS, params={"state": "paused"}).json()["tasks"]
    several = api.client.get(DOWNLOADS, params=[("state", "queued"), ("state", "cancelled")])
    assert [task["id"] for task in paused] == [second]
    assert [task["id"] for task in several.json()["tasks"]] == [first, third]


def test_filter_by_kind_and_collection(api: RunningApi) -> None:
    parent, children = collection(api, 3)

    resolves = api.client.get(DOWNLOADS, params={"kind": "resolve"}).json()["tasks"]
    tracks = api.client.get(DOWNLOADS, params={"collection": parent}).json()["tasks"]
    top = api.client.get(DOWNLOADS, params={"top_level": "true"}).json()["tasks"]
    assert [task["id"] for task in resolves] == [parent]
    assert [task["id"] for task in tracks] == children
    assert [task["position"] for task in tracks] == [1, 2, 3]
    assert [task["id"] for task in top] == [parent]


def test_invalid_filters_rejected(api: RunningApi) -> None:
    for params in ({"state": "sleeping"}, {"kind": "album"}, {"limit": 0}, {"limit": 501}):
        response = api.client.get(DOWNLOADS, params=params)
        assert response.status_code == 422, params


def test_invalid_cursor_gets_400(api: RunningApi) -> None:
    response = api.client.get(DOWNLOADS, params={"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "store.invalid_cursor"


# ---- reading ---------------------------------------------------------------------------


def test_unknown_task_gets_404(api: RunningApi) -> None:
    response = api.client.get(f"{DOWNLOADS}/{UNKNOWN_ID}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "store.task_not_found"


def test_detail_shows_progress_and_match(api: RunningApi) -> None:
    parent, children = collection(api, 1)
    with api.store() as store:
        report_download(store, children[0])

    detail = api.client.get(f"{DOWNLOADS}/{children[0]}").json()
    assert detail["state"] == "running"
    assert detail["stage"] == "downloading"
    assert detail["progress"] == pytest.approx(0.4)
    assert detail["bytes_done"] == 400_000
    assert detail["bytes_total"] == 1_000_000
    assert detail["speed"] == pytest.approx(250_000.0)
    assert detail["eta"] == pytest.approx(2.4)
    assert detail["match"]["provider"] == "ytmusic"
    assert detail["match"]["confidence"] == pytest.approx(0.93)
    assert detail["owner"] == "test-worker"
    assert detail["parent_id"] == parent
    assert "lease_token" not in detail


def test_detail_shows_error(api: RunningApi) -> None:
    parent, children = collection(api, 1)
    with api.store() as store:
        fail(store, children[0], code="fetch.unavailable")

    detail = api.client.get(f"{DOWNLOADS}/{children[0]}").json()
    assert detail["state"] == "failed"
    assert detail["error_code"] == "fetch.unavailable"
    assert detail["error_message"] == "The video is unavailable."
    assert detail["needs_review"] is False


def test_detail_flags_needs_review(api: RunningApi) -> None:
    parent, children = collection(api, 1)
    with api.store() as store:
        fail(store, children[0], code="match.needs_review")

    detail = api.client.get(f"{DOWNLOADS}/{children[0]}").json()
    assert detail["needs_review"] is True


def test_collection_lists_children(api: RunningApi) -> None:
    parent, children = collection(api, 3)
    with api.store() as store:
        fail(store, children[1])

    detail = api.client.get(f"{DOWNLOADS}/{parent}").json()
    assert detail["kind"] == "resolve"
    assert [child["id"] for child in detail["children"]] == children
    assert detail["children_counts"] == {"queued": 2, "failed": 1}
    assert detail["children_next_cursor"] is None


# ---- actions ---------------------------------------------------------------------------


def test_pause_and_resume_queued(api: RunningApi) -> None:
    [task_id] = submit_ids(api, TRACK_LINKS[:1])

    status, body = act(api, task_id, "pause")
    assert status == 202
    assert body["affected_ids"] == [task_id]
    assert body["task"]["state"] == "paused"

    status, body = act(api, task_id, "resume")
    assert status == 202
    assert body["task"]["state"] == "queued"


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "resume"),
        ([], "retry"),
        (["pause"], "pause"),
        (["cancel"], "cancel"),
        (["cancel"], "pause"),
        (["cancel"], "resume"),
    ],
)
def test_disallowed_transition_gets_409(api: RunningApi, setup: list[str], action: str) -> None:
    [task_id] = submit_ids(api, TRACK_LINKS[:1])
    for step in setup:
        assert act(api, task_id, step)[0] == 202
    before = state_of(api, task_id)

    status, body = act(api, task_id, action)

    assert status == 409
    assert body["error"]["code"] == "store.invalid_transition"
    assert state_of(api, task_id) == before


@pytest.mark.parametrize("action", ["cancel", "pause", "resume", "retry"])
def test_action_on_unknown_task_gets_404(api: RunningApi, action: str) -> None:
    status, body = act(api, UNKNOWN_ID, action)

    assert status == 404
    assert body["error"]["code"] == "store.task_not_found"


def test_cancel_running_sets_request(api: RunningApi) -> None:
    [task_id] = submit_ids(api, TRACK_LINKS[:1])
    with api.store() as store:
        claim(store, task_id)

    status, body = act(api, task_id, "cancel")

    assert status == 202
    assert body["task"]["state"] == "running"
    assert body["task"]["cancel_requested"] is True


def test_retry_failed_requeues(api: RunningApi) -> None:
    [task_id] = submit_ids(api, TRACK_LINKS[:1])
    with api.store() as store:
        fail(store, task_id)

    status, body = act(api, task_id, "retry")

    assert status == 202
    assert body["task"]["state"] == "queued"
    assert body["task"]["attempts"] == 0
    assert body["task"]["error_code"] is None


def test_done_track_cannot_be_cancelled(api: RunningApi) -> None:
    [task_id] = submit_ids(api, [f"http://127.0.0.1:9/a.m4a|{TRACK_LINKS[0]}"])
    with api.store() as store:
        token = claim(store, task_id)
        store.complete(task_id, token, Outcome(output_path=str(api.library / "a.mp3")))
    assert state_of(api, task_id) == "done"

    status, body = act(api, task_id, "cancel")

    assert status == 409
    assert body["error"]["code"] == "store.invalid_transition"


def test_cancel_done_collection_cancels_tracks(api: RunningApi) -> None:
    parent, children = collection(api, 2)

    status, body = act(api, parent, "cancel")

    assert status == 202
    assert set(children) <= set(body["affected_ids"])
    for child in children:
        assert state_of(api, child) == "cancelled"


def test_pause_queued_collection(api: RunningApi) -> None:
    [parent] = submit_ids(api, [ALBUM_LINK])

    status, body = act(api, parent, "pause")

    assert status == 202
    assert body["task"]["state"] == "paused"


def test_pause_collection_pauses_tracks(api: RunningApi) -> None:
    parent, children = collection(api, 2)

    status, body = act(api, parent, "pause")

    assert status == 202
    assert set(children) <= set(body["affected_ids"])
    for child in children:
        assert state_of(api, child) == "paused"


def test_unsafe_task_id_rejected(api: RunningApi) -> None:
    response = api.client.get(f"{DOWNLOADS}/bad%20id")

    assert response.status_code == 422


# ---- removal ---------------------------------------------------------------------------


def test_delete_removes_task(api: RunningApi) -> None:
    [task_id] = submit_ids(api, TRACK_LINKS[:1])

    response = api.client.delete(f"{DOWNLOADS}/{task_id}")

    assert response.status_code == 200
    assert response.json()["removed_ids"] == [task_id]
    assert api.client.get(f"{DOWNLOADS}/{task_id}").status_code == 404
    assert api.client.delete(f"{DOWNLOADS}/{task_id}").status_code == 404


def test_delete_collection_removes_children(api: RunningApi) -> None:
    parent, children = collection(api, 2)

    response = api.client.delete(f"{DOWNLOADS}/{parent}")

    assert sorted(response.json()["removed_ids"]) == sorted([parent, *children])
    for child in children:
        assert api.client.get(f"{DOWNLOADS}/{child}").status_code == 404


def test_resubmit_after_delete_creates_task(api: RunningApi) -> None:
    [first] = submit_ids(api, TRACK_LINKS[:1])
    api.client.delete(f"{DOWNLOADS}/{first}")

    response = api.client.post(DOWNLOADS, json={"links": TRACK_LINKS[:1]})

    assert response.json()["tasks"][0]["created"] is True
    assert response.json()["tasks"][0]["id"] != first


def test_unknown_query_parameter_rejected(api: RunningApi) -> None:
    response = api.client.get(DOWNLOADS, params={"stat": "queued"})

    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["location"] == "query.stat"


def test_wrong_method_lists_allowed(api: RunningApi) -> None:
    response = api.client.put(DOWNLOADS)

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"


def test_huge_cursor_gets_400(api: RunningApi) -> None:
    listing = api.client.get(DOWNLOADS, params={"cursor": "9" * 30})
    events = api.client.get("/api/v1/events", headers={"Last-Event-ID": "9" * 30})

    assert listing.status_code == 400
    assert events.status_code == 400
    assert events.json()["error"]["code"] == "store.invalid_cursor"


def test_filter_needs_review(api: RunningApi) -> None:
    parent, children = collection(api, 2)
    with api.store() as store:
        fail(store, children[0], code="match.needs_review")
        fail(store, children[1], code="fetch.unavailable")

    waiting = api.client.get(DOWNLOADS, params={"needs_review": "true"}).json()["tasks"]

    assert [task["id"] for task in waiting] == [children[0]]
    assert waiting[0]["needs_review"] is True


# ---- choosing a match ------------------------------------------------------------------

CHOSEN = "https://music.youtube.com/watch?v=abcdefghijk"


def test_choose_match_requeues_review(api: RunningApi) -> None:
    parent, children = collection(api, 1)
    with api.store() as store:
        fail(store, children[0], code="match.needs_review")

    response = api.client.post(f"{DOWNLOADS}/{children[0]}/match", json={"url": CHOSEN})

    assert response.status_code == 202
    assert response.json()["task"]["state"] == "queued"
    detail = api.client.get(f"{DOWNLOADS}/{children[0]}").json()
    assert detail["chosen_url"] == CHOSEN
    assert detail["needs_review"] is False


def test_choose_match_rejects_bad_requests(api: RunningApi) -> None:
    parent, children = collection(api, 1)
    with api.store() as store:
        fail(store, children[0], code="match.needs_review")
    match = f"{DOWNLOADS}/{children[0]}/match"

    not_http = api.client.post(match, json={"url": "file:///etc/passwd"})
    on_collection = api.client.post(f"{DOWNLOADS}/{parent}/match", json={"url": CHOSEN})
    unknown = api.client.post(f"{DOWNLOADS}/{UNKNOWN_ID}/match", json={"url": CHOSEN})

    assert not_http.status_code == 422
    assert on_collection.status_code == 409
    assert unknown.status_code == 404
    assert state_of(api, children[0]) == "failed"


def test_choose_match_on_queued_track_gets_409(api: RunningApi) -> None:
    parent, children = collection(api, 1)

    response = api.client.post(f"{DOWNLOADS}/{children[0]}/match", json={"url": CHOSEN})

    assert response.status_code == 409
