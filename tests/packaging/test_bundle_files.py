"""The PyInstaller spec, its launcher and the icon files built for Windows and macOS."""

from __future__ import annotations

import ast
import importlib.util
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
QM_MAGIC = b"\x3c\xb8\x64\x18"  # first bytes of every compiled Qt translation


def load_packaging_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def called_names(tree: ast.AST) -> set[str]:
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def test_spec_parses() -> None:
    tree = ast.parse((PACKAGING / "spotdesk.spec").read_text(encoding="utf-8"))
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= called_names(tree)


def test_spec_inputs_exist() -> None:
    text = (PACKAGING / "spotdesk.spec").read_text(encoding="utf-8")
    assert '"launcher.py"' in text
    assert (PACKAGING / "launcher.py").is_file()
    assert (ICONS / "spotdesk.svg").is_file()
    assert (ROOT / "LICENSE").is_file()


def test_build_scripts_parse() -> None:
    ast.parse((PACKAGING / "build.py").read_text(encoding="utf-8"))
    ast.parse((PACKAGING / "launcher.py").read_text(encoding="utf-8"))
    for script in ("build.sh", "check_bundle.sh"):
        result = subprocess.run(
            ["sh", "-n", str(PACKAGING / script)], capture_output=True, timeout=30
        )
        assert result.returncode == 0, result.stderr


def test_build_finds_lrelease() -> None:
    build = load_packaging_module("build")
    command = build.find_lrelease()
    assert command is not None
    assert Path(command[0]).exists()


def test_launcher_version() -> None:
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "launcher.py"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("spotdesk ")


def png_files() -> list[Path]:
    return sorted(ICONS.glob("spotdesk-*.png"))


def test_png_size_reads_header() -> None:
    icons = load_packaging_module("icons")
    assert icons.png_size((ICONS / "spotdesk-48.png").read_bytes()) == (48, 48)


def test_png_size_rejects_other_data() -> None:
    icons = load_packaging_module("icons")
    with pytest.raises(ValueError):
        icons.png_size(b"GIF89a" + bytes(30))


def test_ico_directory_lists_each_png(tmp_path: Path) -> None:
    icons = load_packaging_module("icons")
    path = icons.write_ico(png_files(), tmp_path / "spotdesk.ico")
    data = path.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    assert count == len(png_files())
    for index in range(count):
        width, _, _, _, _, bits, size, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        assert bits == 32
        image = data[offset : offset + size]
        expected = 256 if width == 0 else width
        assert icons.png_size(image) == (expected, expected)


def test_icns_elements_are_pngs(tmp_path: Path) -> None:
    icons = load_packaging_module("icons")
    data = icons.write_icns(png_files(), tmp_path / "spotdesk.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    kinds = []
    position = 8
    while position < len(data):
        kind = data[position : position + 4]
        length = struct.unpack(">I", data[position + 4 : position + 8])[0]
        width, _ = icons.png_size(data[position + 8 : position + length])
        assert icons.ICNS_TYPES[width] == kind
        kinds.append(kind)
        position += length
    assert b"ic08" in kinds  # 256 x 256


def test_icons_reject_non_square(tmp_path: Path) -> None:
    icons = load_packaging_module("icons")
    header = icons.PNG_SIGNATURE + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 32, 16)
    wide = tmp_path / "wide.png"
    wide.write_bytes(header + bytes(20))
    with pytest.raises(ValueError, match="square"):
        icons.write_ico([wide], tmp_path / "out.ico")


def test_build_compiles_translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = load_packaging_module("build")
    monkeypatch.setattr(build, "BUILD_DIR", tmp_path)
    compiled = build.compile_translations()
    sources = sorted((ROOT / "resources" / "translations").glob("*.ts"))
    assert [path.stem for path in compiled] == [path.stem for path in sources]
    for path in compiled:
        assert path.parent == tmp_path / "translations"
        assert path.read_bytes()[:4] == QM_MAGIC


def test_build_folder_size_counts_files(tmp_path: Path) -> None:
    build = load_packaging_module("build")
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.bin").write_bytes(bytes(100))
    (tmp_path / "sub" / "b.bin").write_bytes(bytes(23))
    (tmp_path / "link").symlink_to(tmp_path / "a.bin")
    assert build.folder_size(tmp_path) == 123
