"""Compare spotdesk's per-track pipeline time with a bare download-convert-tag script.

Both sides download the same local source files with real yt-dlp from a loopback HTTP
server, convert them with one ffmpeg run and save tags with mutagen. spotdesk adds what
the bare script lacks: path rendering, the library index, a writability check, a probe
for the duration check, cover and lyrics steps (both empty here), and the atomic rename.
Each side runs twice: to m4a (AAC sources, so a remux) and to mp3 (a transcode).

    python3 benchmarks/pipeline.py [--files 20] [--seconds 30] [--rounds 3]

The last line printed is one JSON object with `overhead_ratio` (spotdesk time over bare
time, both modes together) and `remux_speedup` (spotdesk transcode time over remux time).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import yt_dlp  # noqa: E402
from mutagen.id3 import TIT2, TPE1  # noqa: E402
from mutagen.mp3 import MP3  # noqa: E402
from mutagen.mp4 import MP4  # noqa: E402

from spotdesk.audio.ffmpeg import find_ffmpeg  # noqa: E402
from spotdesk.config import ServiceUrls  # noqa: E402
from spotdesk.model import AudioFormat, OutputOptions, Track  # noqa: E402
from spotdesk.pipeline import Pipeline  # noqa: E402
from tests.fakes.media_server import MediaServer, make_tone  # noqa: E402

MODES = {"remux": AudioFormat.M4A, "transcode": AudioFormat.MP3}
BITRATE = 192


class BareScript:
    """Download, convert and tag files the shortest way: the baseline.

    With `shared_downloader` one `YoutubeDL` serves every file, as spotdesk's `Fetcher`
    does; without it each file builds its own, as a one-file-per-run script would.
    """

    def __init__(self, folder: Path, shared_downloader: bool) -> None:
        self.folder = folder
        self.shared_downloader = shared_downloader
        self._downloader: yt_dlp.YoutubeDL | None = None

    def _options(self) -> dict[str, object]:
        return {
            "format": "bestaudio/best",
            "outtmpl": {"default": str(self.folder / "source-%(title)s.%(ext)s")},
            "quiet": True,
            "no_warnings": True,
            "noprogress": True,
        }

    def download(self, url: str) -> Path:
        if not self.shared_downloader:
            with yt_dlp.YoutubeDL(self._options()) as downloader:
                info = downloader.extract_info(url, download=True)
        else:
            if self._downloader is None:
                self._downloader = yt_dlp.YoutubeDL(self._options())
            info = self._downloader.extract_info(url, download=True)
        return Path(info["requested_downloads"][0]["filepath"])

    def track(self, url: str, number: int, audio_format: AudioFormat) -> None:
        source = self.download(url)
        target = self.folder / f"Artist - Song {number}.{audio_format.value}"
        if audio_format is AudioFormat.M4A:
            codec = ["-c:a", "copy"]
        else:
            codec = ["-c:a", "libmp3lame", "-b:a", f"{BITRATE}k"]
        subprocess.run(
            [
                str(find_ffmpeg()),
                "-hide_banner",
                "-nostdin",
                "-loglevel",
                "error",
                "-y",
                "-i",
                str(source),
                "-vn",
                *codec,
                str(target),
            ],
            check=True,
        )
        source.unlink()
        if audio_format is AudioFormat.M4A:
            mp4 = MP4(target)
            mp4["\xa9nam"] = [f"Song {number}"]
            mp4["\xa9ART"] = ["Artist"]
            mp4.save()
        else:
            mp3 = MP3(target)
            if mp3.tags is None:
                mp3.add_tags()
            mp3.tags.add(TIT2(encoding=3, text=[f"Song {number}"]))
            mp3.tags.add(TPE1(encoding=3, text=["Artist"]))
            mp3.save()


def spotdesk_track(
    pipeline: Pipeline, url: str, folder: Path, number: int, audio_format: AudioFormat
) -> None:
    track = Track(
        id=f"benchmarkTrack{number:08d}",
        title=f"Song {number}",
        artists=["Artist"],
        duration_ms=None,
    )
    options = OutputOptions(folder=str(folder), format=audio_format, bitrate=BITRATE)
    result = pipeline.run(track, options, chosen_url=url)
    assert result.status == "downloaded", result


def time_tracks(run_one: Callable[[str, int], None], urls: list[str]) -> list[float]:
    times = []
    for number, url in enumerate(urls):
        started = time.perf_counter()
        run_one(url, number)
        times.append(time.perf_counter() - started)
    return times


SIDES = ("bare", "bare_per_file", "spotdesk")


def make_runner(
    side: str, folder: Path, audio_format: AudioFormat, pipeline: Pipeline
) -> Callable[[str, int], None]:
    if side == "spotdesk":
        return lambda url, number: spotdesk_track(pipeline, url, folder, number, audio_format)
    script = BareScript(folder, shared_downloader=side == "bare")
    return lambda url, number: script.track(url, number, audio_format)


def measure(urls: list[str], workspace: Path, rounds: int) -> dict[str, list[float]]:
    """Return the per-track times of the fastest round for every side and mode."""
    pipeline = Pipeline(ServiceUrls())
    best: dict[str, list[float]] = {}
    for round_number in range(rounds):
        # Sides alternate within each round, so load from other processes on the machine
        # spreads over all of them rather than landing on one.
        for mode, audio_format in MODES.items():
            for side in SIDES:
                folder = workspace / f"{mode}-{side}-{round_number}"
                folder.mkdir()
                times = time_tracks(make_runner(side, folder, audio_format, pipeline), urls)
                key = f"{side}_{mode}"
                if key not in best or sum(times) < sum(best[key]):
                    best[key] = times
                shutil.rmtree(folder)
    return best


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=20, help="number of source files (default 20)")
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="length of each source in seconds"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs per side and mode; the fastest counts"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    workspace = Path(tempfile.mkdtemp(prefix="spotdesk-bench-"))
    try:
        sources = workspace / "sources"
        sources.mkdir()
        files = [
            make_tone(sources / f"tone-{n}.m4a", args.seconds, 200 + 10 * n)
            for n in range(args.files)
        ]
        with MediaServer() as server:
            urls = [server.add(path.name, path) for path in files]
            # One warm-up file, so importing yt-dlp's extractors counts for no side.
            warm_up = workspace / "warm-up"
            warm_up.mkdir()
            BareScript(warm_up, shared_downloader=False).track(urls[0], 0, AudioFormat.M4A)
            best = measure(urls, workspace, args.rounds)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)

    totals = {key: sum(times) for key, times in best.items()}
    for key, times in best.items():
        print(
            f"{key:24} per track: mean {statistics.mean(times) * 1000:7.1f} ms, "
            f"median {statistics.median(times) * 1000:7.1f} ms"
        )

    def both_modes(side: str) -> float:
        return totals[f"{side}_remux"] + totals[f"{side}_transcode"]

    summary = {
        "files": args.files,
        "seconds_per_file": args.seconds,
        "rounds": args.rounds,
        # Against the stronger baseline: a script that also reuses one YoutubeDL.
        "overhead_ratio": ratio(both_modes("spotdesk"), both_modes("bare")),
        "overhead_ratio_remux": ratio(totals["spotdesk_remux"], totals["bare_remux"]),
        "overhead_ratio_transcode": ratio(totals["spotdesk_transcode"], totals["bare_transcode"]),
        "overhead_ratio_vs_per_file_downloader": ratio(
            both_modes("spotdesk"), both_modes("bare_per_file")
        ),
        "remux_speedup": round(totals["spotdesk_transcode"] / totals["spotdesk_remux"], 2),
        "per_track_ms": {
            key: round(statistics.mean(times) * 1000, 1) for key, times in best.items()
        },
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
