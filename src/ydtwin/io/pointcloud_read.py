"""Reading LAS/LAZ/COPC point clouds into :class:`ydtwin.model.pointcloud.PointCloudData`, chunk by chunk.

- The header is checked against the file first (:func:`ydtwin.io.pointcloud.check_point_cloud`): a truncated
  or lying file is one line with the counts before anything is allocated.
- The CRS comes from the user (``crs``) or the file's WKT / GeoTIFF VLRs (laspy's ``parse_crs``); a file
  without one is refused when it has to be placed in the scene.
- Points are streamed (``iter_points``), each chunk reprojected at once to the scene projection when one is
  given (float64; a cubic fitted to pyproj's exact transform over the chunk and checked to 0.5 mm, else pyproj
  itself: ``ydtwin.geo.approx``), with progress after each chunk and a cancel check before the next.
- Memory is bounded: at most ``max_points`` are kept. A file with more is thinned as it streams (each point
  kept with the same probability, so every part of the survey keeps its share); a COPC file is read by
  octree level instead, the coarsest levels that fit (optionally only within ``bounds``), so that a file
  far larger than memory can still be browsed. The data's ``note`` says which.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ydtwin.errors import ReadError
from ydtwin.geo.approx import fit_cubic, transform_points
from ydtwin.io.buildings import Cancelled
from ydtwin.io.pointcloud import check_point_cloud, iter_points
from ydtwin.model.pointcloud import PointCloudData

__all__ = ["MAX_RESIDENT_POINTS", "PointCloudReport", "is_point_cloud", "read_point_cloud"]

#: points kept in memory at most (float64 positions and the attributes: ~32 bytes each, ~0.64 GB)
MAX_RESIDENT_POINTS = 20_000_000
#: file name endings read as point clouds
SUFFIXES = (".las", ".laz")


def is_point_cloud(path: str | os.PathLike[str]) -> bool:
    return Path(path).name.lower().endswith(SUFFIXES)


@dataclass
class PointCloudReport:
    """What a read did: the file's format and CRS, how many points it holds, were read and kept."""

    format: str
    crs: str
    file_points: int
    read_points: int
    kept_points: int
    dropped_not_finite: int = 0
    note: str = ""
    #: the largest error (m) of the fitted reprojection at its check points (0: exact; see ydtwin.geo.approx)
    reprojection_error_m: float = 0.0

    def summary(self) -> str:
        text = f"{self.kept_points:,} of {self.file_points:,} points ({self.format}, {self.crs or 'no CRS'})"
        if self.note:
            text += f"; {self.note}"
        if self.dropped_not_finite:
            text += f"; {self.dropped_not_finite:,} points with coordinates that cannot be placed set aside"
        return text


def _resolve_crs(path: Path, header, user_crs: str | None):
    from pyproj import CRS

    from ydtwin.geo.projection import PYPROJ_LOCK

    if user_crs:
        try:
            with PYPROJ_LOCK:
                return CRS.from_user_input(user_crs)
        except Exception:  # noqa: BLE001 - pyproj's CRSError is long: reworded as one line
            raise ReadError(path, f"unknown CRS {user_crs!r}", "give an EPSG code (e.g. EPSG:32651), WKT or PROJ "
                            "string") from None
    try:
        with PYPROJ_LOCK:
            return header.parse_crs()
    except Exception as exc:  # noqa: BLE001 - a damaged WKT/GeoTIFF VLR
        raise ReadError(path, f"its CRS VLR cannot be read ({type(exc).__name__})",
                        "give the CRS with --crs (e.g. EPSG:32651)") from None


def _z_factor(crs) -> float:
    """Metres per unit of the cloud's heights: the vertical CRS's unit, else the horizontal one's."""
    if crs is None:
        return 1.0
    parts = crs.sub_crs_list if crs.is_compound else [crs]
    for part in reversed(parts):
        if part.is_vertical or part.is_projected:
            axis = part.axis_info[0] if part.axis_info else None
            if axis is not None and axis.unit_conversion_factor:
                return float(axis.unit_conversion_factor)
    return 1.0


def _check_placeable(path: Path, header, crs, region_bbox) -> None:
    """A cloud wholly outside the region (its header's box) is the wrong CRS or the wrong file: one line."""
    from pyproj import CRS, Transformer

    from ydtwin.geo.projection import PYPROJ_LOCK

    with PYPROJ_LOCK:
        to_wgs = Transformer.from_crs(crs, CRS.from_epsg(4326), always_xy=True)
    xs = np.linspace(header.mins[0], header.maxs[0], 5)
    ys = np.linspace(header.mins[1], header.maxs[1], 5)
    gx, gy = np.meshgrid(xs, ys)
    lon, lat = to_wgs.transform(gx.ravel(), gy.ravel())
    lon, lat = np.asarray(lon), np.asarray(lat)
    ok = np.isfinite(lon) & np.isfinite(lat)
    x0, y0, x1, y1 = region_bbox
    if not ok.any() or lon[ok].max() < x0 or lon[ok].min() > x1 or lat[ok].max() < y0 or lat[ok].min() > y1:
        where = (f"{lon[ok].min():.3f}–{lon[ok].max():.3f} E, {lat[ok].min():.3f}–{lat[ok].max():.3f} N"
                 if ok.any() else "nowhere on Earth")
        raise ReadError(path, f"lies outside the region in its CRS {crs.name} ({where}; the region is "
                        f"{x0:g}–{x1:g} E, {y0:g}–{y1:g} N)", "check the file's CRS or give the right one with --crs")


class _Points:
    """Room for the points read, allocated once (no list of chunks joined at the end: that would need twice the
    memory at its peak); grows only if a thinned read draws more than its share."""

    def __init__(self, capacity: int, rgb: bool) -> None:
        self.n = 0
        self.xyz = np.empty((capacity, 3))
        self.cls = np.empty(capacity, np.uint8)
        self.intensity = np.empty(capacity, np.uint16)
        self.ret = np.empty(capacity, np.uint8)
        self.rgb = np.empty((capacity, 3), np.uint16) if rgb else None

    def _grow(self, need: int) -> None:
        cap = max(need, int(len(self.cls) * 1.25) + 1)
        for name in ("xyz", "cls", "intensity", "ret", "rgb"):
            old = getattr(self, name)
            if old is not None:
                new = np.empty((cap, *old.shape[1:]), old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)

    def reserve(self, m: int) -> slice:
        """Room for ``m`` more points (their slice), to be filled by the caller and ``attributes``."""
        if self.n + m > len(self.cls):
            self._grow(self.n + m)
        sl = slice(self.n, self.n + m)
        self.n += m
        return sl

    def attributes(self, points, sl: slice, keep: np.ndarray | None = None) -> None:
        """The LAS attributes of ``points`` (those ``keep`` says, when given) into ``sl``."""

        def put(target, values) -> None:
            target[sl] = values if keep is None else np.asarray(values)[keep]

        put(self.cls, points.classification)
        put(self.intensity, points.intensity)
        put(self.ret, points.return_number)
        if self.rgb is not None:
            put(self.rgb[:, 0], points.red)
            put(self.rgb[:, 1], points.green)
            put(self.rgb[:, 2], points.blue)

    def add(self, points, x, y, z, keep: np.ndarray | None) -> None:
        sl = self.reserve(len(x) if keep is None else int(keep.sum()))
        for k, values in enumerate((x, y, z)):
            self.xyz[sl, k] = values if keep is None else np.asarray(values)[keep]
        self.attributes(points, sl, keep)

    def finish(self, crs: str, source_crs: str, file_points: int, note: str) -> PointCloudData:
        n = self.n

        def cut(a):  # a view when nearly full; a copy frees the rest of a much larger buffer
            return a[:n] if n >= 0.9 * len(a) else a[:n].copy()

        rgb = None
        if self.rgb is not None:  # LAS colours are 16-bit; many writers store 8-bit values in them
            rgb = self.rgb[:n]
            rgb = (rgb >> 8).astype(np.uint8) if n and int(rgb.max()) > 255 else rgb.astype(np.uint8)
        return PointCloudData(cut(self.xyz), crs, cut(self.cls), cut(self.intensity), cut(self.ret), rgb,
                              source_crs, file_points, note)


def read_point_cloud(
    path: str | os.PathLike[str],
    *,
    crs: str | None = None,
    projection=None,
    region_bbox: tuple[float, float, float, float] | None = None,
    max_points: int = MAX_RESIDENT_POINTS,
    bounds: tuple[float, float, float, float] | None = None,
    chunk_points: int = 1_000_000,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    seed: int = 0,
    point_range: tuple[int, int] | None = None,
) -> tuple[PointCloudData, PointCloudReport]:
    """Read a LAS/LAZ/COPC file → (data, report).

    With a ``projection`` (``ydtwin.geo.projection.SceneProjection``) positions are scene metres (heights in
    metres) in its CRS, the file must have a CRS (or ``crs``) and, with ``region_bbox``, lie in the region;
    without one they stay in the file's CRS and units. ``bounds`` (x0, y0, x1, y1 in the file's CRS) limits a
    COPC read to a box. ``point_range`` (start, count) reads that range of the file's points, all of them (a
    tile build's share of a file; a COPC file is then read as the LAZ file it also is). Raises
    :class:`ReadError` (one line) and ``ydtwin.io.buildings.Cancelled`` (the contract every layer read shares)."""
    import laspy

    header = check_point_cloud(path)
    path = header.path
    if max_points < 1:
        raise ValueError("max_points must be at least 1")
    with laspy.open(path) as reader:
        las_header = reader.header
        fields = set(las_header.point_format.dimension_names)
        source_crs = _resolve_crs(path, las_header, crs)
        is_copc = any(getattr(v, "user_id", "") == "copc" for v in las_header.vlrs)
    transform = None
    z_factor = 1.0
    out_crs = source_crs.to_wkt() if source_crs is not None else ""
    if projection is not None:
        if source_crs is None:
            raise ReadError(path, "has no CRS (no WKT or GeoTIFF VLR)", "give it with --crs (e.g. EPSG:32651)")
        if region_bbox is not None:
            _check_placeable(path, header, source_crs, region_bbox)
        from pyproj import Transformer

        from ydtwin.geo.projection import PYPROJ_LOCK

        with PYPROJ_LOCK:
            horizontal = source_crs.sub_crs_list[0] if source_crs.is_compound else source_crs
            transform = Transformer.from_crs(horizontal, projection.crs, always_xy=True)
        z_factor = _z_factor(source_crs)
        out_crs = projection.crs_wkt
    fmt = f"{'COPC' if is_copc else 'LAZ' if header.compressed else 'LAS'} {header.version} point format " \
          f"{header.point_format}"
    state = dict(read=0, dropped=0, error=0.0)
    has_rgb = {"red", "green", "blue"} <= fields

    # one cubic over the file's box (its header's, a metre wider) serves every chunk that lies within it; a
    # chunk outside it (a header whose box is wrong) or a file too large for one cubic is fitted chunk by chunk
    fitted = None
    if transform is not None:
        (x0, y0), (x1, y1) = header.mins[:2], header.maxs[:2]
        fitted = fit_cubic(transform, (x0 - 1.0, y0 - 1.0, x1 + 1.0, y1 + 1.0))

    def convert(points, into: _Points) -> None:
        raw = points.array
        sx, sy, sz = (float(v) for v in points.scales)
        ox, oy, oz = (float(v) for v in points.offsets)
        ix, iy = raw["X"], raw["Y"]
        fast = transform is None
        if fitted is not None and len(ix):
            fast = fitted.covers(ix.min() * sx + ox, iy.min() * sy + oy, ix.max() * sx + ox, iy.max() * sy + oy)
        if fast:  # straight from the file's integers into the kept array: no temporaries, every value finite
            sl = into.reserve(len(points))
            dest = into.xyz[sl]
            if fitted is not None:
                fitted.apply(ix, iy, dest[:, 0], dest[:, 1], scale=(sx, sy), offset=(ox, oy))
                state["error"] = max(state["error"], fitted.error)
            else:
                np.multiply(ix, sx, out=dest[:, 0])
                dest[:, 0] += ox
                np.multiply(iy, sy, out=dest[:, 1])
                dest[:, 1] += oy
            np.multiply(raw["Z"], sz * z_factor, out=dest[:, 2])
            dest[:, 2] += oz * z_factor
            into.attributes(points, sl)
            return
        x, y, z = np.asarray(points.x), np.asarray(points.y), np.asarray(points.z)
        x, y, err = transform_points(transform, x, y)
        state["error"] = max(state["error"], err)
        z = z * z_factor
        finite = np.isfinite(x) & np.isfinite(y) & np.isfinite(z)
        keep = None
        if not finite.all():
            state["dropped"] += int((~finite).sum())
            keep = finite
        into.add(points, x, y, z, keep)

    if point_range is not None:
        start, count = (int(v) for v in point_range)
        if start < 0 or count < 0:
            raise ValueError("point_range must be (start, count) of non-negative numbers")
        count = max(0, min(count, header.point_count - start))
        acc = _Points(count, has_rgb)
        note = ""
        for points in iter_points(path, chunk_points, start=start, count=count):
            if cancel is not None and cancel():
                raise Cancelled(path)
            state["read"] += len(points)
            convert(points, acc)
            if progress is not None:
                progress(state["read"], count)
    elif is_copc:
        acc = _Points(min(header.point_count, max_points), has_rgb)
        note = _read_copc(path, header, lambda points: convert(points, acc), state, max_points, bounds, progress,
                          cancel)
    else:
        keep_p = min(1.0, max_points / max(header.point_count, 1))
        rng = np.random.default_rng(seed)
        note = ""
        if keep_p < 1.0:
            note = f"thinned evenly to {keep_p:.1%} of the file's points (at most {max_points:,} in memory)"
        # the header's count was checked against the file: room for all (or the thinned share) at once
        acc = _Points(header.point_count if keep_p == 1.0 else int(max_points * 1.02) + 1_000, has_rgb)
        for points in iter_points(path, chunk_points):
            if cancel is not None and cancel():
                raise Cancelled(path)
            state["read"] += len(points)
            if keep_p < 1.0:
                points = points[rng.random(len(points)) < keep_p]
            convert(points, acc)
            if progress is not None:
                progress(state["read"], header.point_count)
    data = acc.finish(out_crs, source_crs.name if source_crs is not None else "", header.point_count, note)
    report = PointCloudReport(fmt, source_crs.name if source_crs is not None else "", header.point_count,
                              state["read"], len(data), state["dropped"], note, state["error"])
    return data, report


def copc_level_counts(reader) -> list[int]:
    """Points per octree level from the COPC hierarchy's root page; levels after one whose count is not all
    there (held in further hierarchy pages) are left out."""
    counts: dict[int, int] = {}
    partial: set[int] = set()
    for key, entry in reader.root_page.entries.items():
        if entry.point_count > 0:
            counts[key.level] = counts.get(key.level, 0) + entry.point_count
        elif entry.point_count < 0:
            partial.add(key.level + 1)
    out = []
    for level in range(max(counts, default=-1) + 1):
        if level in partial:
            break
        out.append(counts.get(level, 0))
    return out


def _read_copc(path, header, convert, state, max_points, bounds, progress, cancel) -> str:
    """The coarsest COPC levels that fit ``max_points``, level by level (progress and cancel between)."""
    from laspy import CopcReader
    from laspy.copc import Bounds

    try:
        with CopcReader.open(str(path)) as reader:
            counts = copc_level_counts(reader)
            levels, total = 0, 0
            for n in counts:
                if levels and total + n > max_points:
                    break
                total += n
                levels += 1
            query_bounds = None
            if bounds is not None:
                x0, y0, x1, y1 = bounds
                query_bounds = Bounds(np.array([min(x0, x1), min(y0, y1)]), np.array([max(x0, x1), max(y0, y1)]))
            for level in range(levels):
                if cancel is not None and cancel():
                    raise Cancelled(path)
                points = reader.query(bounds=query_bounds, level=level)
                state["read"] += len(points)
                if len(points):
                    convert(points)
                if progress is not None:
                    progress(min(state["read"], header.point_count), min(total, header.point_count))
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - laspy/lazrs errors on a damaged COPC file, worded for the user
        raise ReadError(path, f"damaged COPC data after {state['read']:,} points ({type(exc).__name__}: {exc})",
                        "fetch the file again") from None
    if levels < len(counts) or bounds is not None:
        depth = f"octree levels 0–{levels - 1} of {len(counts)}" if levels else "no octree level"
        box = " within the box asked for" if bounds is not None else ""
        return f"COPC {depth}{box} (at most {max_points:,} points)"
    return ""

