"""GeoJSON reader with the checks RELIABILITY.md asks for.

- NaN/Infinity literals (which Python's json accepts) and non-finite or absurd coordinates are caught
  per feature; such features are quarantined and counted, never passed on.
- Polygonal parts of invalid geometries are kept (``make_valid``), other debris is dropped and counted.
- The legacy ``crs`` member is honoured; otherwise RFC 7946's WGS84. Coordinates that cannot be lon/lat
  (metres read as degrees) are reported with the CRS found and the envelope expected.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from ydtwin.errors import ReadError
from ydtwin.model.layer import VectorData

#: refuse to parse a single GeoJSON text larger than this in one piece (GDAL's guard is 200 MB)
MAX_BYTES = 200 * 1024 * 1024
_GEOGRAPHIC = {"EPSG:4326", "EPSG:4490", "OGC:CRS84", "CRS84"}


@dataclass
class ReadReport:
    features: int = 0
    kept: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    first_rejected: dict[str, int] = field(default_factory=dict)
    #: positions (among the kept features) of geometries that were invalid and repaired
    repaired: list[int] = field(default_factory=list)

    def reject(self, reason: str, index: int) -> None:
        self.rejected[reason] = self.rejected.get(reason, 0) + 1
        self.first_rejected.setdefault(reason, index)

    @property
    def n_rejected(self) -> int:
        return sum(self.rejected.values())

    def summary(self) -> str:
        parts = [f"{n} {reason} (first: feature {self.first_rejected[reason]})" for reason, n in self.rejected.items()]
        return "; ".join(parts)


class _NonFinite(float):
    """Marker for NaN/Infinity literals in the JSON text."""


def _parse_constant(name: str) -> float:
    return _NonFinite(math.nan)


def _crs_of(doc: dict, path: Path) -> str:
    crs = doc.get("crs")
    if not crs:
        return "EPSG:4326"
    try:
        name = crs["properties"]["name"]
    except (KeyError, TypeError):
        raise ReadError(path, "unreadable 'crs' member", "use RFC 7946 GeoJSON (WGS84) or a named CRS") from None
    name = str(name)
    if name.upper().endswith("CRS84"):
        return "EPSG:4326"
    if name.lower().startswith("urn:ogc:def:crs:"):
        parts = name.split(":")
        return f"{parts[4]}:{parts[-1]}"
    return name


def _coords_ok(coords) -> bool:
    """Every number in a (ragged, nested) coordinate list is finite and not absurd (|v| < 1e9)."""
    stack = [coords]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            if not (math.isfinite(item) and abs(item) < 1e9):
                return False
        else:
            raise TypeError("coordinates must be numbers")
    return True


def read_geojson(path: str | os.PathLike[str], *, crs: str | None = None) -> tuple[VectorData, ReadReport]:
    """Read a GeoJSON file → (VectorData with float64 geometries, report of what was rejected)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReadError(path, "file not found") from None
    if size > MAX_BYTES:
        raise ReadError(path, f"{size / 2**20:.0f} MB in one GeoJSON text exceeds the {MAX_BYTES // 2**20} MB guard",
                        "split it or convert it to GeoPackage/FlatGeobuf")
    try:
        text = path.read_text(encoding="utf-8-sig")
        doc = json.loads(text, parse_constant=_parse_constant)
    except UnicodeDecodeError:
        raise ReadError(path, "not a text file (GeoJSON must be UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ReadError(path, "JSON nested too deeply") from None
    if not isinstance(doc, dict) or "type" not in doc:
        raise ReadError(path, "JSON but not GeoJSON (no 'type' member)")
    file_crs = crs or _crs_of(doc, path)
    kind = doc["type"]
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise ReadError(path, "FeatureCollection without a 'features' list")
    elif kind == "Feature":
        feats = [doc]
    elif kind in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection"):
        feats = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise ReadError(path, f"unknown GeoJSON type {kind!r}")

    report = ReadReport(features=len(feats))
    geoms: list = []
    props: list[dict] = []
    for i, feat in enumerate(feats):
        if not isinstance(feat, dict) or not isinstance(feat.get("geometry"), dict):
            report.reject("features without geometry", i)
            continue
        gj = feat["geometry"]
        coords = gj.get("coordinates")
        try:
            if coords is not None and not _coords_ok(coords):
                report.reject("features with non-finite or absurd coordinates", i)
                continue
            geom = shape(gj)
        except RecursionError:
            report.reject("features nested too deeply", i)
            continue
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            report.reject("features with malformed geometry", i)
            continue
        if geom.is_empty:
            report.reject("empty features", i)
            continue
        if not geom.is_valid:
            fixed = shapely.make_valid(geom)
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                parts = [g for g in shapely.get_parts(fixed) if g.geom_type in ("Polygon", "MultiPolygon")]
                if not parts:
                    report.reject("polygons with no area left after repair", i)
                    continue
                fixed = shapely.union_all(parts)
            report.repaired.append(len(geoms))
            geom = fixed
        geoms.append(geom)
        p = feat.get("properties")
        props.append(p if isinstance(p, dict) else {})
    report.kept = len(geoms)
    garr = np.array(geoms, dtype=object) if geoms else np.empty(0, dtype=object)
    if len(garr) and file_crs.upper() in _GEOGRAPHIC:
        b = shapely.total_bounds(garr)
        if b[0] < -180 or b[2] > 180 or b[1] < -90 or b[3] > 90:
            raise ReadError(
                path,
                f"coordinates up to ({b[2]:.0f}, {b[3]:.0f}) cannot be lon/lat but the file's CRS is {file_crs}",
                "the data is probably projected (metres): name its CRS",
            )
    keys: list[str] = []
    for p in props:
        for k in p:
            if k not in keys:
                keys.append(k)
    attributes = {k: np.array([_scalar(p.get(k)) for p in props], dtype=object) for k in keys}
    return VectorData(geometries=garr, crs=file_crs, attributes=attributes), report


def _scalar(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value
