"""The details panel under the task list: everything known about the selected task."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QTextBrowser

from spotdesk.gui.actions import spotify_link
from spotdesk.gui.error_text import describe_error
from spotdesk.gui.formatting import format_confidence, format_size, format_track_length
from spotdesk.gui.task_display import status_text, task_title
from spotdesk.model import Task


class DetailsPanel(QTextBrowser):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("details")
        self.setOpenExternalLinks(True)
        self._task: Task | None = None
        self.show_task(None)

    def show_task(self, task: Task | None) -> None:
        self._task = task
        if task is None:
            hint = self.tr("Select a task to see its details.")
            self.setHtml(f"<p style='color:gray'>{html.escape(hint)}</p>")
            return

        rows = self._rows(task)
        link = spotify_link(task)
        body = "".join(
            f"<tr><td style='color:gray;padding-right:12px'>{html.escape(name)}</td>"
            f"<td>{html.escape(value)}</td></tr>"
            for name, value in rows
        )
        link_html = f"<a href='{html.escape(link)}'>{html.escape(link)}</a>"
        self.setHtml(f"<b>{html.escape(task_title(task))}</b><br>{link_html}<table>{body}</table>")

    def _rows(self, task: Task) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = [(self.tr("Status"), status_text(task))]
        track = task.track
        if track is not None:
            rows.append((self.tr("Artists"), ", ".join(track.artists)))
            if track.album:
                rows.append((self.tr("Album"), track.album))
            if track.duration_ms:
                rows.append((self.tr("Length"), format_track_length(track.duration_ms / 1000)))

        if task.match is not None:
            match = task.match
            rows.append(
                (
                    self.tr("Match"),
                    self.tr("{title} by {channel}, confidence {confidence}").format(
                        title=match.title,
                        channel=match.channel or "?",
                        confidence=format_confidence(match.confidence),
                    ),
                )
            )

        if task.bytes_total or task.bytes_done:
            rows.append((self.tr("Size"), format_size(task.bytes_total or task.bytes_done)))
        if task.output_path:
            rows.append((self.tr("File"), task.output_path))

        if task.error_code:
            sentence = describe_error(task.error_code, task.error_message)
            rows.append((self.tr("Problem"), sentence))
            if task.error_message and task.error_message != sentence:
                rows.append((self.tr("Details"), task.error_message))
        if task.skipped:
            rows.append(
                (self.tr("Skipped"), self.tr("%n entries of the collection", "", len(task.skipped)))
            )
        return rows

    def refresh(self, task: Task | None) -> None:
        """Redraw when the shown task changed; other tasks' updates are ignored."""
        if task is not None and self._task is not None and task.id == self._task.id:
            self.show_task(task)

    def retranslate(self) -> None:
        self.show_task(self._task)
