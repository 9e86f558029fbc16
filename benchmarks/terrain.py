"""Terrain: a planner's 30 m GeoTIFF over a whole city merged onto the region's terrain, ydtwin vs a naive
per-cell Python sampling in the same run; and the sea-level scenario's time per level.

The DEM is synthetic (smooth hills and a coastal plain, float32, tiled, deflate) in EPSG:32651 (UTM 51N) over
Shanghai's box (120.85–122.0 E, 30.65–31.9 N: ~110 × 140 km, ~17 M cells at 30 m), written once per run.

- ``merge``: ``ydtwin.io.dem.resample_onto`` — open and check the file, GDAL's warper averaging every 30 m cell
  into the region grid's 30″ cells (2 threads), as ``Workspace.read_dem`` does before merging with the bundled
  terrain and provenance per cell (``import_s``: the whole ``read_dem``, now with the detail tiles too).
- ``naive_sampling``: for each region cell the DEM covers, one pyproj transform of its centre to UTM and the
  nearest DEM value read from the array in memory (a Python loop over ~20 k cells; point sampling: one 30 m
  cell of the ~1,000 under each 1 km cell stands for all of them).
- ``naive_average``: the same averaging as ydtwin's, as a Python loop over the DEM's cells (transform each
  cell's centre to lon/lat, add it to its region cell). Timed over ``NAIVE_ROWS`` rows of the DEM and scaled to
  all its rows (linear in the cells; the key says so).

Keys of the "merge" object: dem_cells, dem_file_mb, region_cells, import_s, merge_s, naive_sampling_s,
naive_average_s_scaled (from naive_average_rows rows), speedup_vs_naive_average, speedup_vs_naive_sampling (of merge_s),
max_abs_diff_m (averaged vs point-sampled heights), inundation_first_s (first scenario on a terrain: the open sea
and the city of each cell), inundation_next_s (each further level).

Detail tiles (the same file kept at 30 m as terrain tiles, ``ydtwin.geo.terrain_detail``), and the frame at the
view over Shanghai (1280×720, offscreen, the region's scene with the DEM imported), in a child process per load:

- ``import_s``: ``Workspace.read_dem`` whole (the region grid's average and the detail); ``merge_s`` the average
  alone, ``detail_s`` the detail alone (GDAL warp into the scene CRS, the pyramid, tile statistics, the region
  cells it covers), both timed again after the import (file in the page cache).
- frames at the view over Shanghai: ``frame_ms`` with the interactive triangle budget (it adapts to measured
  frame times, as in the app; median of the last frames of a slow orbit), ``still_frame_ms`` with the stills'
  fixed budget (every tile at the level its cells' screen size asks for), ``first_frame_ms`` (tiles made and
  uploaded), with the triangles of the terrain drawn and the tiles' pixel threshold; ``coarse_frame_ms``: the
  same view without the detail (the 1 km terrain only).
- ``naive_*``: the whole DEM as one pyvista mesh (a structured grid of all 30 m posts, triangulated, one
  actor) added to the same scene: build time, frames, triangles.

Each child prints one JSON object; ``--load busy`` runs them with the other core kept busy by a spinning process
(``both``, the default, runs idle then busy)::

    python benchmarks/terrain.py                 # idle and busy
    python benchmarks/terrain.py --load idle --no-naive-mesh
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

BOX = (120.85, 30.65, 122.0, 31.9)
RES_M = 30.0


def write_dem(path: Path) -> tuple[int, int]:
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_origin

    t = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    xs, ys = t.transform([BOX[0], BOX[2], BOX[0], BOX[2]], [BOX[1], BOX[1], BOX[3], BOX[3]])
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    w, h = int((x1 - x0) / RES_M), int((y1 - y0) / RES_M)
    with rasterio.open(path, "w", driver="GTiff", width=w, height=h, count=1, dtype="float32", crs="EPSG:32651",
                       transform=from_origin(x0, y1, RES_M, RES_M), nodata=-9999.0, tiled=True, compress="deflate",
                       blockxsize=512, blockysize=512) as dst:
        for r0 in range(0, h, 512):
            r1 = min(r0 + 512, h)
            yy, xx = np.mgrid[r0:r1, 0:w].astype(np.float32)
            z = 3.0 + 2.5 * np.sin(xx / 700.0) * np.cos(yy / 900.0) + 0.002 * (w - xx) + 0.5 * np.sin(xx / 9.0)
            dst.write(z.astype(np.float32), 1, window=((r0, r1), (0, w)))
    return w, h


def naive(path: Path, grid, rows: slice, cols: slice) -> np.ndarray:
    import rasterio
    from pyproj import Transformer

    with rasterio.open(path) as src:
        data = src.read(1)
        inv = ~src.transform
    t = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    out = np.full((rows.stop - rows.start, cols.stop - cols.start), np.nan, dtype=np.float32)
    for j in range(rows.start, rows.stop):
        for i in range(cols.start, cols.stop):
            x, y = t.transform(grid.x0 + i * grid.dx, grid.y0 + j * grid.dy)
            c, r = inv * (x, y)
            c, r = int(c), int(r)
            if 0 <= r < data.shape[0] and 0 <= c < data.shape[1]:
                out[j - rows.start, i - cols.start] = data[r, c]
    return out


NAIVE_ROWS = 40


def naive_average(path: Path, grid) -> float:
    """Seconds the per-cell Python average takes for NAIVE_ROWS rows of the DEM, scaled to all its rows."""
    import rasterio
    from pyproj import Transformer

    with rasterio.open(path) as src:
        t0 = time.perf_counter()
        data = src.read(1, window=((0, NAIVE_ROWS), (0, src.width)))
        tr = src.transform
        total_rows = src.height
        inv = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)
        sums: dict[tuple[int, int], list[float]] = {}
        for r in range(data.shape[0]):
            for c in range(data.shape[1]):
                x, y = tr * (c + 0.5, r + 0.5)
                lon, lat = inv.transform(x, y)
                key = (round((lat - grid.y0) / grid.dy), round((lon - grid.x0) / grid.dx))
                acc = sums.setdefault(key, [0.0, 0])
                acc[0] += float(data[r, c])
                acc[1] += 1
        return (time.perf_counter() - t0) * total_rows / data.shape[0]


def merge_figures(path: Path) -> dict:
    """The region grid's average of the DEM against naive per-cell Python, and scenarios on the result."""
    from ydtwin.io.dem import open_dem_info, resample_onto
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=[])
    t0 = time.perf_counter()
    layer, _line = ws.read_dem(path)
    ydtwin_s = time.perf_counter() - t0
    grid = ws.scene.layer("terrain").elevation
    t0 = time.perf_counter()
    averaged, (rows, cols) = resample_onto(open_dem_info(path), grid)
    merge_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sampled = naive(path, grid, rows, cols)
    naive_s = time.perf_counter() - t0
    naive_avg_s = naive_average(path, grid)
    both = np.isfinite(averaged) & np.isfinite(sampled)
    ws.add_terrain(layer)
    t0 = time.perf_counter()
    ws.inundation(2.0)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for level in (0.5, 1.0, 3.0, 5.0):
        ws.inundation(level)
    nxt = (time.perf_counter() - t0) / 4
    with rasterio_open(path) as src:
        w, h = src.width, src.height
    return {
        "dem_cells": w * h, "dem_file_mb": round(path.stat().st_size / 1e6, 1),
        "region_cells": int(np.isfinite(averaged).sum()),
        "import_s": round(ydtwin_s, 3), "merge_s": round(merge_s, 3), "naive_sampling_s": round(naive_s, 3),
        "naive_average_s_scaled": round(naive_avg_s, 1), "naive_average_rows": NAIVE_ROWS,
        "speedup_vs_naive_average": round(naive_avg_s / merge_s, 1),
        "speedup_vs_naive_sampling": round(naive_s / merge_s, 2),
        "max_abs_diff_m": round(float(np.abs(averaged[both] - sampled[both]).max()), 2),
        "inundation_first_s": round(first, 3), "inundation_next_s": round(nxt, 3),
    }


def rasterio_open(path: Path):
    import rasterio

    return rasterio.open(path)


def _orbit(plotter, frames: int) -> list[float]:
    """Seconds per frame while the camera turns a quarter round its focal point, ``frames`` + 1 frames."""
    cam = plotter.camera
    focal = np.array(cam.focal_point)
    offset = np.array(cam.position) - focal
    radius, height = float(np.hypot(offset[0], offset[1])), float(offset[2])
    times = []
    for k in range(frames + 1):
        a = 0.5 * math.pi * k / frames
        cam.position = tuple(focal + np.array([radius * math.sin(a), -radius * math.cos(a), height]))
        plotter.renderer.ResetCameraClippingRange()
        t0 = time.perf_counter()
        plotter.render_window.Render()
        plotter.render_window.WaitForCompletion()
        times.append(time.perf_counter() - t0)
    return times


def frame_figures(path: Path, frames: int, naive_mesh: bool) -> dict:
    """Detail tiles built, and frames at the view over Shanghai with them, without them, and as one mesh."""
    from ydtwin.render.backend import gl_info, prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.geo.lod import TriangleBudget
    from ydtwin.geo.tiles import to_local
    from ydtwin.io.dem import open_dem_info
    from ydtwin.io.dem_detail import merge_detail
    from ydtwin.render.export import EXPORT_BUDGET
    from ydtwin.render.scene_view import SceneView
    from ydtwin.workspace import Workspace
    from ydtwin.workspace.terrain import without_detail

    ws = Workspace.open(plugin_names=[])
    old = ws.scene.layer("terrain")
    t0 = time.perf_counter()
    layer, _line = ws.read_dem(path)
    import_s = time.perf_counter() - t0
    info = open_dem_info(path)
    have = np.ones((1, 1), dtype=bool)
    t0 = time.perf_counter()
    detail = merge_detail(None, info, old.elevation, (slice(0, 1), slice(0, 1)), have, ws.scene.projection.crs,
                          ws.scene.extent)
    detail_s = time.perf_counter() - t0
    grid = detail.grids[0]
    out = {"import_s": round(import_s, 2), "detail_s": round(detail_s, 2), "detail_posts": grid.cells,
           "detail_spacing_m": grid.spacing, "detail_levels": len(grid.levels),
           "detail_tiles": int(sum(len(st[0]) for st in grid.stats))}
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=[1280, 720], theme=theme, lighting=None)

    def measure(tag: str, budget) -> None:
        view = SceneView(ws.scene, plotter, request_render=lambda: None, budget=budget)
        view.set_view("Shanghai")
        terrain = next(v for v in view.visuals.values() if v.layer.role == "terrain")
        t0 = time.perf_counter()
        plotter.render_window.Render()
        plotter.render_window.WaitForCompletion()
        first = time.perf_counter() - t0
        times = _orbit(plotter, frames)
        steady = times[-max(frames // 2, 2):]
        out[f"{tag}first_frame_ms"] = round(first * 1000, 1)
        out[f"{tag}frame_ms"] = round(float(np.median(steady)) * 1000, 1)
        out[f"{tag}terrain_triangles"] = int(terrain.triangles)
        if terrain.detail is not None:
            out[f"{tag}detail_tiles_drawn"] = len(terrain.detail.shown)
            out[f"{tag}detail_px"] = round(terrain.detail.threshold_px, 1)
        view.close()

    ws.add_terrain(layer)
    measure("", TriangleBudget())
    out["gl_renderer"] = gl_info(plotter.render_window).label()  # known once a frame was drawn
    measure("still_", TriangleBudget.fixed(EXPORT_BUDGET))
    ws.add_terrain(without_detail(layer))
    measure("coarse_", TriangleBudget())
    if naive_mesh:  # the whole DEM as one mesh in the same scene (its 1 km terrain under it)
        t0 = time.perf_counter()
        posts = grid.levels[0]
        ny, nx = posts.shape
        xs = grid.x0 + np.arange(nx) * grid.spacing
        ys = grid.y0 + np.arange(ny) * grid.spacing
        origin = np.array([xs.mean(), ys.mean(), 0.0])
        xx, yy = np.meshgrid(xs, ys)
        z = np.nan_to_num(posts, nan=0.0).astype(np.float64) * ws.scene.vertical_exaggeration
        sg = pv.StructuredGrid()
        sg.points = to_local(np.column_stack([xx.ravel(), yy.ravel(), z.ravel()]), origin)
        sg.dimensions = (nx, ny, 1)
        sg.point_data["elevation"] = posts.ravel()
        mesh = sg.extract_surface(algorithm="dataset_surface").triangulate()
        view = SceneView(ws.scene, plotter, request_render=lambda: None)
        view.set_view("Shanghai")
        actor = plotter.add_mesh(mesh, scalars="elevation", cmap="gist_earth", show_scalar_bar=False,
                                 reset_camera=False)
        actor.position = tuple(origin)
        out["naive_build_s"] = round(time.perf_counter() - t0, 2)
        out["naive_triangles"] = int(mesh.n_cells)
        del sg, xx, yy, z
        times = _orbit(plotter, 2)
        out["naive_first_frame_ms"] = round(times[0] * 1000, 1)
        out["naive_frame_ms"] = round(float(np.median(times[1:])) * 1000, 1)
        out["naive_vs_ydtwin_frame_time"] = round(out["naive_frame_ms"] / out["frame_ms"], 1)
        view.close()
    plotter.close()
    return out


def _child(*args: str) -> dict:
    """Run this script with ``args`` in a fresh process → the JSON object it prints last."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{args[0]} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "--child-merge":
        print(json.dumps(merge_figures(Path(sys.argv[2]))))
        return
    if len(sys.argv) >= 5 and sys.argv[1] == "--child-frames":
        print(json.dumps(frame_figures(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1")))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--no-naive-mesh", action="store_true", help="leave out the one-mesh baseline (1.5 GB)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shanghai_30m.tif"
        write_dem(path)
        for load in ("idle", "busy") if args.load == "both" else (args.load,):
            from basemap import _spin  # the benchmarks' spinning process (this folder is on sys.path)

            stop = mp.Event()
            spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
            if spinner:
                spinner.start()
            try:
                merge = _child("--child-merge", str(path))
                print(json.dumps({"load": load, "kind": "merge", **merge}), flush=True)
                frames = _child("--child-frames", str(path), str(args.frames), "0" if args.no_naive_mesh else "1")
                print(json.dumps({"load": load, "kind": "detail", **frames}), flush=True)
            finally:
                if spinner:
                    stop.set()
                    spinner.join()


if __name__ == "__main__":
    main()
