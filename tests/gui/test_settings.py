"""Settings dialog round trip, the template preview, the store check and the first run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard

from spotdesk.config import Settings, config_dir, load_settings, save_settings
from spotdesk.gui.first_run import FirstRunGuide
from spotdesk.gui.settings_dialog import SettingsDialog, check_store
from spotdesk.gui.template_preview import preview_path
from spotdesk.model import AudioFormat, OverwritePolicy
from spotdesk.spotify.credentials import KEYRING_SERVICE, KEYRING_USER


def edited_settings(tmp_path: Path) -> Settings:
    return Settings(
        output_dir=str(tmp_path / "Music"),
        format=AudioFormat.FLAC,
        bitrate=320,
        template="{album_artist}/{album}/{track_number:02d} {title}.{ext}",
        lyrics=True,
        lrc_file=True,
        overwrite=OverwritePolicy.RENAME,
        workers=5,
        store_uri="mongodb://127.0.0.1:27017/spotdesk",
        language="zh_CN",
        minimise_to_tray=False,
        tray_hint_shown=True,
        watch_clipboard=True,
        cookies_from_browser="firefox",
        first_run_done=True,
        spotify_client_id="0123456789abcdef",
    )


def test_dialog_round_trip_keeps_every_setting(qtbot, tmp_path: Path) -> None:
    original = edited_settings(tmp_path)
    dialog = SettingsDialog(original)
    qtbot.addWidget(dialog)

    assert dialog.result_settings() == original


def test_dialog_edits_reach_saved_file(qtbot, tmp_path: Path) -> None:
    dialog = SettingsDialog(Settings(output_dir=str(tmp_path)))
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("opus"))
    dialog.workers.setValue(4)
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    dialog.watch_clipboard.setChecked(True)
    dialog.store_mongodb.setChecked(True)
    dialog.store_uri.setText("mongodb://127.0.0.1:1/queue")

    save_settings(dialog.result_settings())
    saved = load_settings()

    assert saved.format is AudioFormat.OPUS
    assert saved.workers == 4
    assert saved.language == "zh_CN"
    assert saved.watch_clipboard
    assert saved.store_uri == "mongodb://127.0.0.1:1/queue"


def test_embedded_store_clears_uri(qtbot, tmp_path: Path) -> None:
    dialog = SettingsDialog(edited_settings(tmp_path))
    qtbot.addWidget(dialog)

    dialog.store_embedded.setChecked(True)

    assert dialog.result_settings().store_uri == ""
    assert not dialog.test_store.isEnabled()


def test_bitrate_disabled_for_lossless(qtbot) -> None:
    dialog = SettingsDialog(Settings(format=AudioFormat.MP3))
    qtbot.addWidget(dialog)
    assert dialog.bitrate.isEnabled()

    dialog.format.setCurrentIndex(dialog.format.findData("flac"))

    assert not dialog.bitrate.isEnabled()


def test_template_preview_follows_typing(qtbot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)

    dialog.template.setText("{playlist}/{playlist_position:02d} {artist} - {title}.{ext}")

    assert dialog.template_preview.text() == "Evening Mix/07 Lost Sky - Fearless Pt. II.mp3"


def test_template_preview_reports_invalid(qtbot) -> None:
    path, problem = preview_path("{title", "mp3")

    assert path == ""
    assert problem is not None and problem.startswith("Invalid template:")


def test_secret_goes_to_keyring_only(qtbot, memory_keyring, tmp_path: Path) -> None:
    dialog = SettingsDialog(Settings(output_dir=str(tmp_path)))
    qtbot.addWidget(dialog)
    dialog.spotify_page.client_id.setText("0123456789abcdef")
    qtbot.keyClicks(dialog.spotify_page.client_secret, "s3cret-value")

    settings = dialog.result_settings()
    save_settings(settings)

    assert memory_keyring.secrets[(KEYRING_SERVICE, KEYRING_USER)] == "s3cret-value"
    files = [path for path in config_dir().rglob("*") if path.is_file()]
    assert files
    assert all("s3cret-value" not in path.read_text(encoding="utf-8") for path in files)
    assert settings.spotify_client_id == "0123456789abcdef"


def test_untouched_secret_left_alone(qtbot, memory_keyring) -> None:
    memory_keyring.secrets[(KEYRING_SERVICE, KEYRING_USER)] = "kept"
    dialog = SettingsDialog(Settings(spotify_client_id="id"))
    qtbot.addWidget(dialog)

    dialog.result_settings()

    assert memory_keyring.secrets[(KEYRING_SERVICE, KEYRING_USER)] == "kept"


def test_public_pages_explained(qtbot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)

    text = dialog.spotify_page.explanation.text()

    assert "public web pages" in text
    assert "no ISRC codes" in text
    assert not dialog.spotify_page.login_button.isEnabled()  # needs a client id first


def test_check_store_counts_sqlite(store_uri: str, store) -> None:
    ok, detail = check_store(store_uri)

    assert ok
    assert detail == "0"


def test_check_store_reports_unreachable_mongodb() -> None:
    # Port 9 on loopback is closed; the driver gives up after the short test timeout.
    ok, detail = check_store("mongodb://127.0.0.1:9/spotdesk?serverSelectionTimeoutMS=300")

    assert not ok
    assert detail


def test_test_button_runs_off_ui_thread(qtbot) -> None:
    dialog = SettingsDialog(
        Settings(store_uri="mongodb://127.0.0.1:9/x?serverSelectionTimeoutMS=300")
    )
    qtbot.addWidget(dialog)

    with qtbot.waitSignal(dialog.store_checked, timeout=20_000) as blocker:
        dialog.start_store_check()
        assert dialog.store_result.text() == "Connecting…"

    assert blocker.args[0] is False
    assert dialog.store_result.text().startswith("Connection failed:")


def test_test_button_rejects_non_mongodb_uri(qtbot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.store_mongodb.setChecked(True)
    dialog.store_uri.setText("postgres://x")

    dialog.start_store_check()

    assert dialog.store_result.text() == "Connection failed: Enter a URI starting with mongodb://"


def test_first_run_guide_sets_folder_and_format(qtbot, tmp_path: Path) -> None:
    guide = FirstRunGuide(Settings())
    qtbot.addWidget(guide)
    guide.folder.setText(str(tmp_path / "Songs"))
    guide.format.setCurrentIndex(guide.format.findData("m4a"))

    guide.done(QWizard.DialogCode.Accepted)
    result = guide.result_settings()

    assert result.output_dir == str(tmp_path / "Songs")
    assert result.format is AudioFormat.M4A
    assert result.first_run_done


def test_first_run_guide_skip_keeps_defaults(qtbot, tmp_path: Path) -> None:
    guide = FirstRunGuide(Settings(output_dir=str(tmp_path)))
    qtbot.addWidget(guide)
    guide.folder.setText("/elsewhere")

    guide.reject()
    result = guide.result_settings()

    assert result.output_dir == str(tmp_path)
    assert result.first_run_done
