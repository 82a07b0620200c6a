"""Find the icons and compiled translations, installed or in a source checkout.

An installed wheel carries them in `spotdesk/resources/` (the build step copies the
repository's `resources/` folder there and compiles the `.ts` files to `.qm`). A source
checkout, editable install included, uses `resources/` at the repository root, where the
build step writes the `.qm` files beside the `.ts` files.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CANDIDATES = (_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent / "resources")

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
# A folder of compiled translations that wins over the built-in ones, for testing a
# translation without reinstalling.
TRANSLATIONS_DIR_ENV = "SPOTDESK_TRANSLATIONS_DIR"


@cache
def resources_dir() -> Path | None:
    """Return the first resources folder that contains the app icon, or None."""
    for candidate in _CANDIDATES:
        if (candidate / "icons" / "spotdesk.svg").is_file():
            return candidate
    log.warning("no resources folder found in %s", ", ".join(map(str, _CANDIDATES)))
    return None


def translations_dirs() -> list[Path]:
    """Return the folders that may hold compiled `.qm` files, most specific first."""
    folders = [candidate / "translations" for candidate in _CANDIDATES]
    override = os.environ.get(TRANSLATIONS_DIR_ENV)
    return [Path(override), *folders] if override else folders


def icon_files() -> list[Path]:
    """Return the app icon's files: the SVG, then every PNG size present."""
    folder = resources_dir()
    if folder is None:
        return []
    icons = folder / "icons"
    files = [icons / "spotdesk.svg"]
    files += [icons / f"spotdesk-{size}.png" for size in ICON_SIZES]
    return [path for path in files if path.is_file()]
