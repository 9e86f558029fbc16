"""``.npz`` files that ydtwin writes itself (the derived-data cache, tile packs) and reads back defensively.

Written: the same arrays give the same bytes (entries in the given order, a fixed timestamp, no
compression), atomically (a temporary file renamed over the target), never through a link.
Read: only a regular file (a link or a FIFO at the name is refused), at most ``limit`` bytes, without pickles;
whatever is wrong with it is one ValueError.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["npz_bytes", "parse_npz", "read_npz", "read_raw", "write_npz"]

_EPOCH = (1980, 1, 1, 0, 0, 0)


def npz_bytes(arrays: dict[str, np.ndarray], *, compress: bool = False) -> bytes:
    """The ``.npz`` of ``arrays`` (readable by ``numpy.load``), the same bytes for the same arrays (with
    ``compress``, deflated: the same bytes from the same zlib)."""
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", compression=method, allowZip64=True) as zf:
        for name, value in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)
            zf.writestr(info, member.getvalue())
    return buf.getvalue()


def write_npz(path: str | os.PathLike[str], arrays: dict[str, np.ndarray]) -> Path:
    """Write ``arrays`` to ``path`` atomically (see :func:`ydtwin.atomic.write_bytes`) → the path."""
    from ydtwin.atomic import write_bytes

    return write_bytes(path, npz_bytes(arrays))


def read_raw(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """The bytes of the regular file at ``path``; None when there is none; ValueError when it is a link or
    not a regular file, or larger than ``limit`` bytes."""
    from ydtwin.atomic import LinkRefused, open_regular, read_fd

    try:
        fd = open_regular(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except LinkRefused as exc:
        raise ValueError(str(exc)) from None
    try:
        return read_fd(fd, limit, what="file")
    finally:
        os.close(fd)


def parse_npz(raw: bytes) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` held in memory (no pickles); ValueError when it is not one."""
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as z:
            return {name: z[name] for name in z.files}
    except Exception as exc:  # a torn or foreign file: zip, npy header and dtype errors of every kind
        raise ValueError(f"not a readable .npz ({type(exc).__name__})") from None


def read_npz(path: str | os.PathLike[str], limit: int) -> dict[str, np.ndarray] | None:
    """All arrays of the file at ``path``; None when there is none; ValueError when it is not a regular file,
    is larger than ``limit`` bytes or is not a readable ``.npz`` without pickles."""
    raw = read_raw(path, limit)
    return None if raw is None else parse_npz(raw)
