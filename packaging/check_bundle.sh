#!/bin/sh
# Check a built bundle: run the frozen binary's --version, doctor, the worker entry point,
# the HTTP API's health endpoint, the window with its worker processes and the Linux menu
# entry. Then, against loopback fakes of Spotify and of an audio host, resolve a track
# link, download a test tone headless and check its tags.
#
# Usage: packaging/check_bundle.sh [BUNDLE_DIR]   (default: dist/spotdesk)
# PYTHON selects the interpreter that runs the loopback fakes (default python3). It needs
# spotdesk's test dependencies, as in a source checkout with `pip install '.[test]'`.
# KEEP_CHECK_FILES=1 keeps the temporary folder (logs, settings, output) for a look.
# Every step runs even when an earlier one failed; the summary names the failed steps and
# the exit status is 1 when any failed. Nothing leaves this machine: every service URL
# points at 127.0.0.1.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUNDLE=${1:-$ROOT/dist/spotdesk}
BIN=$BUNDLE/spotdesk
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/spotdesk-check.XXXXXX")
FAILED=""
FAKES_PID=""

cleanup() {
    if [ -n "$FAKES_PID" ]; then
        kill "$FAKES_PID" 2>/dev/null
        wait "$FAKES_PID" 2>/dev/null
    fi
    if [ "${KEEP_CHECK_FILES:-0}" = 1 ]; then
        echo "check_bundle: kept the check's files in $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_step NAME COMMAND...: run a command with its output in $WORK/NAME.log and print
# whether it passed, with the output's last lines when it failed.
run_step() {
    name=$1
    shift
    started=$(date +%s)
    "$@" >"$WORK/$name.log" 2>&1
    status=$?
    if [ $status -eq 0 ]; then
        echo "check_bundle: [ok]   $name ($(($(date +%s) - started)) s)"
        return 0
    fi
    echo "check_bundle: [FAIL] $name (exit status $status): $*"
    sed 's/^/    /' "$WORK/$name.log" | tail -n 30
    # Each spotdesk process writes its own log file; show the one written last.
    latest_log=$(ls -t "$SPOTDESK_LOG_DIR"/*.log 2>/dev/null | head -n 1)
    if [ -n "$latest_log" ]; then
        echo "    last lines of $(basename "$latest_log"):"
        tail -n 15 "$latest_log" | sed 's/^/    | /'
    fi
    FAILED="$FAILED $name"
    return 1
}

if [ ! -x "$BIN" ]; then
    echo "check_bundle: no executable at $BIN; build it first with packaging/build.sh" >&2
    exit 1
fi

# Private folders and settings, so the check reads and writes nothing of the user's.
export SPOTDESK_CONFIG_DIR="$WORK/config" SPOTDESK_DATA_DIR="$WORK/data" SPOTDESK_LOG_DIR="$WORK/log"
export PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring
export QT_QPA_PLATFORM=offscreen
unset SPOTDESK_STORE SPOTIPY_CLIENT_ID SPOTIPY_CLIENT_SECRET
MUSIC="$WORK/music"
mkdir -p "$SPOTDESK_CONFIG_DIR" "$MUSIC"
# first_run_done skips the first-run guide, a modal dialog that would wait for a click.
printf '{"output_dir": "%s", "format": "mp3", "bitrate": 128, "first_run_done": true}\n' "$MUSIC" \
    >"$SPOTDESK_CONFIG_DIR/settings.json"

# Until the fakes run, every service URL points at a closed loopback port.
for variable in SPOTIFY_API SPOTIFY_ACCOUNTS SPOTIFY_OPEN SPOTIFY_SHORT YTMUSIC LRCLIB; do
    export "SPOTDESK_${variable}_URL=http://127.0.0.1:9"
done

check_version() {
    "$BIN" --version | tee /dev/stderr | grep -q '^spotdesk [0-9]'
}
run_step version check_version

run_step doctor "$BIN" doctor

run_step worker-entry "$BIN" --worker --help

# The data files the window loads: compiled translations and the app icon.
check_resources() {
    resources="$BUNDLE/_internal/spotdesk/resources"
    ls -l "$resources/icons/spotdesk.svg" "$resources"/translations/spotdesk_*.qm
}
run_step resources check_resources

# The HTTP API: start it on a free loopback port without workers and read its health.
check_api() {
    port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$BIN" api --host 127.0.0.1 --port "$port" --workers 0 >"$WORK/api-server.log" 2>&1 &
    api_pid=$!
    result=1
    attempts=0
    while [ $attempts -lt 30 ] && kill -0 "$api_pid" 2>/dev/null; do
        if "$PYTHON" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
            "http://127.0.0.1:$port/api/v1/health" 2>/dev/null; then
            result=0
            break
        fi
        sleep 1
        attempts=$((attempts + 1))
    done
    kill "$api_pid" 2>/dev/null
    wait "$api_pid" 2>/dev/null
    if [ $result -ne 0 ]; then
        echo "no answer from /api/v1/health on port $port within 30 s; server output:"
        cat "$WORK/api-server.log"
    fi
    return $result
}
run_step api check_api

# The window (Qt offscreen) and the worker processes it starts from the bundle's executable.
check_gui() {
    "$BIN" gui >"$WORK/gui-output.log" 2>&1 &
    gui_pid=$!

    result=1
    waited=0
    while [ $waited -lt 30 ]; do
        if ! kill -0 "$gui_pid" 2>/dev/null; then
            echo "the window process exited within $waited s; its output:"
            cat "$WORK/gui-output.log"
            return 1
        fi
        if cat "$SPOTDESK_LOG_DIR"/*.log 2>/dev/null | grep -q "worker started"; then
            result=0
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
    [ $result -eq 0 ] || echo "no worker process logged its start within 30 s"

    workers=$(pgrep -P "$gui_pid" | tr '\n' ' ')
    echo "window pid $gui_pid, worker pids: ${workers:-none}"
    # The window quits on SIGTERM and stops its workers, which takes up to 10 s.
    kill "$gui_pid" 2>/dev/null
    waited=0
    while kill -0 "$gui_pid" 2>/dev/null && [ $waited -lt 20 ]; do
        sleep 1
        waited=$((waited + 1))
    done
    if kill -0 "$gui_pid" 2>/dev/null; then
        echo "the window still ran 20 s after SIGTERM; killed it"
        kill -9 "$gui_pid" 2>/dev/null
        result=1
    fi
    wait "$gui_pid" 2>/dev/null

    # Workers should end with the window. Any still running 10 s later is stopped by its pid.
    for pid in $workers; do
        waited=0
        while kill -0 "$pid" 2>/dev/null && [ $waited -lt 10 ]; do
            sleep 1
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "worker $pid still ran 10 s after the window got SIGTERM; stopped it" | tee -a "$WORK/warnings.log"
            kill "$pid" 2>/dev/null
        fi
    done
    return $result
}
run_step gui check_gui

# The Linux menu entry: written into a private XDG_DATA_HOME, checked, then removed.
check_desktop_entry() {
    xdg="$WORK/xdg-data"
    desktop_file="$xdg/applications/io.github.spotdesk.Spotdesk.desktop"
    XDG_DATA_HOME="$xdg" "$BIN" desktop-entry --install || return 1
    grep '^Exec=' "$desktop_file" | grep -F "$BIN" || { echo "the entry does not start $BIN"; return 1; }
    [ -f "$xdg/icons/hicolor/scalable/apps/io.github.spotdesk.Spotdesk.svg" ] || {
        echo "the scalable icon was not installed"
        return 1
    }
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate "$desktop_file" || return 1
    fi
    XDG_DATA_HOME="$xdg" "$BIN" desktop-entry --remove || return 1
    [ ! -e "$desktop_file" ] || { echo "--remove left $desktop_file"; return 1; }
}
if "$BIN" --help | grep -q "desktop-entry"; then
    run_step desktop-entry check_desktop_entry
else
    echo "check_bundle: [skip] desktop-entry (this build has no desktop-entry command)"
fi

# The loopback fakes, then the download.
"$PYTHON" "$ROOT/packaging/check_fakes.py" "$WORK/fakes.env" >"$WORK/fakes.log" 2>&1 &
FAKES_PID=$!
waited=0
while [ ! -f "$WORK/fakes.env" ] && [ $waited -lt 60 ] && kill -0 "$FAKES_PID" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
done
if [ ! -f "$WORK/fakes.env" ]; then
    echo "check_bundle: [FAIL] fakes: the loopback servers did not start within 60 s"
    sed 's/^/    /' "$WORK/fakes.log" | tail -n 30
    FAILED="$FAILED fakes"
else
    # shellcheck disable=SC1091
    . "$WORK/fakes.env"
    echo "check_bundle: [ok]   fakes ($(tail -n 1 "$WORK/fakes.log"))"

    check_resolve() {
        "$BIN" resolve "${CHECK_PAIR#*|}" | tee /dev/stderr | grep -q "$CHECK_TITLE"
    }
    run_step resolve check_resolve

    # An empty PATH hides any system ffmpeg, so the download uses the bundle's own.
    mkdir -p "$WORK/empty-path"
    run_step download env PATH="$WORK/empty-path" "$BIN" download -o "$MUSIC" "$CHECK_PAIR"

    check_output() {
        "$PYTHON" - "$MUSIC" "$CHECK_TITLE" <<'EOF'
import sys
from pathlib import Path

import mutagen

folder, title = Path(sys.argv[1]), sys.argv[2]
files = [path for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".")]
print("files in the output folder:", *[str(path.relative_to(folder)) for path in files], sep="\n  ")
audio = [path for path in files if path.suffix == ".mp3"]
if len(audio) != 1:
    sys.exit(f"expected one .mp3 file, found {len(audio)}")
tags = mutagen.File(audio[0], easy=True)
if tags is None or tags.get("title") != [title]:
    sys.exit(f"title tag is {None if tags is None else tags.get('title')}, expected {title!r}")
if tags.info.length < 3:
    sys.exit(f"audio is {tags.info.length:.1f} s long, expected about 5 s")
print(f"{audio[0].name}: title {title!r}, {tags.info.length:.1f} s")
EOF
    }
    if [ -f "$WORK/download.log" ] && ! echo "$FAILED" | grep -q download; then
        run_step output check_output
    else
        echo "check_bundle: [skip] output (no download to check)"
    fi
fi

if [ -s "$WORK/warnings.log" ]; then
    sed 's/^/check_bundle: warning: /' "$WORK/warnings.log"
fi
if [ -n "$FAILED" ]; then
    echo "check_bundle: FAILED steps:$FAILED (bundle $BUNDLE)"
    echo "check_bundle: set KEEP_CHECK_FILES=1 to keep the logs and output in $WORK"
    exit 1
fi
echo "check_bundle: all steps passed for $BUNDLE"
