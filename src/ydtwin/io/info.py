"""``ydtwin info``: what a geodata file holds (kind, counts, CRS, WGS84 bounds)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import ReadError
from ydtwin.geo.projection import to_wgs84


@dataclass
class FileInfo:
    path: str
    kind: str
    count: int
    count_label: str
    crs: str
    #: lon_min, lat_min, lon_max, lat_max (WGS84), None when empty
    bounds_wgs84: tuple[float, float, float, float] | None
    details: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"file:     {self.path}",
            f"kind:     {self.kind}",
            f"{self.count_label + ':':<9} {self.count:,}",
            f"crs:      {self.crs}",
        ]
        if self.bounds_wgs84 is not None:
            x0, y0, x1, y1 = self.bounds_wgs84
            out.append(f"bounds:   {_lon(x0)} {_lat(y0)}  to  {_lon(x1)} {_lat(y1)}  (WGS84)")
        else:
            out.append("bounds:   (empty)")
        out += [f"{k + ':':<9} {v}" for k, v in self.details.items()]
        return out


_GEOM_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}


def _lon(v: float) -> str:
    return f"{abs(v):.5f} {'E' if v >= 0 else 'W'}"


def _lat(v: float) -> str:
    return f"{abs(v):.5f} {'N' if v >= 0 else 'S'}"


def _crs_label(crs: str) -> str:
    try:
        from pyproj import CRS

        c = CRS.from_user_input(crs)
        code = c.to_epsg()
        return f"EPSG:{code} ({c.name})" if code else c.name
    except Exception:
        return crs


def _wgs84_bounds(xmin, ymin, xmax, ymax, crs: str):
    xs = np.array([xmin, xmax, xmin, xmax, (xmin + xmax) / 2])
    ys = np.array([ymin, ymin, ymax, ymax, (ymin + ymax) / 2])
    lon, lat = to_wgs84(xs, ys, crs)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        return None
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def _vector_info(path: Path, data, kind: str, details: dict[str, str]) -> FileInfo:
    types = Counter(shapely.get_type_id(data.geometries).tolist())
    type_text = ", ".join(f"{_GEOM_NAMES.get(t, t)} {n:,}" for t, n in sorted(types.items()))
    bounds = None
    if len(data):
        bounds = _wgs84_bounds(*shapely.total_bounds(data.geometries), data.crs)
    if data.attributes:
        details.setdefault("fields", ", ".join(list(data.attributes)[:12]) + (" …" if len(data.attributes) > 12 else ""))
    return FileInfo(str(path), f"{kind} ({type_text or 'no features'})", len(data), "features",
                    _crs_label(data.crs), bounds, details)


def describe(path: str | os.PathLike[str]) -> FileInfo:
    """Inspect a file. Raises ReadError (one line) for anything it cannot read."""
    path = Path(path)
    if not path.exists():
        raise ReadError(path, "file not found")
    if path.is_dir():
        if (path / "region.toml").exists():
            path = path / "region.toml"
        else:
            raise ReadError(path, "is a folder", "pass a file")
    if not path.is_file():  # a device, a FIFO (which would block the read), a socket
        raise ReadError(path, "not a regular file", "pass a data file")
    name = path.name.lower()
    from ydtwin.io.footprint_sources import sniff_format

    try:
        fmt = sniff_format(path)
    except ReadError:
        fmt = ""
    if fmt in ("gpkg", "shapefile", "flatgeobuf", "geoparquet", "osm-pbf", "cityjson", "cityjsonseq", "geojsonseq"):
        return _buildings_info(path, fmt)
    if name.endswith((".geojson", ".json")):
        from ydtwin.io.geojson import read_geojson

        data, report = read_geojson(path)
        if report.n_rejected:
            raise ReadError(
                path,
                f"{report.n_rejected} of {report.features} features unusable: {report.summary()}",
                "fix or remove them (loading would skip them)",
            )
        info = _vector_info(path, data, "GeoJSON vector", {})
        if len(data) and np.isin(shapely.get_type_id(data.geometries), (3, 6)).any():
            info.details.update(_building_details(path))
        return info
    from ydtwin.io.models import is_model

    if is_model(path):
        return _model_info(path)
    if name.endswith(".ydv.npz"):
        from ydtwin.io import vectorpack

        data, prov, layer_name = vectorpack.read(path)
        return _vector_info(path, data, "ydtwin vector pack",
                            {"layer": layer_name, "source": prov.source, "nature": prov.nature})
    if name.endswith(".toml"):
        from ydtwin.io.region import read_region_file

        rf = read_region_file(path)
        r = rf.region
        return FileInfo(str(path), f"ydtwin region file ({r.title})", len(r.cities), "cities",
                        f"scene: {r.projection.describe()}", r.bbox,
                        {"cities": ", ".join(c.name for c in r.cities)})
    if name.endswith(".npz"):
        from ydtwin.io.region import read_terrain

        grid, is_land, dem_prov, bathy_prov = read_terrain(path)
        ny, nx = grid.shape
        x1 = grid.x0 + (nx - 1) * grid.dx
        y1 = grid.y0 + (ny - 1) * grid.dy
        return FileInfo(str(path), f"terrain grid {nx} × {ny}", nx * ny, "cells", _crs_label(grid.crs),
                        (grid.x0, grid.y0, x1, y1),
                        {"land": f"{int(is_land.sum()):,} cells, max {float(np.nanmax(grid.values)):.0f} m",
                         "sea": f"{int((~is_land).sum()):,} cells ({bathy_prov.nature} bathymetry)"})
    if name.endswith((".las", ".laz")):
        return _las_info(path)
    from ydtwin.io.dem import DEM_SUFFIXES

    if name.endswith(DEM_SUFFIXES):
        return _dem_info(path)
    with open(path, "rb") as fh:
        head = fh.read(64)
    raise ReadError(path, f"unsupported file type ({_sniff(head)})",
                    "ydtwin reads GeoJSON, GeoPackage, Shapefile, GeoParquet, FlatGeobuf, OSM PBF, CityJSON, "
                    "LAS/LAZ, DEMs (GeoTIFF, NetCDF), region files and ydtwin packs")


def _model_info(path: Path) -> FileInfo:
    """A 3D model: its size in metres, its parts, where its own georeference puts it (if it has one)."""
    from ydtwin.io.models import read_model

    data = read_model(path)
    lo, hi = data.bounds()
    size = hi - lo
    details = {"parts": f"{len(data.parts):,}", "vertices": f"{data.n_vertices:,}",
               "size": f"{size[0]:,.2f} × {size[1]:,.2f} m, {size[2]:,.2f} m tall (+Z up, as read)"}
    textured = sum(p.texture is not None for p in data.parts)
    if textured:
        details["textures"] = f"{textured} part(s) with a base-colour texture"
    bounds = None
    g = data.georeference
    if g is not None:
        details["placed"] = f"by {data.georeference_note}: {g.text()}"
        bounds = (g.lon, g.lat, g.lon, g.lat)
    else:
        details["placed"] = f"no georeference: give an anchor (--layer {path.name}@LON,LAT[,HEIGHT][,heading=DEG])"
    for note in data.notes:
        details["note"] = note
    return FileInfo(str(path), f"{data.format} 3D model", data.n_triangles, "triangles",
                    "EPSG:4326 (its anchor)" if g is not None else "local metres", bounds, details)


def _dem_info(path: Path) -> FileInfo:
    """A DEM as ``--dem`` would read it: size, CRS, bounds, resolution (its cells are not read)."""
    from ydtwin.io.dem import open_dem_info

    info = open_dem_info(path)
    x0, y0, x1, y1 = info.bounds
    details = {"grid": f"{info.width} × {info.height} cells of {(x1 - x0) / info.width:.6g} × "
                       f"{abs(y1 - y0) / info.height:.6g} (CRS units), {info.driver}"}
    if info.dataset != str(path):
        details["variable"] = info.dataset.rsplit(":", 1)[-1]
    return FileInfo(str(path), "DEM raster (elevation; --dem merges it over the terrain)", info.width * info.height,
                    "cells", _crs_label(info.crs), _wgs84_bounds(x0, y0, x1, y1, info.crs), details)


def _building_details(path: Path) -> dict[str, str]:
    """What loading the file as building footprints gives: counts, height rules, flags, rejects."""
    from ydtwin.io.buildings import read_buildings

    data, report = read_buildings(path)
    return _details_from(report, data)


def _buildings_info(path: Path, fmt: str) -> FileInfo:
    from ydtwin.io.buildings import read_buildings

    data, report = read_buildings(path)
    b = data.bounds()
    bounds = (float(np.nanmin(b[:, 0])), float(np.nanmin(b[:, 1])), float(np.nanmax(b[:, 2])),
              float(np.nanmax(b[:, 3]))) if len(data) else None
    details = _details_from(report, data)
    if data.attributes:
        keys = list(data.attributes)
        details["fields"] = ", ".join(keys[:12]) + (" …" if len(keys) > 12 else "")
    names = {"gpkg": "GeoPackage", "shapefile": "Shapefile", "flatgeobuf": "FlatGeobuf", "geoparquet": "GeoParquet",
             "osm-pbf": "OSM PBF", "cityjson": "CityJSON", "cityjsonseq": "CityJSONSeq", "geojsonseq": "GeoJSONSeq"}
    return FileInfo(str(path), f"{names.get(fmt, fmt)} building footprints", report.features, "features",
                    _crs_label(report.crs), bounds, details)


def _details_from(report, data) -> dict[str, str]:
    details = {
        "buildings": f"{len(data):,} of {report.features:,} features usable as footprints",
        "heights": ", ".join(f"{rule} {n:,}" for rule, n in report.rules.items()),
    }
    if report.flags:
        details["flagged"] = ", ".join(f"{name} {n:,}" for name, n in report.flags.items())
    details["rejected"] = report.summary() or "none"
    if len(data):
        h = data.height
        details["height m"] = f"{h.min():.1f} to {h.max():.1f} (median {np.median(h):.1f})"
    for note in report.notes:
        details.setdefault("note", note)
    return details


def _sniff(head: bytes) -> str:
    if head.startswith(b"PK"):
        return "a zip archive"
    if head.startswith(b"LASF"):
        return "a LAS file with the wrong extension"
    if not head:
        return "empty file"
    return "unknown content"


def _las_info(path: Path) -> FileInfo:
    """A LAS/LAZ file's header, checked against the file first (:func:`~ydtwin.io.pointcloud.check_point_cloud`):
    a truncated or lying header is one line with the counts, never a loop, a huge allocation or "fine"."""
    import laspy

    from ydtwin.io.pointcloud import check_point_cloud

    checked = check_point_cloud(path)
    try:
        with laspy.open(path) as reader:
            h = reader.header
            if int(h.point_count) != checked.point_count:
                raise ReadError(path, f"the header's point count reads as {int(h.point_count):,} and "
                                f"{checked.point_count:,}", "export the file again")
            try:
                crs = h.parse_crs()
            except Exception as exc:  # noqa: BLE001 - a damaged CRS VLR does not hide the rest
                crs, crs_problem = None, f"unreadable CRS VLR ({type(exc).__name__})"
            else:
                crs_problem = ""
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(path, f"not a readable LAS/LAZ file ({type(exc).__name__}: {exc})") from None
    mins, maxs = checked.mins, checked.maxs
    bounds = None
    crs_text = crs_problem or "none in the file (say which when loading)"
    if crs is not None:
        crs_text = _crs_label(crs.to_wkt())
        horiz = crs.sub_crs_list[0] if crs.is_compound else crs
        try:
            bounds = _wgs84_bounds(mins[0], mins[1], maxs[0], maxs[1], horiz.to_wkt())
        except Exception:
            bounds = None
    details = {"z range": f"{mins[2]:.2f} to {maxs[2]:.2f}"}
    record = f"{checked.record_length} bytes a point"
    if checked.compressed:
        record += f", LAZ in {checked.chunks:,} chunk{'s' if checked.chunks != 1 else ''}"
    details["records"] = record
    return FileInfo(str(path), f"LAS {checked.version} point cloud (point format {checked.point_format})",
                    checked.point_count, "points", crs_text, bounds, details)
