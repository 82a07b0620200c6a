"""TaskModel: the tree of collections and tracks, kept current by batches of changes."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from spotdesk.gui.task_model import PROGRESS_ROLE, ROW_ID_ROLE, TASK_ROLE, Column, TaskModel
from spotdesk.gui.task_proxy import StateFilter, TaskFilterProxy
from spotdesk.model import (
    NEEDS_REVIEW,
    MatchCandidate,
    OutputOptions,
    Stage,
    Task,
    TaskKind,
    TaskState,
    Track,
)

OPTIONS = OutputOptions(folder="/music")
PLAYLIST = "https://open.spotify.com/playlist/37i9dQZF1DX0r3x8OtiwEM"


def collection(task_id: str, seq: int, child_count: int | None = None, **fields) -> Task:
    return Task(
        id=task_id,
        kind=TaskKind.RESOLVE,
        state=fields.pop("state", TaskState.DONE),
        link=fields.pop("link", PLAYLIST),
        options=OPTIONS,
        seq=seq,
        title=fields.pop("title", "Evening Mix"),
        child_count=child_count,
        **fields,
    )


def track(task_id: str, parent_id: str | None, position: int, seq: int, **fields) -> Task:
    title = fields.pop("title", f"Song {position}")
    return Task(
        id=task_id,
        kind=TaskKind.TRACK,
        state=fields.pop("state", TaskState.QUEUED),
        link=f"https://open.spotify.com/track/{task_id:0>22}",
        options=OPTIONS,
        parent_id=parent_id,
        position=position,
        seq=seq,
        title=title,
        track=Track(id=f"{task_id:0>22}", title=title, artists=["Tobu", "Itro"], album="Sunburst"),
        **fields,
    )


@pytest.fixture
def model(qtbot) -> TaskModel:
    model = TaskModel()
    # Qt's tester checks every structural signal against what the model returns.
    model.tester = QAbstractItemModelTester(  # type: ignore[attr-defined]
        model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    return model


def playlist_batch(size: int = 3) -> list[Task]:
    return [collection("p", 1, child_count=size)] + [
        track(f"t{i}", "p", i, 1 + i) for i in range(1, size + 1)
    ]


def test_collection_has_tracks_beneath(model: TaskModel) -> None:
    model.apply_changes(playlist_batch())

    assert model.rowCount() == 1
    parent = model.index(0, 0)
    assert model.rowCount(parent) == 3
    assert model.index(1, Column.TITLE, parent).data() == "Song 2"
    assert model.parent(model.index(1, 0, parent)) == parent


def test_tracks_kept_in_collection_order(model: TaskModel) -> None:
    model.apply_changes([collection("p", 1)])
    model.apply_changes([track("t3", "p", 3, 4), track("t1", "p", 1, 2)])
    model.apply_changes([track("t2", "p", 2, 3)])

    parent = model.index(0, 0)
    titles = [model.index(row, 0, parent).data() for row in range(3)]
    assert titles == ["Song 1", "Song 2", "Song 3"]


def test_tracks_before_their_collection_wait(model: TaskModel) -> None:
    model.apply_changes([track("t1", "p", 1, 2)])
    assert model.rowCount() == 0

    model.apply_changes([collection("p", 1)])

    assert model.rowCount(model.index(0, 0)) == 1


def test_update_changes_only_that_row(model: TaskModel, qtbot) -> None:
    model.apply_changes(playlist_batch())
    inserted: list[object] = []
    model.rowsInserted.connect(lambda *args: inserted.append(args))
    running = track(
        "t2",
        "p",
        2,
        3,
        state=TaskState.RUNNING,
        stage=Stage.DOWNLOADING,
        progress=0.5,
        speed=2_000_000.0,
    )

    with qtbot.waitSignal(model.dataChanged):
        model.apply_changes([running])

    parent = model.index(0, 0)
    assert inserted == []
    assert model.index(1, Column.STATUS, parent).data() == "Downloading"
    assert model.index(1, Column.PROGRESS, parent).data(PROGRESS_ROLE) == 0.5
    assert model.index(1, Column.SPEED, parent).data() == "1.9 MB/s"


def test_removed_ids_drop_rows(model: TaskModel) -> None:
    model.apply_changes(playlist_batch())

    model.apply_changes([], ["t2"])
    assert model.rowCount(model.index(0, 0)) == 2

    model.apply_changes([], ["p"])
    assert model.rowCount() == 0
    assert len(model) == 0


def test_many_removals_reset_model(model: TaskModel, qtbot) -> None:
    model.apply_changes(playlist_batch(300))

    with qtbot.waitSignal(model.modelReset):
        model.apply_changes([], [f"t{i}" for i in range(1, 251)])

    assert model.rowCount(model.index(0, 0)) == 50
    assert model.index(0, 0, model.index(0, 0)).data() == "Song 251"


def test_collection_aggregates_its_tracks(model: TaskModel) -> None:
    model.apply_changes(
        [
            collection("p", 1, child_count=4),
            track("t1", "p", 1, 2, state=TaskState.DONE, progress=1.0, bytes_total=4_000_000),
            track(
                "t2",
                "p",
                2,
                3,
                state=TaskState.RUNNING,
                progress=0.5,
                speed=1_000_000.0,
                eta=4.0,
                bytes_total=6_000_000,
            ),
            track("t3", "p", 3, 4, state=TaskState.FAILED, error_code=NEEDS_REVIEW),
            track("t4", "p", 4, 5, state=TaskState.FAILED, error_code="fetch.bot_check"),
        ]
    )
    row = model.index(0, 0)

    assert model.index(0, Column.PROGRESS).data(PROGRESS_ROLE) == pytest.approx(1.5 / 4)
    assert model.index(0, Column.STATUS).data() == "1 of 4 done, 1 to review, 1 failed"
    assert model.index(0, Column.SPEED).data() == "977 KB/s"
    assert model.index(0, Column.SIZE).data() == "9.5 MB"
    assert model.index(0, Column.ETA).data() == "4 s"
    assert model.index(0, Column.ARTISTS).data() == "4 tracks"
    assert row.data(TASK_ROLE).id == "p"


def test_single_track_link_is_one_row(model: TaskModel) -> None:
    link = "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
    model.apply_changes([collection("r", 1, child_count=1, link=link, title="Sunburst")])
    model.apply_changes([track("t", "r", 1, 2, state=TaskState.DONE, title="Sunburst")])

    assert model.rowCount() == 1
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.index(0, 0).data(TASK_ROLE).id == "t"
    assert model.index(0, 0).data(ROW_ID_ROLE) == "r"
    assert model.index(0, Column.STATUS).data() == "Done"
    assert model.index_for_id("t") == model.index(0, 0)


def test_single_track_updates_its_row(model: TaskModel, qtbot) -> None:
    link = "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
    model.apply_changes([collection("r", 1, link=link), track("t", "r", 1, 2)])

    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.apply_changes(
            [track("t", "r", 1, 2, state=TaskState.FAILED, error_code="fs.disk_full")]
        )

    changed = blocker.args[0]
    assert changed.row() == 0
    assert not changed.parent().isValid()
    assert model.index(0, Column.STATUS).data() == "The disk is full. Free some space, then retry."


def test_failures_notified_after_load(model: TaskModel, qtbot) -> None:
    model.apply_changes(playlist_batch())
    model.mark_loaded()

    with (
        qtbot.waitSignal(model.tasks_failed) as failed,
        qtbot.waitSignal(model.tasks_need_review) as review,
    ):
        model.apply_changes(
            [
                track("t1", "p", 1, 2, state=TaskState.FAILED, error_code="fetch.unavailable"),
                track("t2", "p", 2, 3, state=TaskState.FAILED, error_code=NEEDS_REVIEW),
            ]
        )

    assert failed.args == [["t1"]]
    assert review.args == [["t2"]]


def test_failures_in_initial_load_not_notified(model: TaskModel, qtbot) -> None:
    with qtbot.assertNotEmitted(model.tasks_failed):
        model.apply_changes([track("t1", None, 1, 1)])
        model.apply_changes([track("t1", None, 1, 1, state=TaskState.FAILED, error_code="x")])


def test_collection_finished_notified_once(model: TaskModel, qtbot) -> None:
    model.apply_changes(playlist_batch(2))
    model.mark_loaded()
    model.apply_changes([track("t1", "p", 1, 2, state=TaskState.DONE)])
    finished: list[tuple] = []
    model.collection_finished.connect(lambda *args: finished.append(args))

    model.apply_changes([track("t2", "p", 2, 3, state=TaskState.FAILED, error_code="fs.disk_full")])
    model.apply_changes([track("t2", "p", 2, 3, state=TaskState.FAILED, error_code="fs.disk_full")])

    assert len(finished) == 1
    task_id, title, counts = finished[0]
    assert (task_id, title) == ("p", "Evening Mix")
    assert counts["done"] == 1
    assert counts["failed"] == 1


def test_overall_progress_counts_batch(model: TaskModel) -> None:
    model.apply_changes(playlist_batch(2))
    model.mark_loaded()
    assert model.overall_progress() == 0.0

    model.apply_changes([track("t1", "p", 1, 2, state=TaskState.DONE)])
    model.apply_changes([track("t2", "p", 2, 3, state=TaskState.RUNNING, progress=0.5)])
    assert model.overall_progress() == pytest.approx(0.75)

    model.apply_changes([track("t2", "p", 2, 3, state=TaskState.DONE)])
    assert model.overall_progress() is None


def test_rate_limit_until_from_waiting_task(model: TaskModel) -> None:
    until = time.time() + 300
    model.apply_changes(
        [
            collection(
                "r", 1, state=TaskState.QUEUED, error_code="spotify.rate_limited", not_before=until
            )
        ]
    )

    assert model.rate_limit_until() == until
    assert model.rate_limit_until(now=until + 1) is None


def test_total_speed_sums_running(model: TaskModel) -> None:
    model.apply_changes(playlist_batch(3))
    model.apply_changes(
        [
            track("t1", "p", 1, 2, state=TaskState.RUNNING, speed=1000.0),
            track("t2", "p", 2, 3, state=TaskState.RUNNING, speed=500.0),
        ]
    )
    model.apply_changes([track("t2", "p", 2, 3, state=TaskState.DONE, speed=500.0)])

    assert model.total_speed() == 1000.0


def test_ten_thousand_rows_load_and_update(model: TaskModel) -> None:
    del model.tester  # the tester's full checks on every signal would dominate the timing
    tasks: list[Task] = []
    seq = 0
    for collection_index in range(100):
        seq += 1
        parent_id = f"p{collection_index}"
        tasks.append(
            collection(parent_id, seq, child_count=99, title=f"Playlist {collection_index}")
        )
        for position in range(1, 100):
            seq += 1
            tasks.append(track(f"{parent_id}t{position}", parent_id, position, seq))
    assert len(tasks) == 10_000

    started = time.perf_counter()
    for start in range(0, len(tasks), 2000):
        model.apply_changes(tasks[start : start + 2000])
    load_s = time.perf_counter() - started

    updates = [
        replace(task, state=TaskState.RUNNING, progress=0.3, speed=1e6) for task in tasks[1:9]
    ]
    started = time.perf_counter()
    for _ in range(10):
        model.apply_changes(updates)
    update_ms = (time.perf_counter() - started) * 100  # per batch

    assert len(model) == 10_000
    assert model.rowCount() == 100
    assert load_s < 5.0
    assert update_ms < 20.0
    assert model.index(0, Column.STATUS).data() == "0 of 99 done"


def test_filter_shows_matching_tracks(model: TaskModel) -> None:
    model.apply_changes(
        [
            collection("p", 1, child_count=3),
            track("t1", "p", 1, 2, state=TaskState.DONE),
            track("t2", "p", 2, 3, state=TaskState.FAILED, error_code="fs.disk_full"),
            track("t3", "p", 3, 4, state=TaskState.FAILED, error_code=NEEDS_REVIEW),
            track("s1", None, None, 5, state=TaskState.RUNNING, title="Solo"),
        ]
    )
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)

    def shown() -> list[str]:
        rows = []
        for row in range(proxy.rowCount()):
            parent = proxy.index(row, 0)
            rows.append(parent.data())
            rows += [
                proxy.index(child, 0, parent).data() for child in range(proxy.rowCount(parent))
            ]
        return rows

    assert shown() == ["Evening Mix", "Song 1", "Song 2", "Song 3", "Solo"]
    proxy.set_state_filter(StateFilter.FAILED)
    assert shown() == ["Evening Mix", "Song 2"]
    proxy.set_state_filter(StateFilter.NEEDS_REVIEW)
    assert shown() == ["Evening Mix", "Song 3"]
    proxy.set_state_filter(StateFilter.ACTIVE)
    assert shown() == ["Solo"]
    proxy.set_state_filter(StateFilter.DONE)
    assert shown() == ["Evening Mix", "Song 1"]
    proxy.set_state_filter(StateFilter.ALL)
    proxy.set_text("evening")
    assert shown() == ["Evening Mix", "Song 1", "Song 2", "Song 3"]


def test_sort_by_progress_numbers(model: TaskModel) -> None:
    model.apply_changes(
        [
            track("a", None, None, 1, state=TaskState.RUNNING, progress=0.9, title="A"),
            track("b", None, None, 2, state=TaskState.RUNNING, progress=0.1, title="B"),
            track("c", None, None, 3, state=TaskState.RUNNING, progress=0.5, title="C"),
        ]
    )
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)

    proxy.sort(Column.PROGRESS, Qt.SortOrder.AscendingOrder)

    assert [proxy.index(row, 0).data() for row in range(3)] == ["B", "C", "A"]


def test_match_column_shows_confidence(model: TaskModel) -> None:
    candidate = MatchCandidate(
        url="https://music.youtube.com/watch?v=x",
        title="Sunburst",
        channel="Tobu",
        duration_s=189.0,
        provider="ytmusic",
        confidence=0.934,
    )
    model.apply_changes([track("t", None, None, 1, state=TaskState.DONE, match=candidate)])

    assert model.index(0, Column.MATCH).data() == "93 %"
    assert model.index(0, Column.MATCH).data(Qt.ItemDataRole.ToolTipRole) == "Sunburst by Tobu"
    assert not model.parent(model.index(0, 0)).isValid()
    assert model.index(5, 0, QModelIndex()).isValid() is False
