"""The app object: settings applied to the window, the first-run guide, real workers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from spotdesk.config import Settings, load_settings, save_settings
from spotdesk.gui.app import DesktopApp


def test_first_run_guide_saves_choice(qapp, qtbot, monkeypatch, tmp_path: Path) -> None:
    from spotdesk.gui import first_run

    def accept(guide) -> int:
        guide.folder.setText(str(tmp_path / "Songs"))
        guide.done(QDialog.DialogCode.Accepted)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(first_run.FirstRunGuide, "exec", accept)
    desktop = DesktopApp(qapp, Settings(), start_workers=False)
    qtbot.addWidget(desktop.window)

    desktop.run_first_run_guide()

    saved = load_settings()
    assert saved.first_run_done
    assert saved.output_dir == str(tmp_path / "Songs")
    assert desktop.window.settings.output_dir == str(tmp_path / "Songs")


def test_first_run_guide_shown_once(qapp, qtbot, monkeypatch) -> None:
    from spotdesk.gui import first_run

    shown: list[object] = []
    monkeypatch.setattr(first_run.FirstRunGuide, "exec", lambda guide: shown.append(guide) or 0)
    desktop = DesktopApp(qapp, Settings(first_run_done=True), start_workers=False)
    qtbot.addWidget(desktop.window)

    desktop.run_first_run_guide()

    assert shown == []


def test_window_runs_and_stops_real_workers(qapp, qtbot, store_uri: str, music_dir: Path) -> None:
    settings = Settings(
        output_dir=str(music_dir),
        workers=1,
        store_uri=store_uri,
        first_run_done=True,
        minimise_to_tray=False,
    )
    save_settings(settings)
    desktop = DesktopApp(qapp, settings, start_workers=True)
    window = desktop.window
    qtbot.addWidget(window)
    manager = window.manager

    window.start()
    qtbot.waitUntil(lambda: manager.running_count() == 1, timeout=30_000)
    qtbot.waitUntil(
        lambda: window.status.workers_label.text() == "Workers: 1 running", timeout=5_000
    )
    window.shutdown()

    assert manager.running_count() == 0
    assert window.manager is None


def test_collector_runs_on_gui_thread(qapp, qtbot) -> None:
    import gc

    from spotdesk.gui.app import _GuiThreadCollector

    collector = _GuiThreadCollector(qapp)
    try:
        assert not gc.isenabled()
        cycles = []
        for _ in range(gc.get_threshold()[0] * 2):
            cycle: list[object] = []
            cycle.append(cycle)
            cycles.append(cycle)
        cycles.clear()
        qtbot.waitUntil(lambda: gc.get_count()[0] < gc.get_threshold()[0], timeout=5000)
    finally:
        collector.stop()
    assert gc.isenabled()
