"""The Linux .desktop file and AppStream metainfo in packaging/linux/."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from spotdesk import __version__
from spotdesk.desktop_entry import APP_ID, DESKTOP_FILE_NAME, ENTRY_TEXT

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"
DESKTOP_FILE = LINUX / DESKTOP_FILE_NAME
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_desktop_file_required_keys() -> None:
    entry = read_desktop_entry(DESKTOP_FILE)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "spotdesk"
    assert entry["Exec"] == "spotdesk"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


def test_desktop_file_has_chinese_texts() -> None:
    entry = read_desktop_entry(DESKTOP_FILE)
    for key, (english, chinese) in ENTRY_TEXT.items():
        assert entry[key] == english
        assert entry[f"{key}[zh_CN]"] == chinese


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils missing"
)
def test_desktop_file_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_metainfo_ids_match_desktop_file() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP_FILE_NAME
    assert root.findtext("provides/binary") == "spotdesk"


def test_metainfo_licences() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "GPL-3.0-or-later"


def test_metainfo_summary_in_both_languages() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    summaries = {element.get(XML_LANG): element.text for element in root.findall("summary")}
    assert summaries[None] == ENTRY_TEXT["Comment"][0]
    assert summaries["zh-CN"] == ENTRY_TEXT["Comment"][1]


def test_metainfo_description_in_both_languages() -> None:
    description = ElementTree.parse(METAINFO).getroot().find("description")
    assert description is not None
    english = [p for p in description.iter("p") if p.get(XML_LANG) is None]
    chinese = [p for p in description.iter("p") if p.get(XML_LANG) == "zh-CN"]
    assert len(english) == len(chinese)
    assert english
    english_items = [li for li in description.iter("li") if li.get(XML_LANG) is None]
    chinese_items = [li for li in description.iter("li") if li.get(XML_LANG) == "zh-CN"]
    assert len(english_items) == len(chinese_items)


def test_metainfo_release_is_package_version() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    versions = [release.get("version") for release in root.iter("release")]
    assert versions[0] == __version__


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream missing")
def test_metainfo_validates() -> None:
    # --no-net: the validator would otherwise fetch the homepage and screenshot URLs.
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_screenshots_are_in_repository() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    images = [image.text or "" for image in root.iter("image")]
    assert images
    for url in images:
        name = url.rsplit("/docs/", 1)[1]
        assert (LINUX.parents[1] / "docs" / name).is_file(), url
