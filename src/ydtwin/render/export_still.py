"""Stills as files: the sizes a still may have, the formats its file's suffix selects, and the writing of the
image so that the file appears only when complete (a temporary file next to the target, renamed at the end)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ydtwin.render.export_common import ExportError

#: the widest still (16K); taller than wide is allowed up to the same number of pixels per side
MAX_STILL_PX = 16384
IMAGE_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF"}


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ExportError(f"size {text!r} is not WIDTHxHEIGHT (e.g. 1920x1080)") from None
    return w, h


def check_still_size(size: tuple[int, int]) -> None:
    w, h = size
    if not (16 <= w <= MAX_STILL_PX and 16 <= h <= MAX_STILL_PX):
        raise ExportError(f"a still is 16–{MAX_STILL_PX} pixels on each side, not {w}x{h}")


@dataclass
class StillResult:
    path: Path
    size: tuple[int, int]
    tiles: int
    seconds: float
    triangles: int


def write_image(path: Path, rgb: np.ndarray, fmt: str, *, quality: int = 92) -> None:
    """Encode and write an image through a temporary file in the same folder (no half-written target)."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    kwargs = {"PNG": {"compress_level": 3}, "JPEG": {"quality": quality, "subsampling": 0},
              "TIFF": {"compression": "tiff_deflate"}}[fmt]
    Image.MAX_IMAGE_PIXELS = None  # our own 16K output, not an untrusted input
    try:
        Image.fromarray(rgb).save(tmp, format=fmt, **kwargs)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
