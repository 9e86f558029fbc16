"""What the JSON file formats (projects, review sessions) share: strict pydantic models, one-line errors,
positions as [lon, lat, height], and reading a file without following a symbolic link (the opening itself
is ``ydtwin.atomic``'s: ``NOFOLLOW`` and ``LinkRefused`` are the same there and here).

Every model forbids unknown keys (a misspelt key is an error naming it, never silently dropped), takes
JSON's own types only (``"1"`` is not a number, ``true`` is not an integer) and refuses NaN and infinity.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from ydtwin.atomic import NOFOLLOW, LinkRefused, open_regular, read_fd

__all__ = ["MAX_HEIGHT_M", "NOFOLLOW", "LinkRefused", "StrictModel", "error_line", "lonlat_height",
           "read_bytes_nofollow", "read_text_nofollow"]

#: the farthest a saved camera may be from the datum (m): far beyond any view of a region, far below the
#: values a broken file holds (1e300)
MAX_HEIGHT_M = 10_000_000.0


class StrictModel(BaseModel):
    """Unknown keys refused, JSON types only, no NaN/infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def error_line(exc: ValidationError) -> str:
    """The first problem of a validation error in one line, with the key's place in the file:
    ``layers[0].opacity: Input should be less than or equal to 1``."""
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    if len(loc) > 12:  # a deeply nested value: its first and last keys tell where
        loc = (*loc[:6], "…", *loc[-3:])
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    text = f"{where}: {msg}" if where else msg
    text = " ".join(text.split())
    return text if len(text) <= 400 else f"{text[:399]}…"


def lonlat_height(value: list[float], what: str) -> list[float]:
    """``[lon, lat, height m]``: WGS84 degrees and a finite height within ±:data:`MAX_HEIGHT_M`."""
    if len(value) != 3:
        raise ValueError(f"{what} must be [lon, lat, height]")
    lon, lat, h = (float(v) for v in value)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"{what} {lon:g}, {lat:g} is not a lon/lat position")
    if not (math.isfinite(h) and abs(h) <= MAX_HEIGHT_M):
        raise ValueError(f"{what} height {h:g} m is out of range (±{MAX_HEIGHT_M:g} m)")
    return [lon, lat, h]


def read_bytes_nofollow(path: Path, limit: int | None = None, *, what: str = "file") -> bytes | None:
    """The bytes of ``path``, or None when there is none. A symbolic link at that name, or anything but a
    regular file (a folder, a FIFO, a device), raises :class:`LinkRefused` instead of being followed or read:
    a link planted next to a session must not make ydtwin read, append to or truncate another file. A file
    larger than ``limit`` raises ValueError before anything is read (a 2 GB file is never loaded)."""
    try:
        fd = open_regular(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        return read_fd(fd, limit, what=what)
    finally:
        os.close(fd)


def read_text_nofollow(path: Path, limit: int | None = None, *, what: str = "file") -> str | None:
    """:func:`read_bytes_nofollow` decoded as UTF-8 (UnicodeDecodeError when it is not)."""
    data = read_bytes_nofollow(path, limit, what=what)
    return None if data is None else data.decode("utf-8")
