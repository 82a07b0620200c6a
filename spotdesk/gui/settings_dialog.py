"""The settings dialog: files, downloads, store, Spotify and interface."""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from spotdesk.config import ServiceUrls, Settings
from spotdesk.gui.i18n import CHINESE, ENGLISH
from spotdesk.gui.spotify_settings import SpotifyPage
from spotdesk.gui.template_preview import preview_path
from spotdesk.model import AudioFormat, OverwritePolicy

log = logging.getLogger(__name__)

BITRATES = (128, 160, 192, 256, 320)
BROWSERS = ("firefox", "chrome", "chromium", "brave", "edge", "opera", "vivaldi", "safari")
MAX_WORKERS = 16
MONGO_TEST_TIMEOUT_MS = 5000


def check_store(uri: str) -> tuple[bool, str]:
    """Open a store URI and count its tasks; return (ok, English detail). Blocks."""
    from spotdesk.errors import SpotdeskError
    from spotdesk.store import open_store

    if uri.startswith("mongodb") and "serverSelectionTimeoutMS" not in uri:
        separator = "&" if "?" in uri else "?"
        uri = f"{uri}{separator}serverSelectionTimeoutMS={MONGO_TEST_TIMEOUT_MS}"
    try:
        with open_store(uri) as store:
            counts = store.counts()
    except SpotdeskError as error:
        return False, error.message
    except Exception as error:  # noqa: BLE001 - any driver failure is shown to the user
        log.warning("store test for the given URI failed: %s", error.__class__.__name__)
        return False, str(error)
    return True, str(sum(value for key, value in counts.items() if key != "needs_review"))


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings()` returns it after OK."""

    store_checked = Signal(bool, str)

    def __init__(self, settings: Settings, urls: ServiceUrls | None = None, parent: Any = None):
        super().__init__(parent)
        self._settings = dataclasses.replace(settings)
        self.setWindowTitle(self.tr("spotdesk settings"))
        self.setMinimumWidth(620)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._files_page(), self.tr("Files"))
        self.tabs.addTab(self._downloads_page(), self.tr("Downloads"))
        self.tabs.addTab(self._store_page(), self.tr("Queue"))
        self.spotify_page = SpotifyPage(settings, urls or ServiceUrls.from_env(), self)
        self.tabs.addTab(self.spotify_page, self.tr("Spotify"))
        self.tabs.addTab(self._interface_page(), self.tr("Interface"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.store_checked.connect(self._show_store_check)
        self._load(settings)

    # ---- pages -------------------------------------------------------------------------

    def _files_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.output_dir = QLineEdit(page)
        self.output_dir.setObjectName("outputDir")
        browse = QPushButton(self.tr("Browse…"), page)
        browse.clicked.connect(self._browse_output)
        row = QHBoxLayout()
        row.addWidget(self.output_dir, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Save music in:"), row)

        self.template = QLineEdit(page)
        self.template.setObjectName("template")
        self.template.textChanged.connect(self._update_preview)
        form.addRow(self.tr("File name template:"), self.template)
        self.template_preview = QLabel(page)
        self.template_preview.setObjectName("templatePreview")
        self.template_preview.setWordWrap(True)
        form.addRow(self.tr("Example:"), self.template_preview)
        fields = QLabel(
            self.tr(
                "Fields: {title} {artist} {artists} {album} {album_artist} {track_number:02d} "
                "{disc_number} {year} {playlist} {playlist_position} {isrc} {ext}"
            ),
            page,
        )
        fields.setWordWrap(True)
        fields.setStyleSheet("color: palette(mid);")
        form.addRow("", fields)

        self.format = QComboBox(page)
        for audio_format in AudioFormat:
            self.format.addItem(audio_format.value.upper(), audio_format.value)
        self.format.currentIndexChanged.connect(self._update_preview)
        self.format.currentIndexChanged.connect(self._update_bitrate_enabled)
        form.addRow(self.tr("Format:"), self.format)
        self.bitrate = QComboBox(page)
        for bitrate in BITRATES:
            self.bitrate.addItem(self.tr("{kbps} kbit/s").format(kbps=bitrate), bitrate)
        form.addRow(self.tr("Bitrate:"), self.bitrate)

        self.lyrics = QCheckBox(self.tr("Embed lyrics when LRCLIB has them"), page)
        self.lrc_file = QCheckBox(self.tr("Also save synced lyrics as a .lrc file"), page)
        form.addRow("", self.lyrics)
        form.addRow("", self.lrc_file)
        self.overwrite = QComboBox(page)
        self.overwrite.addItem(self.tr("Keep the existing file"), OverwritePolicy.SKIP.value)
        self.overwrite.addItem(self.tr("Replace it"), OverwritePolicy.OVERWRITE.value)
        self.overwrite.addItem(
            self.tr("Save beside it with a number"), OverwritePolicy.RENAME.value
        )
        form.addRow(self.tr("When the file exists:"), self.overwrite)
        return page

    def _downloads_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.workers = QSpinBox(page)
        self.workers.setRange(1, MAX_WORKERS)
        form.addRow(self.tr("Parallel downloads:"), self.workers)
        self.cookies = QComboBox(page)
        self.cookies.addItem(self.tr("None"), "")
        for browser in BROWSERS:
            self.cookies.addItem(browser.capitalize(), browser)
        form.addRow(self.tr("Browser cookies for YouTube:"), self.cookies)
        hint = QLabel(
            self.tr(
                "Cookies from a browser where you are signed in to YouTube help when YouTube "
                "asks to confirm you are not a bot, and for age-restricted videos."
            ),
            page,
        )
        hint.setWordWrap(True)
        form.addRow("", hint)
        return page

    def _store_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.store_embedded = QRadioButton(self.tr("On this computer (embedded database)"), page)
        self.store_mongodb = QRadioButton(
            self.tr("Shared MongoDB queue, for several computers"), page
        )
        self.store_uri = QLineEdit(page)
        self.store_uri.setObjectName("storeUri")
        self.store_uri.setPlaceholderText("mongodb://host:27017/spotdesk")
        self.test_store = QPushButton(self.tr("Test connection"), page)
        self.test_store.setObjectName("testStore")
        self.store_result = QLabel(page)
        self.store_result.setObjectName("storeResult")
        self.store_result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.store_uri, 1)
        row.addWidget(self.test_store)
        note = QLabel(self.tr("Changing the queue takes effect after spotdesk restarts."), page)
        note.setWordWrap(True)
        for widget in (self.store_embedded, self.store_mongodb):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.store_result)
        layout.addWidget(note)
        layout.addStretch(1)
        self.store_mongodb.toggled.connect(self._update_store_enabled)
        self.test_store.clicked.connect(self.start_store_check)
        return page

    def _interface_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.language = QComboBox(page)
        self.language.setObjectName("language")
        self.language.addItem(self.tr("Follow the system"), "")
        self.language.addItem("English", ENGLISH)
        self.language.addItem("简体中文", CHINESE)
        form.addRow(self.tr("Language:"), self.language)
        self.minimise_to_tray = QCheckBox(
            self.tr("Closing the window keeps spotdesk running in the tray"), page
        )
        self.watch_clipboard = QCheckBox(self.tr("Offer to add Spotify links I copy"), page)
        form.addRow("", self.minimise_to_tray)
        form.addRow("", self.watch_clipboard)
        return page

    # ---- values ------------------------------------------------------------------------

    def _load(self, settings: Settings) -> None:
        self.output_dir.setText(settings.output_dir)
        self.template.setText(settings.template)
        _select(self.format, settings.format.value)
        _select(self.bitrate, settings.bitrate)
        self.lyrics.setChecked(settings.lyrics)
        self.lrc_file.setChecked(settings.lrc_file)
        _select(self.overwrite, settings.overwrite.value)
        self.workers.setValue(settings.workers)
        _select(self.cookies, settings.cookies_from_browser)
        mongodb = settings.store_uri.startswith("mongodb")
        self.store_mongodb.setChecked(mongodb)
        self.store_embedded.setChecked(not mongodb)
        self.store_uri.setText(settings.store_uri if mongodb else "")
        _select(self.language, settings.language)
        self.minimise_to_tray.setChecked(settings.minimise_to_tray)
        self.watch_clipboard.setChecked(settings.watch_clipboard)
        self._update_store_enabled()
        self._update_bitrate_enabled()
        self._update_preview()

    def result_settings(self) -> Settings:
        """Return the edited settings; saving an edited client secret happens here too."""
        settings = dataclasses.replace(self._settings)
        settings.output_dir = self.output_dir.text().strip() or settings.output_dir
        settings.template = self.template.text().strip() or settings.template
        settings.format = AudioFormat(self.format.currentData())
        settings.bitrate = int(self.bitrate.currentData())
        settings.lyrics = self.lyrics.isChecked()
        settings.lrc_file = self.lrc_file.isChecked()
        settings.overwrite = OverwritePolicy(self.overwrite.currentData())
        settings.workers = self.workers.value()
        settings.cookies_from_browser = self.cookies.currentData()
        settings.store_uri = self.store_uri.text().strip() if self.store_mongodb.isChecked() else ""
        settings.language = self.language.currentData()
        settings.minimise_to_tray = self.minimise_to_tray.isChecked()
        settings.watch_clipboard = self.watch_clipboard.isChecked()
        self.spotify_page.apply(settings)
        return settings

    # ---- behaviour ---------------------------------------------------------------------

    def _browse_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the music folder"), self.output_dir.text()
        )
        if folder:
            self.output_dir.setText(folder)

    def _update_preview(self) -> None:
        audio_format = self.format.currentData() or AudioFormat.MP3.value
        path, problem = preview_path(self.template.text(), audio_format)
        if problem:
            self.template_preview.setStyleSheet("color: #c0392b;")
            self.template_preview.setText(problem)
        else:
            self.template_preview.setStyleSheet("")
            self.template_preview.setText(path)

    def _update_bitrate_enabled(self) -> None:
        lossless = self.format.currentData() in (AudioFormat.FLAC.value, AudioFormat.WAV.value)
        self.bitrate.setEnabled(not lossless)

    def _update_store_enabled(self) -> None:
        mongodb = self.store_mongodb.isChecked()
        self.store_uri.setEnabled(mongodb)
        self.test_store.setEnabled(mongodb)

    def start_store_check(self) -> None:
        """Test the MongoDB URI on a background thread; the result shows when it arrives."""
        uri = self.store_uri.text().strip()
        if not uri.startswith(("mongodb://", "mongodb+srv://")):
            self._show_store_check(False, self.tr("Enter a URI starting with mongodb://"))
            return
        self.test_store.setEnabled(False)
        self.store_result.setStyleSheet("")
        self.store_result.setText(self.tr("Connecting…"))

        def check() -> None:
            ok, detail = check_store(uri)
            self.store_checked.emit(ok, detail)

        threading.Thread(target=check, name="store-check", daemon=True).start()

    def _show_store_check(self, ok: bool, detail: str) -> None:
        self.test_store.setEnabled(self.store_mongodb.isChecked())
        if ok:
            self.store_result.setStyleSheet("color: #1e8449;")
            self.store_result.setText(
                self.tr("Connected. The queue holds {count} tracks.").format(count=detail)
            )
        else:
            self.store_result.setStyleSheet("color: #c0392b;")
            self.store_result.setText(self.tr("Connection failed: {reason}").format(reason=detail))


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
