"""Choose the interface language and install the compiled Qt translation."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from spotdesk.gui.resources import translations_dirs

log = logging.getLogger(__name__)

ENGLISH = "en"
CHINESE = "zh_CN"
SUPPORTED = (ENGLISH, CHINESE)

# Qt's marker for a string that lupdate extracts but that is translated later. It returns its
# source text unchanged, but PySide6 6.11's stub declares the result as `object`. The cast
# gives it the real type once, here. Callers import this name, because lupdate recognises the
# call by its name `QT_TRANSLATE_NOOP` and not by the module it comes from.
QT_TRANSLATE_NOOP = cast(Callable[[str, str], str], QtCore.QT_TRANSLATE_NOOP)


def resolve_language(setting: str, system: QLocale | None = None) -> str:
    """Return "en" or "zh_CN" for a language setting; an empty setting follows the system.

    Every Chinese locale written in simplified characters (zh_CN, zh_SG, zh_Hans_*) maps to
    zh_CN. Traditional Chinese has no translation yet, so it falls back to English.
    """
    if setting in SUPPORTED:
        return setting
    locale = system or QLocale.system()
    simplified = locale.script() == QLocale.Script.SimplifiedHanScript
    if locale.language() == QLocale.Language.Chinese and simplified:
        return CHINESE
    return ENGLISH


def find_translation(language: str) -> Path | None:
    """Return the compiled `spotdesk_<language>.qm`, or None when it was never built."""
    for folder in translations_dirs():
        path = folder / f"spotdesk_{language}.qm"
        if path.is_file():
            return path
    return None


class Translations:
    """The translators installed on the application, replaced when the language changes."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.language = ENGLISH

    def install(self, setting: str) -> str:
        """Install the translation for a language setting and return the language used."""
        if QCoreApplication.instance() is None:
            raise RuntimeError("create the QApplication before installing a translation")
        for translator in self._installed:
            QCoreApplication.removeTranslator(translator)
        self._installed.clear()

        language = resolve_language(setting)
        self.language = language
        QLocale.setDefault(QLocale(language))
        path = find_translation(language)
        if language == ENGLISH:
            # English needs only its plural forms ("1 track", "2 tracks").
            if path is not None:
                self._load(path)
            return language

        if path is None:
            log.warning(
                "translation spotdesk_%s.qm is not built; showing English. "
                "Reinstall spotdesk (pip install .) to compile the translations.",
                language,
            )
            self.language = ENGLISH
            return ENGLISH
        if not self._load(path):
            self.language = ENGLISH
            return ENGLISH

        # Qt's own strings: standard dialog buttons, context menus of text fields.
        qt_base = QTranslator()
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_base.load(f"qtbase_{language}", qt_folder):
            QCoreApplication.installTranslator(qt_base)
            self._installed.append(qt_base)
        log.info("interface language %s from %s", language, path)
        return language

    def _load(self, path: Path) -> bool:
        translator = QTranslator()
        if not translator.load(str(path)):
            log.warning("cannot load translation %s; showing English", path)
            return False
        QCoreApplication.installTranslator(translator)
        self._installed.append(translator)
        return True
