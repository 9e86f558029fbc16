"""A viewshed's and a sight line's results: GeoJSON files (WGS84, the observer, heights, radius, cell and the
curvature correction stated) and what the scene shows — the visible and hidden ground as a coloured layer with a
legend, the observer, and the sight line green as far as its first blocker and red beyond."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ydtwin.errors import YdtwinError
from ydtwin.workspace.outputs import replace_layers

__all__ = ["HIDDEN_LABEL", "SIGHT_ROLES", "VIEWSHED_ROLE", "VISIBLE_LABEL", "show_sight_line", "show_viewshed",
           "sight_line_layers", "sight_line_text", "viewshed_layers", "viewshed_polygons", "viewshed_text",
           "write_sight_line", "write_viewshed"]

VIEWSHED_ROLE = "viewshed"
OBSERVER_ROLE = "viewshed-observer"
SIGHT_ROLES = ("sightline-clear", "sightline-blocked")
VISIBLE_LABEL = "Visible from the observer"
HIDDEN_LABEL = "Hidden from the observer"
#: visible ground a light green, hidden ground a dimming slate; the layer is translucent over the scene
VISIBLE_COLOUR = (0.35, 0.85, 0.40)
HIDDEN_COLOUR = (0.16, 0.17, 0.24)
CLEAR_COLOUR = (0.25, 0.95, 0.35)
BLOCKED_COLOUR = (0.95, 0.20, 0.15)
OBSERVER_COLOUR = (1.0, 0.85, 0.1)
LAYER_OPACITY = 0.55
#: the fills are draped this high over the (exaggerated) terrain (m, twice the fill's height: see Style)
DRAPE_M = 20.0

_CURVATURE = "Earth curvature and refraction: the surface lowered by d²(1 − k)/2R, k = 0.13, R = 6,371 km"


def _check_geojson(out) -> None:
    if Path(out).suffix.lower() not in (".geojson", ".json"):
        raise YdtwinError(f"{out}: viewshed and sight-line results are written as .geojson")


# ---- viewshed -----------------------------------------------------------------------------------------------


def viewshed_polygons(result, *, surface: str | None = None) -> list[tuple[object, str, str]]:
    """The visible and hidden cells merged into polygons in scene metres → [(polygon, "visible"|"hidden",
    "ground"|"roof")]; ``surface`` keeps one kind only."""
    import rasterio.features
    import shapely
    from affine import Affine

    code = np.where(result.state < 0, 0, 1 + result.state.astype(np.int16) + 2 * result.roof).astype(np.int16)
    transform = Affine(result.cell, 0.0, result.x0, 0.0, -result.cell, result.y1)
    out = []
    for geom, value in rasterio.features.shapes(code, mask=code > 0, transform=transform, connectivity=4):
        v = int(value) - 1
        kind = "roof" if v >= 2 else "ground"
        if surface is not None and kind != surface:
            continue
        out.append((shapely.geometry.shape(geom), "visible" if v % 2 else "hidden", kind))
    return out


def _viewshed_metadata(result) -> dict:
    req = result.request
    c = result.counts()
    vis, hid = result.area_m2
    ox, oy, oz = result.observer_xyz
    return {
        "analysis": "viewshed (ydtwin): cells whose surface point is seen from the observer's eye",
        "crs": "EPSG:4326 (WGS84 longitude, latitude)",
        "observer": [req.observer[0], req.observer[1]],
        "observer_eye_m": req.eye_m,
        "observer_on": result.observer_on,
        "observer_height_m": round(oz, 2),
        "target_height_m": req.target_m,
        "radius_m": req.radius_m,
        "cell_m": result.cell,
        "curvature": _CURVATURE if req.curvature else "none (a flat Earth)",
        "visible_fraction": round(result.visible_fraction, 4),
        "visible_km2": round(vis / 1e6, 4),
        "hidden_km2": round(hid / 1e6, 4),
        "cells": c,
        "obstacles": result.obstacles,
        "heights": "metres above the terrain's datum; buildings as prisms to their roofs",
    }


def viewshed_text(result) -> str:
    """The result as GeoJSON: a polygon per connected stretch of visible or hidden ground or roof (its area in
    m²), with a ``metadata`` member."""
    import shapely

    proj = result.projection
    features = []
    for geom, vis, surface in viewshed_polygons(result):
        area = float(geom.area)
        ll = shapely.transform(geom, lambda xy: np.column_stack(proj.from_scene(xy[:, 0], xy[:, 1])))
        ll = shapely.set_precision(ll, 1e-7)
        features.append(json.dumps({"type": "Feature", "properties": {"visibility": vis, "surface": surface,
                                                                      "area_m2": round(area, 1)},
                                    "geometry": shapely.geometry.mapping(ll)}, ensure_ascii=False))
    head = json.dumps({"type": "FeatureCollection", "metadata": _viewshed_metadata(result)}, ensure_ascii=False)[:-1]
    return head + ', "features": [\n' + ",\n".join(features) + "\n]}\n"


def write_viewshed(result, out: str | Path) -> Path:
    """Write the result as GeoJSON, atomically → the path."""
    from ydtwin.atomic import write_text

    _check_geojson(out)
    return write_text(Path(out), viewshed_text(result))


def _observer_layer(proj, xyz, label: str, role: str):
    from ydtwin.geo.measurement import MeasurePoint
    from ydtwin.model.annotations import Annotation, AnnotationLayer
    from ydtwin.model.layer import Style

    lon, lat = (float(v) for v in proj.from_scene(xyz[0], xyz[1]))
    layer = AnnotationLayer("Observer", group="Analysis", role=role,
                            style=Style(color=OBSERVER_COLOUR, line_width=4.0, font_size=13))
    layer.name_zh = "观察点"
    layer.items.append(Annotation("height", (MeasurePoint(lon, lat, xyz[2], "typed"),), label))
    return layer


def piece_m(cell: float) -> float:
    """The side (m) of the square pieces the scene's layer is drawn in for a grid of ``cell`` metres: 50 m (the
    sunlight's) for fine grids, up to 500 m for coarse ones (a wide view), so that a view of 4 M cells is drawn in
    at most some 15,000 pieces."""
    return float(min(500.0, max(50.0, 25.0 * cell)))


def ground_pieces(result) -> tuple[list, list[str]]:
    """The visible and hidden ground as polygons in scene metres, cut into square pieces of :func:`piece_m` (the
    scene drapes a fill through its vertices: a large one would let the exaggerated terrain rise through it) →
    (geometries, "visible" | "hidden" each). Made block by block from the grid: a block all of one kind is its
    square, a mixed block its cells merged (rasterio), so the work grows with the blocks, not with how ragged the
    areas are. Kept with the result: made once (a front end may make them in the background before showing it)."""
    import rasterio.features
    import shapely
    from affine import Affine

    made = getattr(result, "_ground_pieces", None)
    if made is not None:
        return made
    code = np.where((result.state < 0) | result.roof, 0, 1 + result.state).astype(np.uint8)  # 1 hidden, 2 visible
    k = max(1, int(round(piece_m(result.cell) / result.cell)))
    ny, nx = code.shape
    by, bx = -(-ny // k), -(-nx // k)
    padded = np.zeros((by * k, bx * k), dtype=np.uint8)
    padded[:ny, :nx] = code
    blocks = padded.reshape(by, k, bx, k).swapaxes(1, 2)
    hi = blocks.max(axis=(2, 3))
    whole = (hi > 0) & (blocks == hi[:, :, None, None]).all(axis=(2, 3))
    size = k * result.cell
    r, c = np.nonzero(whole)
    x0 = result.x0 + c * size
    y1 = result.y1 - r * size
    geoms = list(shapely.box(x0, y1 - size, x0 + size, y1))
    kinds = ["visible" if v == 2 else "hidden" for v in hi[r, c]]
    for r, c in zip(*np.nonzero(~whole & (hi > 0)), strict=True):
        sub = np.ascontiguousarray(blocks[r, c])
        transform = Affine(result.cell, 0.0, result.x0 + c * size, 0.0, -result.cell, result.y1 - r * size)
        for geom, value in rasterio.features.shapes(sub, mask=sub > 0, transform=transform, connectivity=4):
            geoms.append(shapely.geometry.shape(geom))
            kinds.append("visible" if value == 2 else "hidden")
    result._ground_pieces = (geoms, kinds)
    return geoms, kinds


def viewshed_layers(result) -> list:
    """The visible and hidden ground as one translucent layer (a legend row each) and the observer."""
    import shapely

    from ydtwin.model.layer import Provenance, Style, VectorData, VectorLayer

    proj = result.projection
    req = result.request
    geoms, kinds = ground_pieces(result)
    labels = {"visible": VISIBLE_LABEL, "hidden": HIDDEN_LABEL}
    classes = [labels[k] for k in kinds]
    natures = [v for v in result.obstacles.get("natures", []) if v != "real"]
    prov = Provenance(source="ydtwin viewshed (lines of sight through the terrain and the buildings shown)",
                      licence="derived", nature=natures[0] if natures else "real",
                      transformations=(f"eye {req.eye_m:g} m, radius {req.radius_m:g} m, {result.cell:g} m cells",),
                      notes="procedural blocks hide procedural views")
    out = []
    if geoms:
        g = shapely.transform(np.array(geoms, dtype=object),
                              lambda xy: np.column_stack(proj.from_scene(xy[:, 0], xy[:, 1])))
        # fills only (a width of 0: the pieces' outlines would draw a grid), 10 m over the exaggerated terrain
        style = Style(color=VISIBLE_COLOUR, line_width=0.0, fill=True, drape_offset=DRAPE_M, class_field="view",
                      classes=((VISIBLE_LABEL, VISIBLE_COLOUR, 0.0), (HIDDEN_LABEL, HIDDEN_COLOUR, 0.0)))
        layer = VectorLayer("Viewshed", VectorData(g, "EPSG:4326", {"view": np.array(classes, dtype=object)}),
                            provenance=prov, group="Analysis", role=VIEWSHED_ROLE, style=style, opacity=LAYER_OPACITY)
        layer.name_zh = "可视域"
        out.append(layer)
    out.append(_observer_layer(proj, result.observer_xyz, f"{100 * result.visible_fraction:.0f} %", OBSERVER_ROLE))
    return out


def show_viewshed(scene, result) -> list:
    """Show a viewshed over the scene in place of the one shown before (None: remove it) → the layers added."""
    return replace_layers(scene, (VIEWSHED_ROLE, OBSERVER_ROLE), [] if result is None else viewshed_layers(result))


# ---- sight line ---------------------------------------------------------------------------------------------


def _lonlat(proj, x, y) -> tuple[float, float]:
    lon, lat = proj.from_scene(x, y)
    return float(lon), float(lat)


def _split(result):
    """The line's two parts as ((x, y, z) start, end) pairs: clear to the first blocker, blocked beyond it."""
    o, t = result.observer_xyz, result.target_xyz
    if result.visible:
        return (o, t), None
    f = result.blockers[0].distance_m / result.length_m
    mid = tuple(a + (b - a) * f for a, b in zip(o, t, strict=True))
    return (o, mid), (mid, t)


def sight_line_layers(result) -> list:
    """The sight line: green from the eye to its first blocker (to the target when nothing blocks), red beyond;
    labelled with what blocks it."""
    from ydtwin.geo.measurement import MeasurePoint
    from ydtwin.model.annotations import Annotation, AnnotationLayer
    from ydtwin.model.layer import Style

    proj = result.projection
    clear, blocked = _split(result)

    def item(a, b, label):
        pts = tuple(MeasurePoint(*_lonlat(proj, p[0], p[1]), p[2], "typed") for p in (a, b))
        return Annotation("distance", pts, label)

    out = []
    b0 = result.blockers[0] if result.blockers else None
    for role, part, colour, name, name_zh, label in (
            (SIGHT_ROLES[0], clear, CLEAR_COLOUR, "Sight line: seen", "视线：可见段",
             "visible" if result.visible else ""),
            (SIGHT_ROLES[1], blocked, BLOCKED_COLOUR, "Sight line: blocked", "视线：遮挡段",
             "" if b0 is None else (b0.name or b0.layer or "terrain") + f" +{b0.excess_m:.0f} m")):
        if part is None:
            continue
        layer = AnnotationLayer(name, group="Analysis", role=role,
                                style=Style(color=colour, line_width=4.0, font_size=13))
        layer.name_zh = name_zh
        layer.items.append(item(*part, label))
        out.append(layer)
    return out


def show_sight_line(scene, result) -> list:
    """Show a sight line over the scene in place of the one shown before (None: remove it) → the layers added."""
    return replace_layers(scene, SIGHT_ROLES, [] if result is None else sight_line_layers(result))


def sight_line_text(result) -> str:
    """The sight line as GeoJSON: its seen and blocked parts (3D lines, heights in m) and a point per blocker."""
    proj = result.projection
    clear, blocked = _split(result)
    features = []
    for part, name in ((clear, "seen"), (blocked, "blocked")):
        if part is None:
            continue
        coords = [[*(round(v, 7) for v in _lonlat(proj, p[0], p[1])), round(p[2], 2)] for p in part]
        features.append({"type": "Feature", "properties": {"part": name},
                         "geometry": {"type": "LineString", "coordinates": coords}})
    for k, b in enumerate(result.blockers):
        props = {"part": "blocker", "order": k + 1, "kind": b.kind, "distance_m": round(b.distance_m, 1),
                 "excess_m": round(b.excess_m, 2), "surface_m": round(b.surface_m, 2), "layer": b.layer,
                 "building": b.index if b.kind == "building" else None, "name": b.name,
                 "height_m": round(b.height_m, 1) if b.kind == "building" else None}
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [round(b.lon, 7), round(b.lat, 7)]}})
    req = result.request
    meta = {"analysis": "sight line (ydtwin)", "crs": "EPSG:4326 (WGS84 longitude, latitude; heights in metres)",
            "observer": list(req.observer), "target": list(req.target), "eye_m": req.eye_m,
            "target_height_m": req.target_m, "length_m": round(result.length_m, 1), "visible": result.visible,
            "raise_target_m": round(result.raise_target_m, 2), "cell_m": result.obstacles.get("cell_m"),
            "curvature": _CURVATURE if req.curvature else "none (a flat Earth)", "description": result.summary()}
    return json.dumps({"type": "FeatureCollection", "metadata": meta, "features": features}, ensure_ascii=False,
                      indent=1) + "\n"


def write_sight_line(result, out: str | Path) -> Path:
    from ydtwin.atomic import write_text

    _check_geojson(out)
    return write_text(Path(out), sight_line_text(result))
