"""Viewshed: what an eye 1.7 m above the ground in the middle of a district of 1,000 buildings sees within 1 km, in a
height field of 1 m cells (3.1 M cells in the disc), ydtwin against a naive loop of one exact ray query per cell.

The district is the sunlight benchmark's (``benchmarks/sunlight.py``): 1,000 box buildings over 2 × 2 km in Pudong,
the region's procedural blocks switched off.

- ``ydtwin``: ``Workspace.viewshed`` end to end — gathering and rasterising the buildings and the terrain into the
  height field, and the compiled march of a line of sight per cell (curvature and refraction included).
- ``naive``: the same buildings as one trimesh mesh; for ``NAIVE_CELLS`` random cells of the disc one
  ``mesh.ray.intersects_location`` call from the eye toward the cell's surface point (hidden when a hit lies
  before it); its rate is those cells per second. ``agreement``: the share of those cells on which both say the
  same (they differ where a line grazes an edge, ydtwin's buildings being rasterised into 1 m cells).

Prints one JSON object. Keys: buildings, cells, ydtwin_s, ydtwin_cells_per_s, visible_fraction, naive_cells,
naive_s, naive_cells_per_s, naive_s_whole_disc (estimated), speedup, agreement.

    python benchmarks/viewshed.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sunlight import SIDE_M, _mesh, district_workspace  # noqa: E402 - the same district as the sunlight benchmark

RADIUS_M = 1000.0
NAIVE_CELLS = 400


def measure() -> dict:
    from ydtwin.workspace.sunlight import _ground_of
    from ydtwin.workspace.viewshed import ViewshedRequest

    ws, rng, (_layer, boxes, heights, (x0, y0)) = district_workspace()
    proj = ws.scene.projection
    # the eye in the middle of the district, in the open (moved east until no footprint holds it)
    ox, oy = x0 + SIDE_M / 2, y0 + SIDE_M / 2
    while ((boxes[:, 0] - 2 <= ox) & (ox <= boxes[:, 2] + 2) & (boxes[:, 1] - 2 <= oy) & (oy <= boxes[:, 3] + 2)).any():
        ox += 5.0
    lon, lat = (float(v) for v in proj.from_scene(ox, oy))
    ws.viewshed(ViewshedRequest((lon, lat), radius_m=50.0))  # compiled kernels loaded
    t0 = time.perf_counter()
    r = ws.viewshed(ViewshedRequest((lon, lat), radius_m=RADIUS_M, cell_m=1.0))
    ydtwin_s = time.perf_counter() - t0
    inside = np.argwhere(r.state >= 0)
    n_cells = len(inside)

    # the naive loop: a ray from the eye toward each cell's surface point, against the buildings' triangles
    ground = _ground_of(ws.scene)
    mesh = _mesh(boxes, heights, lambda x, y: ground(np.array([x]), np.array([y]))[0])
    pick = inside[rng.integers(0, n_cells, NAIVE_CELLS)]
    cx = r.x0 + (pick[:, 1] + 0.5) * r.cell
    cy = r.y1 - (pick[:, 0] + 0.5) * r.cell
    from ydtwin.workspace.viewshed import _surface

    surf = _surface(ws.scene, (ox - RADIUS_M, oy - RADIUS_M, ox + RADIUS_M, oy + RADIUS_M), 1.0)
    cz = surf.field.z[pick[:, 0], pick[:, 1]].astype(np.float64)
    eye = np.array(r.observer_xyz)
    mesh.ray.intersects_location(eye[None, :], np.array([[1.0, 0.0, 0.0]]))  # the R-tree built before the clock
    t0 = time.perf_counter()
    naive_hidden = np.zeros(NAIVE_CELLS, dtype=bool)
    for k in range(NAIVE_CELLS):
        target = np.array([cx[k], cy[k], cz[k] + 0.01])
        d = target - eye
        length = float(np.linalg.norm(d))
        hits, _ray, _tri = mesh.ray.intersects_location(eye[None, :], (d / length)[None, :])
        if len(hits):
            naive_hidden[k] = bool((np.linalg.norm(hits - eye, axis=1) < length - 0.6).any())
    naive_s = time.perf_counter() - t0
    ydtwin_hidden = r.state[pick[:, 0], pick[:, 1]] == 0
    rate = NAIVE_CELLS / naive_s
    return {
        "buildings": len(boxes), "cells": n_cells, "ydtwin_s": round(ydtwin_s, 2),
        "ydtwin_cells_per_s": round(n_cells / ydtwin_s), "visible_fraction": round(r.visible_fraction, 4),
        "naive_cells": NAIVE_CELLS, "naive_s": round(naive_s, 2), "naive_cells_per_s": round(rate),
        "naive_s_whole_disc": round(n_cells / rate), "speedup": round(n_cells / ydtwin_s / rate),
        "agreement": round(float(np.mean(ydtwin_hidden == naive_hidden)), 4),
    }


if __name__ == "__main__":
    print(json.dumps(measure()), flush=True)
