"""Build the one-folder spotdesk app with PyInstaller into dist/spotdesk/.

Usage: python3 packaging/build.py [--clean]

Steps: install PyInstaller when it is missing, compile the Qt translations (.ts to .qm)
into build/bundle-inputs/translations/, then run PyInstaller on packaging/spotdesk.spec
with its work files in build/pyinstaller/. Run it with the Python whose packages the
bundle should contain: the same interpreter that has spotdesk's dependencies installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "spotdesk.spec"
BUILD_DIR = ROOT / "build" / "bundle-inputs"
WORK_DIR = ROOT / "build" / "pyinstaller"
DIST_DIR = ROOT / "dist"

PYINSTALLER_REQUIREMENT = "pyinstaller>=6.10"


def ensure_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is not None:
        return
    print(f"build: installing {PYINSTALLER_REQUIREMENT}", flush=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", PYINSTALLER_REQUIREMENT], check=True
    )


def find_lrelease() -> list[str] | None:
    """Return the command of Qt's translation compiler that PySide6 installs, or None."""
    found = shutil.which("pyside6-lrelease")
    if found:
        return [found]
    try:
        import PySide6
    except ImportError:
        return None
    folder = Path(PySide6.__file__).parent
    for name in ("lrelease", "lrelease.exe", "Qt/libexec/lrelease", "Qt/bin/lrelease"):
        if (folder / name).is_file():
            return [str(folder / name)]
    return None


def compile_translations() -> list[Path]:
    """Compile every resources/translations/*.ts into BUILD_DIR/translations/*.qm."""
    sources = sorted((ROOT / "resources" / "translations").glob("*.ts"))
    target_dir = BUILD_DIR / "translations"
    target_dir.mkdir(parents=True, exist_ok=True)
    if not sources:
        print("build: no .ts files in resources/translations; the bundle will be English only")
        return []
    lrelease = find_lrelease()
    if lrelease is None:
        raise SystemExit(
            "build: pyside6-lrelease not found; install PySide6-Essentials to compile translations"
        )
    compiled = []
    for source in sources:
        target = target_dir / source.with_suffix(".qm").name
        subprocess.run([*lrelease, "-silent", str(source), "-qm", str(target)], check=True)
        compiled.append(target)
    print(f"build: compiled {len(compiled)} translation(s) into {target_dir}")
    return compiled


def folder_size(folder: Path) -> int:
    return sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def run_pyinstaller(clean: bool) -> Path:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--workpath",
        str(WORK_DIR),
        "--distpath",
        str(DIST_DIR),
    ]
    if clean:
        command.append("--clean")
    command.append(str(SPEC))
    environment = {**os.environ, "SPOTDESK_BUILD_DIR": str(BUILD_DIR)}
    subprocess.run(command, check=True, cwd=ROOT, env=environment)
    return DIST_DIR / "spotdesk"


def main() -> int:
    parser = argparse.ArgumentParser(description="Build the one-folder spotdesk app.")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    args = parser.parse_args()

    started = time.monotonic()
    ensure_pyinstaller()
    compile_translations()
    bundle = run_pyinstaller(args.clean)

    elapsed = time.monotonic() - started
    size_mib = folder_size(bundle) / (1024 * 1024)
    print(f"build: {bundle} built in {elapsed:.0f} s, {size_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
