"""Screenshots of the main views under a real X server (Xvfb), in English and Chinese.

The drawing runs in a subprocess with Qt's xcb platform, so the offscreen tests in this
process are unaffected. The PNG files land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QImage

from tests.gui.conftest import ROOT

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
EXPECTED = [
    "main-window-en.png",
    "main-window-zh_CN.png",
    "match-chooser-en.png",
    "match-chooser-zh_CN.png",
    "settings-en.png",
    "settings-spotify-en.png",
    "settings-zh_CN.png",
]

pytestmark = pytest.mark.screenshot


@pytest.fixture(scope="module")
def xvfb_display() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb); screenshots need an X server")
    read_end, write_end = os.pipe()
    # -displayfd makes Xvfb pick a free display number and write it to the pipe.
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb started but reported no display number")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def screenshots(xvfb_display: str, compiled_translations) -> dict:
    environment = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
    environment.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.screenshot_app", str(SCREENSHOTS)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_screenshots_saved(screenshots: dict) -> None:
    assert screenshots["platform"] == "xcb"
    for name in EXPECTED:
        image = QImage(str(SCREENSHOTS / name))
        assert not image.isNull(), name
        assert image.width() >= 400, name


def test_chinese_fonts_available(screenshots: dict) -> None:
    assert screenshots["language"] == "zh_CN"
    assert screenshots["chinese_fonts"], "no font covers Simplified Chinese (fonts-noto-cjk)"


def test_main_window_size(screenshots: dict) -> None:
    image = QImage(str(SCREENSHOTS / "main-window-en.png"))

    assert (image.width(), image.height()) == (1280, 760)
