"""Measure and Profile use cases: distances, areas and heights between points in the scene, and profiles of the
terrain, buildings and planned corridors along a line or a corridor. Qt-free; ``ydtwin analyse measure|profile``
and the window's Measure and Profile tools call these through the Workspace.

Heights are true heights (m above the DEM's datum), never the scene's exaggerated ones: the terrain's (the finer
tiles of an imported DEM where there are some, else the region grid: ``SurfaceHeights``), a building's roof (the
ground at its centre, as the scene stands it, plus its height), the water's level on the sea.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import YdtwinError
from ydtwin.geo.geodesic import decimals_in, lonlat_uncertainty_m
from ydtwin.geo.measurement import KINDS, Measurement, MeasurePoint, measure_points
from ydtwin.geo.profile import (
    MAX_SAMPLES,
    Profile,
    ProfileBuilding,
    ProfileCrossing,
    footprint_spans,
    grade_pct,
    heights_along,
    insert_samples,
    line_crossings,
    terrain_profile,
)

__all__ = ["PROFILE_FORMATS", "STEP_RANGE_M", "corridors", "measure", "parse_points", "profile", "profile_csv",
           "snap_point", "write_profile"]

#: the sampling steps a profile accepts (m)
STEP_RANGE_M = (1.0, 10_000.0)
PROFILE_FORMATS = (".png", ".csv")
#: how far outside the region a point may lie (degrees)
_MARGIN_DEG = 0.5
#: precision of heights: the DEM's whole metres; building heights to a decimetre
TERRAIN_STEP_M = 1.0
ROOF_STEP_M = 0.1


# ---- points ---------------------------------------------------------------------------------------------


def parse_points(texts) -> list[MeasurePoint]:
    """"LON,LAT" or "LON,LAT,H" (degrees, metres) → points whose precision is what was typed (half a unit of the
    last decimal; a height typed to 1 decimal is good to 0.1 m). One error line for anything else."""
    out = []
    for text in texts:
        parts = [p.strip() for p in str(text).split(",")]
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            lon, lat = float(parts[0]), float(parts[1])
            h = float(parts[2]) if len(parts) == 3 else None
        except ValueError:
            raise YdtwinError(f"--points {text}: a point is LON,LAT or LON,LAT,HEIGHT (degrees, metres)") from None
        if not all(math.isfinite(v) for v in (lon, lat, 0.0 if h is None else h)):
            raise YdtwinError(f"--points {text}: not a finite number")
        u = lonlat_uncertainty_m(decimals_in(parts[0]), decimals_in(parts[1]), lat)
        step = TERRAIN_STEP_M if h is None else max(10.0 ** -decimals_in(parts[2]), 0.01)
        out.append(MeasurePoint(lon, lat, h, "typed" if h is not None else "unknown", max(u, 0.01), step))
    return out


def _check_in_region(scene, lon: float, lat: float, what: str) -> None:
    r0, s0, r1, s1 = scene.region.bbox
    if not (r0 - _MARGIN_DEG <= lon <= r1 + _MARGIN_DEG and s0 - _MARGIN_DEG <= lat <= s1 + _MARGIN_DEG):
        raise YdtwinError(f"{what} {lon:g},{lat:g}: outside the region ({r0:g}–{r1:g} E, {s0:g}–{s1:g} N)")


def _terrain(scene):
    from ydtwin.model.layer import TerrainLayer

    return next((layer for layer in scene.layers if isinstance(layer, TerrainLayer)), None)


def _surface(scene):
    """The scene's terrain surface (``SurfaceHeights``: an imported DEM's finer tiles where it has them)."""
    from ydtwin.geo.drape import SurfaceHeights

    terrain = _terrain(scene)
    return SurfaceHeights(terrain.elevation if terrain is not None else None, scene.projection,
                          scene.vertical_exaggeration)


def _nearest_flag(grid, mask: np.ndarray | None, lon, lat) -> np.ndarray:
    """``mask`` (a bool grid on ``grid``'s cells) at the cell nearest each lon/lat; False without a mask."""
    lon = np.asarray(lon, dtype=np.float64)
    if mask is None:
        return np.zeros(lon.shape, dtype=bool)
    ny, nx = grid.shape
    i = np.clip(np.round((lon - grid.x0) / grid.dx).astype(np.int64), 0, nx - 1)
    j = np.clip(np.round((np.asarray(lat, dtype=np.float64) - grid.y0) / grid.dy).astype(np.int64), 0, ny - 1)
    return np.asarray(mask)[j, i]


def ground_at(scene, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """(terrain elevation m, on land) at lon/lat: NaN outside the terrain; "on land" from its land mask."""
    x, y = scene.projection.to_scene(lon, lat)
    e = np.asarray(_surface(scene).elevation(np.atleast_1d(x), np.atleast_1d(y)), dtype=np.float64)
    terrain = _terrain(scene)
    if terrain is None:
        return e, np.ones(e.shape, dtype=bool)
    land = terrain.land_mask if terrain.land_mask is not None else terrain.elevation.values > 0
    return e, _nearest_flag(terrain.elevation, land, lon, lat) | (e > 0)


def snap_point(scene, lon: float, lat: float, *, building: tuple[str, int] | None = None,
               radius_m: float = 0.0, uncertainty_m: float = 0.1) -> MeasurePoint:
    """A point a planner clicked, snapped: on a building (``building`` = (layer name, index), what the view's
    pick found) to the nearest corner of its footprint within ``radius_m`` (else where it was clicked) at its
    roof; elsewhere to the terrain — or the water's level on the sea. ``uncertainty_m``: the ground a pixel
    covers there (a snapped corner is as exact as the footprint)."""
    _check_in_region(scene, lon, lat, "point")
    if building is not None:
        layer_name, index = building
        layer = next((x for x in scene.layers if getattr(x, "kind", "") == "buildings" and x.name == layer_name), None)
        if layer is not None and 0 <= index < len(layer.data):
            return _roof_point(scene, layer, index, lon, lat, radius_m, uncertainty_m)
    e, land = ground_at(scene, [lon], [lat])
    if not np.isfinite(e[0]):
        return MeasurePoint(lon, lat, None, "unknown", uncertainty_m, TERRAIN_STEP_M)
    if not land[0]:
        return MeasurePoint(lon, lat, float(scene.sea_level), "water", uncertainty_m, TERRAIN_STEP_M)
    return MeasurePoint(lon, lat, float(e[0]), "terrain", uncertainty_m, TERRAIN_STEP_M)


def _roof_point(scene, layer, index: int, lon: float, lat: float, radius_m: float, uncertainty_m: float):
    data = layer.data
    keep = np.zeros(len(data), dtype=bool)
    keep[index] = True
    one = data.subset(keep)
    x, y = scene.projection.to_scene(one.xy[:, 0], one.xy[:, 1], one.crs)
    px, py = scene.projection.to_scene(lon, lat)
    d = np.hypot(x - px, y - py)
    source = "roof"
    if len(d) and radius_m > 0 and d.min() <= radius_m:
        k = int(np.argmin(d))
        lon, lat = float(one.xy[k, 0]), float(one.xy[k, 1])
        source, uncertainty_m = "vertex", min(uncertainty_m, 0.1)
    cx, cy = one.centres()[0]
    ground, _land = ground_at(scene, [cx], [cy])
    g = max(float(np.nan_to_num(ground[0])), 0.0)
    return MeasurePoint(lon, lat, g + float(data.height[index]), source, uncertainty_m, ROOF_STEP_M)


def measure(scene, points, kind: str = "distance") -> Measurement:
    """The measurement of ``kind`` (distance, area, height) through ``points`` (MeasurePoints, or (lon, lat[,
    height]) tuples); a point without a height gets the terrain's (or the water's level on the sea)."""
    if kind not in KINDS:
        raise YdtwinError(f"a measurement is one of {', '.join(KINDS)}, not {kind!r}")
    pts = []
    for p in points:
        if not isinstance(p, MeasurePoint):
            p = MeasurePoint(float(p[0]), float(p[1]), float(p[2]) if len(p) > 2 and p[2] is not None else None,
                             "typed" if len(p) > 2 and p[2] is not None else "unknown")
        _check_in_region(scene, p.lon, p.lat, "point")
        if p.height is None:
            ground = snap_point(scene, p.lon, p.lat, uncertainty_m=p.uncertainty_m)
            p = MeasurePoint(p.lon, p.lat, ground.height, ground.source, p.uncertainty_m, ground.height_step)
        pts.append(p)
    try:
        return measure_points(pts, kind)
    except ValueError as exc:
        raise YdtwinError(str(exc)) from None


# ---- corridors ------------------------------------------------------------------------------------------


def corridors(scene, *, visible_only: bool = True) -> list[dict]:
    """Every linear planned project of the scene's plans: {id, title, title_zh, kind, grade, geometry (WGS84,
    the longest merged part, with the plan's heights where it gives them)}."""
    from ydtwin.plugins.manifest import CORRIDOR_CLASSES

    out = []
    for layer in scene.layers:
        if getattr(layer, "kind", "") != "plans" or (visible_only and not layer.visible):
            continue
        attrs = layer.data.attributes
        for k, geom in enumerate(layer.data.geometries):
            if str(attrs["kind"][k]) not in CORRIDOR_CLASSES or shapely.get_type_id(geom) not in (1, 5):
                continue
            line = shapely.line_merge(geom) if shapely.get_type_id(geom) == 5 else geom
            part = max(getattr(line, "geoms", [line]), key=lambda g: g.length)
            out.append({"id": str(attrs["id"][k]), "title": str(attrs["title"][k]),
                        "title_zh": str(attrs["title_zh"][k] or ""), "kind": str(attrs["kind"][k]),
                        "grade": str(attrs["grade"][k] or ""), "geometry": part, "crs": layer.data.crs})
    return out


def _plain(text: str) -> str:
    for dash in "–—‐‑−":
        text = text.replace(dash, "-")
    return " ".join(text.lower().split())


def find_corridor(scene, name: str) -> dict:
    """A corridor by its id or title (any case; the city prefix of the id may be left out) → its record; one
    error line naming the close ones otherwise."""
    found = corridors(scene)
    want = _plain(name)
    for c in found:
        if want in (_plain(c["id"]), _plain(c["title"]), _plain(c["title_zh"])):
            return c
    short = [c for c in found if _plain(c["id"].split(".", 1)[-1]) == want]
    if len(short) == 1:
        return short[0]
    if short:
        raise YdtwinError(f"--corridor {name}: {len(short)} corridors go by that name — "
                          f"{', '.join(c['id'] for c in short)}: give the whole id")
    names = {_plain(n): c["id"] for c in found for n in (c["id"], c["title"])}
    close = sorted({names[n] for n in difflib.get_close_matches(want, list(names), n=3, cutoff=0.6)})
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise YdtwinError(f"--corridor {name}: no planned corridor of that id or title — {hint}{len(found)} corridors "
                      "are shown (`ydtwin path preset corridor --project list` lists them)")


def _to_wgs84_coords(corridor: dict) -> np.ndarray:
    """The corridor's vertices as (lon, lat, z) (z NaN where the plan gives no heights)."""
    from ydtwin.geo.projection import is_wgs84, to_wgs84

    c = np.asarray(corridor["geometry"].coords, dtype=np.float64)
    z = c[:, 2] if c.shape[1] > 2 else np.full(len(c), np.nan)
    if not is_wgs84(corridor["crs"]):
        lon, lat = to_wgs84(c[:, 0], c[:, 1], corridor["crs"])
        c = np.column_stack([lon, lat])
    return np.column_stack([c[:, 0], c[:, 1], z])


# ---- profile --------------------------------------------------------------------------------------------


def check_step(step_m) -> float:
    lo, hi = STEP_RANGE_M
    try:
        value = float(step_m)
    except (TypeError, ValueError):
        raise YdtwinError(f"--step: not a number: {step_m!r}") from None
    if not (math.isfinite(value) and lo <= value <= hi):
        raise YdtwinError(f"--step must be between {lo:g} and {hi:g} m, not {step_m}")
    return value


def profile(scene, *, line=None, corridor: str | None = None, step_m: float = 50.0) -> Profile:
    """The profile along ``line`` ([(lon, lat), …], two points or more) or a planned ``corridor`` (its id or
    title), sampled every ``step_m`` metres at most: the terrain, the buildings it passes through, the corridors
    it crosses; along a corridor also the corridor's elevation (its own heights, else the terrain's) and grade."""
    step_m = check_step(step_m)
    if (line is None) == (corridor is None):
        raise YdtwinError("a profile follows a line or a corridor (one of them)")
    followed = None
    if corridor is not None:
        followed = find_corridor(scene, corridor)
        coords = _to_wgs84_coords(followed)
    else:
        coords = np.array([[float(p[0]), float(p[1]), np.nan] for p in line], dtype=np.float64)
        if len(coords) < 2:
            raise YdtwinError("a profile line needs at least 2 points")
    for lon, lat, _z in coords:
        _check_in_region(scene, lon, lat, "profile point")
    from ydtwin.geo.geodesic import geodesic_lengths

    length = float(geodesic_lengths(coords[:, 0], coords[:, 1]).sum())
    if length <= 0:
        raise YdtwinError("a profile line needs two distinct points")
    if length / step_m + len(coords) > MAX_SAMPLES:
        raise YdtwinError(f"a {length / 1000:,.1f} km line at {step_m:g} m steps is more than {MAX_SAMPLES:,} "
                          "samples: give a longer --step")
    proj = scene.projection
    surface = _surface(scene)
    base = terrain_profile(coords[:, 0], coords[:, 1], step_m, to_scene=proj.to_scene, elevation=surface.elevation)
    dist, xy = base["distance_m"], base["xy"]
    buildings = _buildings_along(scene, coords, xy, dist)
    crossings = _crossings(scene, xy, dist, skip=followed["id"] if followed else None)
    extra = [b.start_m for b in buildings] + [b.end_m for b in buildings] + [c.distance_m for c in crossings]
    dist, lon, lat = insert_samples(dist, base["lon"], base["lat"], extra)
    x, y = proj.to_scene(lon, lat)
    xy = np.column_stack([x, y])
    terrain_m = np.asarray(surface.elevation(x, y), dtype=np.float64)
    roof = np.full(len(dist), np.nan)
    for b in buildings:
        inside = (dist >= b.start_m - 1e-6) & (dist <= b.end_m + 1e-6)
        roof[inside] = np.fmax(roof[inside], b.roof_m)
    terrain = _terrain(scene)
    filled = None if terrain is None else _nearest_flag(terrain.elevation, terrain.unknown, lon, lat)
    kwargs = {}
    if followed is not None:
        given = np.isfinite(coords[:, 2]).all()
        if given:
            cxyz = np.column_stack([*proj.to_scene(coords[:, 0], coords[:, 1]), coords[:, 2]])
            corridor_m = heights_along(cxyz, xy)
        else:
            corridor_m = terrain_m.copy()
        kwargs = {"corridor_id": followed["id"], "corridor_kind": followed["kind"],
                  "declared_grade": followed["grade"], "corridor_m": corridor_m,
                  "corridor_heights": "given" if given else "terrain", "grade_pct": grade_pct(dist, corridor_m)}
    notes = []
    if followed is not None and kwargs["corridor_heights"] == "terrain":
        notes.append("the plan gives no heights: the corridor follows the terrain")
        if followed["grade"] in ("tunnel", "bridge"):
            notes.append(f"declared a {followed['grade']} at its border: the terrain is the ground over or under it, "
                         "not the corridor's own level")
    if filled is not None and filled.any():
        notes.append(f"{int(filled.sum())} samples lie on land no DEM gives a height for (drawn at a default height)")
    title = followed["title"] if followed else "Profile along a drawn line"
    return Profile(title, step_m, dist, lon, lat, terrain_m, roof, tuple(buildings), tuple(crossings),
                   terrain_source=_terrain_source(terrain), terrain_filled=filled, notes=tuple(notes), **kwargs)


def _terrain_source(terrain) -> str:
    if terrain is None:
        return "no terrain"
    names = [terrain.provenance.source] + [p.source for p in getattr(terrain, "imported", ())]
    return "; ".join(n for n in names if n)


def _buildings_along(scene, coords: np.ndarray, xy: np.ndarray, dist: np.ndarray) -> list[ProfileBuilding]:
    """The buildings of the visible buildings layers (those they show) the line passes through."""
    line_ll = shapely.LineString(coords[:, :2])
    out = []
    for layer in scene.layers:
        if getattr(layer, "kind", "") != "buildings" or not layer.visible or not len(layer.data):
            continue
        data = layer.data
        b = data.bounds()
        near = np.flatnonzero(~layer.hidden & np.isfinite(b).all(axis=1))
        if not len(near):
            continue
        boxes = shapely.box(b[near, 0], b[near, 1], b[near, 2], b[near, 3])
        near = near[shapely.intersects(boxes, line_ll)]
        if not len(near):
            continue
        polys = shapely.transform(data.geometries(near), lambda c, crs=data.crs: np.column_stack(
            scene.projection.to_scene(c[:, 0], c[:, 1], crs)))
        centres = data.centres()[near]
        ground, _land = ground_at(scene, centres[:, 0], centres[:, 1])
        ground = np.maximum(np.nan_to_num(ground), 0.0)
        names = data.attributes.get("name")
        for k, a, e in footprint_spans(xy, dist, polys):
            i = int(near[k])
            name = "" if names is None or names[i] is None else str(names[i])
            out.append(ProfileBuilding(a, e, float(ground[k]), float(ground[k] + data.height[i]),
                                       layer.display_name(), i, "" if name == "nan" else name))
    out.sort(key=lambda b: b.start_m)
    return out


def _crossings(scene, xy: np.ndarray, dist: np.ndarray, *, skip: str | None) -> list[ProfileCrossing]:
    """The planned corridors the line crosses (the followed one ``skip`` left out), with their elevation there."""
    proj = scene.projection
    surface = _surface(scene)
    out = []
    for c in corridors(scene):
        if c["id"] == skip:
            continue
        cc = _to_wgs84_coords(c)
        cx, cy = proj.to_scene(cc[:, 0], cc[:, 1])
        given = bool(np.isfinite(cc[:, 2]).all())
        geom = shapely.LineString(np.column_stack([cx, cy, cc[:, 2]]) if given else np.column_stack([cx, cy]))
        for d, pt in line_crossings(xy, dist, geom):
            lon, lat = proj.from_scene(pt[0], pt[1])
            h = float(pt[2]) if given else float(surface.elevation(np.array([pt[0]]), np.array([pt[1]]))[0])
            out.append(ProfileCrossing(d, float(lon), float(lat), c["id"], c["title"], c["kind"], h,
                                       "given" if given else "terrain", c["grade"]))
    out.sort(key=lambda c: c.distance_m)
    return out


# ---- outputs --------------------------------------------------------------------------------------------

CSV_FIELDS = ("distance_m", "lon", "lat", "terrain_m", "building_roof_m", "corridor_m", "grade_pct", "feature")


def _num(value, decimals: int) -> str:
    return "" if value is None or not np.isfinite(value) else f"{value:.{decimals}f}"


def profile_csv(result: Profile) -> str:
    """The profile as CSV: a row per sample (distance m, lon, lat, terrain m, the roof of a building there,
    the followed corridor's elevation m and its grade % on the segment that starts there) and what stands at
    that sample (a building's edge, a crossing corridor) in ``feature``; heights to 0.1 m, grades to 0.01 %."""
    features: dict[float, list[str]] = {}
    for b in result.buildings:
        label = f"building {b.name or b.index} ({b.layer}, roof {b.roof_m:.1f} m)"
        features.setdefault(b.start_m, []).append(f"enters {label}")
        features.setdefault(b.end_m, []).append(f"leaves {label}")
    for c in result.crossings:
        features.setdefault(c.distance_m, []).append(
            f"crosses {c.id} ({c.kind}, {c.elevation_m:.1f} m, heights from the {c.heights_from})")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for k, d in enumerate(result.distance_m):
        corridor = result.corridor_m[k] if result.corridor_m is not None else None
        grade = result.grade_pct[k] if result.grade_pct is not None and k < len(result.grade_pct) else None
        w.writerow([f"{d:.1f}", f"{result.lon[k]:.7f}", f"{result.lat[k]:.7f}", _num(result.terrain_m[k], 1),
                    _num(result.roof_m[k], 1), _num(corridor, 1), _num(grade, 2),
                    "; ".join(features.get(float(d), []))])
    return buf.getvalue()


def profile_format(out: str | Path) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in PROFILE_FORMATS:
        raise YdtwinError(f"{out}: a profile is written as .png (a chart) or .csv (the samples)")
    return suffix


def write_profile(result: Profile, out: str | Path, *, labels: dict | None = None, title: str | None = None,
                  size: tuple[int, int] = (1600, 900)) -> Path:
    """The profile as a chart (.png: terrain, buildings, corridors, the grade, axes with units) or its samples
    (.csv), written atomically → the path. ``labels`` translate the chart's words (see ``profile_chart``),
    ``title`` replaces its title."""
    out = Path(out)
    if profile_format(out) == ".csv":
        from ydtwin.atomic import write_text

        return write_text(out, profile_csv(result))
    from ydtwin.render.export_still import write_image
    from ydtwin.render.profile_chart import profile_rgb

    write_image(out, profile_rgb(result, size=size, labels=labels, title=title), "PNG")
    return out


def mean_abs_grade(result: Profile) -> float:
    """The corridor's mean absolute grade (%), each segment weighted by its length."""
    run = np.diff(result.distance_m)
    ok = np.isfinite(result.grade_pct) & (run > 0)
    return float((np.abs(result.grade_pct[ok]) * run[ok]).sum() / run[ok].sum()) if ok.any() else float("nan")


def profile_text(result: Profile) -> str:
    """What the profile shows, in a few lines with units (the command line prints it)."""
    valid = result.terrain_m[np.isfinite(result.terrain_m)]
    lines = [f"{result.title}: {result.length_m / 1000:,.3f} km, {len(result.distance_m):,} samples "
             f"(every {result.step_m:g} m at most)"]
    if len(valid):
        lines.append(f"terrain {valid.min():,.0f} to {valid.max():,.0f} m ({result.terrain_source})")
    if result.buildings:
        top = max(result.buildings, key=lambda b: b.roof_m)
        lines.append(f"{len(result.buildings)} buildings crossed; highest roof {top.roof_m:,.1f} m "
                     f"({top.name or top.layer}) at {(top.start_m + top.end_m) / 2000:,.3f} km")
    for c in result.crossings:
        lines.append(f"crosses {c.id} ({c.kind}) at {c.distance_m / 1000:,.3f} km, {c.elevation_m:,.1f} m "
                     f"(heights from the {c.heights_from})")
    if result.corridor_m is not None:
        worst = result.max_grade()
        if worst is not None:
            lines.append(f"grade: steepest {worst[0]:+.2f} % at {worst[1] / 1000:,.3f} km, mean |grade| "
                         f"{mean_abs_grade(result):.2f} % (corridor heights from the {result.corridor_heights})")
    lines.extend(f"note: {n}" for n in result.notes)
    return "\n".join(lines) + "\n"


# ---- annotations --------------------------------------------------------------------------------------------


def annotation_layer(scene, *, create: bool = True):
    """The scene's annotation layer (measurements kept, the one being drawn, profile lines), made when asked for
    the first time (None when ``create`` is False and there is none)."""
    from ydtwin.model.annotations import ANNOTATIONS_ROLE, AnnotationLayer

    layer = next((x for x in scene.layers if x.role == ANNOTATIONS_ROLE), None)
    if layer is None and create:
        layer = AnnotationLayer()
        scene.add(layer)
    return layer


def annotation_of(measurement: Measurement, label: str | None = None):
    """A measurement as an annotation: its points, labelled with its main figure."""
    from ydtwin.model.annotations import Annotation

    rows = dict(measurement.rows())
    if label is None:
        key = {"area": "area", "distance": "distance"}.get(measurement.kind)
        label = rows[key] if key else (rows.get("height_diff") or rows.get("height", ""))
        steep = measurement.length_3d_m is not None and measurement.length_3d_m > 1.01 * measurement.length_m
        if measurement.kind == "distance" and steep:  # between roofs, or up a hill: the 3D figures too
            label += f" · 3D {rows['distance_3d']}" + (f" · Δh {rows['height_diff']}" if "height_diff" in rows else "")
    return Annotation(measurement.kind, measurement.points, label, closed=measurement.kind == "area")


def attach_measurement(session, finding_id: str, measurement: Measurement, *, author: str, city: str = "",
                       text: str | None = None) -> None:
    """A measurement attached to a finding of ``session``: a comment (``text``, default the measurement's summary)
    carrying the measurement (kind, points, figures) — merged, journalled and reported like any comment."""
    if session is None:
        raise YdtwinError("no review session: open or start one in the Review panel first")
    if finding_id not in session.findings:
        raise YdtwinError(f"no finding {finding_id} in this review session")
    session.comment(finding_id, text or f"Measurement: {measurement.summary()}", author=author, city=city,
                    measurement=measurement.to_json())


def show_profile(scene, result: Profile | None, *, label: str | None = None) -> None:
    """The line a profile follows in the scene (the annotation layer's "profile" item, replacing the last one;
    None: removed), drawn on the corridor's heights or the terrain, labelled with its length."""
    from ydtwin.model.annotations import Annotation

    layer = annotation_layer(scene, create=result is not None)
    if layer is None:
        return
    for k in [k for k, item in enumerate(layer.items) if item.kind == "profile"][::-1]:
        layer.items.pop(k)
    if result is not None:
        n = len(result.distance_m)
        keep = np.unique(np.r_[np.linspace(0, n - 1, min(n, 400)).round().astype(int), n - 1])
        heights = result.corridor_m if result.corridor_m is not None else result.terrain_m
        points = tuple(MeasurePoint(float(result.lon[k]), float(result.lat[k]),
                                    None if not np.isfinite(heights[k]) else float(heights[k]), "terrain")
                       for k in keep)
        layer.items.append(Annotation("profile", points, label or f"{result.length_m / 1000:,.2f} km"))
    layer.events.data.emit(layer)
