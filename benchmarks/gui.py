"""Desktop app responsiveness with a large queue: first paint, event-loop stalls, memory.

The script fills a real SQLite store with `--tasks` tasks (playlists of 99 queued tracks
each, 10,000 by default), then starts the app's window in a fresh process on Qt's
offscreen platform. While the window runs, a separate writer process plays `--updating`
workers (8 by default): it claims that many tracks and writes progress for each at 10 Hz,
the way workers do. Meanwhile the window scrolls its task list every 50 ms.

    python3 benchmarks/gui.py [--tasks 10000] [--updating 8] [--seconds 10]

Measured in the window's process:
  first_paint_s            from constructing the window until the task list first paints
                           with the whole queue loaded
  cold_start_s             from launching the process (Python start-up and imports
                           included) until that same paint
  event_loop_stall_p99_ms  99th percentile of how late a 10 ms timer fires while updates
                           arrive and the list scrolls
  rss_mb                   resident memory of the window's process at the end
The last line printed is one JSON object with these four numbers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

TRACKS_PER_PLAYLIST = 99
TICK_MS = 10


def seed(uri: str, total: int) -> None:
    """Create playlists of queued tracks until the store contains `total` tasks."""
    from spotdesk.model import CollectionContext, LinkKind, OutputOptions, TaskKind, Track
    from spotdesk.store import open_store
    from spotdesk.store.contract import NewTask, Outcome

    options = OutputOptions(folder="/tmp/spotdesk-benchmark-music")
    playlists = max(1, total // (TRACKS_PER_PLAYLIST + 1))
    with open_store(uri) as store:
        for index in range(playlists):
            link = f"https://open.spotify.com/playlist/{index:022d}"
            store.submit(
                [
                    NewTask(
                        kind=TaskKind.RESOLVE,
                        link=link,
                        options=options,
                        dedupe_key=link,
                        title=f"Playlist {index + 1}",
                    )
                ]
            )
            parent = store.claim("benchmark-seeder", 600, kinds=[TaskKind.RESOLVE])
            assert parent is not None and parent.lease_token is not None
            children = []
            for position in range(1, TRACKS_PER_PLAYLIST + 1):
                track_id = f"{index:011d}{position:011d}"
                track = Track(
                    id=track_id,
                    title=f"Song {position}",
                    artists=["Tobu", "Itro"],
                    album=f"Album {index}",
                    duration_ms=200_000,
                )
                children.append(
                    NewTask(
                        kind=TaskKind.TRACK,
                        link=track.url,
                        options=options,
                        dedupe_key=f"{parent.id}:{position}",
                        position=position,
                        title=track.title,
                        track=track,
                        context=CollectionContext(
                            LinkKind.PLAYLIST,
                            f"{index:022d}",
                            f"Playlist {index + 1}",
                            position,
                            TRACKS_PER_PLAYLIST,
                        ),
                    )
                )
            store.add_children(parent.id, parent.lease_token, children)
            store.complete(parent.id, parent.lease_token, Outcome())


def write_progress(uri: str, workers: int, seconds: float, ready: object) -> None:
    """Claim `workers` tracks and report progress on each at 10 Hz for `seconds`."""
    from spotdesk.model import Stage, TaskKind
    from spotdesk.store import open_store
    from spotdesk.store.contract import ProgressUpdate

    with open_store(uri) as store:
        running = [
            store.claim(f"benchmark-worker-{n}", 600, kinds=[TaskKind.TRACK])
            for n in range(workers)
        ]
        ready.set()  # type: ignore[attr-defined]
        started = time.monotonic()
        step = 0
        while time.monotonic() - started < seconds:
            step += 1
            for task in running:
                assert task is not None and task.lease_token is not None
                store.report_progress(
                    task.id,
                    task.lease_token,
                    ProgressUpdate(
                        stage=Stage.DOWNLOADING,
                        progress=(step % 100) / 100,
                        bytes_done=step * 50_000,
                        bytes_total=8_000_000,
                        speed=1_500_000.0 + step,
                        eta=5.0,
                    ),
                )
            time.sleep(max(0.0, started + step * 0.1 - time.monotonic()))


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_window(uri: str, seconds: float, launched_at: float) -> dict[str, float]:
    """Open the app window in this process, wait for its first paint, then measure."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from spotdesk.config import Settings
    from spotdesk.gui.app import app_icon, create_application
    from spotdesk.gui.main_window import MainWindow
    from spotdesk.store import open_store

    app: QApplication = create_application(["benchmark"])
    settings = Settings(first_run_done=True, minimise_to_tray=False)
    constructed = time.perf_counter()
    window = MainWindow(settings, uri, lambda: open_store(uri), app_icon())
    painted: dict[str, float] = {}

    class PaintWatcher(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if (
                event.type() == QEvent.Type.Paint
                and window.model.loaded
                and "at" not in painted
                and window.model.rowCount() > 0
            ):
                painted["at"] = time.perf_counter()
                painted["wall"] = time.time()
                app.quit()
            return False

    watcher = PaintWatcher()
    window.view.viewport().installEventFilter(watcher)
    window.resize(1200, 800)
    window.show()
    window.start()
    app.exec()
    window.view.viewport().removeEventFilter(watcher)
    loaded = len(window.model)

    lateness: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - TICK_MS))
        last[0] = now

    def scroll() -> None:
        bar = window.view.verticalScrollBar()
        bar.setValue((bar.value() + 37) % max(bar.maximum(), 1))

    ticker = QTimer()
    ticker.setTimerType(ticker.timerType().PreciseTimer)
    ticker.timeout.connect(tick)
    scroller = QTimer()
    scroller.timeout.connect(scroll)
    ticker.start(TICK_MS)
    scroller.start(50)
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    ticker.stop()
    scroller.stop()
    lateness.sort()
    result = {
        "first_paint_s": painted["at"] - constructed,
        "cold_start_s": painted["wall"] - launched_at,
        "event_loop_stall_p99_ms": lateness[int(len(lateness) * 0.99) - 1] if lateness else 0.0,
        "event_loop_stall_max_ms": lateness[-1] if lateness else 0.0,
        "event_loop_stall_median_ms": statistics.median(lateness) if lateness else 0.0,
        "rss_mb": rss_mb(),
        "tasks_loaded": loaded,
        "ticks": len(lateness),
    }
    window.shutdown()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000, help="tasks in the store")
    parser.add_argument("--updating", type=int, default=8, help="tracks updated at 10 Hz")
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring time")
    parser.add_argument("--window", metavar="URI", help=argparse.SUPPRESS)
    parser.add_argument("--launched-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.window:
        print(json.dumps(run_window(args.window, args.seconds, args.launched_at)))
        return 0

    with tempfile.TemporaryDirectory(prefix="spotdesk-gui-bench-") as folder:
        uri = f"sqlite:///{Path(folder) / 'queue.db'}"
        started = time.perf_counter()
        seed(uri, args.tasks)
        print(f"seeded {args.tasks} tasks in {time.perf_counter() - started:.1f} s", flush=True)

        context = multiprocessing.get_context("spawn")
        ready = context.Event()
        # The writer runs a little longer than the measurement, so updates never stop early.
        writer = context.Process(
            target=write_progress, args=(uri, args.updating, args.seconds + 30, ready)
        )
        writer.start()
        ready.wait(30)
        environment = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "SPOTDESK_CONFIG_DIR": str(Path(folder) / "config"),
            "SPOTDESK_DATA_DIR": str(Path(folder) / "data"),
            "SPOTDESK_LOG_DIR": str(Path(folder) / "log"),
        }
        launched_at = time.time()
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--window",
                uri,
                "--seconds",
                str(args.seconds),
                "--launched-at",
                str(launched_at),
            ],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        writer.terminate()
        writer.join(10)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])

    for key, value in result.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    summary = {
        key: round(result[key], 3)
        for key in ("first_paint_s", "event_loop_stall_p99_ms", "rss_mb", "cold_start_s")
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
