"""Invisible Unicode format characters in request folders and templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from spotdesk.api.paths import UnsafePath, check_template, resolve_folder
from tests.api.conftest import RunningApi
from tests.api.helpers import TRACK_LINKS

DOWNLOADS = "/api/v1/downloads"
FORMAT_CHARACTERS = ["\u202e", "\u202a", "\u200b", "\u200d", "\u2066", "\u2069", "\ufeff"]


@pytest.mark.parametrize("character", FORMAT_CHARACTERS)
def test_template_format_character_rejected(character: str) -> None:
    with pytest.raises(UnsafePath) as caught:
        check_template(f"{{artists}} - {{title}}{character}gnp.exe.{{ext}}")
    assert f"U+{ord(character):04X}" in caught.value.message
    assert "invisible Unicode format characters" in caught.value.message


@pytest.mark.parametrize("character", FORMAT_CHARACTERS)
def test_folder_format_character_rejected(character: str, tmp_path: Path) -> None:
    with pytest.raises(UnsafePath, match=f"U\\+{ord(character):04X}"):
        resolve_folder(f"Jazz{character}", tmp_path)


def test_visible_unicode_accepted(tmp_path: Path) -> None:
    check_template("{artists} – {title} ♪ 漢字.{ext}")
    assert resolve_folder("Música/漢字", tmp_path) == tmp_path.resolve() / "Música" / "漢字"


def test_api_rejects_bidi_override_template(api: RunningApi) -> None:
    template = "{title}\u202egnp.exe.{ext}"
    response = api.client.post(
        DOWNLOADS, json={"links": [TRACK_LINKS[0]], "options": {"template": template}}
    )

    assert response.status_code == 422
    problem = response.json()["error"]["problems"][0]
    assert problem["location"] == "options.template"
    assert "U+202E" in problem["message"]
    assert api.client.get(DOWNLOADS).json()["tasks"] == []


def test_api_rejects_zero_width_folder(api: RunningApi) -> None:
    response = api.client.post(
        DOWNLOADS, json={"links": [TRACK_LINKS[0]], "options": {"folder": "Ja\u200bzz"}}
    )

    assert response.status_code == 422
    problem = response.json()["error"]["problems"][0]
    assert problem["location"] == "options.folder"
    assert "U+200B" in problem["message"]
