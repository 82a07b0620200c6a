"""The match chooser: a track's ranked search results, or an address typed by the user."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from spotdesk.gui.error_text import describe_error
from spotdesk.gui.formatting import format_confidence, format_track_length
from spotdesk.gui.i18n import QT_TRANSLATE_NOOP
from spotdesk.model import MatchCandidate, Task

# The phrases the matcher stores as reasons, translated for display; others show as stored.
REASON_TEXTS: dict[str, str] = {
    reason: reason
    for reason in (
        QT_TRANSLATE_NOOP("MatchReason", "found by ISRC"),
        QT_TRANSLATE_NOOP("MatchReason", "title matches"),
        QT_TRANSLATE_NOOP("MatchReason", "title similar"),
        QT_TRANSLATE_NOOP("MatchReason", "title differs"),
        QT_TRANSLATE_NOOP("MatchReason", "title unknown"),
        QT_TRANSLATE_NOOP("MatchReason", "title in another script"),
        QT_TRANSLATE_NOOP("MatchReason", "artist matches"),
        QT_TRANSLATE_NOOP("MatchReason", "artist differs"),
        QT_TRANSLATE_NOOP("MatchReason", "artist unknown"),
        QT_TRANSLATE_NOOP("MatchReason", "main artist missing"),
        QT_TRANSLATE_NOOP("MatchReason", "artist in another script"),
        QT_TRANSLATE_NOOP("MatchReason", "duration matches"),
        QT_TRANSLATE_NOOP("MatchReason", "duration close"),
        QT_TRANSLATE_NOOP("MatchReason", "duration differs"),
        QT_TRANSLATE_NOOP("MatchReason", "duration unknown"),
        QT_TRANSLATE_NOOP("MatchReason", "duration far off"),
        QT_TRANSLATE_NOOP("MatchReason", "album matches"),
        QT_TRANSLATE_NOOP("MatchReason", "album differs"),
        QT_TRANSLATE_NOOP("MatchReason", "official song"),
        QT_TRANSLATE_NOOP("MatchReason", "music video"),
        QT_TRANSLATE_NOOP("MatchReason", "video upload"),
        QT_TRANSLATE_NOOP("MatchReason", "podcast episode"),
        QT_TRANSLATE_NOOP("MatchReason", "live version"),
        QT_TRANSLATE_NOOP("MatchReason", "cover"),
        QT_TRANSLATE_NOOP("MatchReason", "karaoke"),
        QT_TRANSLATE_NOOP("MatchReason", "instrumental"),
        QT_TRANSLATE_NOOP("MatchReason", "remix"),
        QT_TRANSLATE_NOOP("MatchReason", "sped up"),
        QT_TRANSLATE_NOOP("MatchReason", "slowed"),
        QT_TRANSLATE_NOOP("MatchReason", "nightcore"),
        QT_TRANSLATE_NOOP("MatchReason", "8D audio"),
        QT_TRANSLATE_NOOP("MatchReason", "hour-long loop"),
    )
}
_UNREQUESTED = "unrequested "


def reason_text(reason: str) -> str:
    """Translate one stored reason; "unrequested X" reads as "X, not requested"."""
    if reason in REASON_TEXTS:
        return QCoreApplication.translate("MatchReason", reason)
    if reason.startswith(_UNREQUESTED):
        marker = reason.removeprefix(_UNREQUESTED)
        if marker in REASON_TEXTS:
            marker = QCoreApplication.translate("MatchReason", marker)
        return QCoreApplication.translate("MatchReason", "{marker}, not requested").format(
            marker=marker
        )
    return reason


def is_http_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class MatchDialog(QDialog):
    """Lists the candidates best first; `chosen_url()` is the selection or the typed URL."""

    def __init__(self, task: Task, parent: Any = None) -> None:
        super().__init__(parent)
        self.task = task
        self.setWindowTitle(self.tr("Choose a match"))
        self.setMinimumSize(760, 380)

        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.candidates = QTreeWidget(self)
        self.candidates.setObjectName("candidates")
        self.candidates.setRootIsDecorated(False)
        self.candidates.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.candidates.setHeaderLabels(
            [
                self.tr("Title"),
                self.tr("Channel"),
                self.tr("Length"),
                self.tr("Confidence"),
                self.tr("Why"),
            ]
        )
        header = self.candidates.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel(self.tr("The search found no candidates for this track."), self)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("matchUrl")
        self.url_edit.setPlaceholderText(
            self.tr("Or paste the address of a YouTube or YouTube Music page")
        )
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Download this match")
        )
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.candidates, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.url_edit)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self._fill()
        self.candidates.itemDoubleClicked.connect(lambda *_: self._accept_if_valid())
        self.url_edit.textChanged.connect(self._on_url_typed)

    def _fill(self) -> None:
        task = self.task
        track = task.track
        title = track.title if track else (task.title or task.link)
        artists = ", ".join(track.artists) if track else ""
        length = (
            format_track_length(track.duration_ms / 1000) if track and track.duration_ms else ""
        )
        text = self.tr("Spotify track: {title} by {artists} ({length})").format(
            title=title, artists=artists or "?", length=length or "?"
        )
        if task.error_code:
            text += "\n" + describe_error(task.error_code, task.error_message)
        self.heading.setText(text)

        ranked = sorted(task.candidates, key=lambda candidate: candidate.confidence, reverse=True)
        for candidate in ranked:
            self.candidates.addTopLevelItem(self._item(candidate))
        best = self.candidates.topLevelItem(0)
        if best is not None:
            self.candidates.setCurrentItem(best)
        self.empty_label.setVisible(not ranked)
        for column in (1, 2, 3):
            self.candidates.resizeColumnToContents(column)

    def _item(self, candidate: MatchCandidate) -> QTreeWidgetItem:
        separator = QCoreApplication.translate("MatchReason", ", ")
        reasons = separator.join(reason_text(reason) for reason in candidate.reasons)
        item = QTreeWidgetItem(
            [
                candidate.title,
                candidate.channel or "",
                format_track_length(candidate.duration_s),
                format_confidence(candidate.confidence),
                reasons,
            ]
        )
        item.setData(0, Qt.ItemDataRole.UserRole, candidate.url)
        item.setToolTip(0, candidate.url)
        item.setToolTip(4, reasons)
        item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _on_url_typed(self, text: str) -> None:
        if text.strip():
            self.candidates.clearSelection()
        self.problem.hide()

    def chosen_url(self) -> str | None:
        typed = self.url_edit.text().strip()
        if typed:
            return typed
        item = self.candidates.currentItem()
        if item is not None and item.isSelected():
            return str(item.data(0, Qt.ItemDataRole.UserRole))
        return None

    def _accept_if_valid(self) -> None:
        url = self.chosen_url()
        if url is None:
            self.problem.setText(self.tr("Select a candidate or paste an address."))
            self.problem.show()
            return
        if not is_http_url(url):
            self.problem.setText(
                self.tr("“{url}” is not a web address starting with https://.").format(url=url)
            )
            self.problem.show()
            return
        self.accept()
