"""The first-run guide: where files go, which format, and how spotdesk reaches Spotify."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from spotdesk.config import Settings
from spotdesk.model import AudioFormat


def _note(text: str, parent: Any) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


class FirstRunGuide(QWizard):
    """Three short pages; Skip (the Cancel button) keeps the defaults. Either way the
    caller marks the first run done, so the guide shows once."""

    def __init__(self, settings: Settings, parent: Any = None) -> None:
        super().__init__(parent)
        self._settings = dataclasses.replace(settings)
        self.setWindowTitle(self.tr("Welcome to spotdesk"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Skip"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Start"))
        self.addPage(self._folder_page())
        self.addPage(self._format_page())
        self.addPage(self._spotify_page())
        self.setMinimumSize(560, 380)

    def _folder_page(self) -> QWizardPage:
        page = QWizardPage(self)
        page.setTitle(self.tr("Where your music goes"))
        page.setSubTitle(self.tr("Every downloaded track is saved in this folder."))
        self.folder = QLineEdit(self._settings.output_dir, page)
        self.folder.setObjectName("guideFolder")
        browse = QPushButton(self.tr("Browse…"), page)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(
            _note(
                self.tr(
                    'The file name template, such as "Artist - Title.mp3", '
                    "can be changed later in Settings."
                ),
                page,
            )
        )
        return page

    def _format_page(self) -> QWizardPage:
        page = QWizardPage(self)
        page.setTitle(self.tr("Audio format"))
        page.setSubTitle(
            self.tr(
                "MP3 plays everywhere. M4A and Opus keep YouTube's audio "
                "without re-encoding it. FLAC only makes a lossy source larger."
            )
        )
        self.format = QComboBox(page)
        for audio_format in AudioFormat:
            self.format.addItem(audio_format.value.upper(), audio_format.value)
        self.format.setCurrentIndex(self.format.findData(self._settings.format.value))
        form = QFormLayout(page)
        form.addRow(self.tr("Format:"), self.format)
        return page

    def _spotify_page(self) -> QWizardPage:
        page = QWizardPage(self)
        page.setTitle(self.tr("Spotify access"))
        page.setSubTitle(self.tr("spotdesk works without a Spotify account."))
        layout = QVBoxLayout(page)
        layout.addWidget(
            _note(
                self.tr(
                    "Without credentials, spotdesk reads Spotify's public pages: public tracks, "
                    "albums and playlists work, but there are no ISRC codes, so matches are less "
                    "certain. For full metadata, enter your own Spotify app's client id and "
                    "secret in Settings, Spotify; to read your private playlists and Liked "
                    "Songs, log in there."
                ),
                page,
            )
        )
        return page

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the music folder"), self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def result_settings(self) -> Settings:
        """Return the settings with the chosen folder and format, first run marked done."""
        settings = dataclasses.replace(self._settings, first_run_done=True)
        if self.result() == QWizard.DialogCode.Accepted:
            settings.output_dir = self.folder.text().strip() or settings.output_dir
            settings.format = AudioFormat(self.format.currentData())
        return settings
