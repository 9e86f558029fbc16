#!/usr/bin/env python3
"""Tile packs: ``ydtwin tiles build`` on synthetic footprints, on a local Dask cluster of 2 worker processes
against the synchronous scheduler (this process alone), in the same run.

The footprints (SYNTHETIC: ``ydtwin.io.synthetic``, around Suzhou, 36 km across, GeoParquet in row groups of
20,000) are written once; each build then runs the command's own use case (``Workspace.build_tiles``) into a
fresh folder. One JSON object per load (``--load idle|busy|both``; busy: a process this script starts spins on
one core meanwhile):

    python benchmarks/tiles.py                      # 5,000,000 footprints, idle and busy
    python benchmarks/tiles.py --count 500000 --load idle
    python benchmarks/tiles.py --points 20000000    # a point cloud instead: 20 M points in one LAZ file

``--points N`` writes a SYNTHETIC LAZ file instead (N points of ground, roofs and trees over 4 km × 4 km near
Suzhou, UTM 51N, written with laspy) and builds its point tiles the same two ways (``*_points_per_s``).

Keys: count, load, tiles, buildings, triangles, sync_s / local_s (wall time of the build), sync_footprints_per_s /
local_footprints_per_s, speedup (sync_s / local_s), sync_peak_rss_mb (this process's RSS, sampled every 0.2 s
during the build: it includes what the process held before, about 2.6 GB after writing the input),
local_peak_rss_mb_per_worker (each worker process's peak, sampled likewise; the spinning load is not a worker),
local_client_peak_rss_mb (this process during the local build), same_bytes (every tile file identical between
the two builds), input_mb.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        x += 1


class _Peaks:
    """Peak RSS of this process and of each of its child processes, sampled in a thread."""

    def __init__(self, exclude: tuple[int, ...] = ()) -> None:
        import psutil

        self._me = psutil.Process()
        self._exclude = set(exclude)
        self.own = 0
        self.children: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                self.own = max(self.own, self._me.memory_info().rss)
                for child in self._me.children(recursive=True):
                    if child.pid in self._exclude:  # the spinning load of --load busy
                        continue
                    try:
                        rss = child.memory_info().rss
                    except psutil.Error:
                        continue
                    self.children[child.pid] = max(self.children.get(child.pid, 0), rss)
            except psutil.Error:
                pass
            self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def write_synthetic_laz(path: Path, n: int, extent_m: float = 4_000.0, seed: int = 7) -> Path:
    """N points (SYNTHETIC) near Suzhou in UTM 51N: ground at 3 m, a roof (class 6) over a fifth of them, trees
    (class 5) over a tenth; written in chunks of 2 M points."""
    import laspy
    import numpy as np
    from pyproj import CRS

    header = laspy.LasHeader(point_format=6, version="1.4")
    header.scales = np.array([0.001, 0.001, 0.001])
    header.offsets = np.array([273_000.0, 3_464_000.0, 0.0])
    header.add_crs(CRS.from_epsg(32651))
    rng = np.random.default_rng(seed)
    with laspy.open(str(path), mode="w", header=header, do_compress=True) as writer:
        for start in range(0, n, 2_000_000):
            m = min(2_000_000, n - start)
            points = laspy.ScaleAwarePointRecord.zeros(m, header=header)
            kind = rng.random(m)
            points.x = 273_000.0 + rng.uniform(0, extent_m, m)
            points.y = 3_464_000.0 + rng.uniform(0, extent_m, m)
            points.z = 3.0 + np.where(kind < 0.2, 30.0, np.where(kind < 0.3, rng.uniform(6, 14, m), 0.0))
            points.classification = np.where(kind < 0.2, 6, np.where(kind < 0.3, 5, 2)).astype(np.uint8)
            points.intensity = rng.integers(100, 4000, m).astype(np.uint16)
            points.return_number = np.ones(m, np.uint8)
            points.number_of_returns = np.ones(m, np.uint8)
            writer.write_points(points)
    return path


def _build(ws, src: Path, out: Path, scheduler: str, exclude: tuple[int, ...]):
    shutil.rmtree(out, ignore_errors=True)
    with _Peaks(exclude) as peaks:
        t0 = time.perf_counter()
        report = ws.build_tiles([(str(src), None)], out, scheduler=scheduler, workers=2 if scheduler == "local" else None)
        seconds = time.perf_counter() - t0
    if not report.ok:
        raise SystemExit(f"{scheduler} build failed: {report.failed[:3]}")
    return report, seconds, peaks


def measure(count: int, load: str, folder: Path, src: Path, what: str = "footprints") -> dict:
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=[])
    stop = mp.Event()
    spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
    if spinner:
        spinner.start()
    try:
        exclude = (spinner.pid,) if spinner else ()
        a, sync_s, sync_peaks = _build(ws, src, folder / "sync", "sync", exclude)
        b, local_s, local_peaks = _build(ws, src, folder / "local", "local", exclude)
    finally:
        if spinner:
            stop.set()
            spinner.join()
    sub = "points" if what == "points" else "tiles"
    files_a = sorted((folder / "sync" / sub).glob("*.npz"))
    files_b = sorted((folder / "local" / sub).glob("*.npz"))
    same = [p.name for p in files_a] == [p.name for p in files_b] and all(
        x.read_bytes() == y.read_bytes() for x, y in zip(files_a, files_b, strict=True))
    workers = sorted(local_peaks.children.values(), reverse=True)[:2]
    mb = 1024 * 1024
    if what == "points":
        figures = {"point_tiles": a.point_tiles, "points": a.points, "sync_points_per_s": round(count / sync_s),
                   "local_points_per_s": round(count / local_s)}
    else:
        figures = {"tiles": a.tiles, "buildings": a.buildings, "triangles": a.triangles,
                   "sync_footprints_per_s": round(count / sync_s), "local_footprints_per_s": round(count / local_s)}
    return {
        "what": what, "count": count, "load": load, "machine": f"{os.cpu_count()} CPUs", **figures,
        "sync_s": round(sync_s, 2), "local_s": round(local_s, 2),
        "speedup": round(sync_s / local_s, 2), "sync_peak_rss_mb": round(sync_peaks.own / mb),
        "local_peak_rss_mb_per_worker": [round(w / mb) for w in workers],
        "local_client_peak_rss_mb": round(local_peaks.own / mb), "same_bytes": same,
        "input_mb": round(src.stat().st_size / mb, 1), "local_scheduler": b.scheduler,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=5_000_000)
    ap.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    ap.add_argument("--points", type=int, default=0, metavar="N", help="a LAZ file of N points instead of footprints")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ydtwin-tiles-bench-"))
    try:
        from ydtwin.io.synthetic import write_synthetic_geoparquet

        t0 = time.perf_counter()
        what = "points" if args.points else "footprints"
        count = args.points or args.count
        if args.points:
            src = write_synthetic_laz(folder / "cloud.laz", args.points)
        else:
            src = write_synthetic_geoparquet(folder / "footprints.parquet", args.count, extent_m=36_000.0)
        print(json.dumps({"wrote_input_s": round(time.perf_counter() - t0, 1), "what": what, "count": count}),
              flush=True)
        for load in ("idle", "busy") if args.load == "both" else (args.load,):
            print(json.dumps(measure(count, load, folder, src, what)), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
