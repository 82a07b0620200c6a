"""Start spotdesk's processes the same way from a Python install and from a PyInstaller bundle.

A bundle has no Python interpreter, so `sys.executable -m spotdesk.worker` cannot start a
worker there. The bundle's executable runs `packaging/launcher.py`, which calls `main()`
below: `spotdesk --worker ARGS...` runs the worker, and for callers written against a
Python install, `spotdesk -m spotdesk.worker ARGS...` does the same. Callers that start
workers use `worker_command()`, which picks the right form.
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import MutableMapping, Sequence
from pathlib import Path

WORKER_FLAG = "--worker"

# Modules that `-m NAME` may run inside a bundle. Anything else is rejected, so the
# executable never becomes a general way to run code from its archive.
RUNNABLE_MODULES = ("spotdesk", "spotdesk.worker")


def is_frozen() -> bool:
    """Return True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path:
    """Return the folder that contains the bundle's Python modules and data files."""
    return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))


def worker_command(arguments: Sequence[str]) -> list[str]:
    """Return the command line that starts one worker process with `arguments`.

    A bundle starts its own executable again, so a worker of the windowed Windows app opens
    no console window, and one of `spotdesk-cli` shares its console.
    """
    # NOTE: checked on Linux only. Windows and macOS bundles are expected to pass the
    # worker's stdout through the pipe QProcess gives it, as pythonw.exe does; unverified.
    if is_frozen():
        return [sys.executable, WORKER_FLAG, *arguments]
    # -P keeps the current folder off sys.path, so a spotdesk checkout in the folder the
    # user started from cannot shadow the installed package.
    return [sys.executable, "-P", "-m", "spotdesk.worker", *arguments]


def prepare_bundle_environment(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set the environment that tools started from a bundle need.

    The bundle's `bin` folder contains the deno binary, which yt-dlp looks for on PATH. The
    PyInstaller bootloader on Linux puts the bundle on LD_LIBRARY_PATH and keeps the
    user's value in LD_LIBRARY_PATH_ORIG; a system ffmpeg started with the bundle's
    libraries can fail to load, so children get the user's value back. This process has
    already loaded its libraries, so the change only affects the programs it starts.
    """
    tools = bundle_dir() / "bin"
    if tools.is_dir():
        environ["PATH"] = os.pathsep.join([str(tools), environ.get("PATH", "")]).rstrip(os.pathsep)
    # A bundle executable started by this one must set up its own folders, not reuse ours.
    environ["PYINSTALLER_RESET_ENVIRONMENT"] = "1"
    original = environ.get("LD_LIBRARY_PATH_ORIG")
    if original is not None:
        environ["LD_LIBRARY_PATH"] = original
    elif "LD_LIBRARY_PATH" in environ and is_frozen():
        del environ["LD_LIBRARY_PATH"]


def _run_module(name: str, arguments: Sequence[str]) -> int:
    """Run a module as `python -m` would, with `arguments` as its command line."""
    sys.argv = [sys.argv[0], *arguments]
    runpy.run_module(name, run_name="__main__", alter_sys=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch a bundle's command line to the worker or to the `spotdesk` command."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if is_frozen():
        prepare_bundle_environment()

    if arguments[:1] == [WORKER_FLAG]:
        return _run_module("spotdesk.worker", arguments[1:])
    if arguments[:1] == ["-m"]:
        if len(arguments) < 2 or arguments[1] not in RUNNABLE_MODULES:
            name = arguments[1] if len(arguments) > 1 else ""
            allowed = ", ".join(RUNNABLE_MODULES)
            message = f"spotdesk: error: cannot run module {name!r}; allowed: {allowed}"
            print(message, file=sys.stderr)
            return 2
        if arguments[1] == "spotdesk.worker":
            return _run_module("spotdesk.worker", arguments[2:])
        arguments = arguments[2:]

    from spotdesk.cli.main import main as cli_main

    return cli_main(arguments)
