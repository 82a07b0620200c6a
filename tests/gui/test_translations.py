"""The Chinese translation: complete, finished, compiled and used by the window."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt

from spotdesk.gui.error_text import ERROR_SENTENCES, describe_error
from spotdesk.gui.i18n import Translations, find_translation, resolve_language
from tests.gui.conftest import ROOT, TS_FILE
from tests.gui.translatable import GUI_DIR, source_strings

PLACEHOLDER = re.compile(r"\{[a-z_]+(?::[^}]*)?\}|%n")


def messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            found[(name, message.findtext("source"))] = message
    return found


def translation_text(message: ET.Element) -> str:
    translation = message.find("translation")
    assert translation is not None
    forms = translation.findall("numerusform")
    return "".join(form.text or "" for form in forms) if forms else (translation.text or "")


@pytest.fixture(scope="module")
def committed() -> dict[tuple[str, str], ET.Element]:
    return messages(TS_FILE)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], ET.Element]:
    """Run lupdate over the GUI sources into a fresh file."""
    target = tmp_path_factory.mktemp("lupdate") / "fresh.ts"
    sources = sorted(str(path) for path in GUI_DIR.glob("*.py"))
    subprocess.run(
        ["pyside6-lupdate", *sources, "-ts", str(target)], check=True, capture_output=True, cwd=ROOT
    )
    return messages(target)


def test_every_lupdate_string_translated(extracted, committed) -> None:
    missing = sorted(set(extracted) - set(committed))

    assert missing == []


def test_lupdate_sees_every_tr_call(extracted) -> None:
    unseen = sorted(source_strings() - set(extracted))

    assert unseen == []


def test_no_unfinished_or_obsolete_entries(committed) -> None:
    unfinished = [
        key
        for key, message in committed.items()
        if message.find("translation").get("type") in ("unfinished", "obsolete", "vanished")
    ]

    assert unfinished == []


def test_every_translation_non_empty(committed) -> None:
    empty = [key for key, message in committed.items() if not translation_text(message).strip()]

    assert empty == []


def test_placeholders_kept_in_translation(committed) -> None:
    broken = [
        key
        for key, message in committed.items()
        if sorted(PLACEHOLDER.findall(key[1]))
        != sorted(PLACEHOLDER.findall(translation_text(message)))
    ]

    assert broken == []


def test_translations_are_chinese(committed) -> None:
    # Brand names and format strings may stay Latin; sentences must not.
    latin_only = [
        key
        for key, message in committed.items()
        if len(PLACEHOLDER.sub("", key[1]).split()) > 2
        and not re.search(r"[\u4e00-\u9fff]", translation_text(message))
    ]

    assert latin_only == []


def test_accelerators_kept(committed) -> None:
    lost = [
        key
        for key, message in committed.items()
        if re.search(r"&[A-Za-z]", key[1])
        and not re.search(r"\(&[A-Z]\)", translation_text(message))
    ]

    assert lost == []


def test_compiled_translation_found(compiled_translations) -> None:
    assert find_translation("zh_CN") == compiled_translations / "spotdesk_zh_CN.qm"


def test_chinese_installed_translates(qapp) -> None:
    translations = Translations()
    try:
        assert translations.install("zh_CN") == "zh_CN"
        assert QCoreApplication.translate("ErrorText", "Downloading") == "正在下载"
        assert describe_error("fs.disk_full", None) == "磁盘已满。请腾出空间后重试。"
        assert (
            QCoreApplication.translate("StatusBar", "Workers: %n running", "", 3)
            == "工作进程：3 个运行中"
        )
    finally:
        translations.install("en")
    assert QCoreApplication.translate("ErrorText", "Downloading") == "Downloading"


def test_window_switches_language_live(window, qtbot) -> None:
    translations = Translations()
    try:
        translations.install("zh_CN")
        qtbot.waitUntil(lambda: window.actions_.pause_all.text() == "全部暂停", timeout=3000)
        assert window.model.headerData(0, Qt.Orientation.Horizontal) == "标题"
        assert window.link_box.add_button.text() == "添加(&A)"
    finally:
        translations.install("en")
    qtbot.waitUntil(lambda: window.actions_.pause_all.text() == "Pause all", timeout=3000)


@pytest.mark.parametrize(
    ("setting", "system", "expected"),
    [
        ("", "zh_CN", "zh_CN"),
        ("", "zh_SG", "zh_CN"),
        ("", "zh_TW", "en"),
        ("", "de_DE", "en"),
        ("en", "zh_CN", "en"),
        ("zh_CN", "en_US", "zh_CN"),
        ("fr", "en_US", "en"),
    ],
)
def test_language_choice(setting: str, system: str, expected: str) -> None:
    assert resolve_language(setting, QLocale(system)) == expected


def test_every_known_error_code_has_sentence() -> None:
    codes = {
        "fetch.bot_check",
        "spotify.rate_limited",
        "match.needs_review",
        "ffmpeg.missing",
        "fs.disk_full",
        "link.invalid",
        "store.unavailable",
    }

    assert codes <= set(ERROR_SENTENCES)


def test_unknown_code_falls_back_to_message() -> None:
    assert describe_error("new.code", "A newer worker said this.") == "A newer worker said this."
    assert describe_error(None, None).startswith("Failed for an unknown reason")


def test_english_plural_forms_complete(extracted) -> None:
    english = messages(TS_FILE.with_name("spotdesk_en.ts"))
    plural = {key for key, message in extracted.items() if message.get("numerus") == "yes"}

    assert plural <= set(english)
    for key in plural:
        forms = english[key].find("translation").findall("numerusform")
        assert [bool(form.text) for form in forms] == [True, True], key


def test_english_plurals_read_naturally() -> None:
    from spotdesk.gui.task_display import TaskCounts

    counts = TaskCounts()

    assert counts.tracks(1) == "1 track"
    assert counts.tracks(12) == "12 tracks"
