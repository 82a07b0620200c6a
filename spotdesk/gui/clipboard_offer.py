"""The bar under the link box that offers to add Spotify links copied to the clipboard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class ClipboardOffer(QWidget):
    """Collects offered links until the user adds or dismisses them."""

    accepted = Signal(str)  # the links, one per line

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("clipboardOffer")
        self._links: list[str] = []
        self.label = QLabel(self)
        self.add_button = QPushButton(self)
        self.dismiss_button = QPushButton(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.add_button)
        layout.addWidget(self.dismiss_button)
        self.add_button.clicked.connect(self._accept)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("Add"))
        self.dismiss_button.setText(self.tr("Dismiss"))
        self._update_label()

    def offer(self, links: list[str]) -> None:
        self._links.extend(link for link in links if link not in self._links)
        self._update_label()
        self.show()

    def dismiss(self) -> None:
        self._links.clear()
        self.hide()

    def _accept(self) -> None:
        text = "\n".join(self._links)
        self.dismiss()
        self.accepted.emit(text)

    def _update_label(self) -> None:
        self.label.setText(self.tr("Add %n copied Spotify link(s)?", "", len(self._links)))
