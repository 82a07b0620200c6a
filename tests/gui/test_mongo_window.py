"""The window on a shared MongoDB queue shows tasks other processes add, as they appear."""

from __future__ import annotations

import uuid

import pytest

from spotdesk.config import Settings
from spotdesk.store import open_store
from tests.fakes.mongo import MongoServer, mongo_server  # noqa: F401 - session fixture

TRACK = "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"

pytestmark = pytest.mark.mongo


def test_tasks_from_elsewhere_appear(mongo_server: MongoServer, qtbot, music_dir) -> None:  # noqa: F811
    from spotdesk.gui.app import app_icon
    from spotdesk.gui.main_window import MainWindow
    from spotdesk.service import Service

    uri = mongo_server.database_uri(f"gui_{uuid.uuid4().hex[:12]}")
    settings = Settings(output_dir=str(music_dir), store_uri=uri, first_run_done=True)
    window = MainWindow(settings, uri, lambda: open_store(uri), app_icon())
    qtbot.addWidget(window)
    window.start()
    try:
        qtbot.waitUntil(lambda: window.model.loaded, timeout=30_000)
        host = uri.split("//", 1)[1].split("/", 1)[0]
        assert window.status.store_label.text() == f"Store: MongoDB at {host}"

        with open_store(uri) as other:  # another machine, or the HTTP API
            Service(other, settings).submit(TRACK)

        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=15_000)
        assert window.model.index(0, 0).data() == TRACK
    finally:
        window.shutdown()
