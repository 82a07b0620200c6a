"""Draw the app's main views and save them as PNG files (run by test_screenshots.py).

Run as `python -m tests.gui.screenshot_app OUTPUT_DIR` under an X server; prints one JSON
line with the saved files and the fonts that cover Chinese.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from spotdesk.config import Settings
from spotdesk.gui.app import app_icon, create_application
from spotdesk.gui.i18n import Translations
from spotdesk.gui.main_window import MainWindow
from spotdesk.gui.match_dialog import MatchDialog
from spotdesk.gui.settings_dialog import SettingsDialog
from spotdesk.store import open_store
from tests.gui.seeding import seed_playlist_in_progress


def settle(milliseconds: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def save(widget: QWidget, path: Path) -> str:
    settle()
    widget.grab().save(str(path))
    return str(path)


def main(output: Path) -> int:
    output.mkdir(parents=True, exist_ok=True)
    app: QApplication = create_application(["screenshots"])
    work = Path(tempfile.mkdtemp(prefix="spotdesk-screens-"))
    uri = f"sqlite:///{work / 'queue.db'}"
    store = open_store(uri)
    seeded = seed_playlist_in_progress(store, str(work / "Music"))
    settings = Settings(output_dir=str(work / "Music"), first_run_done=True, minimise_to_tray=False)

    translations = Translations()
    translations.install("en")
    window = MainWindow(settings, uri, lambda: open_store(uri), app_icon())
    window.resize(1280, 760)
    window.show()
    window.start()
    while not window.model.loaded:
        settle(50)
    window.view.expandAll()
    window.show_rows([seeded.review_id])
    window.link_box.edit.setPlainText("https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3")
    saved = [save(window, output / "main-window-en.png")]

    task = window.model.task(seeded.review_id)
    chooser = MatchDialog(task, window)
    chooser.resize(860, 360)
    chooser.show()
    saved.append(save(chooser, output / "match-chooser-en.png"))
    chooser.close()

    dialog = SettingsDialog(settings, parent=window)
    dialog.show()
    saved.append(save(dialog, output / "settings-en.png"))
    dialog.tabs.setCurrentIndex(3)
    saved.append(save(dialog, output / "settings-spotify-en.png"))
    dialog.close()

    translations.install("zh_CN")
    settle()
    saved.append(save(window, output / "main-window-zh_CN.png"))
    chooser = MatchDialog(task, window)
    chooser.resize(860, 360)
    chooser.show()
    saved.append(save(chooser, output / "match-chooser-zh_CN.png"))
    chooser.close()
    dialog = SettingsDialog(settings, parent=window)
    dialog.show()
    saved.append(save(dialog, output / "settings-zh_CN.png"))
    dialog.close()

    chinese_fonts = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    window.shutdown()
    store.close()
    print(
        json.dumps(
            {
                "saved": saved,
                "platform": app.platformName(),
                "chinese_fonts": chinese_fonts[:5],
                "language": translations.language,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
