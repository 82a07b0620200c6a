"""Loopback servers for check_bundle.sh: a fake Spotify and a file server with a test tone.

Usage: python3 packaging/check_fakes.py ENV_FILE [--lifetime SECONDS]

Run from a source checkout, because it uses the test fakes in tests/fakes/. It writes a
5-second tone (m4a) and a cover image with ffmpeg and serves them on 127.0.0.1. It starts
the fake Spotify with one track whose cover points at that server. ENV_FILE gets shell
`export` lines that point every `SPOTDESK_*_URL` at these servers, plus CHECK_PAIR (the
manual `AUDIO_URL|SPOTIFY_LINK` pair to download) and CHECK_TITLE (the expected title
tag). It serves until SIGTERM or SIGINT, or until the lifetime runs out.
"""

from __future__ import annotations

import argparse
import functools
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spotdesk.audio.ffmpeg import find_ffmpeg  # noqa: E402
from spotdesk.config import SERVICE_URL_VARIABLES  # noqa: E402
from tests.fakes.spotify_api import FakeSpotify  # noqa: E402
from tests.fakes.spotify_data import make_album, make_artist, make_track  # noqa: E402

TRACK_ID = "4uLU6hMCjMI75M1A2tKUQC"
TRACK_TITLE = "Bundle Check Tone"
TONE_SECONDS = 5


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def make_media(folder: Path) -> None:
    """Write tone.m4a (AAC sine tone) and cover.jpg (a plain 300x300 image) with ffmpeg."""
    ffmpeg = str(find_ffmpeg())
    quiet = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    subprocess.run(
        [
            *quiet,
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={TONE_SECONDS}",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-f",
            "ipod",
            str(folder / "tone.m4a"),
        ],
        check=True,
    )
    subprocess.run(
        [
            *quiet,
            "-f",
            "lavfi",
            "-i",
            "color=c=0x1db954:s=300x300",
            "-frames:v",
            "1",
            str(folder / "cover.jpg"),
        ],
        check=True,
    )


def start_file_server(folder: Path) -> ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="check-files", daemon=True).start()
    return server


def add_check_track(fake: FakeSpotify, media_url: str) -> None:
    artist = make_artist("0gxyHStUsqpMadRV0Di1Qt", "Bundle Check")
    cover = {"url": f"{media_url}/cover.jpg", "width": 300, "height": 300}
    album = make_album(
        "2noRn2Aes5aoNVsU6iWThc", "Bundle Check Album", [artist], total_tracks=1, images=[cover]
    )
    track = make_track(TRACK_ID, TRACK_TITLE, [artist], album, duration_ms=TONE_SECONDS * 1000)
    fake.add_album(album, [track])
    fake.add_track(track)


def environment(fake: FakeSpotify, media_url: str) -> dict[str, str]:
    # Services without a fake here (YouTube Music, LRCLIB) point at the file server, which
    # returns 404. The manual pair needs no search, and a missing lyric is not an error.
    values = {variable: media_url for variable in SERVICE_URL_VARIABLES.values()}
    values["SPOTDESK_YTMUSIC_URL"] = f"{media_url}/youtubei/v1/"
    values.update(fake.env)
    values.update(fake.credential_env)
    values["CHECK_PAIR"] = f"{media_url}/tone.m4a|https://open.spotify.com/track/{TRACK_ID}"
    values["CHECK_TITLE"] = TRACK_TITLE
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("env_file", type=Path, help="file to write the export lines to")
    parser.add_argument(
        "--lifetime", type=float, default=900, help="seconds to serve (default 900)"
    )
    args = parser.parse_args()

    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())

    with tempfile.TemporaryDirectory(prefix="spotdesk-check-media-") as media:
        make_media(Path(media))
        files = start_file_server(Path(media))
        media_url = f"http://127.0.0.1:{files.server_address[1]}"
        with FakeSpotify(load_recordings=False) as fake:
            add_check_track(fake, media_url)
            lines = [
                f"export {name}={shlex.quote(value)}"
                for name, value in environment(fake, media_url).items()
            ]
            temporary = args.env_file.with_suffix(".tmp")
            temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
            temporary.replace(args.env_file)  # the shell script waits for this file to appear
            print(f"check_fakes: serving on {media_url} and {fake.base_url}", flush=True)
            if not stop.wait(args.lifetime):
                print(
                    f"check_fakes: lifetime of {args.lifetime:.0f} s is over, stopping", flush=True
                )
        files.shutdown()
        files.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
