"""The status bar: workers, store, task counts, overall speed and Spotify's rate limit."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from spotdesk.gui.formatting import format_clock, format_duration, format_speed


def store_description(uri: str) -> tuple[str, str]:
    """Return ("embedded", path) or ("mongodb", host[:port]) for a store URI.

    The host part never includes the user name or password of the URI.
    """
    if uri.startswith("mongodb"):
        parts = urlsplit(uri)
        hosts = parts.netloc.rsplit("@", 1)[-1]
        return "mongodb", hosts
    return "embedded", uri.removeprefix("sqlite:///")


class StatusBar(QStatusBar):
    def __init__(self, store_uri: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._store_uri = store_uri
        self._counts: dict[str, int] = {}
        self._workers = 0
        self._speed = 0.0
        self._rate_limit_until: float | None = None
        self._store_problem: str | None = None

        self.rate_limit_label = QLabel(self)
        self.rate_limit_label.setObjectName("rateLimit")
        self.rate_limit_label.setStyleSheet("color: #b9770e; font-weight: bold;")
        self.counts_label = QLabel(self)
        self.speed_label = QLabel(self)
        self.workers_label = QLabel(self)
        self.store_label = QLabel(self)
        self.addWidget(self.rate_limit_label)
        for label in (self.counts_label, self.speed_label, self.workers_label, self.store_label):
            self.addPermanentWidget(label)

        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._refresh_rate_limit)
        self._clock.start()
        self.refresh()

    def set_counts(self, counts: dict[str, int]) -> None:
        self._counts = dict(counts)
        self._refresh_counts()

    def set_workers(self, running: int) -> None:
        self._workers = running
        self._refresh_workers()

    def set_speed(self, bytes_per_second: float) -> None:
        self._speed = bytes_per_second
        self._refresh_speed()

    def set_rate_limit(self, until: float | None) -> None:
        self._rate_limit_until = until
        self._refresh_rate_limit()

    def set_store_problem(self, message: str | None) -> None:
        self._store_problem = message
        self._refresh_store()

    def refresh(self) -> None:
        self._refresh_counts()
        self._refresh_speed()
        self._refresh_workers()
        self._refresh_store()
        self._refresh_rate_limit()

    def _refresh_counts(self) -> None:
        counts = self._counts
        self.counts_label.setText(
            self.tr("Queued {queued} · Active {active} · Done {done} · Failed {failed}").format(
                queued=counts.get("queued", 0) + counts.get("paused", 0),
                active=counts.get("running", 0),
                done=counts.get("done", 0),
                failed=counts.get("failed", 0),
            )
        )
        review = counts.get("needs_review", 0)
        self.counts_label.setToolTip(
            self.tr("%n track(s) need a match chosen by you.", "", review) if review else ""
        )

    def _refresh_speed(self) -> None:
        speed = format_speed(self._speed)
        self.speed_label.setText(speed)
        self.speed_label.setVisible(bool(speed))

    def _refresh_workers(self) -> None:
        self.workers_label.setText(self.tr("Workers: %n running", "", self._workers))

    def _refresh_store(self) -> None:
        kind, where = store_description(self._store_uri)
        if kind == "mongodb":
            text = self.tr("Store: MongoDB at {host}").format(host=where)
        else:
            text = self.tr("Store: embedded")
        if self._store_problem:
            text = self.tr("Store unreachable, retrying")
            self.store_label.setStyleSheet("color: #c0392b;")
            self.store_label.setToolTip(self._store_problem)
        else:
            self.store_label.setStyleSheet("")
            self.store_label.setToolTip(where)
        self.store_label.setText(text)

    def _refresh_rate_limit(self) -> None:
        until = self._rate_limit_until
        remaining = (until - time.time()) if until is not None else 0.0
        if until is None or remaining <= 0:
            self.rate_limit_label.hide()
            return
        self.rate_limit_label.setText(
            self.tr("Spotify asks us to wait until {time} ({remaining} left)").format(
                time=format_clock(until),
                remaining=format_duration(remaining),
            )
        )
        self.rate_limit_label.show()
