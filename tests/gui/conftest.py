"""Fixtures for the desktop app tests: a real SQLite store, the window, the translations.

Every test runs with Qt's offscreen platform (set in tests/conftest.py). The window's
backend thread opens its own connection to the same SQLite file the test reads.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from spotdesk.config import Settings
from spotdesk.gui.resources import TRANSLATIONS_DIR_ENV
from spotdesk.store import open_store
from spotdesk.store.contract import Store
from tests.gui.memory_keyring import MemoryKeyring

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"
TS_FILE = TRANSLATIONS / "spotdesk_zh_CN.ts"
TS_FILES = sorted(TRANSLATIONS.glob("*.ts"))
LOAD_TIMEOUT_MS = 10_000


def lrelease_command() -> str | None:
    import PySide6

    bundled = Path(PySide6.__file__).parent / "lrelease"
    if bundled.is_file():
        return str(bundled)
    return shutil.which("pyside6-lrelease")


@pytest.fixture(scope="session", autouse=True)
def compiled_translations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | None]:
    """Compile the .ts under test into a temporary folder the app looks in first.

    The tests check the translation in the checkout, not whatever an earlier install built.
    """
    lrelease = lrelease_command()
    if lrelease is None:
        yield None
        return
    folder = tmp_path_factory.mktemp("translations")
    for source in TS_FILES:
        target = folder / source.with_suffix(".qm").name
        subprocess.run([lrelease, "-silent", str(source), "-qm", str(target)], check=True)
    previous = os.environ.get(TRANSLATIONS_DIR_ENV)
    os.environ[TRANSLATIONS_DIR_ENV] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(TRANSLATIONS_DIR_ENV, None)
    else:
        os.environ[TRANSLATIONS_DIR_ENV] = previous


@pytest.fixture(scope="session", autouse=True)
def english(qapp, compiled_translations: Path | None) -> Iterator[None]:
    """Install the English plural forms, as the app does at start-up."""
    from spotdesk.gui.i18n import Translations

    translations = Translations()
    translations.install("en")
    yield


@pytest.fixture(autouse=True)
def collect_garbage_on_gui_thread() -> Iterator[None]:
    """Collect the finished test's reference cycles on the GUI thread.

    Python's cyclic collector runs on whichever thread allocates when the threshold is
    reached. A store backend thread that imported pymongo once collected Qt objects left
    over from an earlier test, so they were destroyed off the GUI thread. The test process
    then crashed with a segmentation fault, in 3 of 13 runs of tests/gui before this fixture.
    NOTE: the app's own backend thread has the same exposure outside the tests.
    """
    yield
    gc.collect()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Replace the null keyring backend with an empty in-memory one for one test."""
    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def store_uri(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'queue.db'}"


@pytest.fixture
def store(store_uri: str) -> Iterator[Store]:
    with open_store(store_uri) as opened:
        yield opened


@pytest.fixture
def music_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "music"
    folder.mkdir()
    return folder


@pytest.fixture
def settings(music_dir: Path) -> Settings:
    return Settings(output_dir=str(music_dir), first_run_done=True, minimise_to_tray=False)


@pytest.fixture
def make_window(qtbot, store_uri: str, settings: Settings) -> Iterator[Callable[..., object]]:
    """Return a factory for a started window on the test's store, with no workers."""
    from spotdesk.gui.app import app_icon
    from spotdesk.gui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(window_settings: Settings | None = None, show: bool = True) -> MainWindow:
        window = MainWindow(
            window_settings or settings, store_uri, lambda: open_store(store_uri), app_icon()
        )
        qtbot.addWidget(window)
        windows.append(window)
        if show:
            window.show()
        window.start()
        qtbot.waitUntil(lambda: window.model.loaded, timeout=LOAD_TIMEOUT_MS)
        return window

    yield make
    for window in windows:
        window.shutdown()


@pytest.fixture
def window(make_window):
    return make_window()
