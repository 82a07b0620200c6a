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


def bare_track(url: str, folder: Path, number: int, audio_format: AudioFormat) -> None:
    """Download, convert and tag one file the shortest way: the baseline."""
    options = {
        "format": "bestaudio/best",
        "outtmpl": {"default": str(folder / f"source-{number}.%(ext)s")},
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
    }
    with yt_dlp.YoutubeDL(options) as downloader:
        info = downloader.extract_info(url, download=True)
    source = Path(info["requested_downloads"][0]["filepath"])
    target = folder / f"Artist - Song {number}.{audio_format.value}"
    codec = ["-c:a", "copy"] if audio_format is AudioFormat.M4A else ["-c:a", "libmp3lame", "-b:a", f"{BITRATE}k"]
    subprocess.run(
        [str(find_ffmpeg()), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(source),
         "-vn", *codec, str(target)],
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
        mp3.add_tags()
        mp3.tags.add(TIT2(encoding=3, text=[f"Song {number}"]))
        mp3.tags.add(TPE1(encoding=3, text=["Artist"]))
        mp3.save()


def spotdesk_track(pipeline: Pipeline, url: str, folder: Path, number: int, audio_format: AudioFormat) -> None:
    track = Track(id=f"benchmarkTrack{number:08d}", title=f"Song {number}", artists=["Artist"], duration_ms=None)
    options = OutputOptions(folder=str(folder), format=audio_format, bitrate=BITRATE)
    result = pipeline.run(track, options, chosen_url=url)
    assert result.status == "downloaded", result


def time_tracks(run_one: Callable[[str, Path, int], None], urls: list[str], folder: Path) -> list[float]:
    times = []
    for number, url in enumerate(urls):
        started = time.perf_counter()
        run_one(url, folder, number)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20, help="number of source files (default 20)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each source in seconds")
    parser.add_argument("--rounds", type=int, default=3, help="runs per side and mode; the fastest counts")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    workspace = Path(tempfile.mkdtemp(prefix="spotdesk-bench-"))
    try:
        sources = workspace / "sources"
        sources.mkdir()
        files = [make_tone(sources / f"tone-{n}.m4a", args.seconds, 200 + 10 * n) for n in range(args.files)]
        pipeline = Pipeline(ServiceUrls())
        results: dict[str, dict[str, float]] = {}
        with MediaServer() as server:
            urls = [server.add(path.name, path) for path in files]
            # One warm-up download, so yt-dlp's extractor import does not count for either side.
            bare_track(urls[0], workspace, 999, AudioFormat.M4A)
            for mode, audio_format in MODES.items():
                sides: dict[str, Callable[[str, Path, int], None]] = {
                    "bare": lambda url, folder, n, f=audio_format: bare_track(url, folder, n, f),
                    "spotdesk": lambda url, folder, n, f=audio_format: spotdesk_track(pipeline, url, folder, n, f),
                }
                for side, run_one in sides.items():
                    best: list[float] | None = None
                    for round_number in range(args.rounds):
                        folder = workspace / f"{mode}-{side}-{round_number}"
                        folder.mkdir()
                        times = time_tracks(run_one, urls, folder)
                        if best is None or sum(times) < sum(best):
                            best = times
                        shutil.rmtree(folder)
                    assert best is not None
                    results[f"{side}_{mode}"] = {
                        "mean_s": statistics.mean(best),
                        "median_s": statistics.median(best),
                        "total_s": sum(best),
                    }
                    print(f"{side:8} {mode:9} per track: mean {statistics.mean(best) * 1000:7.1f} ms, "
                          f"median {statistics.median(best) * 1000:7.1f} ms")
    finally:
        shutil.rmtree(workspace, ignore_errors=True)

    spotdesk_total = results["spotdesk_remux"]["total_s"] + results["spotdesk_transcode"]["total_s"]
    bare_total = results["bare_remux"]["total_s"] + results["bare_transcode"]["total_s"]
    summary = {
        "files": args.files,
        "seconds_per_file": args.seconds,
        "rounds": args.rounds,
        "overhead_ratio": round(spotdesk_total / bare_total, 3),
        "overhead_ratio_remux": round(results["spotdesk_remux"]["total_s"] / results["bare_remux"]["total_s"], 3),
        "overhead_ratio_transcode": round(
            results["spotdesk_transcode"]["total_s"] / results["bare_transcode"]["total_s"], 3
        ),
        "remux_speedup": round(results["spotdesk_transcode"]["total_s"] / results["spotdesk_remux"]["total_s"], 2),
        "per_track_ms": {key: round(value["mean_s"] * 1000, 1) for key, value in results.items()},
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
