"""Point clouds (LAS/LAZ): the header is checked against the file before any point is read, and points are
streamed in chunks.

A LAS header is a promise about the rest of the file; ydtwin does not trust it. :func:`check_point_cloud`
reads the public header block, the VLRs and EVLRs with its own bounded parser and refuses, in one line, a
header that the file cannot keep:

- an unknown LAS version or point format, a record length below the format's minimum;
- offsets outside the file (header, point data, EVLRs), more VLRs/EVLRs than fit where the header puts them;
- scale factors that are zero or not finite, offsets or bounds that are not finite;
- LAS: ``offset to point data + point count × record length`` beyond the file size (reported as *truncated*
  with the counts: how many points the header promises and how many the file has room for);
- LAZ: no laszip VLR, a chunk table outside the file (truncated), a chunk table that does not match the
  header, or more points than the compressed bytes can hold even at LAZ's best compression ratio.

Only then is the file given to laspy, so that no reader allocates or loops on a number it was lied to about.
:func:`iter_points` streams the points with laspy's chunk iterator and reports a shortfall with the counts.
"""

from __future__ import annotations

import math
import os
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ydtwin.errors import ReadError

__all__ = [
    "LAZ_MAX_POINTS_PER_BYTE",
    "MIN_RECORD_LENGTH",
    "PointCloudHeader",
    "check_point_cloud",
    "iter_points",
]

#: the smallest record each LAS point format has (bytes); extra bytes may follow
MIN_RECORD_LENGTH = {0: 20, 1: 28, 2: 26, 3: 34, 4: 57, 5: 63, 6: 30, 7: 36, 8: 38, 9: 59, 10: 67}
#: the public header block's size by LAS minor version (1.0–1.4)
_HEADER_SIZE = {0: 227, 1: 227, 2: 227, 3: 235, 4: 375}
_VLR_HEADER = 54
_EVLR_HEADER = 60
#: more (E)VLRs than any writer makes: a header claiming more is refused before they are read
MAX_VLRS = 65_535
#: the VLR block is read whole: more than this before the points is refused
MAX_VLR_BYTES = 64 * 1024 * 1024
#: LAZ chunks whose table ydtwin decodes (a 10-billion-point COPC file has ~10^5)
MAX_CHUNKS = 1_000_000
#: LAZ never packs more points than this into one compressed byte: a million identical points of any format
#: take at least ~6,000 bytes (~160 points per byte); the limit leaves a six-fold margin
LAZ_MAX_POINTS_PER_BYTE = 1_000
_LASZIP_USER = b"laszip encoded"
_LASZIP_RECORD = 22204
_VARIABLE_CHUNKS = 0xFFFFFFFF
_FETCH_AGAIN = "the copy or download was cut short: fetch the file again"


@dataclass(frozen=True)
class PointCloudHeader:
    """What a checked LAS/LAZ header says, every number consistent with the file."""

    path: Path
    version: str
    point_format: int
    record_length: int
    point_count: int
    offset_to_point_data: int
    scales: tuple[float, float, float]
    offsets: tuple[float, float, float]
    mins: tuple[float, float, float]
    maxs: tuple[float, float, float]
    compressed: bool
    vlrs: int
    evlrs: int
    file_size: int
    #: LAZ: how many compressed chunks hold the points (0 for LAS)
    chunks: int = 0


def _refuse(path: Path, problem: str, hint: str = "") -> ReadError:
    return ReadError(path, problem, hint or "the file's header does not match its content: export it again")


def _truncated(path: Path, problem: str) -> ReadError:
    return ReadError(path, f"truncated: {problem}", _FETCH_AGAIN)


def check_point_cloud(path: str | os.PathLike[str]) -> PointCloudHeader:
    """Check a LAS/LAZ file's header against the file itself (see the module's rules); a :class:`ReadError`
    (one line, with the counts) for anything it cannot keep. Reads the header, the VLRs, the EVLRs' headers
    and, for LAZ, its chunk table: bounded work, no point is decoded."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode  # before opening: a FIFO would block the open
        if stat.S_ISDIR(mode):
            raise ReadError(path, "is a folder", "pass a LAS or LAZ file")
        if not stat.S_ISREG(mode):
            raise ReadError(path, "not a regular file", "pass a LAS or LAZ file")
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise ReadError(path, "not a regular file", "pass a LAS or LAZ file")
            return _check(path, fh, st.st_size)
    except FileNotFoundError:
        raise ReadError(path, "file not found") from None
    except OSError as exc:
        raise ReadError(path, f"cannot be read ({exc.strerror or exc})") from None


def _check(path: Path, fh, size: int) -> PointCloudHeader:
    head = fh.read(_HEADER_SIZE[4])
    if not head.startswith(b"LASF"):
        raise ReadError(path, "not a LAS/LAZ file (no LASF signature)")
    if len(head) < _HEADER_SIZE[0]:
        raise _truncated(path, f"{size:,} bytes, shorter than a LAS header ({_HEADER_SIZE[0]} bytes)")
    major, minor = head[24], head[25]
    if major != 1 or minor not in _HEADER_SIZE:
        raise _refuse(path, f"LAS version {major}.{minor} is not known (1.0–1.4)")
    need = _HEADER_SIZE[minor]
    if len(head) < need:
        raise _truncated(path, f"{size:,} bytes, shorter than a LAS 1.{minor} header ({need} bytes)")
    header_size, data_offset, n_vlrs, fmt_byte, record_length, legacy_count = struct.unpack_from("<HIIBHI", head, 94)
    scales = struct.unpack_from("<3d", head, 131)
    offsets = struct.unpack_from("<3d", head, 155)
    bounds = struct.unpack_from("<6d", head, 179)  # max x, min x, max y, min y, max z, min z
    evlr_start, n_evlrs, count = 0, 0, legacy_count
    if minor >= 4:
        evlr_start, n_evlrs, count = struct.unpack_from("<QIQ", head, 235)
        if legacy_count and legacy_count != count:
            raise _refuse(path, f"the header's two point counts disagree ({legacy_count:,} and {count:,})")
    fmt = fmt_byte & 0x3F
    compressed = bool(fmt_byte & 0xC0)

    # -- the header's own numbers
    if fmt not in MIN_RECORD_LENGTH:
        raise _refuse(path, f"point format {fmt} is not a LAS point format (0–10)")
    if record_length < MIN_RECORD_LENGTH[fmt]:
        raise _refuse(path, f"record length {record_length} bytes is below point format {fmt}'s "
                      f"{MIN_RECORD_LENGTH[fmt]} bytes")
    for axis, s in zip("xyz", scales, strict=True):
        if not math.isfinite(s) or s == 0.0:
            raise _refuse(path, f"{axis} scale factor {s!r} (must be finite and not zero)")
    if not all(math.isfinite(v) for v in offsets):
        raise _refuse(path, f"coordinate offsets {offsets} are not finite")
    if not all(math.isfinite(v) for v in bounds):
        raise _refuse(path, "the header's bounds are not finite")

    # -- where things are
    if header_size < need:
        raise _refuse(path, f"header size {header_size} bytes is below LAS 1.{minor}'s {need} bytes")
    if not header_size <= data_offset <= size:
        if data_offset > size:
            raise _truncated(path, f"the points should start at byte {data_offset:,} but the file has {size:,} bytes")
        raise _refuse(path, f"the points start at byte {data_offset:,}, inside the {header_size}-byte header")
    vlr_bytes = data_offset - header_size
    if n_vlrs > MAX_VLRS or n_vlrs * _VLR_HEADER > vlr_bytes:
        raise _refuse(path, f"the header counts {n_vlrs:,} VLRs but {vlr_bytes // _VLR_HEADER:,} fit before the points")
    if vlr_bytes > MAX_VLR_BYTES:
        raise _refuse(path, f"{vlr_bytes:,} bytes of VLRs before the points (at most {MAX_VLR_BYTES:,})")
    fh.seek(header_size)
    laszip = _walk_vlrs(path, fh.read(vlr_bytes), n_vlrs)
    if n_evlrs:
        _walk_evlrs(path, fh, size, data_offset, evlr_start, n_evlrs)

    base = dict(path=path, version=f"{major}.{minor}", point_format=fmt, record_length=record_length,
                point_count=count, offset_to_point_data=data_offset, scales=scales, offsets=offsets,
                mins=(bounds[1], bounds[3], bounds[5]), maxs=(bounds[0], bounds[2], bounds[4]),
                compressed=compressed, vlrs=n_vlrs, evlrs=n_evlrs, file_size=size)
    if not compressed:
        if laszip is not None and path.suffix.lower() == ".laz":
            raise _refuse(path, "has a laszip VLR but its point format does not say compressed")
        end = data_offset + count * record_length
        if end > size:
            room = (size - data_offset) // record_length
            raise _truncated(path, f"the header promises {count:,} points ({count * record_length:,} bytes from byte "
                             f"{data_offset:,}) but the file has {size:,} bytes, room for {room:,} points")
        if n_evlrs and end > evlr_start:
            raise _refuse(path, f"the points ({count:,} × {record_length} bytes) run into the EVLRs at byte "
                          f"{evlr_start:,}")
        return PointCloudHeader(**base)
    if laszip is None:
        raise _refuse(path, "compressed (LAZ) points without the laszip VLR that says how to decode them")
    chunks = _check_laz(path, fh, size, data_offset, record_length, count, laszip)
    return PointCloudHeader(**base, chunks=chunks)


def _walk_vlrs(path: Path, block: bytes, n_vlrs: int) -> bytes | None:
    """Walk the VLRs inside the block between the header and the points → the laszip VLR's data, if any."""
    pos, laszip = 0, None
    for i in range(n_vlrs):
        if pos + _VLR_HEADER > len(block):
            raise _refuse(path, f"VLR {i + 1} of {n_vlrs} starts past the start of the points")
        user = block[pos + 2:pos + 18].rstrip(b"\0")
        record_id, length = struct.unpack_from("<HH", block, pos + 18)
        end = pos + _VLR_HEADER + length
        if end > len(block):
            raise _refuse(path, f"VLR {i + 1} of {n_vlrs} ({user.decode('latin-1')!r} {record_id}, {length:,} "
                          "bytes) runs past the start of the points")
        if user == _LASZIP_USER and record_id == _LASZIP_RECORD:
            laszip = block[pos + _VLR_HEADER:end]
        pos = end
    return laszip


def _walk_evlrs(path: Path, fh, size: int, data_offset: int, start: int, n: int) -> None:
    if not data_offset <= start <= size:
        if start > size:
            raise _truncated(path, f"the EVLRs should start at byte {start:,} but the file has {size:,} bytes")
        raise _refuse(path, f"the EVLRs start at byte {start:,}, before the points")
    if n > MAX_VLRS or n * _EVLR_HEADER > size - start:
        raise _refuse(path, f"the header counts {n:,} EVLRs but {(size - start) // _EVLR_HEADER:,} fit in the file")
    pos = start
    for i in range(n):
        fh.seek(pos)
        raw = fh.read(_EVLR_HEADER)
        if len(raw) < _EVLR_HEADER:
            raise _truncated(path, f"EVLR {i + 1} of {n} should start at byte {pos:,} but the file has {size:,} bytes")
        (length,) = struct.unpack_from("<Q", raw, 20)
        pos += _EVLR_HEADER + length
        if pos > size:
            raise _truncated(path, f"EVLR {i + 1} of {n} ({length:,} bytes) runs past the end of the file "
                             f"({size:,} bytes)")


def _check_laz(path: Path, fh, size: int, data_offset: int, record_length: int, count: int, laszip: bytes) -> int:
    """The compressed points against the laszip VLR, the chunk table and the file size → the number of chunks."""
    if len(laszip) < 34:
        raise _refuse(path, f"the laszip VLR has {len(laszip)} bytes (at least 34)")
    compressor, _coder, _major, _minor, _rev, _options, chunk_size, _n_special, _special_at, n_items = \
        struct.unpack_from("<HHBBHIIqqH", laszip)
    if len(laszip) < 34 + 6 * n_items:
        raise _refuse(path, f"the laszip VLR lists {n_items} items in {len(laszip)} bytes")
    items = [struct.unpack_from("<HHH", laszip, 34 + 6 * i)[:2] for i in range(n_items)]
    item_bytes = sum(size for _, size in items)
    if item_bytes != record_length:
        raise _refuse(path, f"the laszip VLR describes {item_bytes}-byte points but the header says {record_length}")
    if compressor not in (1, 2, 3):
        raise _refuse(path, f"laszip compressor {compressor} is not known (1–3)")

    def best_ratio(compressed_bytes: int) -> None:
        most = max(compressed_bytes, 1) * LAZ_MAX_POINTS_PER_BYTE
        if count > most:
            raise _refuse(path, f"the header promises {count:,} points but {compressed_bytes:,} bytes of compressed "
                          f"points hold at most {most:,}, even at LAZ's best compression")

    if compressor == 1:  # point-wise, no chunks: only the size bounds what can be there
        best_ratio(size - data_offset)
        return 0
    if data_offset + 8 > size:
        raise _truncated(path, f"the header promises {count:,} points but the file ends at byte {size:,}, "
                         "where the compressed points start")
    fh.seek(data_offset)
    (table_at,) = struct.unpack("<q", fh.read(8))
    if table_at == -1 and size >= data_offset + 16:  # written by a streaming writer: the offset is at the end
        fh.seek(size - 8)
        (table_at,) = struct.unpack("<q", fh.read(8))
    if table_at < data_offset + 8:
        raise _refuse(path, f"the chunk table's offset {table_at:,} points before the compressed points")
    if table_at + 8 > size:
        raise _truncated(path, f"the header promises {count:,} points, compressed up to byte {table_at:,} (the "
                         f"chunk table), but the file has {size:,} bytes")
    compressed_bytes = table_at - data_offset - 8
    best_ratio(compressed_bytes)
    fh.seek(table_at)
    version, n_chunks = struct.unpack("<II", fh.read(8))
    if version != 0:
        raise _refuse(path, f"chunk table version {version} is not known (0)")
    if n_chunks * record_length > compressed_bytes:  # every chunk starts with one point stored raw
        raise _refuse(path, f"the chunk table counts {n_chunks:,} chunks but {compressed_bytes:,} bytes of compressed "
                      f"points hold at most {compressed_bytes // record_length:,}")
    variable = chunk_size == _VARIABLE_CHUNKS
    if not variable:
        if chunk_size == 0:
            raise _refuse(path, "the laszip VLR's chunk size is 0")
        expected = -(-count // chunk_size)
        if n_chunks != expected:
            raise _refuse(path, f"the header promises {count:,} points, {expected:,} chunks of {chunk_size:,}, but the "
                          f"chunk table counts {n_chunks:,} chunks")
    elif n_chunks > count:
        raise _refuse(path, f"the chunk table counts {n_chunks:,} chunks for {count:,} points")
    if n_chunks > MAX_CHUNKS:
        raise _refuse(path, f"{n_chunks:,} compressed chunks (ydtwin reads at most {MAX_CHUNKS:,})")
    if n_chunks == 0:
        return 0
    table = _read_chunk_table(path, fh, table_at, laszip)
    if len(table) != n_chunks:
        raise _refuse(path, f"the chunk table counts {n_chunks:,} chunks but holds {len(table):,}")
    described = sum(int(b) for _, b in table)
    if described > compressed_bytes:
        raise _truncated(path, f"the chunk table describes {described:,} bytes of compressed points but "
                         f"{compressed_bytes:,} are there")
    if variable:
        held = sum(int(p) for p, _ in table)
        if held != count:
            raise _refuse(path, f"the header promises {count:,} points but the chunk table holds {held:,}")
    if compressor == 3:
        _check_layers(path, fh, data_offset + 8, record_length, count, chunk_size, items, table)
    return n_chunks


#: layered LAZ (point formats 6–10): the layers each item is compressed into, by laszip item type
_LAYERS = {10: lambda size: 9, 11: lambda size: 1, 12: lambda size: 2, 13: lambda size: 1, 14: lambda size: size}


def _check_layers(path: Path, fh, start: int, record_length: int, count: int, chunk_size: int, items, table) -> None:
    """Layered chunks begin with a raw point, their point count and the byte size of each layer; a decoder
    allocates those sizes, so each chunk's are checked against the chunk's bytes (and the counts against the
    header) before any is decoded."""
    n_layers = 0
    for kind, size in items:
        if kind not in _LAYERS:
            raise _refuse(path, f"laszip item type {kind} cannot be in layered (point format 6–10) LAZ")
        n_layers += _LAYERS[kind](size)
    head = record_length + 4 + 4 * n_layers
    layout = struct.Struct(f"<I{n_layers}I")
    pos, held = start, 0
    for i, (points, nbytes) in enumerate(table):
        points, nbytes = int(points), int(nbytes)
        if nbytes < head:
            raise _refuse(path, f"compressed chunk {i + 1} has {nbytes:,} bytes, fewer than its own header ({head})")
        fh.seek(pos + record_length)
        in_chunk, *layers = layout.unpack(fh.read(layout.size))
        limit = points if chunk_size == _VARIABLE_CHUNKS else chunk_size
        if in_chunk > limit or sum(layers) > nbytes - head:
            raise _refuse(path, f"compressed chunk {i + 1} claims {in_chunk:,} points in {sum(layers):,} bytes of "
                          f"layers; its table entry allows {limit:,} points in {nbytes - head:,} bytes")
        held += in_chunk
        pos += nbytes
    if held != count:
        raise _refuse(path, f"the header promises {count:,} points but its compressed chunks hold {held:,}")


def _read_chunk_table(path: Path, fh, table_at: int, laszip: bytes) -> list:
    try:
        import lazrs
    except ImportError:  # pragma: no cover - lazrs ships with ydtwin
        raise ReadError(path, "LAZ support (lazrs) is not installed") from None
    fh.seek(table_at)
    try:
        return list(lazrs.read_chunk_table_only(fh, lazrs.LazVlr(laszip)))
    except Exception as exc:  # noqa: BLE001 - lazrs raises its own error types for damaged tables
        raise _refuse(path, f"the chunk table cannot be decoded ({exc})") from None


def iter_points(path: str | os.PathLike[str], chunk_points: int = 1_000_000, *, start: int = 0,
                count: int | None = None) -> Iterator:
    """Stream the points of a checked LAS/LAZ file, ``chunk_points`` at a time (laspy ``ScaleAwarePointRecord``
    chunks): memory stays bounded whatever the file's size. The header is checked first
    (:func:`check_point_cloud`); a file that delivers fewer points than its header promises, or whose compressed
    points cannot be decoded, raises :class:`ReadError` with how many points arrived.

    ``start`` and ``count`` read one range of the points only (a task's share of a file: laspy seeks to it, in a
    LAZ file through its chunk table)."""
    import laspy

    header = check_point_cloud(path)
    if chunk_points < 1:
        raise ValueError("chunk_points must be at least 1")
    if not 0 <= start <= header.point_count:
        raise ValueError(f"start {start} is outside the file's {header.point_count} points")
    want = header.point_count - start if count is None else min(int(count), header.point_count - start)
    got = 0
    try:
        # LAZ: lazrs decodes the compressed chunks of each read on every core (twice as fast on two)
        backend = laspy.LazBackend.LazrsParallel if header.compressed else None
        with laspy.open(header.path, laz_backend=backend) as reader:
            if start:
                reader.seek(start)
            while got < want:
                points = reader.read_points(min(chunk_points, want - got))
                if not len(points):
                    break
                got += len(points)
                yield points
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - laspy/lazrs errors on damaged point data, worded for the user
        raise ReadError(header.path, f"damaged point data after {start + got:,} of {header.point_count:,} points "
                        f"({type(exc).__name__}: {exc})", _FETCH_AGAIN) from None
    if got != want:
        raise _truncated(header.path, f"the header promises {header.point_count:,} points but "
                         f"{start + got:,} could be read")
