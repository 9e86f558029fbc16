"""A sunlight analysis's results: GeoJSON and CSV files (WGS84, the day, window and time zone stated) and the
coloured layers shown over the scene (hours of sun, and the hours a plan takes away)."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np

from ydtwin.errors import YdtwinError

__all__ = ["HOURS_ROLE", "LOSS_ROLE", "drape_pieces", "hours_class", "loss_class", "show_sunlight", "sunlight_format",
           "sunlight_layers", "sunlight_text", "write_sunlight"]

HOURS_ROLE = "sunlight-hours"
LOSS_ROLE = "sunlight-loss"
#: the colours of whole hours of sun, from none (deep indigo) through blue and green to a full day (yellow)
_HOUR_STOPS = np.array([[0.20, 0.10, 0.42], [0.16, 0.33, 0.62], [0.15, 0.55, 0.60], [0.38, 0.72, 0.38],
                        [0.78, 0.82, 0.25], [1.00, 0.88, 0.30]])
#: hours lost to a plan: under 1 h, 1–2 h, 2 h or more
LOSS_CLASSES = (("Loses under 1 h of sun", (1.00, 0.72, 0.36)), ("Loses 1–2 h of sun", (0.93, 0.38, 0.18)),
                ("Loses 2 h of sun or more", (0.70, 0.05, 0.12)))
#: the ground cells of a class are drawn in pieces of at most this size (m)
DRAPE_PIECE_M = 50.0
#: lines are draped this high over the ground (m), fills half as high: clear of the terrain's depth in a view from
#: kilometres up, low enough to stay under the buildings' first storey
DRAPE_M = 8.0
#: facade storeys drawn in the scene at most (every k-th storey above that; the files hold all of them)
SCENE_FLOORS = 10


def _hour_labels(n: int) -> list[str]:
    return [f"Sunlight {k}–{k + 1} h" for k in range(n)]


def _hour_colours(n: int) -> list[tuple[float, float, float]]:
    t = np.linspace(0, 1, max(n, 2))[:n]
    s = np.linspace(0, 1, len(_HOUR_STOPS))
    return [tuple(float(np.interp(v, s, _HOUR_STOPS[:, k])) for k in range(3)) for v in t]


def hours_class(hours: np.ndarray, window_h: float) -> np.ndarray:
    """The legend's class of each hour count: "Sunlight k–k+1 h" ("" where there is no value)."""
    n = max(1, int(math.ceil(window_h - 1e-9)))
    labels = np.array(_hour_labels(n) + [""], dtype=object)
    k = np.where(np.isfinite(hours), np.clip(np.floor(np.nan_to_num(hours) + 1e-9), 0, n - 1), n).astype(np.int64)
    return labels[k]


def loss_class(loss: np.ndarray) -> np.ndarray:
    """The class of each loss ("" where nothing, or under a minute, is lost)."""
    labels = np.array([name for name, _c in LOSS_CLASSES] + [""], dtype=object)
    v = np.nan_to_num(loss, nan=0.0)
    k = np.where(v < 1 / 60, 3, np.where(v < 1.0, 0, np.where(v < 2.0, 1, 2)))
    return labels[k]


# ---- files --------------------------------------------------------------------------------------------------


def sunlight_format(out: str | Path) -> str:
    """geojson or csv from the file's extension (anything else is one error line)."""
    suffix = Path(out).suffix.lower()
    if suffix in (".geojson", ".json"):
        return "geojson"
    if suffix == ".csv":
        return "csv"
    raise YdtwinError(f"{out}: sunlight results are written as .geojson or .csv")


def _metadata(result) -> dict:
    from ydtwin.geo.sun import CST_LABEL, hhmm

    w = result.window
    req = result.request
    meta = {
        "analysis": "hours of direct sun (ydtwin sunlight)",
        "crs": "EPSG:4326 (WGS84 longitude, latitude)",
        "date": w.day.isoformat(),
        "reference_day": w.day_name or None,
        "window": f"{hhmm(w.window_min[0])}-{hhmm(w.window_min[1])}",
        "window_basis": "true solar time" if w.basis == "true-solar" else CST_LABEL,
        "window_cst": f"{hhmm(w.cst_window_min[0])}-{hhmm(w.cst_window_min[1])}",
        "time_zone": CST_LABEL,
        "step_min": w.step_min,
        "min_run_min": req.min_run_min,
        "min_hours": req.min_hours,
        "sun": f"NREL SPA at {w.lon:.4f} E, {w.lat:.4f} N (apparent elevation, refraction included)",
        "area": list(req.area),
        "ground_spacing_m": req.spacing_m,
        "ground_height_m": req.height_m,
        "plan": result.plan_names,
        "description": result.window.describe(),
    }
    meta.update({f"shadows_{k}": v for k, v in result.obstacles.items()})
    return meta


def _rows(result):
    """(column names, per-point value arrays) shared by both formats."""
    cols = {"kind": result.kind, "lon": np.round(result.lon, 7), "lat": np.round(result.lat, 7),
            "height_m": np.round(result.height_m, 2), "layer": result.layer, "building": result.building,
            "floor": result.floor, "wall_azimuth_deg": np.round(result.wall_azimuth, 1),
            "hours": np.round(result.hours, 3)}
    if result.hours_before is not None:
        cols["hours_before"] = np.round(result.hours_before, 3)
        cols["loss_h"] = np.round(result.loss, 3)
        cols["newly_below_min"] = result.newly_below
    cols["below_min"] = result.below
    return cols


def _value(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def sunlight_text(result, fmt: str) -> str:
    """The result as GeoJSON (ground points as their grid cells, facade points as points) or CSV (a point per
    row, after ``#`` lines that say the day, window, time zone and CRS)."""
    cols = _rows(result)
    names = list(cols)
    n = len(result)
    meta = _metadata(result)
    if fmt == "csv":
        buf = io.StringIO()
        for key in ("description", "time_zone", "crs", "plan", "min_hours"):
            buf.write(f"# {key}: {meta[key]}\n")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        columns = [cols[k] for k in names]
        for i in range(n):
            w.writerow(["" if (v := _value(c[i])) is None else v for c in columns])
        return buf.getvalue()
    cells = _cell_rings(result)
    features = []
    columns = [cols[k] for k in names]
    for i in range(n):
        props = {k: _value(c[i]) for k, c in zip(names, columns, strict=True)}
        if result.kind[i] == "ground":
            geom = {"type": "Polygon", "coordinates": [cells[i]]}
        else:
            geom = {"type": "Point", "coordinates": [props["lon"], props["lat"]]}
        features.append(json.dumps({"type": "Feature", "properties": props, "geometry": geom}, ensure_ascii=False))
    head = json.dumps({"type": "FeatureCollection", "metadata": meta}, ensure_ascii=False)[:-1]
    return head + ', "features": [\n' + ",\n".join(features) + "\n]}\n"


def _cell_rings(result) -> dict[int, list]:
    """The grid cell of each ground point as a closed lon/lat ring (rounded to 1e-7°)."""
    ground = np.flatnonzero(result.kind == "ground")
    if not len(ground):
        return {}
    half = result.spacing_m / 2
    x, y = result.x[ground], result.y[ground]
    cx = np.stack([x - half, x + half, x + half, x - half, x - half], axis=1)
    cy = np.stack([y - half, y - half, y + half, y + half, y - half], axis=1)
    lon, lat = result.projection.from_scene(cx.ravel(), cy.ravel())
    lon = np.round(lon, 7).reshape(-1, 5)
    lat = np.round(lat, 7).reshape(-1, 5)
    return {int(i): [[float(a), float(b)] for a, b in zip(lon[k], lat[k], strict=True)] for k, i in enumerate(ground)}


def write_sunlight(result, out: str | Path) -> Path:
    """Write the result as GeoJSON or CSV (by the extension), atomically → the path."""
    from ydtwin.atomic import write_text

    out = Path(out)
    return write_text(out, sunlight_text(result, sunlight_format(out)))


# ---- layers -------------------------------------------------------------------------------------------------


def drape_pieces(merged) -> np.ndarray:
    """A (multi)polygon in scene metres cut into pieces of at most DRAPE_PIECE_M: a fill is draped through its
    vertices only, and a large piece would let the (exaggerated) terrain rise through it between them."""
    import shapely

    if merged.is_empty:
        return np.zeros(0, dtype=object)
    x0, y0, x1, y1 = merged.bounds
    gx = np.arange(math.floor(x0 / DRAPE_PIECE_M), math.ceil(x1 / DRAPE_PIECE_M)) * DRAPE_PIECE_M
    gy = np.arange(math.floor(y0 / DRAPE_PIECE_M), math.ceil(y1 / DRAPE_PIECE_M)) * DRAPE_PIECE_M
    xx, yy = np.meshgrid(gx, gy)
    tiles = shapely.box(xx.ravel(), yy.ravel(), xx.ravel() + DRAPE_PIECE_M, yy.ravel() + DRAPE_PIECE_M)
    pieces = shapely.intersection(merged, tiles)
    # where the area only touches a tile's edge along a line or at a point, the piece is a collection: its
    # polygons are kept (dropping it would leave a hole of a whole piece)
    mixed = np.flatnonzero(shapely.get_type_id(pieces) == 7)
    for i in mixed:
        parts = shapely.get_parts(pieces[i])
        polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
        pieces[i] = shapely.union_all(polys) if len(polys) else shapely.Polygon()
    return pieces[~shapely.is_empty(pieces) & np.isin(shapely.get_type_id(pieces), (3, 6))]


def _ground_cells(result, sel: np.ndarray, classes: np.ndarray, order: list[str]):
    """Each class's ground cells merged into (multi)polygons, in scene metres → (geometries, class names)."""
    import shapely

    half = result.spacing_m / 2
    geoms, names = [], []
    for name in order:
        pick = sel & (classes == name) & (result.kind == "ground")
        if not pick.any():
            continue
        boxes = shapely.box(result.x[pick] - half, result.y[pick] - half, result.x[pick] + half, result.y[pick] + half)
        pieces = drape_pieces(shapely.coverage_union_all(boxes))
        geoms.extend(pieces)
        names.extend([name] * len(pieces))
    return geoms, names


def _facade_marks(result, sel: np.ndarray, classes: np.ndarray):
    """Facade points as short strokes along their walls at their height, at most SCENE_FLOORS storeys per wall
    → (geometries, class names, heights)."""
    import shapely

    pick = sel & (result.kind == "facade") & (classes != "")
    if not pick.any():
        return [], [], []
    floors = result.floor[pick]
    top = int(floors.max()) + 1
    k = max(1, int(math.ceil(top / SCENE_FLOORS)))
    pick[pick] = floors % k == 0
    az = np.radians(result.wall_azimuth[pick] + result.north_on_grid_deg)
    nx, ny = np.sin(az), np.cos(az)
    half = 0.45 * result.request.facade_spacing_m
    x, y = result.x[pick], result.y[pick]
    lines = shapely.linestrings(np.stack([np.column_stack([x + ny * half, y - nx * half]),
                                          np.column_stack([x - ny * half, y + nx * half])], axis=1))
    return list(lines), list(classes[pick]), list(result.height_m[pick])


def sunlight_layers(result) -> list:
    """The result as layers for the scene: the hours of sun (and, with a plan, the hours it takes away, hidden
    until chosen), each a vector layer coloured by class with a legend row per class."""
    import shapely

    from ydtwin.model.layer import Provenance, Style, VectorData, VectorLayer

    proj = result.projection
    window_h = result.window.hours
    n = max(1, int(math.ceil(window_h - 1e-9)))
    natures = [v for v in result.obstacles.get("natures", []) if v != "real"]
    prov = Provenance(source="ydtwin sunlight analysis (NREL SPA sun path, shadows of the terrain and buildings shown)",
                      licence="derived", nature=natures[0] if natures else "real",
                      transformations=(result.window.describe(),),
                      notes="shadows of the buildings in the scene; procedural blocks cast procedural shadows")
    out = []
    specs = [(HOURS_ROLE, result.hours, hours_class(result.hours, window_h), _hour_labels(n), _hour_colours(n),
              f"Sunlight {result.window.day.isoformat()} (hours)", f"日照时数 {result.window.day.isoformat()}", True)]
    if result.hours_before is not None:
        specs.append((LOSS_ROLE, result.loss, loss_class(result.loss), [c for c, _ in LOSS_CLASSES],
                      [c for _, c in LOSS_CLASSES], "Sunlight lost to the plan", "规划导致的日照损失", False))
    for role, values, classes, labels, colours, name, name_zh, visible in specs:
        sel = np.isfinite(values)
        geoms, names = _ground_cells(result, sel, classes, labels)
        f_geoms, f_names, f_lift = _facade_marks(result, sel, classes)
        # ground cells filled with thin outlines; facades as thick strokes at their storeys' heights
        for g, c, lift, width, suffix, suffix_zh in ((geoms, names, [0.0] * len(geoms), 1.0, "", ""),
                                                     (f_geoms, f_names, f_lift, 4.0, " on facades", "（立面）")):
            if not g:
                continue
            g = shapely.transform(np.array(g, dtype=object),
                                  lambda xy: np.column_stack(proj.from_scene(xy[:, 0], xy[:, 1])))
            data = VectorData(g, "EPSG:4326", {"sun_class": np.array(c, dtype=object),
                                               "lift_m": np.array(lift, dtype=np.float64)})
            style = Style(color=colours[-1], line_width=width, fill=not suffix, drape_offset=DRAPE_M,
                          class_field="sun_class", height_field="lift_m",
                          classes=tuple((lab, col, width) for lab, col in zip(labels, colours, strict=True)))
            layer = VectorLayer(name.replace(" (", f"{suffix} (") if "(" in name else name + suffix, data,
                                provenance=prov, group="Analysis", role=role, style=style, opacity=1.0,
                                visible=visible)
            layer.name_zh = name_zh + suffix_zh
            out.append(layer)
    return out


def show_sunlight(scene, result) -> list:
    """Show a result over the scene in place of the sunlight layers shown before (None: remove them) → the layers
    added."""
    from ydtwin.workspace.outputs import replace_layers

    return replace_layers(scene, (HOURS_ROLE, LOSS_ROLE), [] if result is None else sunlight_layers(result))
