"""The user guides stay in step with the code: every command, template field and format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spotdesk.audio.naming import FIELDS
from spotdesk.cli.main import build_parser
from spotdesk.model import AudioFormat

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = [DOCS / "en" / "user-guide.md", DOCS / "zh-CN" / "user-guide.md"]


def command_names() -> list[str]:
    parser = build_parser()
    subparsers = parser._subparsers._group_actions[0]  # type: ignore[union-attr]
    return sorted(subparsers.choices)


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.parent.name)
def test_guide_names_every_command(guide: Path) -> None:
    text = guide.read_text(encoding="utf-8")
    for name in command_names():
        assert f"spotdesk {name}" in text, name


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.parent.name)
def test_guide_lists_every_template_field(guide: Path) -> None:
    text = guide.read_text(encoding="utf-8")
    for field in FIELDS:
        assert f"`{{{field}}}`" in text, field


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.parent.name)
def test_guide_lists_every_format(guide: Path) -> None:
    text = guide.read_text(encoding="utf-8").lower()
    for audio_format in AudioFormat:
        assert f"| {audio_format.value} |" in text, audio_format.value


def test_docs_links_resolve() -> None:
    for page in DOCS.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        for target in _relative_links(text):
            file_part, _, anchor = target.partition("#")
            path = (page.parent / file_part).resolve()
            assert path.exists(), f"{page.relative_to(DOCS)} links to missing {target}"
            if anchor and path.suffix == ".md":
                slugs = _heading_slugs(path.read_text(encoding="utf-8"))
                assert anchor in slugs, f"{page.relative_to(DOCS)} links to missing {target}"


def _heading_slugs(text: str) -> set[str]:
    """Return the anchors GitHub gives the headings: lower case, punctuation dropped."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    headings = re.findall(r"^#+\s+(.+?)\s*$", prose, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def _relative_links(text: str) -> list[str]:
    """Return the relative Markdown link targets outside fenced code blocks."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    links = re.findall(r"\]\(([^)\s]+)\)", prose)
    return [link for link in links if "://" not in link and not link.startswith("#")]
