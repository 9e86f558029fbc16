"""Terrain use cases: sea-level / storm-surge scenarios (inundation) and importing a DEM over the bundled one.

Qt-free; the CLI (``ydtwin analyse inundation``, ``snapshot --sea-level/--dem``) and the window (the sea-level
panel, File ▸ Open DEM…) call these through the Workspace, so both give the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path

import numpy as np

from ydtwin.errors import YdtwinError
from ydtwin.geo.inundation import (
    LEVEL_RANGE_M,
    InundationResult,
    cells_within,
    city_index,
    inundation,
    sea_cells,
)
from ydtwin.model.layer import Provenance, TerrainLayer

__all__ = ["INUNDATION_ROLE", "add_terrain", "check_level", "compute_inundation", "read_dem", "read_dems",
           "scenario_level", "show_inundation", "table_format", "table_text", "terrain_layer", "write_table"]

INUNDATION_ROLE = "inundation"


def check_level(level_m) -> float:
    """A water level a scenario may use → float; anything else is one error line with the accepted range."""
    lo, hi = LEVEL_RANGE_M
    try:
        value = float(level_m)
    except (TypeError, ValueError):
        raise YdtwinError(f"sea level: not a number: {level_m!r}") from None
    if not (math.isfinite(value) and lo <= value <= hi):
        raise YdtwinError(f"sea level must be between {lo:g} and {hi:+g} m, not {level_m}")
    return value


def terrain_layer(scene) -> TerrainLayer:
    for layer in scene.layers:
        if isinstance(layer, TerrainLayer):
            return layer
    raise YdtwinError("the scene has no terrain to flood")


def compute_inundation(scene, level_m: float, *, connectivity: int = 8, cache: dict | None = None) -> InundationResult:
    """The scenario at ``level_m`` on the scene's terrain, with the area per city of its 'city-boundaries'
    outlines. ``cache`` (a dict the caller keeps) holds what does not depend on the level (the open sea, the
    city of each land cell) between calls on the same terrain. Safe in a worker thread."""
    level_m = check_level(level_m)
    terrain = terrain_layer(scene)
    grid = terrain.elevation
    land = terrain.land_mask if terrain.land_mask is not None else grid.values > 0
    try:
        cities = scene.layer("city-boundaries").data
    except KeyError:
        cities = None
    try:
        lakes = scene.layer("lakes").data
    except KeyError:
        lakes = None
    key = (id(grid), id(land), id(cities), id(lakes), connectivity)
    cache = cache if cache is not None else {}
    entry = cache.get("entry")
    if entry is None or entry["key"] != key:
        # built whole, then put in one assignment: a scenario computed at the same time in another thread sees
        # either the old entry or the complete new one
        entry = {"key": key, "keep": (grid, land, cities, lakes),  # the ids in the key stay valid while cached
                 "sea": sea_cells(land, connectivity=connectivity),
                 "land_by_city": city_index(grid, land, cities) if cities is not None else None,
                 "lakes": cells_within(grid, land, lakes) if lakes is not None and len(lakes) else None}
        cache["entry"] = entry
    return inundation(grid, land, level_m, cities=cities, connectivity=connectivity, sea=entry["sea"],
                      land_by_city=entry["land_by_city"], unknown=terrain.unknown, lakes=entry["lakes"])


def show_inundation(scene, result: InundationResult | None) -> None:
    """The scenario in the scene: the sea surface at its level and its flooded land as a layer (replacing the
    previous scenario's); None: back to today's sea level, no flooded land."""
    from ydtwin.model.inundation import InundationLayer

    old = [layer for layer in scene.layers if layer.role == INUNDATION_ROLE]
    visible = all(layer.visible for layer in old)
    for layer in old:
        scene.layers.remove(layer)
    scene.sea_level = 0.0 if result is None else result.level_m
    if result is None or not result.flooded.any():
        return
    terrain = terrain_layer(scene)
    prov = Provenance(
        source="ydtwin sea-level scenario (on the terrain shown)",
        licence="derived", nature="real" if terrain.provenance.nature == "real" else terrain.provenance.nature,
        transformations=(f"land at or below {result.level_m:+g} m connected to the sea "
                         f"({result.connectivity}-neighbour flood fill)",),
        notes="connected-bathtub screening: sea walls, tides, waves and surge duration are not modelled")
    layer = InundationLayer(f"Flooded land {result.level_m:+g} m", result, provenance=prov, group="Base region",
                            role=INUNDATION_ROLE, visible=visible)
    layer.name_zh = f"淹没陆地 {result.level_m:+g} 米"
    at = scene.layers.index(terrain) + 1
    scene.layers.insert(at, layer)


_FIELDS = ("city", "city_zh", "adcode", "flooded_km2", "land_km2", "flooded_share", "unknown_height_km2")


def table_text(result: InundationResult, fmt: str = "text") -> str:
    """The per-city table as ``text`` (aligned, for a terminal), ``csv`` or ``json``."""
    rows = result.table()
    if fmt == "json":
        return json.dumps({"level_m": result.level_m, "connectivity": result.connectivity,
                           "model": "land at or below the level connected to the sea; no defences modelled",
                           "cities": rows}, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=_FIELDS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: "" if r[k] is None else r[k] for k in _FIELDS})
        return buf.getvalue()
    lines = [f"sea level {result.level_m:+g} m: land under it and connected to the sea",
             f"{'city':<22}{'flooded km²':>13}{'land km²':>11}{'share':>8}{'of unknown height km²':>24}"]
    for r in rows:
        name = f"{r['city_zh']} {r['city']}".strip()
        share = "" if r["flooded_share"] is None else f"{100 * r['flooded_share']:.1f} %"
        land = "" if r["land_km2"] is None else f"{r['land_km2']:.0f}"
        lines.append(f"{name:<22}{r['flooded_km2']:>13.1f}{land:>11}{share:>8}{r['unknown_height_km2']:>24.1f}")
    if result.unknown_km2:
        lines.append(f"{result.unknown_km2:,.1f} km² of the flooded land has no height in the DEM (filled at a default "
                     "height): import a DEM that covers it (--dem) for a reliable figure")
    return "\n".join(lines) + "\n"


def write_table(result: InundationResult, out: str | Path) -> Path:
    """Write the per-city table as CSV or JSON (by the extension), atomically → the path."""
    from ydtwin.atomic import write_text

    out = Path(out)
    write_text(out, table_text(result, table_format(out)))
    return out


def table_format(out: str | Path) -> str:
    """csv or json from a table file's extension (anything else is one error line)."""
    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in ("csv", "json"):
        raise YdtwinError(f"{out}: the table is written as .csv or .json")
    return fmt


# ---- imported DEMs ---------------------------------------------------------------------------------------

#: an import that covers at least this share of the sea makes the sea floor real
_REAL_SEA_SHARE = 0.99


def read_dem(scene, path: str | Path, *, onto: TerrainLayer | None = None) -> tuple[TerrainLayer, str]:
    """A DEM file merged over the scene's terrain (or ``onto``, a terrain not shown yet) → (the new terrain
    layer, not yet shown; the line that says what was merged). The file's values replace the terrain's wherever
    it has data — land heights and sea depths alike; land it shows above 0 m where the coastline had sea becomes
    land (reclamation). Safe in a worker thread."""
    from ydtwin.io.dem import open_dem_info, resample_onto

    old = onto if onto is not None else terrain_layer(scene)
    info = open_dem_info(path)
    values, (rows, cols) = resample_onto(info, old.elevation)
    have = np.isfinite(values)
    if not have.any():
        raise YdtwinError(f"{path}: has no elevation values over the region (all no-data)")
    grid = old.elevation
    elev = grid.values.copy()
    land = (old.land_mask if old.land_mask is not None else grid.values > 0).copy()
    origin = np.zeros(grid.shape, dtype=np.int16) if old.origin is None else old.origin.copy()
    k = len(old.imported) + 1
    win_e, win_l, win_o = elev[rows, cols], land[rows, cols], origin[rows, cols]
    win_e[have] = values[have]
    win_l[have & (values > 0)] = True
    win_o[have] = k
    unknown = None
    if old.unknown is not None:
        unknown = old.unknown.copy()
        unknown[rows, cols][have] = False
    name = Path(path).name
    n_land = int((have & win_l).sum())
    n_sea = int((have & ~win_l).sum())
    sea_cells_total = int((~land).sum())
    detail, detail_note = _merge_detail(scene, old, info, (rows, cols), have)
    prov = Provenance(source=f"{name} (imported DEM, {info.resolution_label})", licence="as the file's owner says",
                      nature="real", transformations=(f"averaged into the region grid's {abs(grid.dx) * 3600:.0f}″ "
                                                      "cells (GDAL warp, average)", *detail_note))
    bathy = old.bathymetry_provenance
    covered_sea = int(((origin > 0) & ~land).sum())
    share = covered_sea / sea_cells_total if sea_cells_total else 0.0
    if n_sea:
        if share >= _REAL_SEA_SHARE:
            bathy = Provenance(source=prov.source, licence=prov.licence, nature="real",
                               transformations=prov.transformations)
        else:
            bathy = Provenance(source=bathy.source, licence=bathy.licence, nature=bathy.nature,
                               transformations=bathy.transformations,
                               notes=f"{bathy.notes}; real depths from {name} over {100 * share:.0f} % of the sea")
    dem_prov = old.provenance
    if n_land:
        dem_prov = Provenance(source=dem_prov.source, licence=dem_prov.licence, nature=dem_prov.nature,
                              transformations=(*dem_prov.transformations, f"replaced by {name} where it has data"),
                              notes=dem_prov.notes)
    from ydtwin.geo.terrain_detail import ElevationGrid

    new_grid = ElevationGrid(x0=grid.x0, y0=grid.y0, dx=grid.dx, dy=grid.dy, values=elev, crs=grid.crs,
                             units=grid.units, detail=detail)
    layer = TerrainLayer(old.name, new_grid, bathymetry_provenance=bathy, land_mask=land, provenance=dem_prov,
                         group=old.group, role=old.role, visible=old.visible, opacity=old.opacity, style=old.style)
    layer.colouring = old.colouring
    layer.imported = (*old.imported, prov)
    layer.imported_files = (*old.imported_files, os.path.abspath(path))
    layer.origin = origin
    layer.unknown = unknown
    line = (f"DEM {name}: {n_land:,} land and {n_sea:,} sea cells of the terrain replaced ({info.resolution_label})"
            + "".join(f"; {note}" for note in detail_note))
    return layer, line


def read_dems(scene, paths) -> tuple[TerrainLayer | None, list[str], list[str]]:
    """DEM files merged over the scene's terrain one after the other, in order (a project's) → (the new terrain
    layer, not yet shown, or None when none could be read; a line per DEM merged; an error line per DEM that
    could not be, which is left out). Safe in a worker thread."""
    layer, lines, errors = None, [], []
    for path in paths:
        try:
            layer, line = read_dem(scene, path, onto=layer)
        except YdtwinError as exc:
            errors.append(str(exc))
        else:
            lines.append(line)
    return layer, lines, errors


def scenario_level(scene) -> float | None:
    """The level of the sea-level scenario shown (m), or None when the sea is today's."""
    shown = any(layer.role == INUNDATION_ROLE for layer in scene.layers)
    return float(scene.sea_level) if shown or scene.sea_level else None


def add_terrain(scene, layer: TerrainLayer, *, rescenario: bool = True) -> None:
    """Show a terrain from ``read_dem`` in place of the scene's; a scenario shown is computed again on it (unless
    ``rescenario`` is False: the caller does that itself, e.g. in the background)."""
    old = terrain_layer(scene)
    at = scene.layers.index(old)
    level = scene.sea_level
    scenario = any(lyr.role == INUNDATION_ROLE for lyr in scene.layers)
    scene.layers.remove(old)
    scene.layers.insert(at, layer)
    if rescenario and (scenario or level):
        show_inundation(scene, compute_inundation(scene, level))


def _merge_detail(scene, old: TerrainLayer, info, window, have) -> tuple[object, tuple[str, ...]]:
    """The terrain's detail after importing ``info`` (see ``ydtwin.io.dem_detail.merge_detail``) → (the detail
    or None; what was kept of the file's own resolution, for the provenance and the log line)."""
    from ydtwin.io.dem_detail import merge_detail

    before = old.detail
    detail = merge_detail(before, info, old.elevation, window, have, scene.projection.crs, scene.extent)
    kept = () if detail is None else detail.notes[len(before.notes) if before is not None else 0:]
    return detail, tuple(note.split(": ", 1)[1] for note in kept)


def without_detail(layer: TerrainLayer) -> TerrainLayer:
    """The same terrain with its region grid only: what it is drawn as without its imported DEMs' detail tiles
    (comparisons, benchmarks)."""
    from ydtwin.geo.grid import GridData

    g = layer.elevation
    plain = TerrainLayer(layer.name, GridData(g.x0, g.y0, g.dx, g.dy, g.values, g.crs, g.units),
                         bathymetry_provenance=layer.bathymetry_provenance, land_mask=layer.land_mask,
                         provenance=layer.provenance, group=layer.group, role=layer.role, visible=layer.visible,
                         opacity=layer.opacity, style=layer.style)
    plain.colouring = layer.colouring
    plain.imported, plain.origin, plain.unknown = layer.imported, layer.origin, layer.unknown
    plain.imported_files = getattr(layer, "imported_files", ())
    return plain
