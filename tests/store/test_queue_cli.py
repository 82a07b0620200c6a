"""`spotdesk queue`: listing and controlling the queue from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spotdesk.cli.main import main
from spotdesk.model import OutputOptions, TaskState
from spotdesk.store import open_store
from spotdesk.store.contract import Outcome
from tests.store.conftest import resolve_task, track_task


@pytest.fixture
def uri(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'queue.db'}"


def submit(uri: str, *names: str) -> list[str]:
    options = OutputOptions(folder="/music")
    with open_store(uri) as store:
        return [
            result.task_id for result in store.submit([track_task(options, name) for name in names])
        ]


def state_of(uri: str, task_id: str) -> TaskState:
    with open_store(uri) as store:
        return store.get(task_id).state


def test_list_prints_tasks(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = submit(uri, "a", "b")

    assert main(["queue", "list", "--store", uri]) == 0

    output = capsys.readouterr().out
    assert ids[0][:8] in output
    assert ids[1][:8] in output
    assert "2 tasks listed" in output


def test_list_json(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = submit(uri, "a", "b")

    assert main(["queue", "list", "--store", uri, "--json"]) == 0

    data = json.loads(capsys.readouterr().out)
    assert [item["id"] for item in data] == ids
    assert data[0]["state"] == "queued"


def test_list_state_filter(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = submit(uri, "a", "b")
    main(["queue", "pause", ids[1], "--store", uri])
    capsys.readouterr()

    main(["queue", "list", "--store", uri, "--state", "paused", "--json"])

    assert [item["id"] for item in json.loads(capsys.readouterr().out)] == [ids[1]]


def test_cancel_by_prefix(uri: str) -> None:
    [task_id] = submit(uri, "a")

    assert main(["queue", "cancel", task_id[:6], "--store", uri]) == 0

    assert state_of(uri, task_id) is TaskState.CANCELLED


def test_cancel_final_task_fails(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    [task_id] = submit(uri, "a")
    main(["queue", "cancel", task_id, "--store", uri])

    assert main(["queue", "cancel", task_id, "--store", uri]) == 1
    assert "Cannot cancel" in capsys.readouterr().err


def test_unknown_id_is_usage_error(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    submit(uri, "a")

    assert main(["queue", "cancel", "zzzz", "--store", uri]) == 2
    assert "No task id starts with 'zzzz'" in capsys.readouterr().err


def test_action_without_ids_is_usage_error(uri: str) -> None:
    assert main(["queue", "cancel", "--store", uri]) == 2


def test_pause_all_then_resume_all(uri: str) -> None:
    ids = submit(uri, "a", "b")

    assert main(["queue", "pause", "--all", "--store", uri]) == 0
    assert [state_of(uri, task_id) for task_id in ids] == [TaskState.PAUSED] * 2
    assert main(["queue", "resume", "--all", "--store", uri]) == 0
    assert [state_of(uri, task_id) for task_id in ids] == [TaskState.QUEUED] * 2


def test_retry_with_url(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    [task_id] = submit(uri, "a")
    main(["queue", "cancel", task_id, "--store", uri])

    assert (
        main(
            [
                "queue",
                "retry",
                task_id,
                "--url",
                "https://www.youtube.com/watch?v=x",
                "--store",
                uri,
                "--json",
            ]
        )
        == 0
    )

    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {"affected": [task_id]}
    with open_store(uri) as store:
        assert store.get(task_id).chosen_url == "https://www.youtube.com/watch?v=x"


def test_clear_and_remove(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = submit(uri, "a", "b")
    main(["queue", "cancel", first, "--store", uri])
    capsys.readouterr()

    assert main(["queue", "clear", "--store", uri, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"removed": 1}
    assert main(["queue", "remove", second, "--store", uri]) == 0
    with open_store(uri) as store:
        assert store.list_tasks().tasks == []


def test_invalid_store_uri(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["queue", "list", "--store", "ftp://nowhere"]) == 2
    assert "Unknown store URI" in capsys.readouterr().err


def test_default_store_in_data_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPOTDESK_DATA_DIR", str(tmp_path / "data"))

    assert main(["queue", "list"]) == 0

    assert (tmp_path / "data" / "spotdesk.db").exists()


def test_list_groups_tracks_under_collection(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    options = OutputOptions(folder="/music")
    with open_store(uri) as store:
        [parent_id] = [r.task_id for r in store.submit([resolve_task(options, "p")])]
        parent = store.claim("w", 60)
        assert parent and parent.lease_token
        [later] = [r.task_id for r in store.submit([track_task(options, "single")])]
        [child] = store.add_children(
            parent.id, parent.lease_token, [track_task(options, "c", position=1)]
        )

    main(["queue", "list", "--store", uri])

    lines = capsys.readouterr().out.splitlines()
    order = [line[:8] for line in lines[:3]]
    assert order == [parent_id[:8], child[:8], later[:8]]
    assert "  https://open.spotify.com/track/c" in lines[1]


def test_stats_lists_days(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    [task_id] = submit(uri, "a")
    with open_store(uri) as store:
        task = store.claim("w", 60)
        assert task and task.lease_token
        store.complete(
            task_id, task.lease_token, Outcome(output_path="/m/a.mp3", bytes_written=2_000_000)
        )

    assert main(["queue", "stats", "--store", uri]) == 0
    assert "1 downloads, 2.0 MB" in capsys.readouterr().out
    assert main(["queue", "stats", "--store", uri, "--json"]) == 0
    [day] = json.loads(capsys.readouterr().out)
    assert day["downloads"] == 1
    assert day["bytes"] == 2_000_000


def test_stats_empty(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    open_store(uri).close()

    assert main(["queue", "stats", "--store", uri, "--days", "7"]) == 0
    assert "No downloads or failures in the last 7 days." in capsys.readouterr().out


@pytest.mark.parametrize("limit", ["-3", "0"])
def test_list_limit_below_one_is_usage_error(
    uri: str, limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    submit(uri, "a", "b", "c", "d")

    assert main(["queue", "list", "--store", uri, "--limit", limit]) == 2
    assert "--limit must be at least 1" in capsys.readouterr().err


def test_list_limit_keeps_first_tasks(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    ids = submit(uri, "a", "b", "c")

    assert main(["queue", "list", "--store", uri, "--limit", "2", "--json"]) == 0
    assert [item["id"] for item in json.loads(capsys.readouterr().out)] == ids[:2]


def test_list_escapes_control_characters(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    options = OutputOptions(folder="/music")
    with open_store(uri) as store:
        store.submit([track_task(options, "a", title="Red\x1b[31m \u202e東京\x07")])

    assert main(["queue", "list", "--store", uri]) == 0

    output = capsys.readouterr().out
    assert "\x1b" not in output
    assert "\u202e" not in output
    assert "\x07" not in output
    assert "Red\\x1b[31m \\u202e東京\\x07" in output


@pytest.mark.parametrize("action", ["list", "stats"])
def test_read_only_action_missing_store(
    tmp_path: Path, action: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mistyped.db"

    assert main(["queue", action, "--store", f"sqlite:///{path}"]) == 1
    assert f"No task store at {path}" in capsys.readouterr().err
    assert not path.exists()


def test_retry_waiting_task_runs_now(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    from spotdesk.spotify.errors import RateLimited

    [task_id] = submit(uri, "a")
    with open_store(uri) as store:
        task = store.claim("w", 60.0)
        assert task is not None and task.lease_token
        store.fail(task_id, task.lease_token, RateLimited(86_400.0), retry_after=86_400.0)

    assert main(["queue", "retry", task_id, "--store", uri]) == 0

    with open_store(uri) as store:
        stored = store.get(task_id)
        assert stored.state is TaskState.QUEUED
        assert not stored.not_before
        assert store.claim("w", 60.0) is not None


def test_cancel_final_task_names_state(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    [task_id] = submit(uri, "a")
    main(["queue", "cancel", task_id, "--store", uri])

    assert main(["queue", "cancel", task_id, "--store", uri]) == 1

    error = capsys.readouterr().err
    assert f"Cannot cancel task {task_id}: it is cancelled." in error
    assert "Cancel applies to queued, paused and running tasks." in error


def test_retry_queued_task_names_state(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    [task_id] = submit(uri, "a")

    assert main(["queue", "retry", task_id, "--store", uri]) == 1

    error = capsys.readouterr().err
    assert f"Cannot retry task {task_id}: it is queued." in error
    assert "queued tasks waiting for a retry delay" in error


def test_stats_days_below_one_is_usage_error(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["queue", "stats", "--store", uri, "--days", "0"]) == 2
    assert "--days must be at least 1" in capsys.readouterr().err
