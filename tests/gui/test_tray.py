"""Tray icon drawing, the status bar's texts and the match chooser."""

from __future__ import annotations

import time

from PySide6.QtGui import QColor, QIcon, QImage

from spotdesk.gui.app import app_icon
from spotdesk.gui.match_dialog import MatchDialog, reason_text
from spotdesk.gui.status_bar import StatusBar, store_description
from spotdesk.gui.tray import progress_icon
from spotdesk.model import MatchCandidate, OutputOptions, Task, TaskKind, TaskState, Track


def ring_pixel(icon: QIcon, x: int, y: int) -> QColor:
    image: QImage = icon.pixmap(64, 64).toImage()
    return image.pixelColor(x, y)


def test_app_icon_has_every_size(qapp) -> None:
    icon = app_icon()

    assert not icon.isNull()
    assert {size.width() for size in icon.availableSizes()} >= {16, 32, 48, 256}


def test_progress_ring_fills_clockwise(qapp) -> None:
    half = progress_icon(app_icon(), 0.5)

    # The ring starts at 12 o'clock: the right edge is filled at 50 %, the left is not.
    right = ring_pixel(half, 61, 32)
    left = ring_pixel(half, 2, 32)
    assert right.green() > 150
    assert right.red() < 100
    assert left.green() < 150 or left.alpha() < 200


def test_no_ring_without_progress(qapp) -> None:
    base = app_icon()

    assert progress_icon(base, None) is base


def test_store_description_hides_password() -> None:
    kind, where = store_description("mongodb://user:secret@db.lan:27017/spotdesk")

    assert kind == "mongodb"
    assert where == "db.lan:27017"
    assert store_description("sqlite:////home/me/q.db") == ("embedded", "/home/me/q.db")


def test_status_bar_mongodb_and_countdown(qtbot) -> None:
    bar = StatusBar("mongodb://db.lan:27017/spotdesk")
    qtbot.addWidget(bar)
    bar.show()
    until = time.time() + 125

    bar.set_rate_limit(until)

    assert bar.store_label.text() == "Store: MongoDB at db.lan:27017"
    assert bar.rate_limit_label.isVisible()
    clock = time.strftime("%H:%M", time.localtime(until))
    assert bar.rate_limit_label.text().startswith(f"Spotify asks us to wait until {clock} (2 min")
    bar.set_rate_limit(time.time() - 1)
    assert not bar.rate_limit_label.isVisible()


def review_task() -> Task:
    track = Track(
        id="0" * 22,
        title="Invisible",
        artists=["Julius Dreisig", "Zeus X Crona"],
        duration_ms=201015,
    )
    candidates = [
        MatchCandidate(
            url="https://www.youtube.com/watch?v=b",
            title="Invisible [NCS Release]",
            channel="NoCopyrightSounds",
            duration_s=203.0,
            provider="youtube",
            confidence=0.54,
            reasons=["title similar", "video upload"],
        ),
        MatchCandidate(
            url="https://music.youtube.com/watch?v=a",
            title="Invisible (Live)",
            channel="Julius Dreisig",
            duration_s=296.0,
            provider="ytmusic",
            confidence=0.58,
            reasons=["unrequested live version", "duration far off"],
        ),
    ]
    return Task(
        id="t",
        kind=TaskKind.TRACK,
        state=TaskState.FAILED,
        link=track.url,
        options=OutputOptions(folder="/m"),
        track=track,
        candidates=candidates,
        error_code="match.needs_review",
    )


def test_match_dialog_ranks_candidates(qtbot) -> None:
    dialog = MatchDialog(review_task())
    qtbot.addWidget(dialog)

    first = dialog.candidates.topLevelItem(0)
    assert first.text(0) == "Invisible (Live)"
    assert first.text(2) == "4:56"
    assert first.text(3) == "58 %"
    assert first.text(4) == "live version, not requested, duration far off"
    assert dialog.chosen_url() == "https://music.youtube.com/watch?v=a"
    assert "Invisible by Julius Dreisig, Zeus X Crona (3:21)" in dialog.heading.text()


def test_match_dialog_typed_url_wins(qtbot) -> None:
    dialog = MatchDialog(review_task())
    qtbot.addWidget(dialog)

    dialog.url_edit.setText("https://www.youtube.com/watch?v=typed")

    assert dialog.chosen_url() == "https://www.youtube.com/watch?v=typed"


def test_match_dialog_rejects_non_web_address(qtbot) -> None:
    dialog = MatchDialog(review_task())
    qtbot.addWidget(dialog)
    dialog.url_edit.setText("ftp://example/song")

    dialog._accept_if_valid()

    assert dialog.result() == 0
    assert "is not a web address" in dialog.problem.text()


def test_unknown_reason_shown_as_stored() -> None:
    assert reason_text("brand new reason") == "brand new reason"
    assert reason_text("unrequested remix") == "remix, not requested"
