"""Clipboard watching: offer to add Spotify links the user copies (off by default)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from spotdesk.links import parse_links

log = logging.getLogger(__name__)

# Maximum length of clipboard text to inspect, because a huge copied document is not a
# list of links.
_MAX_TEXT = 100_000


class ClipboardWatcher(QObject):
    """Emits `links_found` once per new Spotify link copied while watching is on."""

    links_found = Signal(list)  # link URLs, in the order copied

    def __init__(self, clipboard: QClipboard | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._clipboard = clipboard or QGuiApplication.clipboard()
        self._seen: set[str] = set()
        self._enabled = False

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        if enabled == self._enabled:
            return
        self._enabled = enabled
        if enabled:
            # What is on the clipboard already was copied before watching began.
            self._remember_current()
            self._clipboard.dataChanged.connect(self._on_changed)
        else:
            self._clipboard.dataChanged.disconnect(self._on_changed)
        log.info("clipboard watching %s", "on" if enabled else "off")

    def _remember_current(self) -> None:
        self._seen.update(self._links_in(self._clipboard.text()))

    def _on_changed(self) -> None:
        found = [link for link in self._links_in(self._clipboard.text()) if link not in self._seen]
        if found:
            self._seen.update(found)
            self.links_found.emit(found)

    @staticmethod
    def _links_in(text: str) -> list[str]:
        if not text or len(text) > _MAX_TEXT:
            return []
        parsed = parse_links(text)  # no expander: short links would need the network
        return [link.url for link in parsed.links]
