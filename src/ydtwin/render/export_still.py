"""Stills as files: the sizes a still may have, the formats its file's suffix selects, the checks made before
any rendering (:func:`check_still`), and the writing of the image so that the file appears only when complete (a
hidden partial file next to the target, ``.<name>.incomplete-<pid>@<host>``, flushed and renamed at the end)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ydtwin.io.outputs import OutputError, check_output_path, clean_partials, partial_path
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


def check_still(path: str | os.PathLike[str], size: tuple[int, int], *, transparent: bool = False,
                inputs=()) -> str:
    """The image format of a still, or :class:`ExportError` (one line) for what cannot be made, before any
    rendering: the size, the file's suffix, transparency in JPEG, and the output path
    (:func:`~ydtwin.io.outputs.check_output_path`: its folder exists and is writable, it is none of ``inputs``)."""
    check_still_size(size)
    path = Path(path)
    fmt = IMAGE_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ExportError(f"{path.name}: an image is .png, .jpg or .tif")
    if transparent and fmt == "JPEG":
        raise ExportError("JPEG has no transparency: use PNG or TIFF for a transparent background")
    _check_out(path, inputs)
    return fmt


def _check_out(path: Path, inputs=()) -> None:
    try:
        check_output_path(path, inputs=inputs)
    except OutputError as exc:
        raise ExportError(str(exc)) from None


@dataclass
class StillResult:
    path: Path
    size: tuple[int, int]
    tiles: int
    seconds: float
    triangles: int


def write_image(path: Path, rgb: np.ndarray, fmt: str, *, quality: int = 92) -> None:
    """Encode and write an image through a hidden partial file in the same folder, flushed to disk and renamed
    into place (no half-written target, nothing that looks like an image until it is one). The folder must
    exist (none is created); the output path is checked (:class:`ExportError`, one line) before encoding."""
    from PIL import Image

    path = Path(path)
    _check_out(path)
    clean_partials(path.parent)
    tmp = partial_path(path)
    kwargs = {"PNG": {"compress_level": 3}, "JPEG": {"quality": quality, "subsampling": 0},
              "TIFF": {"compression": "tiff_deflate"}}[fmt]
    Image.MAX_IMAGE_PIXELS = None  # our own 16K output, not an untrusted input
    tmp.unlink(missing_ok=True)  # never written through: a link planted under this name is removed, not followed
    try:
        with open(tmp, "xb") as fh:
            Image.fromarray(rgb).save(fh, format=fmt, **kwargs)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
