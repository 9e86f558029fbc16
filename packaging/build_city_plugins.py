#!/usr/bin/env python3
"""Recipe: write the eight city plan plugins and the blue-green corridors theme plugin into plugins/.

    python packaging/build_city_plugins.py [--out plugins]

Reads the project list in packaging/city_plans.py and the bundled region's corrected city outlines,
places every geometry (border crossings snapped to the shared border or halfway across the water between
two cities), checks that each lies in its own city, and writes per plugin ``ydtwin.toml``,
``data/projects.geojson`` and a README. The same inputs give the same files.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, mapping
from shapely.ops import linemerge, nearest_points

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))
sys.path.insert(0, str(ROOT / "src"))

from city_plans import CITIES, ECOCORRIDORS, B, P, S, Z  # noqa: E402

from ydtwin.geo.datum import wgs84_to_gcj02  # noqa: E402
from ydtwin.io.region import load_region  # noqa: E402

TO_M = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
TO_LL = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)


def to_m(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(TO_M.transform(xy[:, 0], xy[:, 1])))


def to_ll(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(TO_LL.transform(xy[:, 0], xy[:, 1])))


class Builder:
    def __init__(self) -> None:
        _region, layers = load_region()
        cities = next(layer for layer in layers if layer.role == "city-boundaries")
        self.poly = {str(n): g for n, g in zip(cities.data.attributes["name"], cities.data.geometries, strict=True)}
        self.poly_m = {n: to_m(g) for n, g in self.poly.items()}

    def where(self, pm: Point) -> str:
        for name, poly in self.poly_m.items():
            if poly.contains(pm):
                return f"it is in {name}"
        near = min(self.poly_m, key=lambda n: self.poly_m[n].distance(pm))
        return f"in the water or outside; {self.poly_m[near].distance(pm):.0f} m from {near}"

    def shared_border_m(self, a: str, b: str, near_m: Point, radius_m: float = 8000.0):
        """This stretch of the border between a and b (metres), or None where they do not touch."""
        A, Bp = self.poly_m[a], self.poly_m[b]
        shared = shapely.intersection(A.boundary, Bp.buffer(250.0))
        local = shapely.intersection(shared, near_m.buffer(radius_m))
        if local.is_empty or local.length < 200:
            return None
        merged = linemerge(local) if local.geom_type == "MultiLineString" else local
        if merged.geom_type == "MultiLineString":
            merged = min(merged.geoms, key=lambda g: g.distance(near_m))
        return merged

    def meeting_m(self, own: str, b: B) -> Point:
        hint = to_m(Point(b.lon, b.lat))
        line = self.shared_border_m(own, b.neighbour, hint)
        if line is None:  # water between the two cities: halfway between their nearest shores
            local = hint.buffer(15000.0)
            pa, pb = nearest_points(shapely.intersection(self.poly_m[own], local),
                                    shapely.intersection(self.poly_m[b.neighbour], local))
            if b.shift_m:
                raise ValueError(f"{own}/{b.neighbour}: a shift needs a shared land border")
            return Point((pa.x + pb.x) / 2, (pa.y + pb.y) / 2)
        at = line.project(hint)
        if b.shift_m:
            at = at + b.shift_m if at + b.shift_m <= line.length else at - b.shift_m
        return line.interpolate(at)

    def line(self, city: str, spec: list) -> LineString:
        pts, inner = [], []
        for item in spec:
            if isinstance(item, B):
                pts.append(self.meeting_m(city, item))
            else:
                p = to_m(Point(*item))
                pts.append(p)
                inner.append((item, p))
        for item, p in inner:
            # on the city's land, or over water nearer to it than to any other city (bridges, cables)
            if self.poly_m[city].buffer(100.0).contains(p):
                continue
            if any(poly.contains(p) for poly in self.poly_m.values()) or \
                    min(self.poly_m, key=lambda n: self.poly_m[n].distance(p)) != city:
                raise ValueError(f"{city}: waypoint {item} is not in the city ({self.where(p)})")
        line = LineString([(p.x, p.y) for p in pts])
        others = shapely.union_all([g for n, g in self.poly_m.items() if n != city])
        share = shapely.intersection(line, others).length / line.length
        if share > 0.03:
            raise ValueError(f"{city}: {share:.0%} of the line runs through a neighbouring city")
        return to_ll(line)

    def zone(self, city: str, z: Z, key: str):
        c = to_m(Point(z.lon, z.lat))
        seed = sum(map(ord, key)) % 7
        ang = np.linspace(0, 2 * math.pi, 15)[:-1]
        r = z.radius_km * 1000 * (1 + 0.15 * np.sin(3 * ang + seed) + 0.05 * np.cos(5 * ang))
        disc = Polygon(np.column_stack([c.x + r * np.cos(ang), c.y + r * np.sin(ang)]))
        inside = shapely.intersection(disc, self.poly_m[city])
        if inside.area < 0.5 * disc.area:
            raise ValueError(f"{city}: zone {key} at {z[:2]} is mostly outside the city "
                             f"({inside.area / disc.area:.0%} inside)")
        return to_ll(_largest(inside))

    def strip(self, city: str, s: S, key: str):
        hint = to_m(Point(s.lon, s.lat))
        line = self.shared_border_m(city, s.neighbour, hint)
        if line is None:
            raise ValueError(f"{city}: strip {key} needs a land border with {s.neighbour}")
        at = line.project(hint)
        half = s.length_km * 500
        piece = shapely.ops.substring(line, max(0.0, at - half), min(line.length, at + half))
        band = shapely.intersection(piece.buffer(s.depth_km * 1000 + s.gap_m), self.poly_m[city])
        # the neighbour's land, widened by the gap, is cut away (outlines of two cities may overlap slightly)
        band = shapely.difference(band, self.poly_m[s.neighbour].buffer(max(s.gap_m, 1.0)))
        return to_ll(_largest(band))

    def point(self, city: str, p: P):
        pm = to_m(Point(p.lon, p.lat))
        if not self.poly_m[city].contains(pm):
            raise ValueError(f"{city}: point {tuple(p)} is not in the city ({self.where(pm)})")
        return Point(p.lon, p.lat)

    def geometry(self, city: str, spec, key: str):
        if isinstance(spec, list):
            return self.line(city, spec)
        if isinstance(spec, Z):
            return self.zone(city, spec, key)
        if isinstance(spec, S):
            return self.strip(city, spec, key)
        if isinstance(spec, P):
            return self.point(city, spec)
        raise TypeError(spec)


def _largest(geom):
    if geom.geom_type == "MultiPolygon":
        return max(geom.geoms, key=lambda g: g.area)
    return geom


def _round(geom, gcj: bool):
    def fix(xy):
        if gcj:
            lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
            xy = np.column_stack([lon, lat])
        return np.round(xy, 6)

    return shapely.transform(geom, fix)


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _write_plugin(folder: Path, header: list[str], projects: list[dict], features: list[dict],
                  extra: list[str] = (), readme: str = "") -> None:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    lines = list(header)
    for p in projects:
        lines.append("")
        lines.append("[[contributions.projects]]")
        for k in ("id", "title", "title_zh", "theme", "kind", "status"):
            lines.append(f"{k} = {_toml_str(p[k])}")
        lines.append(f"phase = [{p['phase'][0]}, {p['phase'][1]}]")
        lines.append(f"owner = {_toml_str(p['owner'])}")
        lines.append('source = "data/projects.geojson"')
        lines.append(f"feature = {_toml_str(p['feature'])}")
        if p.get("capacity"):
            lines.append(f"capacity = {p['capacity']}")
        if p.get("grade"):
            lines.append(f"grade = {_toml_str(p['grade'])}")
        lines.append('provenance = "illustrative"')
        if p.get("max_height_m"):
            lines.append(f"max_height_m = {float(p['max_height_m']):g}")
        if p.get("notes"):
            lines.append(f"notes = {_toml_str(p['notes'])}")
    lines.extend(extra)
    (folder / "ydtwin.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc = {"type": "FeatureCollection", "features": features}
    text = json.dumps(doc, ensure_ascii=False, indent=None, separators=(",", ":"))
    (folder / "data" / "projects.geojson").write_text(text.replace('},{"type":"Feature"', '},\n{"type":"Feature"')
                                                     + "\n", encoding="utf-8")
    if readme:
        (folder / "README.md").write_text(readme, encoding="utf-8")


def _feature(fid: str, geom) -> dict:
    return {"type": "Feature", "id": fid, "properties": {"id": fid}, "geometry": mapping(geom)}


def build(out: Path) -> None:
    b = Builder()
    problems: list[str] = []
    for city, info in CITIES.items():
        slug = city.lower()
        gcj = bool(info.get("gcj02_undeclared"))
        projects, features = [], []
        for p in info["projects"]:
            try:
                geom = _round(b.geometry(city, p["geometry"], p["key"]), gcj)
            except ValueError as exc:
                problems.append(f"{p['key']}: {exc}")
                continue
            pid = f"{slug}.{p['key']}"
            projects.append({**p, "id": pid, "feature": p["key"],
                             "owner": p["owner"] or info["bureau"][p["theme"]]})
            features.append(_feature(p["key"], geom))
        themes = {p["theme"] for p in projects}
        if problems:
            continue
        if len(projects) < 8 or len(themes) < 6:
            raise ValueError(f"{city}: {len(projects)} projects over {len(themes)} themes (need 8 over 6)")
        datum_note = ("Coordinates of this plugin were digitised on a web map in GCJ-02 and are NOT declared "
                      "as such (an illustrative datum fault for the review's datum check). " if gcj else "")
        header = [
            f"# {city}: planned projects for joint review. Generated by packaging/build_city_plugins.py from",
            "# packaging/city_plans.py; project names from public plans, geometry schematic, all illustrative.",
            f'name = "ydtwin-{slug}"',
            f"display_name = {_toml_str(f'{city} — planned projects (illustrative)')}",
            f"display_name_zh = {_toml_str(info['zh'] + ' — 规划项目（示意）')}",
            'version = "0.1.0"',
            "schema_version = 1",
            'requires_ydtwin = ">=0.1"',
            "description = " + _toml_str(datum_note + "Names of public plans; schematic geometry placed on the region "
                                         "outlines; status and phases illustrative. Not an official plan."),
            'author = "ydtwin"',
            'licence = "CC-BY-4.0"',
            "",
            "[city]",
            f"name = {_toml_str(city)}",
            f"adcode = {_toml_str(info['adcode'])}",
            f"name_zh = {_toml_str(info['zh'])}",
        ]
        readme = (f"# ydtwin-{slug}\n\n{city}'s planned projects for ydtwin's joint review: {len(projects)} projects "
                  f"over the six themes. Names follow public plans; geometry is schematic and every project is "
                  f"labelled illustrative. {datum_note}\nGenerated by `packaging/build_city_plugins.py`.\n")
        _write_plugin(out / slug, header, projects, features, readme=readme)
        print(f"{city}: {len(projects)} projects, themes {sorted(themes)}")

    if problems:
        raise ValueError("\n".join(problems))
    eco = ECOCORRIDORS
    folder = out / "ecocorridors"
    projects, features = [], []
    for key, title, title_zh, waypoints in eco["corridors"]:
        geom = _round(LineString(waypoints), False)
        projects.append(dict(id=f"ecocorridors.{key}", title=title, title_zh=title_zh, theme=eco["theme"]["id"],
                             kind="green", status="planned", phase=(2025, 2035),
                             owner="Yangtze River Delta regional cooperation office (joint)", feature=key))
        features.append(_feature(key, geom))
    # the corridors' 1 km protection buffers, as a styled layer of their own
    buffers = []
    for key, _t, _z, waypoints in eco["corridors"]:
        band = to_ll(to_m(LineString(waypoints)).buffer(1000.0))
        buffers.append({"type": "Feature", "id": f"{key}-buffer",
                        "properties": {"id": f"{key}-buffer", "corridor": key},
                        "geometry": mapping(_round(band, False))})
    header = [
        "# A theme that is not a city: regional blue-green corridors with their own colour and layer.",
        'name = "ydtwin-ecocorridors"',
        'display_name = "Blue-green ecological corridors (theme, illustrative)"',
        'display_name_zh = "蓝绿生态廊道（主题，示意）"',
        'version = "0.1.0"',
        "schema_version = 1",
        'requires_ydtwin = ">=0.1"',
        'description = "A regional theme arriving as a plugin: four schematic blue-green corridors across city borders '
        'and their 1 km protection buffers. Illustrative."',
        'author = "ydtwin"',
        'licence = "CC-BY-4.0"',
        "",
        "[[contributions.themes]]",
        *(f"{k} = {_toml_str(v)}" for k, v in eco["theme"].items()),
    ]
    extra = [
        "",
        "[[contributions.layers]]",
        'id = "ecocorridors.buffers"',
        'name = "Blue-green corridor buffers (1 km)"',
        'name_zh = "蓝绿廊道缓冲区（1公里）"',
        'source = "data/buffers.geojson"',
        'theme = "ecocorridors.blue-green"',
        'provenance = "illustrative"',
        'licence = "CC-BY-4.0"',
        "[contributions.layers.style]",
        f'colour = "{eco["theme"]["colour"]}"',
        "line_width = 1.0",
        "fill = true",
    ]
    readme = ("# ydtwin-ecocorridors\n\nA planning theme delivered as a plugin: its own colour (theme "
              "`ecocorridors.blue-green`), four schematic cross-border corridors as projects, and their 1 km "
              "buffers as a styled layer. Illustrative.\nGenerated by `packaging/build_city_plugins.py`.\n")
    _write_plugin(folder, header, projects, features, extra=extra, readme=readme)
    (folder / "data" / "buffers.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": buffers}, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"ecocorridors: {len(projects)} corridors")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "plugins"))
    args = parser.parse_args()
    try:
        build(Path(args.out))
    except ValueError as exc:
        print(f"build_city_plugins: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
