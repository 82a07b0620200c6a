"""Pack the app icon's PNG sizes into a Windows `.ico` and a macOS `.icns` file.

Both formats can carry PNG images as they are (ICO since Windows Vista, ICNS since
Mac OS X 10.7), so no image library is needed: PyInstaller would otherwise need Pillow
to convert a PNG itself.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# ICNS element types whose data is a PNG of this width and height.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def png_size(data: bytes) -> tuple[int, int]:
    """Return a PNG's width and height from its IHDR chunk."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _square_pngs(paths: Iterable[Path]) -> list[tuple[int, bytes]]:
    images: dict[int, bytes] = {}
    for path in paths:
        data = path.read_bytes()
        width, height = png_size(data)
        if width != height:
            raise ValueError(f"{path}: icon images must be square, this one is {width}x{height}")
        images[width] = data
    if not images:
        raise ValueError("no PNG icon images given")
    return sorted(images.items())


def write_ico(paths: Iterable[Path], target: Path) -> Path:
    """Write an ICO file holding each PNG of at most 256 pixels."""
    images = [(size, data) for size, data in _square_pngs(paths) if size <= 256]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, data in images:
        dimension = 0 if size == 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", dimension, dimension, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(header + entries + b"".join(data for _, data in images))
    return target


def write_icns(paths: Iterable[Path], target: Path) -> Path:
    """Write an ICNS file holding each PNG whose size ICNS has a PNG element type for."""
    elements = b""
    for size, data in _square_pngs(paths):
        kind = ICNS_TYPES.get(size)
        if kind is not None:
            elements += kind + struct.pack(">I", 8 + len(data)) + data
    if not elements:
        raise ValueError(f"no PNG of a size ICNS stores ({sorted(ICNS_TYPES)})")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"icns" + struct.pack(">I", 8 + len(elements)) + elements)
    return target
