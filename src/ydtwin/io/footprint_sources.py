"""Where building footprints come from: format detection and one batch source per format.

Each source yields batches of (shapely geometries in the file's CRS, attribute columns) and says what it
knows up front (CRS, feature count); ``ydtwin.io.buildings`` runs every batch through the same pipeline.

- GeoJSON: ydtwin's checked parser up to 16 MB, GDAL's streaming reader above;
- GeoPackage, Shapefile (.cpg, dbf code page, else UTF-8/GB18030), FlatGeobuf, GeoJSONSeq: GDAL (pyogrio)
  in Arrow batches;
- GeoParquet (WKB): pyarrow row batches;
- OSM PBF: libosmium areas (ways and multipolygon relations tagged building=*);
- CityJSON / CityJSONSeq: LOD1/2 footprints (ground surfaces) and heights from the z range.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import ReadError, YdtwinError
from ydtwin.geo.projection import PYPROJ_LOCK, WGS84, is_special_datum, is_wgs84, parse_crs

__all__ = ["SOURCES", "crs_name", "is_geographic", "preload_readers", "sniff_format", "already_wgs84"]


def preload_readers() -> None:
    """Import the format libraries now. An app calls this at start: importing a compiled library holds the
    GIL for up to a few hundred milliseconds, which in a reader thread would freeze the UI thread meanwhile."""
    import osmium  # noqa: F401
    import pyarrow.parquet  # noqa: F401
    import pyogrio.raw  # noqa: F401


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


# --- CRS helpers ------------------------------------------------------------------------------------


def crs_name(crs: str) -> str:
    if is_special_datum(crs):
        return crs
    try:
        with PYPROJ_LOCK:
            c = parse_crs(crs)
            auth = c.to_authority()
            return f"{auth[0]}:{auth[1]} ({c.name})" if auth else c.name
    except ValueError:
        return crs


def already_wgs84(crs: str) -> bool:
    if crs.upper() in ("EPSG:4326", "OGC:CRS84", "CRS84"):
        return True
    if is_special_datum(crs):
        return False
    try:
        return is_wgs84(crs)
    except Exception:  # unknown CRS: the transform reports it
        return False


def is_geographic(crs: str) -> bool:
    if is_special_datum(crs):
        return True
    try:
        with PYPROJ_LOCK:
            return parse_crs(crs).is_geographic
    except ValueError:
        return False


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

    def chunks(self, rows: int) -> list[dict | None]:
        """Parts of the file of about ``rows`` features each that can be read on their own (by separate
        processes: the tile build), as descriptors for :meth:`batches`; ``[None]`` (the whole file) when the
        format cannot be split."""
        return [None]

    def batches(self, chunk: dict | None = None) -> Iterator[_Batch]:
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
        self.geographic = is_geographic(self.crs)

    def chunks(self, rows: int) -> list[dict | None]:
        return self._ogr.chunks(rows) if self._ogr is not None else [None]

    def batches(self, chunk: dict | None = None):
        if self._ogr is not None:
            yield from self._ogr.batches(chunk)
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
        self.geographic = is_geographic(crs_override or self.crs)

    def chunks(self, rows: int) -> list[dict | None]:
        if not self.total or self.total <= rows:
            return [None]
        return [{"skip": s, "max": min(rows, self.total - s)} for s in range(0, self.total, rows)]

    def batches(self, chunk: dict | None = None):
        import pyogrio.raw

        span = {} if chunk is None else {"skip_features": int(chunk["skip"]), "max_features": int(chunk["max"])}
        try:
            with pyogrio.raw.open_arrow(self.path, batch_size=self.batch_size, use_pyarrow=True,
                                        encoding=self._encoding, **span) as (meta, reader):
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
        self.geographic = is_geographic(crs_override or self.crs)

    def chunks(self, rows: int) -> list[dict | None]:
        """Whole row groups, gathered up to about ``rows`` features a chunk."""
        meta = self._file.metadata
        out, group, count = [], [], 0
        for g in range(meta.num_row_groups):
            group.append(g)
            count += meta.row_group(g).num_rows
            if count >= rows:
                out.append({"row_groups": group})
                group, count = [], 0
        if group:
            out.append({"row_groups": group})
        return out if len(out) > 1 else [None]

    def batches(self, chunk: dict | None = None):
        groups = None if chunk is None else [int(g) for g in chunk["row_groups"]]
        # one thread: the caller may be a worker beside a UI thread that must keep a core
        for rb in self._file.iter_batches(batch_size=self.batch_size, row_groups=groups, use_threads=False):
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

    def batches(self, chunk: dict | None = None):
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
        self.geographic = is_geographic(crs_override or self.crs)
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

    def batches(self, chunk: dict | None = None):
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


SOURCES: dict[str, type[_Source]] = {
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
