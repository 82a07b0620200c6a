"""Names from Spotify reach the terminal with control characters escaped, and empty
arguments get a message."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from spotdesk.cli.download_display import (
    DownloadSummary,
    Outcome,
    ProgressDisplay,
    QueueDisplay,
    format_summary,
)
from spotdesk.cli.main import main
from spotdesk.cli.match import LinkReport, TrackReport, print_text
from spotdesk.cli.resolve import format_resolution
from spotdesk.cli.terminal import printable
from spotdesk.model import (
    LinkKind,
    OutputOptions,
    Progress,
    Resolution,
    SkippedEntry,
    SpotifyLink,
    Stage,
    Task,
    TaskKind,
    TaskState,
    Track,
)

# A name that tries to recolour the terminal, ring its bell, end a C string early and
# reverse the text after it.
HOSTILE = "Red\x1b[31m Bell\x07 Nul\x00 \u202eevil"
ESCAPED = "Red\\x1b[31m Bell\\x07 Nul\\x00 \\u202eevil"
RAW_CONTROLS = ("\x1b", "\x07", "\x00", "\u202e")
PLAYLIST_ID = "37i9dQZF1DXcBWIGoYBM5M"
TRACK_ID = "4uLU6hMCjMI75M1A2tKUQC"


class Terminal(io.StringIO):
    """A captured stream that reports being a terminal, so displays draw their live line."""

    def isatty(self) -> bool:
        return True


def assert_no_raw_controls(text: str) -> None:
    for character in RAW_CONTROLS:
        assert character not in text, f"{character!r} reached the output"


# ---- printable ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain ASCII", "plain ASCII"),
        ("東京事変 – 群青日和", "東京事変 – 群青日和"),
        ("Beyoncé 🎵", "Beyoncé 🎵"),
        (HOSTILE, ESCAPED),
        ("line\nbreak\ttab\rreturn", "line\\x0abreak\\x09tab\\x0dreturn"),
        ("delete\x7f", "delete\\x7f"),
        ("c1 csi\x9b2J", "c1 csi\\x9b2J"),
        ("a\u200bb\u200fc\ufeffd", "a\\u200bb\\u200fc\\ufeffd"),
        ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
        ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),
        ("tag \U000e0041", "tag \\U000e0041"),
        ("", ""),
    ],
)
def test_printable_escapes(text: str, expected: str) -> None:
    assert printable(text) == expected


def test_printable_keeps_spaces() -> None:
    assert printable("no\u00a0break and wide\u3000space") == "no\u00a0break and wide\u3000space"


# ---- resolve and match -------------------------------------------------------------------


def hostile_track() -> Track:
    return Track(id=TRACK_ID, title=HOSTILE, artists=[HOSTILE], album=HOSTILE, duration_ms=200_000)


def test_resolve_text_escapes_names() -> None:
    resolution = Resolution(
        link=SpotifyLink(LinkKind.PLAYLIST, PLAYLIST_ID),
        name=HOSTILE,
        owner=HOSTILE,
        tracks=[hostile_track()],
        skipped=[SkippedEntry(reason="local_file", message=HOSTILE, position=2, title=HOSTILE)],
    )

    text = format_resolution(resolution)

    assert_no_raw_controls(text)
    assert f"Playlist: {ESCAPED} by {ESCAPED}" in text
    assert f"{ESCAPED} - {ESCAPED} [3:20]" in text
    assert len(text.splitlines()) == 6  # lines stay lines: header, link, 3 track, 1 skipped


def test_match_text_escapes_names(capsys: pytest.CaptureFixture[str]) -> None:
    report = LinkReport(
        link=f"https://open.spotify.com/playlist/{PLAYLIST_ID}", name=HOSTILE, kind="playlist"
    )
    report.tracks.append(
        TrackReport(track=hostile_track(), position=1, error={"message": HOSTILE, "code": "x"})
    )

    print_text([report], candidate_count=5)

    output = capsys.readouterr().out
    assert_no_raw_controls(output)
    assert f"{ESCAPED} (playlist)" in output
    assert f"failed: {ESCAPED} [x]" in output


def test_json_escapes_c0_controls() -> None:
    text = json.dumps({"title": HOSTILE}, ensure_ascii=False)

    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\x00" not in text
    assert json.loads(text)["title"] == HOSTILE


# ---- download displays -------------------------------------------------------------------


def test_progress_display_escapes_names() -> None:
    stream = Terminal()
    summary = DownloadSummary()
    display = ProgressDisplay(stream, 1, summary)

    display.start_track(HOSTILE, 1)
    display.update(Progress(stage=Stage.DOWNLOADING, fraction=0.5))
    display.finish_track(Outcome(HOSTILE, "failed", HOSTILE, code="x"))

    assert_no_raw_controls(stream.getvalue())
    assert f"failed: {ESCAPED} ({ESCAPED})" in stream.getvalue()


def test_summary_escapes_names() -> None:
    summary = DownloadSummary()
    summary.add(Outcome(HOSTILE, "failed", HOSTILE, code="x"))
    summary.add(Outcome(HOSTILE, "skipped", HOSTILE))

    text = format_summary(summary)

    assert_no_raw_controls(text)
    assert f"  failed        {ESCAPED}: {ESCAPED} [x]" in text
    assert len(text.splitlines()) == 3


def running_track_task(title: str) -> Task:
    return Task(
        id="t1",
        kind=TaskKind.TRACK,
        state=TaskState.RUNNING,
        link=f"https://open.spotify.com/track/{TRACK_ID}",
        options=OutputOptions(folder="/music"),
        track=Track(id=TRACK_ID, title=title, artists=[title]),
        stage=Stage.DOWNLOADING,
        progress=0.5,
    )


def test_queue_display_escapes_names() -> None:
    stream = Terminal()
    display = QueueDisplay(stream, DownloadSummary())

    display.on_change(running_track_task(HOSTILE))

    assert_no_raw_controls(stream.getvalue())
    assert ESCAPED in stream.getvalue()


@pytest.mark.parametrize("display_kind", ["progress", "queue"])
def test_close_clears_live_line(display_kind: str) -> None:
    stream = Terminal()
    summary = DownloadSummary()
    display: ProgressDisplay | QueueDisplay
    if display_kind == "progress":
        display = ProgressDisplay(stream, 2, summary)
        display.start_track("Artist - Title", 1)
        display.update(Progress(stage=Stage.DOWNLOADING, fraction=0.5))
    else:
        display = QueueDisplay(stream, summary)
        display.on_change(running_track_task("Title"))
    drawn = stream.getvalue()
    assert drawn and not drawn.endswith("\n")

    display.close()
    stream.write(format_summary(summary))

    after_close = stream.getvalue()[len(drawn) :]
    assert after_close.startswith("\r" + " " * len(drawn.lstrip("\r")) + "\r")
    assert after_close.rstrip().endswith(format_summary(summary))


def test_close_without_live_line_writes_nothing() -> None:
    stream = Terminal()
    display = QueueDisplay(stream, DownloadSummary())

    display.close()

    assert stream.getvalue() == ""


# ---- empty arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["resolve", ""],
        ["resolve", " ", "\t"],
        ["match", " "],
        ["download", ""],
        ["download", "--in-process", ""],
        ["download", "# only a comment"],
    ],
)
def test_empty_links_is_usage_error(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output_folder = ["-o", str(tmp_path)] if argv[0] == "download" else []

    status = main([*argv, *output_folder])

    error = capsys.readouterr().err
    assert status == 2
    assert "no Spotify link in the input; accepted forms:" in error
    assert "open.spotify.com/track/ID" in error


def test_download_empty_output_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["download", f"spotify:track:{TRACK_ID}", "-o", ""])

    captured = capsys.readouterr()
    assert status == 2
    assert "-o/--output is empty" in captured.err
    assert "Downloaded" not in captured.out


def test_download_log_escapes_skipped_names(caplog: pytest.LogCaptureFixture) -> None:
    from spotdesk.cli.download import _report_unlisted

    resolution = Resolution(
        link=SpotifyLink(LinkKind.PLAYLIST, PLAYLIST_ID),
        name="Mix",
        tracks=[],
        skipped=[SkippedEntry(reason="local_file", message=HOSTILE, position=1, title=HOSTILE)],
    )

    with caplog.at_level("INFO", logger="spotdesk.cli.download"):
        _report_unlisted(resolution, DownloadSummary())

    assert_no_raw_controls(caplog.text)
    assert f"{ESCAPED}: skipped by Spotify: {ESCAPED}" in caplog.text
