"""Building footprint readers: GeoJSON, GeoPackage, Shapefile, GeoParquet, OSM PBF, CityJSON.

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

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import ReadError, YdtwinError
from ydtwin.geo.projection import PYPROJ_LOCK, WGS84, is_special_datum, is_wgs84, parse_crs, to_wgs84
from ydtwin.model.buildings import (
    FLAG_ABSURD_BASE,
    FLAG_ABSURD_HEIGHT,
    FLAG_REPAIRED,
    HEIGHT_RULES,
    BuildingsData,
)

__all__ = ["BuildingsReport", "Cancelled", "HeightRules", "read_buildings", "sniff_format"]

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


@dataclass
class _Batch:
    geoms: np.ndarray  # shapely, source CRS
    attrs: dict[str, np.ndarray]


# --- format detection -----------------------------------------------------------------------------------


def sniff_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".osm.pbf", ".pbf")):
        return "osm-pbf"
    if name.endswith((".parquet", ".geoparquet")):
        return "geoparquet"
    if name.endswith(".gpkg"):
        return "gpkg"
    if name.endswith(".shp"):
        return "shapefile"
    if name.endswith(".fgb"):
        return "flatgeobuf"
    if name.endswith(".city.jsonl") or name.endswith(".jsonl") and _head(path).lstrip().startswith('{"type":"CityJSON'):
        return "cityjsonseq"
    if name.endswith((".geojsonl", ".geojsons", ".geojsonseq")):
        return "geojsonseq"
    if name.endswith((".json", ".geojson")):
        head = _head(path)
        if re.search(r'"type"\s*:\s*"CityJSON"', head):
            return "cityjson"
        return "geojson"
    raise ReadError(path, "unknown building file type",
                    "use GeoJSON, GeoPackage, Shapefile, GeoParquet, FlatGeobuf, OSM PBF or CityJSON")


def _head(path: Path, n: int = 4096) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(n).decode("utf-8", errors="replace")
    except OSError:
        return ""


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
) -> tuple[BuildingsData, BuildingsReport]:
    """Read building footprints → (BuildingsData in WGS84 lon/lat, report).

    ``crs`` overrides the file's CRS (needed for GCJ-02/BD-09, which no file format can declare).
    ``region_bbox`` (lon/lat) quarantines buildings outside it. Raises ReadError (one line) when the file
    cannot be read or nothing usable is in it, Cancelled when ``cancel()`` turns true.
    """
    path = Path(path)
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
    source = _SOURCES[fmt](path, batch_size, crs)
    file_crs = crs or source.crs
    report = BuildingsReport(str(path), fmt, file_crs)
    report.notes.extend(source.notes)
    box = region_bbox or WORLD
    chunks: list[BuildingsData] = []
    done = 0
    for batch in source.batches():
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
    if report.features == 0:
        raise ReadError(path, "no features in the file")
    data = BuildingsData.concatenate(chunks)
    if len(data) == 0:
        if report.rejected.get("outside the region", 0) == report.n_rejected and report.n_rejected:
            raise ReadError(
                path,
                f"none of its {report.features:,} footprints lies in the region "
                f"({box[0]:g}–{box[2]:g} E, {box[1]:g}–{box[3]:g} N) with CRS {_crs_name(file_crs)}",
                "is the CRS right? give it with --crs",
            )
        raise ReadError(path, f"no usable building footprints ({report.summary()})")
    report.rules = data.rule_counts()
    report.flags = data.flag_counts()
    return data, report


def _crs_name(crs: str) -> str:
    if is_special_datum(crs):
        return crs
    try:
        with PYPROJ_LOCK:
            c = parse_crs(crs)
            auth = c.to_authority()
            return f"{auth[0]}:{auth[1]} ({c.name})" if auth else c.name
    except ValueError:
        return crs


def _already_wgs84(crs: str) -> bool:
    if crs.upper() in ("EPSG:4326", "OGC:CRS84", "CRS84"):
        return True
    if is_special_datum(crs):
        return False
    try:
        return is_wgs84(crs)
    except Exception:  # unknown CRS: the transform reports it
        return False


def _is_geographic(crs: str) -> bool:
    if is_special_datum(crs):
        return True
    try:
        with PYPROJ_LOCK:
            return parse_crs(crs).is_geographic
    except ValueError:
        return False


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

    geographic = _is_geographic(crs) if crs else default_geographic
    if geographic and len(coords):
        ok = ~bad[owner]
        c = coords[ok]
        if len(c):
            out = (np.abs(c[:, 0]) > 180) | (np.abs(c[:, 1]) > 90)
            if out.mean() > 0.5:
                raise ReadError(
                    path,
                    f"coordinates up to ({np.abs(c[:, 0]).max():.0f}, {np.abs(c[:, 1]).max():.0f}) cannot be "
                    f"lon/lat but the CRS is {_crs_name(crs)}",
                    "the data is probably projected (metres): give its CRS with --crs",
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
    if len(idx) and not _already_wgs84(crs):
        try:
            geoms[idx] = shapely.transform(geoms[idx], lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], crs)))
        except Exception as exc:  # pyproj errors on impossible transforms
            raise ReadError(path, f"cannot transform from {_crs_name(crs)} to WGS84 ({exc})") from None
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
    col = _column(attrs, _HEIGHT_KEYS)
    if col is not None:
        h = parse_numbers(col[idx])
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
    col = _column(attrs, _LEVEL_KEYS)
    if col is not None:
        lv = parse_numbers(col[idx])
        ok = np.isnan(height) & np.isfinite(lv) & (lv > 0) & (lv * rules.storey_height_m <= MAX_HEIGHT_M)
        height[ok] = lv[ok] * rules.storey_height_m
        rule[ok] = HEIGHT_RULES.index("levels")
    rest = np.isnan(height)
    height[rest] = rules.default_height_m
    rule[rest] = HEIGHT_RULES.index("default")
    base = np.zeros(n)
    col = _column(attrs, _MIN_HEIGHT_KEYS)
    mh = parse_numbers(col[idx]) if col is not None else np.full(n, np.nan)
    col = _column(attrs, _MIN_LEVEL_KEYS)
    if col is not None:
        ml = parse_numbers(col[idx]) * rules.storey_height_m
        mh = np.where(np.isnan(mh), ml, mh)
    given = np.isfinite(mh)
    bad = given & ((mh < 0) | (mh >= height))
    flags[bad] |= FLAG_ABSURD_BASE
    ok = given & ~bad
    base[ok] = mh[ok]
    return height, base, rule, flags


# --- sources ---------------------------------------------------------------------------------------------


class _Source:
    crs: str = WGS84
    total: int | None = None
    geographic: bool = True

    def __init__(self, path: Path, batch_size: int, crs_override: str | None) -> None:
        self.path = path
        self.batch_size = batch_size
        self.crs_override = crs_override
        self.notes: list[str] = []
        #: features a source's own parser quarantined before the pipeline saw them
        self.rejected: dict[str, int] = {}

    def batches(self) -> Iterator[_Batch]:
        raise NotImplementedError


#: GeoJSON above this size is streamed by GDAL (which reads without holding Python's GIL) instead of being
#: parsed in one piece by ydtwin's checked parser (json.loads holds the GIL: seconds for 100 MB)
STREAM_GEOJSON_ABOVE = 16 * 1024 * 1024


class _GeoJSONSource(_Source):
    """Small GeoJSON through ydtwin's own checked parser; big ones streamed by GDAL."""

    def __init__(self, path, batch_size, crs_override):
        super().__init__(path, batch_size, crs_override)
        from ydtwin.io.geojson import MAX_BYTES, read_geojson

        self._ogr = None
        if path.stat().st_size > min(MAX_BYTES, STREAM_GEOJSON_ABOVE):
            self._ogr = _OGRSource(path, batch_size, crs_override)
            self.crs, self.total, self.geographic = self._ogr.crs, self._ogr.total, self._ogr.geographic
            return
        self._data, self._report = read_geojson(path, crs=crs_override)
        self.crs = self._data.crs
        self.total = self._report.features
        self.geographic = _is_geographic(self.crs)

    def batches(self):
        if self._ogr is not None:
            yield from self._ogr.batches()
            return
        self.rejected = dict(self._report.rejected)
        data = self._data
        n = len(data.geometries)
        repaired = np.zeros(n, dtype=bool)
        repaired[self._report.repaired] = True
        for s in range(0, n, self.batch_size):
            sl = slice(s, s + self.batch_size)
            attrs = {k: v[sl] for k, v in data.attributes.items()}
            attrs["_repaired"] = repaired[sl]
            yield _Batch(data.geometries[sl], attrs)


class _OGRSource(_Source):
    """Anything GDAL reads (GeoPackage, Shapefile, FlatGeobuf, GeoJSON(Seq)), in Arrow batches."""

    def __init__(self, path, batch_size, crs_override):
        super().__init__(path, batch_size, crs_override)
        import pyogrio

        self._encoding = _shapefile_encoding(path) if path.suffix.lower() == ".shp" else None
        if self._encoding and self._encoding != "UTF-8":
            self.notes.append(f"attributes decoded as {self._encoding} (no .cpg)")
        try:
            info = pyogrio.read_info(path, encoding=self._encoding)
        except Exception as exc:
            raise ReadError(path, f"not a readable vector file ({_first_line(exc)})") from None
        self.crs = info.get("crs") or WGS84
        if not info.get("crs") and crs_override is None:
            self.notes.append("the file declares no CRS: assumed WGS84 lon/lat")
        n = info.get("features")
        self.total = int(n) if n is not None and n >= 0 else None
        self.geographic = _is_geographic(crs_override or self.crs)

    def batches(self):
        import pyogrio.raw

        try:
            with pyogrio.raw.open_arrow(self.path, batch_size=self.batch_size, use_pyarrow=True,
                                        encoding=self._encoding) as (meta, reader):
                gcol = meta.get("geometry_name") or "wkb_geometry"
                for rb in reader:
                    names = rb.schema.names
                    if gcol not in names:
                        gcol = next((c for c in names if c in ("wkb_geometry", "geometry", "geom")), names[-1])
                    wkb = rb.column(gcol).to_numpy(zero_copy_only=False)
                    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
                    attrs = {c: rb.column(c).to_numpy(zero_copy_only=False) for c in names if c != gcol}
                    yield _Batch(np.asarray(geoms, dtype=object), attrs)
        except YdtwinError:
            raise
        except Exception as exc:
            raise ReadError(self.path, f"cannot read features ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _shapefile_encoding(path: Path) -> str | None:
    """The .cpg's encoding, the .dbf's code page mark, else UTF-8 if its text decodes as such, else GBK."""
    cpg = path.with_suffix(".cpg")
    if not cpg.exists():
        cpg = path.with_suffix(".CPG")
    if cpg.exists():
        return None  # GDAL reads the .cpg itself
    dbf = path.with_suffix(".dbf")
    if not dbf.exists():
        dbf = path.with_suffix(".DBF")
    try:
        raw = dbf.read_bytes()
    except OSError:
        return None
    if len(raw) > 29 and raw[29] in (0x4D, 0x7A):  # code page marks for GBK / Chinese
        return None
    body = raw[32:]
    try:
        body.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        return "GB18030"


class _GeoParquetSource(_Source):
    def __init__(self, path, batch_size, crs_override):
        super().__init__(path, batch_size, crs_override)
        import pyarrow.parquet as pq

        try:
            self._file = pq.ParquetFile(path)
        except Exception as exc:
            raise ReadError(path, f"not a Parquet file ({_first_line(exc)})") from None
        meta = self._file.schema_arrow.metadata or {}
        geo = meta.get(b"geo")
        if geo is None:
            raise ReadError(path, "Parquet without GeoParquet 'geo' metadata", "write it with GeoPandas or GDAL")
        geo = json.loads(geo)
        self._col = geo.get("primary_column", "geometry")
        spec = geo.get("columns", {}).get(self._col, {})
        if spec.get("encoding", "WKB").upper() != "WKB":
            raise ReadError(path, f"GeoParquet geometry encoding {spec.get('encoding')!r} is not supported",
                            "write it with WKB encoding")
        crs = spec.get("crs", "OGC:CRS84")
        if crs is None:
            self.crs = WGS84
        else:
            from pyproj import CRS

            with PYPROJ_LOCK:
                self.crs = CRS.from_user_input(crs if isinstance(crs, str) else json.dumps(crs)).to_wkt()
        self.total = self._file.metadata.num_rows
        self.geographic = _is_geographic(crs_override or self.crs)

    def batches(self):
        # one thread: the caller may be a worker beside a UI thread that must keep a core
        for rb in self._file.iter_batches(batch_size=self.batch_size, use_threads=False):
            names = rb.schema.names
            wkb = rb.column(self._col).to_numpy(zero_copy_only=False)
            geoms = shapely.from_wkb(wkb, on_invalid="ignore")
            attrs = {c: rb.column(c).to_numpy(zero_copy_only=False) for c in names if c != self._col}
            yield _Batch(np.asarray(geoms, dtype=object), attrs)


_OSM_TAGS = ("building", "name", "name:en", "height", "building:levels", "min_height", "building:min_level",
             "roof:shape", "roof:height", "building:use", "start_date", "addr:street", "addr:housenumber")


class _PBFSource(_Source):
    """OSM PBF: ways and multipolygon relations tagged building=*, assembled into areas by libosmium."""

    def __init__(self, path, batch_size, crs_override):
        super().__init__(path, batch_size, crs_override)
        self.crs = WGS84
        self.total = None

    def batches(self):
        import osmium

        try:
            fp = osmium.FileProcessor(str(self.path)).with_areas(osmium.filter.KeyFilter("building")).with_filter(
                osmium.filter.KeyFilter("building")
            )
            factory = osmium.geom.WKBFactory()
            wkbs: list = []
            rows: dict[str, list] = {k: [] for k in ("osm_id", "osm_type", *_OSM_TAGS)}
            open_ways = 0
            closed_ways: set[int] = set()
            way_areas: set[int] = set()
            for obj in fp:
                if not obj.is_area():
                    if obj.type_str() == "w":
                        if obj.is_closed():
                            closed_ways.add(obj.id)
                        else:
                            open_ways += 1
                    continue
                if obj.from_way():
                    way_areas.add(obj.orig_id())
                try:
                    wkb = factory.create_multipolygon(obj)
                except RuntimeError:
                    wkbs.append(None)  # broken ring in the data: counted as a feature without geometry
                else:
                    wkbs.append(wkb)
                rows["osm_id"].append(obj.orig_id())
                rows["osm_type"].append("way" if obj.from_way() else "relation")
                tags = obj.tags
                for k in _OSM_TAGS:
                    rows[k].append(tags.get(k))
                if len(wkbs) >= self.batch_size:
                    yield self._batch(wkbs, rows)
                    wkbs = []
                    rows = {k: [] for k in rows}
            if wkbs:
                yield self._batch(wkbs, rows)
            broken = len(closed_ways - way_areas)
            for reason, count in (("building ways that are not closed rings", open_ways),
                                  ("building ways with missing nodes", broken)):
                if count:
                    self.rejected[reason] = count
        except YdtwinError:
            raise
        except Exception as exc:
            raise ReadError(self.path, f"not a readable OSM file ({_first_line(exc)})") from None

    @staticmethod
    def _batch(wkbs, rows):
        arr = np.array(wkbs, dtype=object)
        geoms = np.full(len(arr), None, dtype=object)
        ok = np.array([w is not None for w in wkbs], dtype=bool)
        if ok.any():
            geoms[ok] = shapely.from_wkb(arr[ok], on_invalid="ignore")
        attrs = {k: np.array(v, dtype=object) for k, v in rows.items()}
        attrs["osm_id"] = attrs["osm_id"].astype(np.int64)
        return _Batch(geoms, attrs)


class _CityJSONSource(_Source):
    """CityJSON 1.x (one document) and CityJSONSeq (.jsonl): Building/BuildingPart footprints from LOD1/2.

    The footprint is the union of the ground surfaces (semantics ``GroundSurface``), or else of the
    faces at the lowest z; the height is the z range of the object's geometry (rule 'geometry').
    """

    TYPES = ("Building", "BuildingPart")

    def __init__(self, path, batch_size, crs_override):
        super().__init__(path, batch_size, crs_override)
        self._seq = path.name.lower().endswith(".jsonl")
        first = self._first_doc()
        meta = first.get("metadata", {}) if isinstance(first, dict) else {}
        ref = meta.get("referenceSystem") or meta.get("crs")
        self.crs = _cityjson_crs(ref) if ref else WGS84
        if not ref and crs_override is None:
            self.notes.append("the file declares no referenceSystem: assumed WGS84 lon/lat")
        self.geographic = _is_geographic(crs_override or self.crs)
        self._transform = first.get("transform")

    def _first_doc(self) -> dict:
        try:
            if self._seq:
                with open(self.path, encoding="utf-8") as fh:
                    doc = json.loads(fh.readline())
            else:
                with open(self.path, encoding="utf-8") as fh:
                    doc = json.load(fh)
                self._doc = doc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReadError(self.path, f"not valid CityJSON ({_first_line(exc)})") from None
        if not isinstance(doc, dict) or doc.get("type") not in ("CityJSON", "CityJSONFeature"):
            raise ReadError(self.path, "JSON but not CityJSON (no \"type\": \"CityJSON\")")
        return doc

    def _docs(self):
        if not self._seq:
            yield self._doc
            return
        with open(self.path, encoding="utf-8") as fh:
            fh.readline()
            for lineno, line in enumerate(fh, start=2):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        raise ReadError(self.path, f"line {lineno} is not valid JSON") from None

    def batches(self):
        geoms: list = []
        rows: dict[str, list] = {"id": [], "type": [], "_geometry_height": [], "lod": []}
        extra_keys: list[str] = []
        for doc in self._docs():
            transform = doc.get("transform") or self._transform
            verts = np.asarray(doc.get("vertices", []), dtype=np.float64)
            if transform and len(verts):
                verts = verts * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
            for oid, obj in (doc.get("CityObjects") or {}).items():
                if obj.get("type") not in self.TYPES or not obj.get("geometry"):
                    continue
                geom, height, lod = _cityjson_footprint(obj["geometry"], verts)
                geoms.append(geom)
                rows["id"].append(oid)
                rows["type"].append(obj.get("type"))
                rows["_geometry_height"].append(height)
                rows["lod"].append(lod)
                attrs = obj.get("attributes") or {}
                for k in attrs:
                    if k not in rows:
                        rows[k] = [None] * (len(geoms) - 1)
                        extra_keys.append(k)
                for k in extra_keys:
                    v = attrs.get(k)
                    rows[k].append(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                if len(geoms) >= self.batch_size:
                    yield self._batch(geoms, rows)
                    geoms = []
                    rows = {k: [] for k in rows}
        if geoms:
            yield self._batch(geoms, rows)

    @staticmethod
    def _batch(geoms, rows):
        attrs = {k: np.array(v, dtype=object) for k, v in rows.items()}
        return _Batch(np.array(geoms, dtype=object), attrs)


def _cityjson_crs(ref: str) -> str:
    m = re.search(r"EPSG(?:/0/|::?)(\d+)", str(ref))
    if not m:
        return str(ref)
    code = f"EPSG:{m.group(1)}"
    try:
        with PYPROJ_LOCK:
            c = parse_crs(code)
            if c.is_compound:
                sub = c.sub_crs_list[0].to_authority()
                if sub:
                    return f"{sub[0]}:{sub[1]}"
    except ValueError:
        pass
    return code


def _cityjson_footprint(geometries: list, verts: np.ndarray):
    """(footprint polygon in x/y, height from the z range, LOD) of one city object's best LOD ≤ 2."""
    best = None
    for g in geometries:
        try:
            lod = float(str(g.get("lod", "0")))
        except ValueError:
            continue
        if lod < 3 and (best is None or lod > best[0]):
            best = (lod, g)
    if best is None:
        return None, np.nan, ""
    lod, g = best
    surfaces, semantics = _cityjson_surfaces(g)
    polys = []
    zs = []
    ground = []
    for k, rings in enumerate(surfaces):
        try:
            pts = [verts[np.asarray(r, dtype=np.int64)] for r in rings if len(r) >= 3]
        except (IndexError, ValueError):
            continue
        if not pts:
            continue
        zs.append(np.concatenate([p[:, 2] for p in pts]) if pts[0].shape[1] > 2 else np.zeros(1))
        polys.append(shapely.Polygon(pts[0][:, :2], [p[:, :2] for p in pts[1:]]))
        ground.append(semantics[k] == "GroundSurface" if k < len(semantics) else False)
    if not polys:
        return None, np.nan, str(g.get("lod"))
    z = np.concatenate(zs)
    zmin, zmax = float(z.min()), float(z.max())
    chosen = [p for p, gr in zip(polys, ground, strict=True) if gr]
    if not chosen:
        chosen = [p for p, zz in zip(polys, zs, strict=True) if np.allclose(zz, zmin, atol=0.05)]
    if not chosen:
        chosen = polys
    chosen = [shapely.make_valid(p) if not p.is_valid else p for p in chosen if p.area > 0]
    footprint = shapely.union_all(chosen) if chosen else None
    return footprint, zmax - zmin, str(g.get("lod"))


def _cityjson_surfaces(g: dict) -> tuple[list, list]:
    boundaries = g.get("boundaries", [])
    kind = g.get("type")
    sem = g.get("semantics") or {}
    sem_surfaces = sem.get("surfaces", [])
    values = sem.get("values")

    def sem_type(v):
        if isinstance(v, int) and 0 <= v < len(sem_surfaces):
            return sem_surfaces[v].get("type", "")
        return ""

    surfaces: list = []
    types: list = []
    if kind in ("MultiSurface", "CompositeSurface"):
        surfaces = list(boundaries)
        types = [sem_type(v) for v in (values or [])]
    elif kind == "Solid":
        for si, shell in enumerate(boundaries):
            surfaces.extend(shell)
            vals = values[si] if values and si < len(values) else []
            types.extend(sem_type(v) for v in vals)
    elif kind in ("MultiSolid", "CompositeSolid"):
        for oi, solid in enumerate(boundaries):
            for si, shell in enumerate(solid):
                surfaces.extend(shell)
                vals = values[oi][si] if values and oi < len(values) and si < len(values[oi]) else []
                types.extend(sem_type(v) for v in vals)
    return surfaces, types


_SOURCES: dict[str, type[_Source]] = {
    "geojson": _GeoJSONSource,
    "geojsonseq": _OGRSource,
    "gpkg": _OGRSource,
    "shapefile": _OGRSource,
    "flatgeobuf": _OGRSource,
    "geoparquet": _GeoParquetSource,
    "osm-pbf": _PBFSource,
    "cityjson": _CityJSONSource,
    "cityjsonseq": _CityJSONSource,
}
