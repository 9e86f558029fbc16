"""A per-user cache of data derived from a region's files (the procedural blocks, the landmarks' outlines), so
that a second launch reads in milliseconds what the first one computed.

An entry is named by a SHA-256 over everything the result depends on: the bytes of the input files, the
options, the source of the code that computes it and :data:`CACHE_FORMAT`. A changed input or a new ydtwin
therefore never meets an old entry; old entries are left for the user's cache cleaner (they are small).

Entries are ``.npz`` files read without pickles; one that is torn, truncated, planted as a link, larger than
:data:`MAX_ENTRY_BYTES` or inconsistent is ignored (one warning in the log) and computed again. Writes are
atomic (a temporary file renamed over the entry), so a crash or two launches at once never leave half an
entry. ``YDTWIN_CACHE=off`` turns the cache off.

Where: ``$XDG_CACHE_HOME/ydtwin/derived`` (Linux, usually ``~/.cache``), ``%LOCALAPPDATA%\\ydtwin\\Cache``
(Windows), ``~/Library/Caches/ydtwin`` (macOS).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from ydtwin import __version__
from ydtwin.model.buildings import BuildingsData

__all__ = ["CACHE_FORMAT", "MAX_ENTRY_BYTES", "buildings_arrays", "buildings_from_arrays", "cache_enabled",
           "cache_folder", "cached_buildings", "digest", "read_buildings", "source_digest", "write_buildings"]

log = logging.getLogger("ydtwin")

#: bumped when the layout of an entry changes
CACHE_FORMAT = 1
#: an entry larger than this is not read (the region's blocks take ~6 MB)
MAX_ENTRY_BYTES = 512 * 1024 * 1024

_ARRAYS = ("xy", "ring_offsets", "part_offsets", "part_building", "height", "min_height", "height_rule", "flags")
_DTYPES = {"xy": np.float64, "ring_offsets": np.int64, "part_offsets": np.int64, "part_building": np.int64,
           "height": np.float64, "min_height": np.float64, "height_rule": np.uint8, "flags": np.uint8}


def cache_enabled() -> bool:
    return os.environ.get("YDTWIN_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def cache_folder() -> Path:
    """Where entries live (not created here)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("ydtwin", appauthor=False)) / "derived"


def digest(parts: Iterable[bytes | str | os.PathLike[str]]) -> str:
    """SHA-256 (hex) over ``parts``: bytes and strings as they are, paths by their content (a missing file
    by its name), each prefixed by its kind and length so that no two sequences collide."""
    h = hashlib.sha256(f"ydtwin-derived-{CACHE_FORMAT}-{__version__}".encode())
    for part in parts:
        if isinstance(part, os.PathLike):
            try:
                data = Path(part).read_bytes()
                kind = b"F"
            except OSError:
                data, kind = os.fspath(part).encode("utf-8", "surrogateescape"), b"M"
        elif isinstance(part, str):
            data, kind = part.encode("utf-8", "surrogateescape"), b"S"
        else:
            data, kind = bytes(part), b"B"
        h.update(kind + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def source_digest(*modules) -> bytes:
    """The source of ``modules`` (their files' bytes; the version alone where a frozen build has no source)."""
    h = hashlib.sha256(__version__.encode())
    for module in modules:
        path = getattr(module, "__file__", None)
        try:
            h.update(Path(path).read_bytes() if path else module.__name__.encode())
        except OSError:
            h.update(module.__name__.encode())
    return h.digest()


def buildings_arrays(data: BuildingsData) -> dict[str, np.ndarray] | None:
    """``data`` as plain arrays (text attributes as their distinct values and a code per building), or None
    when an attribute is neither numbers nor text."""
    arrays: dict[str, np.ndarray] = {name: np.asarray(getattr(data, name)) for name in _ARRAYS}
    arrays["crs"] = np.array(data.crs)
    for key, values in data.attributes.items():
        values = np.asarray(values)
        if values.dtype == object or values.dtype.kind == "U":
            if values.dtype == object and not all(isinstance(v, str) for v in values):
                return None
            # text as its distinct values and a code per building: names repeat across 100 k buildings
            uniques, codes = np.unique(values.astype(str), return_inverse=True)
            arrays[f"text:{key}"] = uniques
            arrays[f"code:{key}"] = codes.astype(np.int32).reshape(-1)
        elif values.dtype.kind in "biuf":
            arrays[f"attr:{key}"] = values
        else:
            return None
    return arrays


def buildings_from_arrays(stored: dict[str, np.ndarray]) -> BuildingsData:
    """The inverse of :func:`buildings_arrays`, checked: ValueError when the arrays do not make buildings."""
    missing = [name for name in (*_ARRAYS, "crs") if name not in stored]
    if missing:
        raise ValueError(f"lacks {', '.join(missing)}")
    for name, dtype in _DTYPES.items():
        if stored[name].dtype != dtype:
            raise ValueError(f"{name} is {stored[name].dtype}, not {np.dtype(dtype)}")
    xy, rings, parts = stored["xy"], stored["ring_offsets"], stored["part_offsets"]
    if xy.ndim != 2 or xy.shape[1] != 2 or not np.isfinite(xy).all():
        raise ValueError("xy is not a finite (n, 2) array")
    for name, offsets, end in (("ring_offsets", rings, len(xy)), ("part_offsets", parts, len(rings) - 1)):
        if offsets.ndim != 1 or len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != end or (np.diff(offsets) < 0).any():
            raise ValueError(f"{name} do not index the arrays they point into")
    if stored["crs"].dtype.kind != "U" or stored["crs"].ndim != 0:
        raise ValueError("crs is not a text")
    attributes = {}
    for name, values in stored.items():
        if name.startswith("attr:"):
            if values.dtype.kind not in "biuf":
                raise ValueError(f"attribute {name[5:]!r} is {values.dtype}")
            attributes[name[5:]] = values
        elif name.startswith("text:"):
            codes = stored.get(f"code:{name[5:]}")
            if values.dtype.kind != "U" or codes is None or codes.dtype.kind not in "iu" or codes.ndim != 1:
                raise ValueError(f"attribute {name[5:]!r} is not text with its codes")
            if len(codes) and (codes.min() < 0 or codes.max() >= len(values)):
                raise ValueError(f"attribute {name[5:]!r} has codes out of range")
            attributes[name[5:]] = values.astype(object)[codes]
    return BuildingsData(*(stored[name] for name in _ARRAYS), str(stored["crs"]), attributes)


def write_buildings(path: Path, data: BuildingsData) -> bool:
    """Store ``data`` at ``path`` (atomically) → True; False when it cannot be stored (attributes that are
    not numbers or text, a read-only cache): the cache is an optimisation, never a failure."""
    from ydtwin.io.npzfile import write_npz

    arrays = buildings_arrays(data)
    if arrays is None:
        return False
    try:
        write_npz(path, arrays)
    except OSError as exc:
        log.warning("cache: cannot write %s (%s)", path.name, exc)
        return False
    return True


def read_buildings(path: Path) -> BuildingsData | None:
    """The entry at ``path``, or None when there is none; ValueError when it is unusable."""
    from ydtwin.io.npzfile import read_npz

    stored = read_npz(path, MAX_ENTRY_BYTES)
    return None if stored is None else buildings_from_arrays(stored)


def cached_buildings(name: str, key: str, build: Callable[[], BuildingsData]) -> BuildingsData:
    """``build()``'s result, from the entry ``name``-``key`` when there is a good one; computed and stored
    otherwise."""
    if not cache_enabled():
        return build()
    path = cache_folder() / f"{name}-{key[:32]}.npz"
    try:
        data = read_buildings(path)
    except (ValueError, OSError) as exc:
        log.warning("cache: %s ignored and computed again (%s)", path.name, exc)
        data = None
    if data is not None:
        return data
    data = build()
    write_buildings(path, data)
    return data
