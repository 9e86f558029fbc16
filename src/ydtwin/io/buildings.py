"""Building footprints from files (the formats: ``ydtwin.io.footprint_sources``) into BuildingsData.

Every format goes through the same per-batch pipeline, so a 2 GB file is read in batches (progress
callback, cancel flag) and only compact float64 arrays are kept:

1. polygonal parts only (lines/points rejected and counted); empty and non-finite geometries quarantined;
2. invalid polygons repaired with ``make_valid``, keeping the polygonal parts (flagged);
3. coordinates → WGS84 lon/lat from the file's CRS, any CRS pyproj knows, or GCJ-02/BD-09 when the user
   says so; lon/lat files whose numbers cannot be degrees fail with one line naming the file and CRS;
4. outside the region's box: quarantined and counted (all outside → one line: probably the wrong CRS);
5. heights: explicit height → levels × storey height → default, the rule recorded per building;
   absurd heights (≤ 0 or > 1000 m) flagged and passed to the next rule; min_height / min_level honoured.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import ReadError, YdtwinError
from ydtwin.geo.projection import WGS84, is_special_datum, parse_crs, to_wgs84
from ydtwin.io.footprint_sources import SOURCES, already_wgs84, crs_name, is_geographic, sniff_format
from ydtwin.model.buildings import (
    FLAG_ABSURD_BASE,
    FLAG_ABSURD_HEIGHT,
    FLAG_REPAIRED,
    HEIGHT_RULES,
    BuildingsData,
)

__all__ = ["BuildingsReport", "Cancelled", "HeightRules", "footprint_chunks", "read_buildings", "sniff_format"]

MAX_HEIGHT_M = 1000.0
BATCH = 50_000
#: the box (lon/lat) features must fall in when no region is given: the Earth
WORLD = (-180.0, -90.0, 180.0, 90.0)

ProgressFn = Callable[[int, int | None], None]
CancelFn = Callable[[], bool]


class Cancelled(YdtwinError):
    """The user cancelled a read."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(f"{os.fspath(path)}: reading cancelled")


@dataclass(frozen=True)
class HeightRules:
    storey_height_m: float = 3.0
    default_height_m: float = 10.0


@dataclass
class BuildingsReport:
    path: str
    format: str
    crs: str
    features: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    rules: dict[str, int] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def reject(self, reason: str, n: int) -> None:
        if n:
            self.rejected[reason] = self.rejected.get(reason, 0) + int(n)

    @property
    def n_rejected(self) -> int:
        return sum(self.rejected.values())

    def summary(self) -> str:
        return "; ".join(f"{n:,} {reason}" for reason, n in self.rejected.items())


# --- the reader ------------------------------------------------------------------------------------------


def read_buildings(
    path: str | os.PathLike[str],
    *,
    crs: str | None = None,
    rules: HeightRules = HeightRules(),
    region_bbox: tuple[float, float, float, float] | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    batch_size: int = BATCH,
    chunk: dict | None = None,
    allow_empty: bool = False,
) -> tuple[BuildingsData, BuildingsReport]:
    """Read building footprints → (BuildingsData in WGS84 lon/lat, report).

    ``crs`` overrides the file's CRS (needed for GCJ-02/BD-09, which no file format can declare).
    ``region_bbox`` (lon/lat) quarantines buildings outside it. Raises ReadError (one line) when the file
    cannot be read or nothing usable is in it, Cancelled when ``cancel()`` turns true.

    ``chunk`` (one of :func:`footprint_chunks`) reads that part of the file only; a part with nothing usable
    gives empty data (the file as a whole may still have some), as does a whole file with ``allow_empty`` (an
    OpenStreetMap extract read for its basemap too may hold no buildings).
    """
    path = Path(path)
    source = _open_source(path, crs, batch_size)
    file_crs = crs or source.crs
    report = BuildingsReport(str(path), sniff_format(path), file_crs)
    report.notes.extend(source.notes)
    box = region_bbox or WORLD
    chunks: list[BuildingsData] = []
    done = 0
    for batch in source.batches(chunk):
        if cancel is not None and cancel():
            raise Cancelled(path)
        n = len(batch.geoms)
        report.features += n
        data = _process(batch, path, file_crs, rules, box, report, default_geographic=source.geographic)
        if len(data):
            chunks.append(data)
        done += n
        if progress is not None:
            progress(done, source.total)
    for reason, count in source.rejected.items():
        report.features += count
        report.reject(reason, count)
    if report.features == 0 and chunk is None and not allow_empty:
        raise ReadError(path, "no features in the file")
    data = BuildingsData.concatenate(chunks) if chunks else BuildingsData.empty()
    if len(data) == 0 and chunk is None and not allow_empty:
        if report.rejected.get("outside the region", 0) == report.n_rejected and report.n_rejected:
            raise ReadError(
                path,
                f"none of its {report.features:,} footprints lies in the region "
                f"({box[0]:g}–{box[2]:g} E, {box[1]:g}–{box[3]:g} N) with CRS {crs_name(file_crs)}",
                "is the CRS right? give it: --crs on the command line, File ▸ Open with coordinate system… in "
                "the app",
            )
        raise ReadError(path, f"no usable building footprints ({report.summary()})")
    report.rules = data.rule_counts()
    report.flags = data.flag_counts()
    return data, report


def _open_source(path: Path, crs: str | None, batch_size: int):
    if not path.exists():
        raise ReadError(path, "file not found")
    if path.is_file() and path.stat().st_size == 0:
        raise ReadError(path, "empty file")
    fmt = sniff_format(path)
    if crs is not None and not is_special_datum(crs):
        try:
            parse_crs(crs)
        except ValueError as exc:
            hint = "give an EPSG code (e.g. EPSG:4326), WKT, PROJ string, GCJ-02 or BD-09"
            raise ReadError(path, str(exc), hint) from None
    return SOURCES[fmt](path, batch_size, crs)


def footprint_chunks(path: str | os.PathLike[str], rows: int, *, crs: str | None = None) -> list[dict | None]:
    """How :func:`read_buildings` can read ``path`` in parts of about ``rows`` footprints (``chunk=``):
    row groups of GeoParquet, feature ranges of what GDAL reads; ``[None]`` (one part) for the rest."""
    return _open_source(Path(path), crs, BATCH).chunks(max(int(rows), 1))


def _process(batch, path, crs, rules, box, report, *, default_geographic) -> BuildingsData:
    geoms = np.asarray(batch.geoms, dtype=object)
    attrs = batch.attrs
    n = len(geoms)
    keep = np.ones(n, dtype=bool)
    flags = np.zeros(n, dtype=np.uint8)

    missing = np.array([g is None for g in geoms], dtype=bool) | shapely.is_empty(geoms)
    report.reject("features without geometry", missing.sum())
    keep &= ~missing
    geoms = np.where(keep, geoms, None)

    # collections: keep their polygonal parts
    tid = shapely.get_type_id(geoms)
    for i in np.flatnonzero(tid == 7):
        parts = [g for g in shapely.get_parts(geoms[i]) if g.geom_type in ("Polygon", "MultiPolygon")]
        geoms[i] = shapely.union_all(parts) if parts else None
    tid = shapely.get_type_id(geoms)
    not_poly = keep & ~np.isin(tid, (3, 6))
    report.reject("features that are not polygons", not_poly.sum())
    keep &= ~not_poly

    coords, owner = shapely.get_coordinates(np.where(keep, geoms, None), return_index=True)
    bad = np.zeros(n, dtype=bool)
    if len(coords):
        nonfinite = ~np.isfinite(coords).all(axis=1) | (np.abs(coords) > 1e9).any(axis=1)
        bad[owner[nonfinite]] = True
    report.reject("features with non-finite or absurd coordinates", bad.sum())
    keep &= ~bad

    geographic = is_geographic(crs) if crs else default_geographic
    if geographic and len(coords):
        ok = ~bad[owner]
        c = coords[ok]
        if len(c):
            out = (np.abs(c[:, 0]) > 180) | (np.abs(c[:, 1]) > 90)
            if out.mean() > 0.5:
                raise ReadError(
                    path,
                    f"coordinates up to ({np.abs(c[:, 0]).max():.0f}, {np.abs(c[:, 1]).max():.0f}) cannot be "
                    f"lon/lat but the CRS is {crs_name(crs)}",
                    "the data is probably projected (metres): give its CRS (--crs on the command line, File ▸ "
                    "Open with coordinate system… in the app)",
                )
            if out.any():
                odd = np.zeros(n, dtype=bool)
                odd[owner[ok][out]] = True
                report.reject("features with coordinates that cannot be lon/lat", (odd & keep).sum())
                keep &= ~odd

    if "_repaired" in attrs:  # repaired by the source's own parser
        flags[np.asarray(attrs["_repaired"], dtype=bool)] |= FLAG_REPAIRED
    idx = np.flatnonzero(keep)
    valid = shapely.is_valid(geoms[idx])
    for i in idx[~valid]:
        fixed = shapely.make_valid(geoms[i])
        parts = [g for g in shapely.get_parts(fixed) if g.geom_type in ("Polygon", "MultiPolygon")]
        parts = [p for p in parts if p.area > 0]
        if parts:
            geoms[i] = shapely.union_all(parts) if len(parts) > 1 else parts[0]
            flags[i] |= FLAG_REPAIRED
        else:
            keep[i] = False
            report.reject("polygons with no area left after repair", 1)
    # tiny slivers or polygons that repaired into nothing
    idx = np.flatnonzero(keep)

    # to WGS84 (skipped when the file is in WGS84 already, however it spells it)
    if len(idx) and not already_wgs84(crs):
        try:
            geoms[idx] = shapely.transform(geoms[idx], lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], crs)))
        except Exception as exc:  # pyproj errors on impossible transforms
            raise ReadError(path, f"cannot transform from {crs_name(crs)} to WGS84 ({exc})") from None
        b = shapely.bounds(geoms[idx])
        inf = ~np.isfinite(b).all(axis=1)
        report.reject("features the CRS transform could not place", inf.sum())
        keep[idx[inf]] = False
        idx = np.flatnonzero(keep)

    if len(idx):
        b = shapely.bounds(geoms[idx])
        inside = (b[:, 0] >= box[0]) & (b[:, 2] <= box[2]) & (b[:, 1] >= box[1]) & (b[:, 3] <= box[3])
        report.reject("outside the region", (~inside).sum())
        keep[idx[~inside]] = False
        idx = np.flatnonzero(keep)

    if not len(idx):
        return BuildingsData.empty()
    height, min_height, rule, hflags = _heights(attrs, idx, rules)
    flags = flags[idx] | hflags
    out_attrs = {k: _clean_column(v[idx]) for k, v in attrs.items() if not k.startswith("_")}
    return BuildingsData.from_geometries(
        geoms[idx], height=height, min_height=min_height, height_rule=rule, flags=flags, crs=WGS84,
        attributes=out_attrs,
    )


def _clean_column(values: np.ndarray) -> np.ndarray:
    if values.dtype == object:
        # numeric columns that came as objects (e.g. GeoJSON) become float where every value is a number
        try:
            nums = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
            if not any(isinstance(v, str) for v in values):
                return nums
        except (TypeError, ValueError):
            pass
    return values


# --- heights ----------------------------------------------------------------------------------------------

_HEIGHT_KEYS = ("height", "building:height", "bldg_height", "height_m", "measuredheight", "高度", "建筑高度")
_LEVEL_KEYS = ("building:levels", "levels", "floors", "storeys", "num_floors", "层数", "楼层", "floor")
_MIN_HEIGHT_KEYS = ("min_height", "building:min_height")
_MIN_LEVEL_KEYS = ("building:min_level", "min_level")
_NUMBER = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*(m|metres?|meters?|米|ft|feet|'|层|f)?\s*$", re.IGNORECASE)


def _column(attrs: dict[str, np.ndarray], keys: tuple[str, ...]) -> np.ndarray | None:
    lower = {k.lower(): k for k in attrs}
    for key in keys:
        if key.lower() in lower:
            return attrs[lower[key.lower()]]
    return None


def _numbers(attrs: dict[str, np.ndarray], keys: tuple[str, ...], idx: np.ndarray) -> np.ndarray | None:
    """Per feature, the number under the first of ``keys`` that it has (files mix "height", "高度", … from
    feature to feature); NaN where none parses; None when the file has none of the keys."""
    lower = {k.lower(): k for k in attrs}
    present = [lower[key.lower()] for key in keys if key.lower() in lower]
    if not present:
        return None
    out = parse_numbers(attrs[present[0]][idx])
    for key in present[1:]:
        missing = np.isnan(out)
        if not missing.any():
            break
        out[missing] = parse_numbers(attrs[key][idx][missing])
    return out


def parse_numbers(values: np.ndarray) -> np.ndarray:
    """Numbers from a column of numbers or strings like '12', '12.5 m', '40 ft', '12,5'; NaN otherwise."""
    values = np.asarray(values)
    if values.dtype.kind in "iuf":
        return values.astype(np.float64)
    out = np.full(len(values), np.nan)
    uniq, inverse = np.unique(np.array([("" if v is None else str(v)) for v in values], dtype=object),
                              return_inverse=True)
    parsed = np.full(len(uniq), np.nan)
    for k, text in enumerate(uniq):
        m = _NUMBER.match(text)
        if m:
            v = float(m.group(1).replace(",", "."))
            unit = (m.group(2) or "").lower()
            parsed[k] = v * 0.3048 if unit in ("ft", "feet", "'") else v
    out[:] = parsed[inverse.ravel()]
    return out


def _heights(attrs, idx, rules: HeightRules):
    n = len(idx)
    height = np.full(n, np.nan)
    rule = np.full(n, HEIGHT_RULES.index("default"), dtype=np.uint8)
    flags = np.zeros(n, dtype=np.uint8)
    h = _numbers(attrs, _HEIGHT_KEYS, idx)
    if h is not None:
        absurd = np.isfinite(h) & ((h <= 0) | (h > MAX_HEIGHT_M))
        flags[absurd] |= FLAG_ABSURD_HEIGHT
        ok = np.isfinite(h) & ~absurd
        height[ok] = h[ok]
        rule[ok] = HEIGHT_RULES.index("explicit")
    geo = _column(attrs, ("_geometry_height",))
    if geo is not None:
        g = parse_numbers(geo[idx])
        use = np.isnan(height) & np.isfinite(g) & (g > 0) & (g <= MAX_HEIGHT_M)
        height[use] = g[use]
        rule[use] = HEIGHT_RULES.index("geometry")
    lv = _numbers(attrs, _LEVEL_KEYS, idx)
    if lv is not None:
        ok = np.isnan(height) & np.isfinite(lv) & (lv > 0) & (lv * rules.storey_height_m <= MAX_HEIGHT_M)
        height[ok] = lv[ok] * rules.storey_height_m
        rule[ok] = HEIGHT_RULES.index("levels")
    rest = np.isnan(height)
    height[rest] = rules.default_height_m
    rule[rest] = HEIGHT_RULES.index("default")
    base = np.zeros(n)
    mh = _numbers(attrs, _MIN_HEIGHT_KEYS, idx)
    mh = np.full(n, np.nan) if mh is None else mh
    ml = _numbers(attrs, _MIN_LEVEL_KEYS, idx)
    if ml is not None:
        mh = np.where(np.isnan(mh), ml * rules.storey_height_m, mh)
    given = np.isfinite(mh)
    bad = given & ((mh < 0) | (mh >= height))
    flags[bad] |= FLAG_ABSURD_BASE
    ok = given & ~bad
    base[ok] = mh[ok]
    return height, base, rule, flags
