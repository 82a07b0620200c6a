"""The link box: paste one or many links, press Enter or Add, read the feedback inline."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDropEvent, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from spotdesk.gui.dropping import text_from_mime
from spotdesk.gui.error_text import describe_error

_MAX_SHOWN_REJECTS = 3


class LinkEdit(QPlainTextEdit):
    """A few lines high; Enter submits and Shift+Enter starts a new line."""

    submit_requested = Signal()
    links_dropped = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        line = self.fontMetrics().lineSpacing()
        self.setFixedHeight(line * 3 + 12)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submit_requested.emit()
            return
        super().keyPressEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        # A drop adds its links at once, as it does anywhere else on the window.
        text = text_from_mime(event.mimeData())
        if text is None:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.links_dropped.emit(text)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return text_from_mime(source) is not None or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        # Pasting a list of dragged URLs inserts them one per line, as plain text.
        text = text_from_mime(source)
        if text is None:
            super().insertFromMimeData(source)
        else:
            self.insertPlainText(text)


class LinkBox(QWidget):
    """Emits `submitted` with the box's text; the window reports back with `show_*`."""

    submitted = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.edit = LinkEdit(self)
        self.edit.setObjectName("linkEdit")
        self.add_button = QPushButton(self)
        self.add_button.setDefault(True)
        self.feedback = QLabel(self)
        self.feedback.setObjectName("linkFeedback")
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.feedback)

        self.edit.submit_requested.connect(self.submit)
        self.add_button.clicked.connect(self.submit)
        self.retranslate()
        self.feedback.hide()

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("&Add"))
        self.edit.setPlaceholderText(
            self.tr(
                "Paste Spotify links to tracks, albums, playlists or artists, "
                "then press Enter. You can also drop links anywhere on the window."
            )
        )

    def submit(self) -> None:
        text = self.edit.toPlainText()
        if not text.strip():
            self.show_problem(self.tr("Paste one or more Spotify links first."))
            return
        self.show_busy()
        self.submitted.emit(text)

    def show_busy(self) -> None:
        self.add_button.setEnabled(False)
        self.feedback.setText(self.tr("Adding…"))
        self.feedback.show()

    def show_report(self, report: Any, from_box: bool = True) -> None:
        """Describe what a `SubmitReport` accepted and rejected.

        Accepted links leave the box, rejected text stays in it so nothing typed is lost.
        """
        self.add_button.setEnabled(True)
        created = sum(1 for item in report.accepted if item.created)
        existing = len(report.accepted) - created
        lines: list[str] = []
        if created:
            lines.append(self.tr("Added %n link(s) to the queue.", "", created))
        if existing:
            lines.append(self.tr("%n link(s) were already in the queue.", "", existing))
        for reject in report.rejected[:_MAX_SHOWN_REJECTS]:
            reason = describe_error(reject.code, reject.message)
            lines.append(
                "<span style='color:#c0392b'>"
                + self.tr("“{text}”: {reason}").format(
                    text=html.escape(_shorten(reject.text)), reason=html.escape(reason)
                )
                + "</span>"
            )
        hidden = len(report.rejected) - _MAX_SHOWN_REJECTS
        if hidden > 0:
            lines.append(self.tr("%n more entries were not accepted.", "", hidden))
        if not lines:
            lines.append(self.tr("No Spotify links were found in the text."))
        self.feedback.setText("<br>".join(lines))
        self.feedback.show()
        if from_box:
            self.edit.setPlainText("\n".join(reject.text for reject in report.rejected))

    def show_problem(self, message: str) -> None:
        self.add_button.setEnabled(True)
        self.feedback.setText(f"<span style='color:#c0392b'>{html.escape(message)}</span>")
        self.feedback.show()


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
