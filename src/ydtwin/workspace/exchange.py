"""Standard exports, for the tools planners use beside ydtwin: plans and findings as GeoPackage or KML
(QGIS, ArcGIS, Google Earth), a part of the scene as a 3D model (glTF binary or OBJ: Blender, SketchUp,
Rhino), the review report's tables as CSV (spreadsheets).

One use case each, for the command line (``ydtwin export …``, ``ydtwin review report --out x.csv``) and the
window (File ▸ Export, the review panel) alike.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import YdtwinError
from ydtwin.io.exchange import FeatureTable, vector_format, write_csv, write_vectors

__all__ = ["MODEL_FORMATS", "ExportReport", "export_findings", "export_plans", "export_scene", "finding_records",
           "findings_tables", "model_format", "parse_box", "plans_tables", "report_csv_paths", "report_tables",
           "write_report_csv"]

#: 3D model outputs by suffix
MODEL_FORMATS = {".glb": "glb", ".obj": "obj"}
#: the most triangles one model export writes (an OBJ of this many is ~2 GB of text): choose a smaller part
MAX_MODEL_TRIANGLES = 20_000_000
#: the widest part of the scene one model export takes (km on a side)
MAX_MODEL_SIDE_KM = 60.0
#: metres above the ground of plan surfaces in a model (clear of the terrain's triangles)
PLAN_LIFT_M = 2.0
#: the scene's water-area layers a model takes (the region's lakes, a basemap's water areas)
WATER_ROLES = ("lakes", "basemap-water")
WATER_RGB = (62, 112, 160)
BUILDING_RGB = (205, 201, 194)


@dataclass
class ExportReport:
    out: Path
    what: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        parts = ", ".join(f"{v:,} {k}" for k, v in self.counts.items())
        return f"wrote {self.out}: {self.what}{' — ' + parts if parts else ''} ({self.seconds:.1f} s)"


# --- plans ---------------------------------------------------------------------------------------------------


def _to_lonlat(geoms: np.ndarray, crs: str) -> np.ndarray:
    from ydtwin.geo.projection import to_wgs84

    def fn(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84(xy[:, 0], xy[:, 1], crs)
        return np.column_stack([lon, lat])

    return shapely.transform(np.asarray(geoms, dtype=object), fn)


def _plan_layers(scene, *, visible_only: bool = True) -> list:
    from ydtwin.model.plans import PlansLayer

    return [layer for layer in scene.layers_of(PlansLayer) if len(layer.data) and (layer.visible or not visible_only)]


def _value(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def plans_tables(scene, *, year: int | None = None) -> list[FeatureTable]:
    """The shown plan layers' projects in three tables (corridors, zones, facilities), WGS 84, each with
    its attributes, plugin, status (in ``year`` when given) and theme colour."""
    from ydtwin.model.plans import PLAN_FIELDS

    year = scene.plan_year if year is None else year
    groups = {"corridors": ((1, 5), "Planned corridors 规划廊道"), "zones": ((3, 6), "Planned zones 规划区域"),
              "facilities": ((0, 4), "Planned facilities 规划设施")}
    collected: dict[str, dict] = {k: {"geoms": [], "fields": {}, "colours": []} for k in groups}
    for layer in _plan_layers(scene):
        data = layer.data
        geoms = _to_lonlat(data.geometries, data.crs)
        types = shapely.get_type_id(geoms)
        status = layer.status_at(year)
        colours = layer.colours(year)
        extra = [k for k in data.attributes if k not in PLAN_FIELDS]
        for name, (ids, _title) in groups.items():
            idx = np.flatnonzero(np.isin(types, ids))
            if not len(idx):
                continue
            c = collected[name]
            n_before = len(c["geoms"])
            c["geoms"].extend(geoms[idx])
            c["colours"].extend(colours[idx].tolist())
            values = {**{k: [_value(v) for v in np.asarray(data.attributes[k])[idx]] for k in PLAN_FIELDS},
                      "status": [str(s) for s in status[idx]],
                      "layer": [layer.name] * len(idx), "illustrative": [bool(getattr(layer, "provenance", None)
                                                                         and layer.provenance.nature != "real")]
                      * len(idx)}
            values.update({k: [_value(v) for v in np.asarray(data.attributes[k])[idx]] for k in extra})
            for key, vals in values.items():
                col = c["fields"].setdefault(key, [None] * n_before)
                col.extend(vals)
            for col in c["fields"].values():  # a field this layer lacks: missing values
                col.extend([None] * (len(c["geoms"]) - len(col)))
    tables = []
    for name, (_ids, title) in groups.items():
        c = collected[name]
        if c["geoms"]:
            fields = dict(c["fields"])
            fields["year"] = [year] * len(c["geoms"]) if year is not None else [None] * len(c["geoms"])
            tables.append(FeatureTable(f"plans_{name}", np.array(c["geoms"], dtype=object), fields, title=title,
                                       colours=c["colours"], label_field="title_zh" if _all_text(fields, "title_zh")
                                       else "title", description_field="title"))
    return tables


def _all_text(fields: dict, key: str) -> bool:
    return key in fields and all(isinstance(v, str) and v for v in fields[key])


def export_plans(scene, out: str | os.PathLike[str], *, year: int | None = None) -> ExportReport:
    """The shown plans → GeoPackage (a layer per geometry kind) or KML (a folder per kind), by suffix."""
    t0 = time.perf_counter()
    fmt = vector_format(out)
    tables = plans_tables(scene, year=year)
    if not tables:
        raise YdtwinError("no plans shown to export (load or show a plan plugin)")
    year = scene.plan_year if year is None else year
    region = scene.region
    desc = (f"ydtwin plans · {region.title} {region.title_zh} · "
            + (f"status in {year}" if year is not None else "status as the plugins give it")
            + " · WGS 84 (EPSG:4326) · plans are illustrative where their plugins say so")
    path = write_vectors(out, tables, title=f"ydtwin plans {region.title_zh or region.title}", description=desc)
    return ExportReport(path, f"plans as {fmt}", {t.name.removeprefix("plans_"): len(t) for t in tables},
                        time.perf_counter() - t0)


# --- findings ------------------------------------------------------------------------------------------------


def finding_records(source: str | os.PathLike[str] | None = None, *, session=None) -> list[dict]:
    """Findings with their review state ({finding, status, comments, history}), most severe first: from
    ``session``, or read from ``source`` — a review session (every edit, saved or journalled) or the
    findings.json of ``ydtwin review check`` (each open)."""
    from ydtwin.review.report import SEVERITY_ORDER
    from ydtwin.workspace.review import _read_json

    if session is None:
        if source is None:
            raise YdtwinError("no review session or findings file to export")
        p = Path(source)
        doc = _read_json(p)
        if isinstance(doc, dict) and "format" not in doc and isinstance(doc.get("findings"), list):
            recs = [{"finding": f, "status": "open"} for f in doc["findings"] if isinstance(f, dict)]
        elif isinstance(doc, dict) and "format" in doc:
            from ydtwin.review.session import Session

            session = Session.open(p, read_only=True, lock=False)
            session.recover()
        else:
            raise YdtwinError(f"{p}: neither findings.json nor a review session")
    if session is not None:
        recs = [rec for _id, rec in sorted(session.findings.items()) if isinstance(rec, dict)]
    good = []
    for rec in recs:
        f = rec.get("finding")
        loc = f.get("location") if isinstance(f, dict) else None
        if (isinstance(loc, list | tuple) and len(loc) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v) for v in loc)
                and isinstance(f.get("id"), str)):
            good.append(rec)
    return sorted(good, key=lambda r: (SEVERITY_ORDER.get(r["finding"].get("severity"), 3),
                                       str(r["finding"].get("kind", "")), r["finding"]["id"]))


def _hex_rgb(text: str) -> tuple[float, float, float]:
    return tuple(int(text[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _join(values) -> str:
    return ", ".join(str(v) for v in values) if isinstance(values, list) else ("" if values is None else str(values))


def _finding_row(rec: dict) -> dict:
    f = rec["finding"]
    details = f.get("details") if isinstance(f.get("details"), dict) else {}
    comments = [c for c in rec.get("comments", []) if isinstance(c, dict)]
    last = comments[-1] if comments else {}
    tol = details.get("tolerance")
    return {"id": f["id"], "kind": str(f.get("kind", "")), "severity": str(f.get("severity", "")),
            "status": str(rec.get("status", "open")), "cities": _join(f.get("cities")),
            "projects": _join(f.get("projects")), "message": str(f.get("message", "")),
            "lon": float(f["location"][0]), "lat": float(f["location"][1]),
            "distance_m": _value(details.get("distance_m")) if isinstance(details.get("distance_m"), int | float)
            and not isinstance(details.get("distance_m"), bool) else None,
            "tolerance": tol if isinstance(tol, str) else "", "comments": len(comments),
            "last_comment": (f"{last.get('author', '')} ({last.get('city', '')}): {last.get('text', '')}"
                             if last else "")}


def findings_tables(records: list[dict]) -> list[FeatureTable]:
    """Findings as points (where each is, coloured by status) and their measured gaps as lines (the two ends
    of each link a finding is about), WGS 84."""
    from ydtwin.review.report import STATUS_COLOURS, finding_links

    rows = [_finding_row(r) for r in records]
    points = np.array([shapely.Point(r["lon"], r["lat"]) for r in rows], dtype=object)
    colours = [_hex_rgb(STATUS_COLOURS.get(r["status"], "#777777")) for r in rows]
    fields = {k: [r[k] for r in rows] for k in (rows[0] if rows else {}) if k not in ("lon", "lat")}
    # a placemark's name as a reviewer reads it: what, between which cities, its status
    fields["label"] = [f"{r['kind'].replace('_', ' ')} · {r['cities'].replace(', ', '–')} · {r['status']}"
                       for r in rows]
    tables = [FeatureTable("findings", points, fields, title="Review findings 评审问题", colours=colours,
                           label_field="label", description_field="message")]
    gaps, gfields, gcolours = [], {"finding": [], "metres": [], "side_a": [], "side_b": [], "status": []}, []
    for rec, row, colour in zip(records, rows, colours, strict=True):
        for a, b, metres, (ca, cb) in finding_links(rec["finding"]):
            gaps.append(shapely.LineString([a, b]))
            gfields["finding"].append(row["id"])
            gfields["metres"].append(round(metres, 2))
            gfields["side_a"].append(ca)
            gfields["side_b"].append(cb)
            gfields["status"].append(row["status"])
            gcolours.append(colour)
    if gaps:
        tables.append(FeatureTable("finding_gaps", np.array(gaps, dtype=object), gfields,
                                   title="Gaps at the borders 边界缺口", colours=gcolours, label_field="finding"))
    return tables


def export_findings(records: list[dict], out: str | os.PathLike[str], *, title: str = "") -> ExportReport:
    """Findings (see :func:`finding_records`) → GeoPackage or KML, by suffix."""
    t0 = time.perf_counter()
    fmt = vector_format(out)
    if not records:
        raise YdtwinError("no findings to export")
    tables = findings_tables(records)
    path = write_vectors(out, tables, title=title or "ydtwin review findings",
                         description="ydtwin review findings · WGS 84 (EPSG:4326) · colour: review status")
    counts = {"findings": len(records)}
    if len(tables) > 1:
        counts["gaps"] = len(tables[1])
    return ExportReport(path, f"findings as {fmt}", counts, time.perf_counter() - t0)


# --- the report's tables as CSV ------------------------------------------------------------------------------

FINDING_COLUMNS = ["n", "id", "kind", "severity", "status", "cities", "projects", "lon", "lat", "distance_m",
                   "tolerance", "message", "comments", "last_comment"]
STATUSES = ("open", "agreed", "deferred", "resolved")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "table"


def report_tables(records: list[dict], figures=()) -> list[tuple[str, list[str], list[list]]]:
    """The report's tables: (name, columns, rows) — the findings, the summary by city pair, then each
    scenario-figures table (``FiguresResult``)."""
    rows = []
    for n, rec in enumerate(records, 1):
        r = _finding_row(rec)
        rows.append([n] + [r[c] for c in FINDING_COLUMNS[1:]])
    pairs: dict[str, dict[str, int]] = {}
    for rec in records:
        r = _finding_row(rec)
        c = pairs.setdefault(r["cities"].replace(", ", " – "), dict.fromkeys(STATUSES, 0))
        c[r["status"]] = c.get(r["status"], 0) + 1
    summary = [[pair, *(c.get(s, 0) for s in STATUSES), sum(c.values())] for pair, c in sorted(pairs.items())]
    tables = [("findings", FINDING_COLUMNS, rows), ("summary", ["cities", *STATUSES, "total"], summary)]
    for fig in figures:
        t = fig.to_report()
        name = _slug(t["title"]).removeprefix("scenario-figures-")
        tables.append((f"figures-{name}", list(t["columns"]), [list(r) for r in t["rows"]]))
    return tables


def _csv_path(out: Path, k: int, name: str) -> Path:
    return out if k == 0 else out.with_name(f"{out.stem}-{name}{out.suffix}")


def report_csv_paths(out: str | os.PathLike[str], figures=()) -> list[Path]:
    """The files :func:`write_report_csv` writes for ``out``, in order."""
    return [_csv_path(Path(out), k, name) for k, (name, _c, _r) in enumerate(report_tables([], figures))]


def write_report_csv(records: list[dict], out: str | os.PathLike[str], *, figures=()) -> list[Path]:
    """The report's tables as CSV: ``out`` holds the findings; ``<stem>-summary.csv`` and
    ``<stem>-figures-….csv`` beside it the others → the files written. Every file is checked before the
    first is written (none is a link, a folder or a review session)."""
    from ydtwin.workspace.outputs import check_output

    out = Path(out)
    tables = report_tables(records, figures)
    paths = [_csv_path(out, k, name) for k, (name, _c, _r) in enumerate(tables)]
    for path in paths:
        check_output(path)
    return [write_csv(path, columns, rows) for path, (_n, columns, rows) in zip(paths, tables, strict=True)]


# --- a part of the scene as a 3D model ---------------------------------------------------------------------


def model_format(out: str | os.PathLike[str]) -> str:
    fmt = MODEL_FORMATS.get(Path(out).suffix.lower())
    if fmt is None:
        raise YdtwinError(f"{out}: unsupported 3D model format — use .glb (glTF 2.0 binary) or .obj")
    return fmt


def parse_box(text: str) -> tuple[float, float, float, float]:
    try:
        lon0, lat0, lon1, lat1 = (float(v) for v in text.split(","))
    except ValueError:
        raise YdtwinError(f"--box {text}: a box is lon_min,lat_min,lon_max,lat_max (four numbers)") from None
    if not all(np.isfinite([lon0, lat0, lon1, lat1])):
        raise YdtwinError(f"--box {text}: numbers, not NaN or infinity")
    return min(lon0, lon1), min(lat0, lat1), max(lon0, lon1), max(lat0, lat1)


def _check_box(scene, box) -> None:
    from pyproj import Geod

    lon0, lat0, lon1, lat1 = box
    r = scene.region.bbox
    if lon1 <= r[0] or lon0 >= r[2] or lat1 <= r[1] or lat0 >= r[3]:
        raise YdtwinError(f"box {lon0},{lat0},{lon1},{lat1} lies outside the region ({r[0]},{r[1]},{r[2]},{r[3]})")
    geod = Geod(ellps="WGS84")
    w = geod.inv(lon0, (lat0 + lat1) / 2, lon1, (lat0 + lat1) / 2)[2] / 1000
    h = geod.inv(lon0, lat0, lon0, lat1)[2] / 1000
    if w < 0.01 or h < 0.01:
        raise YdtwinError("the box is empty: give two different corners")
    if max(w, h) > MAX_MODEL_SIDE_KM:
        raise YdtwinError(f"the box is {w:.0f} × {h:.0f} km; a model takes at most {MAX_MODEL_SIDE_KM:.0f} km a side "
                          "(for a city or the region, export 3D Tiles: ydtwin tiles export)")


def export_scene(scene, out: str | os.PathLike[str], box, *, terrain: bool = True, plans: bool = True,
                 progress=None) -> ExportReport:
    """The part of the scene in ``box`` (lon/lat) as one 3D model: the shown buildings standing in it (by
    their centre), the terrain under it, the shown plans on the ground — at true height (no exaggeration),
    in metres east/north of the box's centre (y up in glTF and OBJ, the convention of both formats), each
    layer an object of its own with its colour. The origin (scene CRS and lon/lat) is in the file (glTF:
    the scene's extras; OBJ: its header)."""
    import trimesh

    from ydtwin import __version__
    from ydtwin.atomic import write_bytes, write_text
    from ydtwin.geo.drape import SurfaceHeights
    from ydtwin.geo.extrude import extrude
    from ydtwin.model.buildings import BuildingsLayer

    t0 = time.perf_counter()
    fmt = model_format(out)
    _check_box(scene, box)
    lon0, lat0, lon1, lat1 = box
    proj = scene.projection
    cx, cy = proj.to_scene(np.array([(lon0 + lon1) / 2]), np.array([(lat0 + lat1) / 2]))
    origin = np.array([float(cx[0]), float(cy[0]), 0.0])
    terrain_layer = next((x for x in scene.layers if getattr(x, "role", "") == "terrain"), None)
    surface = SurfaceHeights(getattr(terrain_layer, "elevation", None), proj, 1.0)
    parts: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = []  # name, xyz local, triangles, rgb per vertex
    counts: dict[str, int] = {}

    def inside(lon, lat):
        return (lon >= lon0) & (lon <= lon1) & (lat >= lat0) & (lat <= lat1)

    for layer in scene.layers_of(BuildingsLayer):
        if not (layer.visible and len(layer.data)):
            continue
        data = layer.data
        from ydtwin.geo.projection import to_wgs84

        c = data.centres()
        lon, lat = to_wgs84(c[:, 0], c[:, 1], data.crs)
        keep = np.flatnonzero(inside(lon, lat) & ~layer.hidden)
        if not len(keep):
            continue
        geom = data.take(keep).scene_geometry(proj, lambda x, y: surface.z(x, y, 0.0))
        pb = geom.part_building
        mesh = extrude(geom.xy - origin[:2], geom.ring_offsets, geom.part_offsets, geom.base_z[pb], geom.top_z[pb],
                       floors=True)
        rgb = np.tile(np.array(BUILDING_RGB, np.uint8), (len(mesh.vertices), 1))
        parts.append((f"buildings: {layer.name}", mesh.vertices.astype(np.float64), mesh.triangles, rgb))
        counts["buildings"] = counts.get("buildings", 0) + len(keep)
    for layer in scene.layers:  # 3D models standing in the box (by their anchor), at true size on the ground
        if getattr(layer, "kind", "") == "model" and layer.visible and inside(layer.anchor.lon, layer.anchor.lat):
            parts += _model_parts(layer, proj, origin, surface)
            counts["3D models"] = counts.get("3D models", 0) + 1
    if terrain and terrain_layer is not None and terrain_layer.visible:
        t = _terrain_part(terrain_layer, proj, box, origin)
        if t is not None:
            parts.append(t)
            counts["terrain cells"] = len(t[2]) // 2
    for layer in scene.layers:  # lakes and water areas, flat on the water
        if getattr(layer, "role", "") in WATER_ROLES and layer.visible and len(layer.data):
            w = _water_part(layer, scene, box, origin, surface)
            if w is not None:
                parts.append(w)
                counts["water areas"] = counts.get("water areas", 0) + 1
    if plans:
        for layer in _plan_layers(scene):
            p = _plans_part(layer, scene, box, origin, surface)
            if p is not None:
                parts.append(p[0])
                counts["plan projects"] = counts.get("plan projects", 0) + p[1]
    if not parts:
        raise YdtwinError("nothing shown in the box to export (no buildings, terrain or plans there)")
    n_tri = sum(len(p[2]) for p in parts)
    if n_tri > MAX_MODEL_TRIANGLES:
        raise YdtwinError(f"the box holds {n_tri:,} triangles, over the {MAX_MODEL_TRIANGLES:,} one model takes: "
                          "choose a smaller box")
    counts["triangles"] = n_tri
    origin_lonlat = [(lon0 + lon1) / 2, (lat0 + lat1) / 2]
    meta = {"generator": f"ydtwin {__version__}", "region": scene.region.id, "box_lonlat": list(box),
            "origin_lonlat": origin_lonlat, "origin_scene_m": origin[:2].tolist(),
            "scene_crs": proj.describe(), "units": "metres",
            "axes": "x east, y up, z south (right-handed, y up); heights above sea level, not exaggerated",
            "procedural": "city blocks of the bundled region are PROCEDURAL (not surveyed); plans illustrative "
                          "where their plugins say so"}
    model = trimesh.Scene()
    model.metadata["ydtwin"] = meta
    for name, xyz, tris, rgb in parts:
        yup = np.column_stack([xyz[:, 0], xyz[:, 2], -xyz[:, 1]])  # east, up, south
        m = trimesh.Trimesh(yup, np.asarray(tris, dtype=np.int64), process=False)
        m.visual = trimesh.visual.ColorVisuals(m, vertex_colors=np.column_stack([rgb, np.full(len(rgb), 255, np.uint8)]))
        model.add_geometry(m, geom_name=name, node_name=name)
    if fmt == "glb":
        path = write_bytes(out, model.export(file_type="glb"))
    else:
        header = "".join(f"# {k}: {v if isinstance(v, str) else json.dumps(v)}\n" for k, v in meta.items())
        path = write_text(out, header + model.export(file_type="obj", include_normals=False))
    return ExportReport(path, f"the box {lon0:.4f},{lat0:.4f},{lon1:.4f},{lat1:.4f} as {fmt.upper()}", counts,
                        time.perf_counter() - t0)


def _model_parts(layer, proj, origin, surface) -> list:
    """A model layer's parts placed (true heights) → (name, local xyz, triangles, rgb per vertex) each."""
    from ydtwin.model.models import place

    a = layer.anchor
    x, y = proj.to_scene(np.array([a.lon]), np.array([a.lat]))
    ground = float(surface.z(x, y, 0.0)[0])
    out = []
    for part, xyz in zip(layer.data.parts, place(layer.data, a, proj, ground_z=ground), strict=True):
        if part.vertex_colours is not None:
            rgb = part.vertex_colours[:, :3]
        else:  # a texture cannot go into a colour per vertex: its mean colour
            rgb = np.tile(np.round(part.mean_rgb()).astype(np.uint8), (len(xyz), 1))
        out.append((f"model: {layer.name}: {part.name}", xyz - origin, part.faces, np.asarray(rgb, np.uint8)))
    return out


def _terrain_part(layer, proj, box, origin):
    """The terrain grid's cells in the box (and one more each side) as a coloured surface: land at its height,
    the sea flat at sea level in the water colour."""
    from ydtwin.geo.grid import grid_triangles
    from ydtwin.render.visuals import terrain_colours
    from ydtwin.workspace.tiles3d import SEA_RGB

    grid = layer.elevation
    lon_axis, lat_axis = grid.axes()
    lon0, lat0, lon1, lat1 = box
    si = np.flatnonzero((lon_axis >= lon0) & (lon_axis <= lon1))
    sj = np.flatnonzero((lat_axis >= lat0) & (lat_axis <= lat1))
    if len(si) == 0 or len(sj) == 0:
        si = np.array([int(np.clip(np.searchsorted(lon_axis, (lon0 + lon1) / 2), 0, len(lon_axis) - 1))])
        sj = np.array([int(np.clip(np.searchsorted(lat_axis, (lat0 + lat1) / 2), 0, len(lat_axis) - 1))])
    si = np.arange(max(si[0] - 1, 0), min(si[-1] + 2, len(lon_axis)))
    sj = np.arange(max(sj[0] - 1, 0), min(sj[-1] + 2, len(lat_axis)))
    if len(si) < 2 or len(sj) < 2:
        return None
    values = np.nan_to_num(grid.values.astype(np.float64), nan=0.0)[np.ix_(sj, si)].ravel()
    land = (layer.land_mask if layer.land_mask is not None else grid.values > 0)[np.ix_(sj, si)].ravel().astype(bool)
    h = np.where(land, np.maximum(values, 0.0), 0.0)
    lon, lat = np.meshgrid(lon_axis[si], lat_axis[sj])
    x, y = proj.to_scene(lon.ravel(), lat.ravel())
    xyz = np.column_stack([x - origin[0], y - origin[1], h])
    rgb = terrain_colours(np.maximum(values, 0.0), land)
    rgb[~land] = SEA_RGB
    return "terrain", xyz, grid_triangles(len(si), len(sj)), rgb


def _box_polygon(scene, box) -> shapely.Polygon:
    lon0, lat0, lon1, lat1 = box
    bx, by = scene.projection.to_scene(np.array([lon0, lon1, lon1, lon0]), np.array([lat0, lat0, lat1, lat1]))
    return shapely.Polygon(np.column_stack([bx, by]))


def _water_part(layer, scene, box, origin, surface):
    """A water layer's areas in the box (cut to it), flat at the height of the water's edge."""
    from ydtwin.geo.drape import polygon_triangles

    data = layer.data
    proj = scene.projection

    def to_scene(xy):
        x, y = proj.to_scene(xy[:, 0], xy[:, 1], data.crs)
        return np.column_stack([x, y])

    clip = _box_polygon(scene, box)
    geoms = shapely.transform(data.geometries, to_scene)
    hit = shapely.intersection(geoms[shapely.intersects(geoms, clip)], clip)
    hit = hit[~shapely.is_empty(hit)]
    if not len(hit):
        return None
    verts, tris, base = [], [], 0
    for part in shapely.get_parts(hit):  # each water body flat, 0.5 m over the highest ground under it
        v, t = polygon_triangles(np.array([part], dtype=object))
        if not len(t):
            continue
        x0, y0, x1, y1 = part.bounds  # the coarse terrain grid under the water: sampled on up to 150 × 150 points
        gx, gy = np.meshgrid(np.linspace(x0, x1, 150), np.linspace(y0, y1, 150))
        under = shapely.contains_xy(part, gx.ravel(), gy.ravel())
        sx, sy = np.r_[v[:, 0], gx.ravel()[under]], np.r_[v[:, 1], gy.ravel()[under]]
        z = float(np.max(surface.z(sx, sy, 0.5)))
        verts.append(np.column_stack([v[:, 0] - origin[0], v[:, 1] - origin[1], np.full(len(v), z)]))
        tris.append(t + base)
        base += len(v)
    if not tris:
        return None
    xyz, t = np.concatenate(verts), np.concatenate(tris)
    v = xyz
    rgb = np.tile(np.array(WATER_RGB, np.uint8), (len(v), 1))
    return f"water: {layer.name}", xyz, t, rgb


def _plans_part(layer, scene, box, origin, surface):
    """One plan layer's projects that touch the box, as surfaces on the ground in their colours, cut to the
    box → ((name, xyz, triangles, rgb), projects)."""
    from ydtwin.geo.plan_mesh import plan_surfaces

    data = layer.data
    proj = scene.projection
    clip = _box_polygon(scene, box)

    def to_scene(xy):
        x, y = proj.to_scene(xy[:, 0], xy[:, 1], data.crs)
        return np.column_stack([x, y])

    geoms = shapely.transform(data.geometries, to_scene)
    hit = np.flatnonzero(shapely.intersects(geoms, clip))
    if not len(hit):
        return None
    surf = plan_surfaces(geoms[hit], data.attributes["kind"][hit])
    if not surf.n_triangles:
        return None
    # the bands of the projects that touch the box, cut to it (triangles whose middle lies outside go)
    mid = surf.vertices[surf.triangles].mean(axis=1)
    keep = shapely.contains_xy(clip, mid[:, 0], mid[:, 1])
    tris, feature = surf.triangles[keep], surf.feature[keep]
    if not len(tris):
        return None
    used, inverse = np.unique(tris, return_inverse=True)
    v = surf.vertices[used]
    z = surface.z(v[:, 0], v[:, 1], PLAN_LIFT_M)
    xyz = np.column_stack([v[:, 0] - origin[0], v[:, 1] - origin[1], z])
    colours = layer.colours(scene.plan_year)[hit]
    vertex_feature = np.zeros(len(used), dtype=np.int64)
    vertex_feature[inverse.reshape(-1, 3).ravel()] = np.repeat(feature, 3)
    rgb = np.clip(np.round(colours[vertex_feature] * 255), 0, 255).astype(np.uint8)
    return (f"plans: {layer.name}", xyz, inverse.reshape(-1, 3), rgb), len(np.unique(feature))
