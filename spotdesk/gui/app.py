"""Start the desktop app: Qt application, translations, qasync event loop, window, workers."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from typing import cast

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from spotdesk import __version__
from spotdesk.config import Settings, load_settings, save_settings
from spotdesk.gui.i18n import Translations
from spotdesk.gui.resources import icon_files

log = logging.getLogger(__name__)

NO_DISPLAY_MESSAGE = (
    "no display found: run spotdesk on a desktop, or use the command line (spotdesk --help)"
)


def app_icon() -> QIcon:
    """Return the app icon: the PNG renderings at their sizes, the SVG for any other size."""
    icon = QIcon()
    # PNGs first: the first file picks the icon engine, and the SVG engine lists no sizes.
    for path in sorted(icon_files(), key=lambda path: path.suffix != ".png"):
        size = path.stem.rsplit("-", 1)[-1]
        if path.suffix == ".png" and size.isdigit():
            icon.addFile(str(path), QSize(int(size), int(size)))
        else:
            icon.addFile(str(path))
    return icon


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    # `instance()` is typed as QCoreApplication, but spotdesk only ever creates a QApplication.
    app = cast(QApplication, QApplication.instance() or QApplication(list(argv or sys.argv[:1])))
    app.setApplicationName("spotdesk")
    app.setApplicationDisplayName("spotdesk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("spotdesk")
    app.setDesktopFileName("io.github.spotdesk.Spotdesk")
    app.setWindowIcon(app_icon())
    return app


class DesktopApp:
    """Owns the window, the worker manager and the settings for one run of the app."""

    def __init__(self, app: QApplication, settings: Settings, start_workers: bool = True) -> None:
        from spotdesk.gui.main_window import MainWindow
        from spotdesk.store import open_store

        self.app = app
        self.settings = settings
        self.translations = Translations()
        self.translations.install(settings.language)
        store_uri = settings.effective_store_uri
        manager = None
        if start_workers:
            from spotdesk.workers.manager import WorkerManager

            manager = WorkerManager(store_uri, settings.workers)
        self.window = MainWindow(
            settings,
            store_uri,
            lambda: open_store(store_uri),
            app_icon(),
            manager,
            open_settings=self.open_settings,
        )

    def run_first_run_guide(self) -> None:
        if self.settings.first_run_done:
            return
        from spotdesk.gui.first_run import FirstRunGuide

        guide = FirstRunGuide(self.settings, self.window)
        guide.exec()
        self.settings = guide.result_settings()
        save_settings(self.settings)
        self.window.apply_settings(self.settings)

    def open_settings(self) -> None:
        from spotdesk.config import ServiceUrls
        from spotdesk.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, ServiceUrls.from_env(), self.window)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        new = dialog.result_settings()
        language_changed = new.language != self.settings.language
        self.settings = new
        save_settings(new)
        if language_changed:
            self.translations.install(new.language)  # LanguageChange retranslates the window
        self.window.apply_settings(new)
        log.info("settings saved")


def has_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Return False when Qt would find no display to open a window on.

    Without this check, Qt aborts the process (exit status 134) with a message that
    suggests reinstalling. Only X11 and Wayland systems are checked, because Windows and
    macOS always have a display in a user session. `QT_QPA_PLATFORM` (such as offscreen)
    counts as a display, because the user chose a platform.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform in ("win32", "darwin"):
        return True
    names = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    return any(environ.get(name) for name in names)


def run_app(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app until the user quits; return the exit status."""
    import qasync

    if QApplication.instance() is None and not has_display():
        print(f"spotdesk: {NO_DISPLAY_MESSAGE}", file=sys.stderr)
        return 1
    app = create_application(argv)
    app.setQuitOnLastWindowClosed(False)  # the tray keeps the app alive when the window hides
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    settings = load_settings()
    desktop = DesktopApp(app, settings)
    window = desktop.window
    if not window.tray.available:
        app.setQuitOnLastWindowClosed(True)
    app.aboutToQuit.connect(window.shutdown)
    signals = _QuitOnSignals(app)
    collector = _GuiThreadCollector(app)
    window.show()
    window.start()
    desktop.run_first_run_guide()
    if signals.requested:
        # The signal came while the guide's own modal loop ran, before the main loop.
        window.shutdown()
        signals.stop()
        collector.stop()
        return 0
    log.info("spotdesk %s window open", __version__)
    with loop:
        loop.run_until_complete(_until_quit(app))
    signals.stop()
    collector.stop()
    log.info("spotdesk window closed")
    return 0


class _GuiThreadCollector:
    """Run Python's cyclic garbage collector on the GUI thread only.

    Automatic collection runs on whichever thread crosses a threshold, and a collection on
    the store backend thread can destroy Qt objects there, which crashes Qt (seen as a
    segmentation fault in the window tests). So automatic collection is off, and a timer
    collects the generations whose thresholds were crossed, twice a second.
    """

    def __init__(self, app: QApplication) -> None:
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(app)
        self._timer.timeout.connect(self._collect)
        self._timer.start(500)

    def _collect(self) -> None:
        counts = gc.get_count()
        generation = -1
        for level in range(3):
            if counts[level] <= self._thresholds[level]:
                break
            generation = level
        if generation >= 0:
            gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()


class _QuitOnSignals:
    """Quit cleanly on SIGINT and SIGTERM (Ctrl+C, logout), so workers stop gracefully.

    Open dialogs are rejected first, because a dialog's modal loop keeps running after
    `QApplication.quit()`.
    """

    def __init__(self, app: QApplication) -> None:
        self.requested = False
        self._app = app
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self._request_quit)
        # Python runs signal handlers between bytecodes only, and an idle Qt loop runs
        # none; this timer gives the interpreter a turn four times a second.
        self._timer = QTimer(app)
        self._timer.timeout.connect(lambda: None)
        self._timer.start(250)

    def _request_quit(self, signum: int, frame: object) -> None:
        log.info("received signal %d; quitting", signum)
        self.requested = True
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        self._app.quit()

    def stop(self) -> None:
        self._timer.stop()


async def _until_quit(app: QApplication) -> None:
    finished = asyncio.Event()
    app.aboutToQuit.connect(finished.set)
    await finished.wait()
