"""What the JSON file formats (projects, review sessions) share: strict pydantic models, one-line errors,
positions as [lon, lat, height], and reading a file without following a symbolic link.

Every model forbids unknown keys (a misspelt key is an error naming it, never silently dropped), takes
JSON's own types only (``"1"`` is not a number, ``true`` is not an integer) and refuses NaN and infinity.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

#: the farthest a saved camera may be from the datum (m): far beyond any view of a region, far below the
#: values a broken file holds (1e300)
MAX_HEIGHT_M = 10_000_000.0

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
#: flags for opening a file without following a symbolic link at its own name (POSIX; Windows refuses
#: links by the lstat check before the open)
NOFOLLOW = _NOFOLLOW | _BINARY


class StrictModel(BaseModel):
    """Unknown keys refused, JSON types only, no NaN/infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def error_line(exc: ValidationError) -> str:
    """The first problem of a validation error in one line, with the key's place in the file:
    ``layers[0].opacity: Input should be less than or equal to 1``."""
    err = exc.errors()[0]
    where = ""
    for part in err["loc"]:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    text = f"{where}: {msg}" if where else msg
    return " ".join(text.split())


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


class LinkRefused(OSError):
    """A file's own name is a symbolic link (or not a regular file): it is never followed."""


def read_text_nofollow(path: Path, limit: int | None = None) -> str | None:
    """The UTF-8 text of ``path``, or None when there is none. A symbolic link at that name, or anything
    but a regular file (a folder, a FIFO), raises :class:`LinkRefused` instead of being followed or read:
    a link planted next to a session must not make ydtwin read, append to or truncate another file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise LinkRefused(f"{path}: is a symbolic link (never followed)")
    if not stat.S_ISREG(st.st_mode):
        raise LinkRefused(f"{path}: is not a regular file")
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:  # ELOOP: replaced by a link since the lstat
        raise LinkRefused(f"{path}: cannot be opened without following a link ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        data = f.read() if limit is None else f.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise ValueError(f"larger than {limit} bytes")
    return data.decode("utf-8")
