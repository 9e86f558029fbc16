"""Terrain: a planner's 30 m GeoTIFF over a whole city merged onto the region's terrain, ydtwin vs a naive
per-cell Python sampling in the same run; and the sea-level scenario's time per level.

The DEM is synthetic (smooth hills and a coastal plain, float32, tiled, deflate) in EPSG:32651 (UTM 51N) over
Shanghai's box (120.85–122.0 E, 30.65–31.9 N: ~110 × 140 km, ~17 M cells at 30 m), written once per run.

- ``ydtwin``: ``Workspace.read_dem`` — open and check the file, GDAL's warper averaging every 30 m cell into the
  region grid's 30″ cells (2 threads), merge with the bundled terrain and provenance per cell.
- ``naive_sampling``: for each region cell the DEM covers, one pyproj transform of its centre to UTM and the
  nearest DEM value read from the array in memory (a Python loop over ~20 k cells; point sampling: one 30 m
  cell of the ~1,000 under each 1 km cell stands for all of them).
- ``naive_average``: the same averaging as ydtwin's, as a Python loop over the DEM's cells (transform each
  cell's centre to lon/lat, add it to its region cell). Timed over ``NAIVE_ROWS`` rows of the DEM and scaled to
  all its rows (linear in the cells; the key says so).

Prints one JSON object. Keys: dem_cells, dem_file_mb, region_cells, ydtwin_s, naive_sampling_s,
naive_average_s_scaled (from naive_average_rows rows), speedup_vs_naive_average, speedup_vs_naive_sampling,
max_abs_diff_m (averaged vs point-sampled heights), inundation_first_s (first scenario on a terrain: the open sea
and the city of each cell), inundation_next_s (each further level).

    python benchmarks/terrain.py
"""

from __future__ import annotations

import json
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


def main() -> None:
    from ydtwin.io.dem import open_dem_info, resample_onto
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=[])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shanghai_30m.tif"
        w, h = write_dem(path)
        t0 = time.perf_counter()
        layer, _line = ws.read_dem(path)
        ydtwin_s = time.perf_counter() - t0
        grid = ws.scene.layer("terrain").elevation
        averaged, (rows, cols) = resample_onto(open_dem_info(path), grid)
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
        print(json.dumps({
            "dem_cells": w * h, "dem_file_mb": round(path.stat().st_size / 1e6, 1),
            "region_cells": int(np.isfinite(averaged).sum()),
            "ydtwin_s": round(ydtwin_s, 3), "naive_sampling_s": round(naive_s, 3),
            "naive_average_s_scaled": round(naive_avg_s, 1), "naive_average_rows": NAIVE_ROWS,
            "speedup_vs_naive_average": round(naive_avg_s / ydtwin_s, 1),
            "speedup_vs_naive_sampling": round(naive_s / ydtwin_s, 2),
            "max_abs_diff_m": round(float(np.abs(averaged[both] - sampled[both]).max()), 2),
            "inundation_first_s": round(first, 3), "inundation_next_s": round(nxt, 3),
        }))


if __name__ == "__main__":
    main()
