"""The main window against a real SQLite store: adding links, row actions, status bar."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog

from spotdesk.gui.task_model import Column
from spotdesk.model import TaskKind, TaskState
from spotdesk.store.contract import TaskFilter, TaskNotFound
from tests.gui.seeding import PLAYLIST_NAME, seed_playlist_in_progress

TRACK = "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
ALBUM = "https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3"
WAIT_MS = 5000


def queued_links(store) -> list[str]:
    page = store.list_tasks(TaskFilter(kinds=[TaskKind.RESOLVE]), limit=100)
    return [task.link for task in page.tasks]


def wait_for_state(qtbot, store, task_id: str, state: TaskState) -> None:
    qtbot.waitUntil(lambda: store.get(task_id).state is state, timeout=WAIT_MS)


# ---- adding links ----------------------------------------------------------------------


def test_enter_adds_every_pasted_link(window, store, qtbot) -> None:
    window.link_box.edit.setPlainText(f"Listen: {TRACK}\nand {ALBUM}")

    qtbot.keyClick(window.link_box.edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: len(queued_links(store)) == 2, timeout=WAIT_MS)
    assert queued_links(store) == [TRACK, ALBUM]
    qtbot.waitUntil(lambda: "Added 2 links" in window.link_box.feedback.text(), timeout=WAIT_MS)
    assert window.link_box.edit.toPlainText() == ""


def test_add_button_adds_link(window, store, qtbot) -> None:
    window.link_box.edit.setPlainText(TRACK)

    qtbot.mouseClick(window.link_box.add_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: queued_links(store) == [TRACK], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=WAIT_MS)


def test_invalid_input_says_why_and_stays(window, store, qtbot) -> None:
    window.link_box.edit.setPlainText(
        f"{TRACK}\nhttps://open.spotify.com/episode/0Q86acNRm6V9GYx55SXKwf"
    )

    window.link_box.submit()

    qtbot.waitUntil(lambda: "Added" in window.link_box.feedback.text(), timeout=WAIT_MS)
    feedback = window.link_box.feedback.text()
    assert (
        window.link_box.edit.toPlainText()
        == "https://open.spotify.com/episode/0Q86acNRm6V9GYx55SXKwf"
    )
    assert "Added 1 link to" in feedback
    assert "Podcasts and episodes cannot be downloaded." in feedback
    assert queued_links(store) == [TRACK]


def test_empty_input_asks_for_links(window) -> None:
    window.link_box.submit()

    assert "Paste one or more Spotify links first." in window.link_box.feedback.text()


def test_same_link_twice_reported(window, store, qtbot) -> None:
    window.submit_text(TRACK)
    qtbot.waitUntil(lambda: len(queued_links(store)) == 1, timeout=WAIT_MS)

    window.submit_text(TRACK)

    qtbot.waitUntil(
        lambda: "1 link was already in the queue." in window.link_box.feedback.text(),
        timeout=WAIT_MS,
    )


def drop_on(widget, mime: QMimeData) -> bool:
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, drop)
    return True


def test_drop_uri_list_on_task_list(window, store, qtbot) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl(TRACK), QUrl(ALBUM)])

    assert drop_on(window.view.viewport(), mime)

    qtbot.waitUntil(lambda: len(queued_links(store)) == 2, timeout=WAIT_MS)


def test_drop_raw_uri_list_with_comment(window, store, qtbot) -> None:
    mime = QMimeData()
    mime.setData("text/uri-list", f"# from Spotify\r\n{TRACK}\r\n".encode())

    assert drop_on(window.details.viewport(), mime)

    qtbot.waitUntil(lambda: queued_links(store) == [TRACK], timeout=WAIT_MS)


def test_drop_plain_text_on_link_box(window, store, qtbot) -> None:
    mime = QMimeData()
    mime.setText(f"two links: {TRACK} {ALBUM}")

    assert drop_on(window.link_box.edit.viewport(), mime)

    qtbot.waitUntil(lambda: len(queued_links(store)) == 2, timeout=WAIT_MS)


def test_drop_local_file_ignored(window) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/tmp/song.mp3")])

    assert not drop_on(window.view.viewport(), mime)


def test_paste_uri_list_inserts_lines(window) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl(TRACK), QUrl(ALBUM)])

    window.link_box.edit.insertFromMimeData(mime)

    assert window.link_box.edit.toPlainText() == f"{TRACK}\n{ALBUM}"


def test_clipboard_offer_adds_once(make_window, settings, store, qtbot) -> None:
    settings.watch_clipboard = True
    window = make_window(settings)
    clipboard = QGuiApplication.clipboard()

    clipboard.setText(f"look {TRACK}")
    qtbot.waitUntil(window.clipboard_offer.isVisible, timeout=WAIT_MS)
    assert "1 copied Spotify link" in window.clipboard_offer.label.text()
    window.clipboard_offer.dismiss_button.click()
    clipboard.setText(TRACK)  # copied again: already offered once, so no new offer

    qtbot.wait(200)
    assert not window.clipboard_offer.isVisible()
    clipboard.setText(ALBUM)
    qtbot.waitUntil(window.clipboard_offer.isVisible, timeout=WAIT_MS)
    window.clipboard_offer.add_button.click()
    qtbot.waitUntil(lambda: queued_links(store) == [ALBUM], timeout=WAIT_MS)


# ---- row actions -------------------------------------------------------------------------


@pytest.fixture
def seeded(store, music_dir: Path):
    return seed_playlist_in_progress(store, str(music_dir))


@pytest.fixture
def seeded_window(seeded, make_window):
    return make_window()


def select(window, *task_ids: str) -> None:
    window.show_rows(list(task_ids))
    window.actions_.update_enabled()


def test_window_shows_seeded_queue(seeded, seeded_window) -> None:
    model = seeded_window.model
    assert model.rowCount() == 3
    playlist = model.index_for_id(seeded.playlist_id)
    assert playlist.data() == PLAYLIST_NAME
    assert model.rowCount(playlist) == 9
    assert model.index(playlist.row(), Column.STATUS).data() == "2 of 9 done, 1 to review"


def test_pause_and_resume_reach_store(seeded, seeded_window, store, qtbot) -> None:
    queued = seeded.track_ids[-1]
    select(seeded_window, queued)

    seeded_window.actions_.pause.trigger()
    wait_for_state(qtbot, store, queued, TaskState.PAUSED)
    qtbot.waitUntil(lambda: seeded_window.actions_.resume.isEnabled(), timeout=WAIT_MS)
    seeded_window.actions_.resume.trigger()
    wait_for_state(qtbot, store, queued, TaskState.QUEUED)


def test_space_toggles_pause(seeded, seeded_window, store, qtbot) -> None:
    queued = seeded.track_ids[-1]
    select(seeded_window, queued)
    seeded_window.view.setFocus()

    qtbot.keyClick(seeded_window.view, Qt.Key.Key_Space)

    wait_for_state(qtbot, store, queued, TaskState.PAUSED)


def test_cancel_reaches_store(seeded, seeded_window, store, qtbot) -> None:
    queued = seeded.track_ids[-2]
    select(seeded_window, queued)

    seeded_window.actions_.cancel.trigger()

    wait_for_state(qtbot, store, queued, TaskState.CANCELLED)


def test_running_cancel_sets_flag(seeded, seeded_window, store, qtbot) -> None:
    running = seeded.running_ids[0]
    select(seeded_window, running)

    seeded_window.actions_.cancel.trigger()

    qtbot.waitUntil(lambda: store.get(running).cancel_requested, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: seeded_window.model.index_for_id(running, Column.STATUS).data() == "Cancelling…",
        timeout=WAIT_MS,
    )


def test_retry_failed_single_track(seeded, seeded_window, store, qtbot) -> None:
    select(seeded_window, seeded.failed_single_id)
    assert seeded_window.actions_.retry.isEnabled()

    seeded_window.actions_.retry.trigger()

    wait_for_state(qtbot, store, seeded.failed_single_id, TaskState.QUEUED)


def test_remove_deletes_from_store(seeded, seeded_window, store, qtbot) -> None:
    select(seeded_window, seeded.done_single_id)

    qtbot.keyClick(seeded_window.view, Qt.Key.Key_Delete)

    def gone() -> bool:
        try:
            store.get(seeded.done_single_id)
        except TaskNotFound:
            return True
        return False

    qtbot.waitUntil(gone, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: seeded_window.model.rowCount() == 2, timeout=WAIT_MS)


def test_choose_match_requeues_with_url(seeded, seeded_window, store, qtbot, monkeypatch) -> None:
    from spotdesk.gui import match_dialog

    def accept_second(dialog) -> int:
        dialog.candidates.setCurrentItem(dialog.candidates.topLevelItem(1))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(match_dialog.MatchDialog, "exec", accept_second)
    select(seeded_window, seeded.review_id)
    assert seeded_window.actions_.choose_match.isEnabled()

    seeded_window.actions_.choose_match.trigger()

    wait_for_state(qtbot, store, seeded.review_id, TaskState.QUEUED)
    assert store.get(seeded.review_id).chosen_url == "https://www.youtube.com/watch?v=bbbbbbbbbbb"


def test_copy_link_puts_spotify_link(seeded, seeded_window) -> None:
    select(seeded_window, seeded.track_ids[0])

    seeded_window.actions_.copy_link.trigger()

    assert (
        QGuiApplication.clipboard().text()
        == "https://open.spotify.com/track/0000000000000000000001"
    )


def test_pause_all_and_clear_finished(seeded, seeded_window, store, qtbot) -> None:
    seeded_window.actions_.pause_all.trigger()
    qtbot.waitUntil(lambda: store.counts()["queued"] == 0, timeout=WAIT_MS)

    seeded_window.actions_.clear_finished.trigger()

    qtbot.waitUntil(lambda: store.counts()["done"] == 2, timeout=WAIT_MS)
    with pytest.raises(TaskNotFound):
        store.get(seeded.done_single_id)


def test_open_file_needs_existing_file(seeded, seeded_window, music_dir: Path) -> None:
    done = seeded.track_ids[0]
    select(seeded_window, done)
    assert not seeded_window.actions_.open_file.isEnabled()

    (music_dir / "Sub Urban - Cradles.mp3").write_bytes(b"ID3")
    select(seeded_window, done)

    assert seeded_window.actions_.open_file.isEnabled()
    assert seeded_window.actions_.show_in_folder.isEnabled()


def test_context_menu_lists_possible_actions(seeded, seeded_window) -> None:
    select(seeded_window, seeded.review_id)

    texts = [action.text() for action in seeded_window.actions_.context_menu().actions()]

    assert "C&hoose match…" in texts
    assert "&Retry" in texts
    assert "&Pause" not in texts


def test_details_show_error_and_message(seeded, seeded_window) -> None:
    select(seeded_window, seeded.failed_single_id)

    text = seeded_window.details.toPlainText()

    assert "YouTube asked to confirm you are not a bot." in text
    assert "HTTP 429 on the player page" in text


# ---- live updates, status bar, notifications --------------------------------------------


def test_store_progress_reaches_view(seeded, seeded_window, store, qtbot) -> None:
    from spotdesk.store.contract import ProgressUpdate

    running = store.get(seeded.running_ids[0])
    store.report_progress(
        running.id, running.lease_token, ProgressUpdate(progress=0.9, speed=4_000_000.0)
    )

    qtbot.waitUntil(
        lambda: seeded_window.model.index_for_id(running.id, Column.SPEED).data() == "3.8 MB/s",
        timeout=WAIT_MS,
    )


def test_status_bar_counts_and_store(seeded, seeded_window, qtbot) -> None:
    status = seeded_window.status
    qtbot.waitUntil(lambda: "Failed 2" in status.counts_label.text(), timeout=WAIT_MS)
    assert status.counts_label.text() == "Queued 4 · Active 2 · Done 3 · Failed 2"
    assert status.store_label.text() == "Store: embedded"
    assert status.workers_label.text() == "Workers: 0 running"


def test_rate_limit_countdown_shown(seeded, seeded_window, store, qtbot) -> None:
    from spotdesk.spotify.errors import RateLimited

    task = store.claim("test-worker", 60, kinds=[TaskKind.TRACK])
    store.fail(task.id, task.lease_token, RateLimited(600.0), retry_after=600.0)

    label = seeded_window.status.rate_limit_label
    qtbot.waitUntil(label.isVisible, timeout=WAIT_MS)
    expected = time.strftime("%H:%M", time.localtime(store.get(task.id).not_before))
    assert f"Spotify asks us to wait until {expected}" in label.text()


def test_failure_notification_without_tray(seeded, seeded_window, store, qtbot) -> None:
    from spotdesk.errors import SpotdeskError

    task = store.claim("test-worker", 60, kinds=[TaskKind.TRACK])
    store.fail(task.id, task.lease_token, SpotdeskError("Disk full.", code="fs.disk_full"))

    qtbot.waitUntil(
        lambda: "1 track failed" in seeded_window.status.currentMessage(), timeout=WAIT_MS
    )
    assert "The disk is full." in seeded_window.status.currentMessage()


def test_show_rows_selects_and_resets_filter(seeded, seeded_window) -> None:
    seeded_window.filter_combo.setCurrentIndex(2)  # done

    seeded_window.show_rows([seeded.review_id])

    assert seeded_window.filter_combo.currentIndex() == 0
    selected = seeded_window.actions_.selected_tasks()
    assert [task.id for task in selected] == [seeded.review_id]


def test_layout_persists(seeded, make_window, qtbot) -> None:
    first = make_window()
    first.resize(700, 500)  # inside the offscreen platform's 800 x 600 screen
    first.view.setColumnWidth(Column.TITLE, 333)
    first.shutdown()

    second = make_window()

    assert second.view.columnWidth(Column.TITLE) == 333
    assert second.size().width() == 700


def test_close_hides_to_tray_once_hinted(make_window, settings, qtbot) -> None:
    from spotdesk.config import load_settings

    settings.minimise_to_tray = True
    window = make_window(settings)
    window.tray.available = True  # the offscreen platform has no tray; act as if it had

    window.close()

    assert not window.isVisible()
    assert window.backend.running  # still running in the tray
    assert load_settings().tray_hint_shown
    assert window.settings.tray_hint_shown


def test_close_without_tray_shuts_down(make_window, settings) -> None:
    settings.minimise_to_tray = True
    window = make_window(settings)

    window.close()

    assert not window.backend.running


def test_store_outage_shown_then_recovered(qtbot, store_uri, settings) -> None:
    from spotdesk.gui.app import app_icon
    from spotdesk.gui.main_window import MainWindow
    from spotdesk.store import open_store
    from spotdesk.store.contract import StoreUnavailable

    attempts: list[int] = []

    def flaky_store():
        attempts.append(1)
        if len(attempts) <= 2:
            raise StoreUnavailable("database is locked by another program")
        return open_store(store_uri)

    window = MainWindow(settings, store_uri, flaky_store, app_icon())
    qtbot.addWidget(window)
    window.start()
    try:
        qtbot.waitUntil(
            lambda: window.status.store_label.text() == "Store unreachable, retrying",
            timeout=WAIT_MS,
        )
        assert "The task database cannot be reached." in window.status.store_label.toolTip()
        qtbot.waitUntil(lambda: window.model.loaded, timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda: window.status.store_label.text() == "Store: embedded", timeout=WAIT_MS
        )
    finally:
        window.shutdown()
    assert len(attempts) == 3


def test_finished_playlist_notified(seeded, seeded_window, store, qtbot) -> None:
    from spotdesk.store.contract import Outcome

    for task_id in seeded.track_ids:
        task = store.get(task_id)
        if task.state is TaskState.QUEUED:
            store.request_cancel([task_id])
    for task_id in seeded.running_ids:
        task = store.get(task_id)
        store.complete(task.id, task.lease_token, Outcome(output_path="/music/x.mp3"))

    qtbot.waitUntil(
        lambda: seeded_window.status.currentMessage().startswith(f"Finished: {PLAYLIST_NAME}"),
        timeout=WAIT_MS,
    )
    assert "4 tracks downloaded" in seeded_window.status.currentMessage()
