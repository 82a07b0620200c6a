"""Output paths from name templates, and every naming hazard."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotdesk.audio.naming import (
    MAX_PART_BYTES,
    InvalidTemplate,
    NamingError,
    render_path,
    render_relative,
    share_bytes,
    truncate_utf8,
)
from spotdesk.errors import UsageError
from spotdesk.model import DEFAULT_TEMPLATE, CollectionContext, LinkKind
from tests.audio_files.conftest import make_track

WINDOWS_RESERVED = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
WINDOWS_RESERVED_NAMES = re.compile(
    r"^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$", re.IGNORECASE
)
HAZARDS = [
    "CON",
    "nul.txt",
    "..",
    ".",
    " ",
    "a/b",
    "..\\x",
    "x. .",
    "\x00",
    "COM1 .",
    "é" * 130,
    "😀" * 70,
]


def name(template: str = DEFAULT_TEMPLATE, ext: str = "mp3", **changes: object) -> str:
    return render_relative(template, make_track(**changes), None, ext).as_posix()


def test_default_template() -> None:
    assert name() == "Tyler, The Creator, Frank Ocean - Test Tone.mp3"


def test_every_field_renders(tmp_path: Path) -> None:
    template = (
        "{album_artist}/{album} ({year})/{playlist} {playlist_position:03d} of {playlist_size}/"
        "{disc_number}-{disc_count} {track_number:02d} of {track_count} {artist} {artists} "
        "{title} {isrc} {spotify_id}.{ext}"
    )
    context = CollectionContext(LinkKind.PLAYLIST, "pl1", "Road Trip", position=7, size=30)

    path = render_relative(template, make_track(), context, "flac")

    assert path.parts == (
        "Tyler, The Creator",
        "Sine Waves (2017)",
        "Road Trip 007 of 30",
        "1-1 02 of 9 Tyler, The Creator Tyler, The Creator, Frank Ocean Test Tone "
        "USQX91700001 4uLU6hMCjMI75M1A2tKUQC.flac",
    )


def test_slash_in_template_makes_folders() -> None:
    assert name("{artist}/{album}/{title}.{ext}") == "Tyler, The Creator/Sine Waves/Test Tone.mp3"


def test_slash_in_value_makes_no_folder() -> None:
    assert name("{title}.{ext}", title="AC/DC: Back\\Forth") == "AC_DC_ Back_Forth.mp3"


@pytest.mark.parametrize("character", list('<>:"/\\|?*'))
def test_reserved_characters_replaced(character: str) -> None:
    assert name("{title}.{ext}", title=f"a{character}b") == "a_b.mp3"


def test_control_characters_removed() -> None:
    assert name("{title}.{ext}", title="tab\there\x00nul\x1fend\x7f") == "tab herenulend.mp3"


@pytest.mark.parametrize(
    "reserved", ["CON", "nul", "Com1", "LPT9", "aux", "PRN", "COM¹", "con.txt"]
)
def test_reserved_windows_names(reserved: str) -> None:
    assert name("{title}.{ext}", title=reserved) == f"_{reserved}.mp3"
    assert name("{title}/x.{ext}", title=reserved) == f"_{reserved}/x.mp3"


def test_leading_dot_never_hides() -> None:
    assert (
        name("{album}/{title}.{ext}", album=".hack", title=".spotdesk-x")
        == "_.hack/_.spotdesk-x.mp3"
    )


def test_reserved_name_after_trailing_strip() -> None:
    assert name("{title}.{ext}", title="COM1 .") == "_COM1.mp3"


def test_trailing_dots_and_spaces_stripped() -> None:
    assert name("{album}/{title}.{ext}", album="Greatest Hits...  ", title="Song. ") == (
        "Greatest Hits/Song.mp3"
    )


@pytest.mark.parametrize("value", ["..", ".", " .. ", "...."])
def test_dot_parts_never_climb(value: str) -> None:
    assert name("{album}/{title}.{ext}", album=value) == "_/Test Tone.mp3"


def test_dot_dot_in_template_is_rejected() -> None:
    with pytest.raises(InvalidTemplate):
        name("../{title}.{ext}")


def test_absolute_template_is_rejected() -> None:
    for template in ("/etc/{title}.{ext}", "\\\\server\\{title}", "C:{title}.{ext}"):
        with pytest.raises(InvalidTemplate):
            name(template)


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(UsageError) as caught:
        name("{composer}.{ext}")

    assert "{composer}" in caught.value.message
    assert "{title}" in caught.value.message


def test_empty_values_get_placeholders() -> None:
    assert name("{album}/{artists} - {title}.{ext}", album=None, artists=[], title="") == (
        "Unknown Album/Unknown Artist - Unknown Title.mp3"
    )


def test_empty_part_never_empty() -> None:
    assert name("{isrc}/{title}.{ext}", isrc=None) == "Test Tone.mp3"
    assert name("{isrc}.{ext}", isrc=None) == "_.mp3"


def test_playlist_folder_dropped_for_single_track() -> None:
    assert name("{playlist}/{playlist_position:02d} {title}.{ext}") == "Test Tone.mp3"


def test_ext_added_when_missing() -> None:
    assert name("{title}", ext="opus") == "Test Tone.opus"


def test_long_multibyte_name_cut_on_character() -> None:
    title = "音" * 200  # 600 bytes of UTF-8

    result = name("{title}.{ext}", ext="flac", title=title)

    assert len(result.encode("utf-8")) <= MAX_PART_BYTES
    assert result.endswith(".flac")
    assert set(result.removesuffix(".flac")) == {"音"}


def test_long_folder_cut_to_255_bytes() -> None:
    result = render_relative("{album}/{title}.{ext}", make_track(album="é" * 300), None, "mp3")

    assert len(result.parts[0].encode("utf-8")) <= MAX_PART_BYTES
    assert result.parts[0] == "é" * 127


def test_truncate_utf8_never_splits() -> None:
    assert truncate_utf8("a😀b", 3) == "a"
    assert truncate_utf8("a😀b", 5) == "a😀"


def test_unicode_is_nfc() -> None:
    assert name("{title}.{ext}", title="Cafe\u0301") == "Caf\u00e9.mp3"


def test_multi_disc_adds_disc_number() -> None:
    template = "{album}/{track_number:02d} {title}.{ext}"

    assert name(template, disc_number=2, disc_count=2) == "Sine Waves/2-02 Test Tone.mp3"
    assert name(template, disc_number=1, disc_count=1) == "Sine Waves/02 Test Tone.mp3"
    assert name("{disc_number}.{track_number} {title}.{ext}", disc_number=2, disc_count=2) == (
        "2.2 Test Tone.mp3"
    )


def test_invalid_format_spec_is_rejected() -> None:
    with pytest.raises(InvalidTemplate):
        name("{title:05d}.{ext}")


def test_render_path_stays_inside_folder(tmp_path: Path) -> None:
    path = render_path(tmp_path, "{album}/{title}.{ext}", make_track(), None, "mp3")

    assert path == tmp_path / "Sine Waves" / "Test Tone.mp3"


def test_render_path_rejects_symlink_escape(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    library = tmp_path / "library"
    library.mkdir()
    os.symlink(outside, library / "Sine Waves")

    with pytest.raises(NamingError) as caught:
        render_path(library, "{album}/{title}.{ext}", make_track(), None, "mp3")

    assert caught.value.code == "naming.invalid_path"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(min_size=0, max_size=300),
    album=st.one_of(st.none(), st.text(max_size=300)),
    artists=st.lists(st.text(max_size=40), max_size=4),
)
def test_any_metadata_gives_valid_parts(
    tmp_path: Path, title: str, album: str | None, artists: list[str]
) -> None:
    track = make_track(title=title, album=album, artists=artists)

    path = render_path(tmp_path, "{album}/{artists} - {title}.{ext}", track, None, "m4a")

    relative = path.relative_to(tmp_path)
    assert len(relative.parts) == 2
    assert relative.name.endswith(".m4a")
    for part in relative.parts:
        assert part not in ("", ".", "..")
        assert not part.startswith(".")
        assert not WINDOWS_RESERVED_NAMES.match(part)
        assert not WINDOWS_RESERVED.search(part)
        assert not part.endswith((" ", "."))
        assert len(part.encode("utf-8")) <= MAX_PART_BYTES


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pieces=st.lists(st.sampled_from(HAZARDS), min_size=1, max_size=4))
def test_hazard_combinations_give_valid_parts(tmp_path: Path, pieces: list[str]) -> None:
    value = "".join(pieces)
    track = make_track(title=value, album=value, artists=[value])

    path = render_path(tmp_path, "{album}/{artist}/{title}.{ext}", track, None, "opus")

    relative = path.relative_to(tmp_path)
    assert len(relative.parts) == 3
    for part in relative.parts:
        assert part not in ("", ".", "..")
        assert not part.startswith(".")
        assert not part.endswith((" ", "."))
        assert not WINDOWS_RESERVED.search(part)
        assert not WINDOWS_RESERVED_NAMES.match(part)
        assert len(part.encode("utf-8")) <= MAX_PART_BYTES


def test_long_artist_keeps_title_visible() -> None:
    track = make_track(artists=["A" * 300], title="Real Title")
    name = render_relative("{artists} - {title}.{ext}", track, None, "mp3").name
    assert name.endswith(" - Real Title.mp3")
    assert len(name.encode("utf-8")) == 255


def test_every_long_field_keeps_a_share() -> None:
    track = make_track(artists=["é" * 300], title="漢" * 200, album="B" * 400)
    path = render_relative("{album}/{artists} - {title}.{ext}", track, None, "mp3")
    folder, name = path.parts
    assert folder == "B" * 255
    assert len(name.encode("utf-8")) <= 255
    artist_part, title_part = name.removesuffix(".mp3").split(" - ")
    assert len(artist_part.encode("utf-8")) >= 100
    assert len(title_part.encode("utf-8")) >= 100


def test_short_field_keeps_whole_value() -> None:
    track = make_track(artists=["Short"], title="t" * 400)
    name = render_relative("{artists} - {title}.{ext}", track, None, "mp3").name
    assert name.startswith("Short - ttt")
    assert len(name.encode("utf-8")) == 255


def test_share_bytes_fills_budget() -> None:
    assert share_bytes([10, 500, 500], 210) == [10, 100, 100]
    assert share_bytes([5, 6], 100) == [5, 6]
    assert share_bytes([300, 300, 300], 0) == [0, 0, 0]


@pytest.mark.parametrize(
    "character", ["\u202e", "\u202a", "\u200b", "\u200f", "\u2066", "\u2069", "\ufeff"]
)
def test_format_characters_removed(character: str) -> None:
    track = make_track(title=f"Song{character}gnp.exe", artists=[f"Art{character}ist"])
    name = render_relative("{artists} - {title}.{ext}", track, None, "mp3").name
    assert name == "Artist - Songgnp.exe.mp3"


def test_bidi_override_cannot_fake_extension() -> None:
    track = make_track(title="\u202egnp.exe", artists=["A"])
    path = render_relative("{album}\u200b/{artists} - {title}.{ext}", track, None, "mp3")
    assert all(unicodedata.category(character) != "Cf" for character in str(path))
    assert path.suffix == ".mp3"


def test_only_format_characters_get_placeholder() -> None:
    track = make_track(title="\u200b\u200b", artists=["A"])
    name = render_relative("{artists} - {title}.{ext}", track, None, "mp3").name
    assert name == "A - Unknown Title.mp3"
