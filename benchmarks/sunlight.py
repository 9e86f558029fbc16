"""Sunlight: hours of direct sun for a 100 × 100 ground grid among 1,000 buildings on the winter solstice (9:00–15:00
true solar time, the sun every minute: 360 positions), ydtwin against a naive per-ray loop in the same run, idle
and with the other core kept busy by a spinning process.

The district is synthetic: 1,000 box buildings (10–30 m sides, heights log-normal around 30 m, a few towers up to
200 m) scattered over 2 × 2 km in Pudong, the grid every 10 m over its middle kilometre (points inside a
building left out). The region's procedural blocks are switched off.

- ``ydtwin``: ``Workspace.sunlight`` end to end — the sun's path (SPA), gathering and rasterising the buildings
  into a 1 m height field, the coarse terrain field, and the compiled ray march of every point toward all 360 sun
  positions.
- ``naive``: the same buildings as one trimesh mesh, and one ``mesh.ray.intersects_any`` call per point and sun
  position (a ray query at a time, trimesh's R-tree of the triangles), timed over ``NAIVE_RAYS`` random
  (point, position) pairs; its rate is those pairs per second. The pairs' answers are compared with ydtwin's:
  ``agreement`` is the share on which both say the same (they differ only where a ray grazes an edge, ydtwin's
  buildings being rasterised into 1 m cells).

Prints one JSON object per load. Keys: load, buildings, points, sun_positions, evaluations (points × positions),
ydtwin_s, ydtwin_evaluations_per_s, naive_rays, naive_s, naive_evaluations_per_s, naive_s_whole_grid
(estimated), speedup, agreement.

    python benchmarks/sunlight.py              # idle and busy
    python benchmarks/sunlight.py --load idle
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

#: the district's south-west corner
SW = (121.60, 31.20)
N_BUILDINGS = 1000
SIDE_M = 2000.0
GRID = 100
SPACING_M = 10.0
NAIVE_RAYS = 400
#: the height field's cell for the comparison: the workspace's own default
CELL = 1.0


def _district(ws, rng):
    """1,000 boxes that do not overlap (rejection sampling) → (BuildingsLayer, boxes in scene metres, heights)."""
    import shapely

    from ydtwin.model.buildings import BuildingsData, BuildingsLayer
    from ydtwin.model.layer import Provenance

    proj = ws.scene.projection
    x0, y0 = (float(v[0]) for v in proj.to_scene(np.array([SW[0]]), np.array([SW[1]])))
    boxes: list[tuple[float, float, float, float]] = []
    tree_boxes = []
    while len(boxes) < N_BUILDINGS:
        w, d = rng.uniform(10, 30, 2)
        cx, cy = rng.uniform(0, SIDE_M - 30, 2)
        b = shapely.box(x0 + cx, y0 + cy, x0 + cx + w, y0 + cy + d)
        if tree_boxes and shapely.intersects(b.buffer(4), np.array(tree_boxes)).any():
            continue
        boxes.append(b.bounds)
        tree_boxes.append(b)
    heights = np.clip(rng.lognormal(math.log(30), 0.6, N_BUILDINGS), 6, 200)
    geoms = shapely.transform(np.array(tree_boxes, dtype=object),
                              lambda c: np.column_stack(proj.from_scene(c[:, 0], c[:, 1])))
    data = BuildingsData.from_geometries(geoms, height=heights, crs="EPSG:4326")
    layer = BuildingsLayer("district", data, provenance=Provenance("benchmark", "CC0", nature="synthetic"),
                           replaces="none")
    return layer, np.array(boxes), heights, (x0, y0)


def district_workspace():
    """A workspace on the region with its own buildings hidden and the district shown → (workspace, the random
    generator, what ``_district`` gave)."""
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=[])
    for layer in ws.scene.layers:
        if getattr(layer, "kind", "") == "buildings":
            layer.visible = False
    rng = np.random.default_rng(7)
    district = _district(ws, rng)
    ws.scene.add(district[0])
    return ws, rng, district


def _mesh(boxes, heights, ground):
    import trimesh

    parts = []
    for (bx0, by0, bx1, by1), h in zip(boxes, heights, strict=True):
        g = float(ground((bx0 + bx1) / 2, (by0 + by1) / 2))
        m = trimesh.creation.box(extents=(bx1 - bx0, by1 - by0, h))
        m.apply_translation(((bx0 + bx1) / 2, (by0 + by1) / 2, g + h / 2))
        parts.append(m)
    return trimesh.util.concatenate(parts)


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        x += 1


def measure(load: str) -> dict:
    from ydtwin.geo.shadow import field_of, march_hours
    from ydtwin.workspace.sunlight import SunlightRequest, _buildings_near, _ground_of

    ws, rng, (layer, boxes, heights, (x0, y0)) = district_workspace()
    proj = ws.scene.projection
    margin = (SIDE_M - GRID * SPACING_M) / 2
    lon, lat = proj.from_scene(np.array([x0 + margin, x0 + SIDE_M - margin]),
                               np.array([y0 + margin, y0 + SIDE_M - margin]))
    request = SunlightRequest(area=(lon[0], lat[0], lon[1], lat[1]), date="2026-12-22", spacing_m=SPACING_M,
                              step_min=1.0)
    small = SunlightRequest(area=(lon[0], lat[0], lon[0] + 0.001, lat[0] + 0.001), date="2026-12-22")
    ws.sunlight(small)  # compiled kernels loaded, pvlib imported

    stop = mp.Event()
    spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
    if spinner:
        spinner.start()
    try:
        t0 = time.perf_counter()
        result = ws.sunlight(request)
        ydtwin_s = time.perf_counter() - t0
        n_sun = len(result.window.unix_s)
        n_pts = len(result)

        # the naive loop: one ray query at a time against the buildings as a triangle mesh
        ground = _ground_of(ws.scene)
        mesh = _mesh(boxes, heights, lambda x, y: ground(np.array([x]), np.array([y]))[0])
        north = result.north_on_grid_deg
        az = np.radians(result.window.azimuth_deg + north)
        el = np.radians(result.window.elevation_deg)
        dirs = np.column_stack([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)])
        pick_p = rng.integers(0, n_pts, NAIVE_RAYS)
        pick_s = rng.integers(0, n_sun, NAIVE_RAYS)
        origins = np.column_stack([result.x[pick_p], result.y[pick_p], result.z[pick_p] + 0.05])
        mesh.ray.intersects_any(origins[:1], dirs[pick_s[:1]])  # the R-tree built before the clock starts
        t0 = time.perf_counter()
        naive_hit = np.array([mesh.ray.intersects_any(origins[k:k + 1], dirs[pick_s[k]:pick_s[k] + 1])[0]
                              for k in range(NAIVE_RAYS)])
        naive_s = time.perf_counter() - t0
    finally:
        if spinner:
            stop.set()
            spinner.join()

    # ydtwin's answer for the same pairs
    fine = field_of((x0 - 2000, y0 - 2000, x0 + SIDE_M + 2000, y0 + SIDE_M + 2000), CELL, ground=ground,
                    footprints=_buildings_near(layer, ws.scene, ws.scene.extent, ground).footprints())
    _h, mask = march_hours(result.x[pick_p], result.y[pick_p], result.z[pick_p],
                           result.window.azimuth_deg + north, result.window.elevation_deg, result.window.weight_h,
                           fine, keep_mask=True)
    ydtwin_lit = mask[np.arange(NAIVE_RAYS), pick_s]
    if "--debug" in sys.argv:
        bad = np.flatnonzero(ydtwin_lit != ~naive_hit)
        import shapely
        polys = shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3])
        for k in bad:
            d = shapely.distance(shapely.Point(result.x[pick_p[k]], result.y[pick_p[k]]), polys).min()
            print("disagree", "ydtwin lit" if ydtwin_lit[k] else "ydtwin shaded", "wall at", round(float(d), 2),
                  "elev", round(float(result.window.elevation_deg[pick_s[k]]), 1), file=sys.stderr)
    evaluations = n_pts * n_sun
    naive_rate = NAIVE_RAYS / naive_s
    return {
        "load": load, "buildings": N_BUILDINGS, "points": n_pts, "sun_positions": n_sun, "evaluations": evaluations,
        "ydtwin_s": round(ydtwin_s, 2), "ydtwin_evaluations_per_s": round(evaluations / ydtwin_s),
        "naive_rays": NAIVE_RAYS, "naive_s": round(naive_s, 2), "naive_evaluations_per_s": round(naive_rate),
        "naive_s_whole_grid": round(evaluations / naive_rate), "speedup": round(evaluations / ydtwin_s / naive_rate),
        "agreement": round(float(np.mean(ydtwin_lit == ~naive_hit)), 4),
        "median_hours": round(float(np.median(result.hours)), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    ap.add_argument("--debug", action="store_true", help="say where ydtwin and the naive loop disagree")
    args = ap.parse_args()
    for load in ("idle", "busy") if args.load == "both" else (args.load,):
        print(json.dumps(measure(load)), flush=True)


if __name__ == "__main__":
    main()
