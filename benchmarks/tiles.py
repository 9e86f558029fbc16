#!/usr/bin/env python3
"""Tile packs: ``ydtwin tiles build`` on synthetic footprints, on a local Dask cluster of 2 worker processes
against the synchronous scheduler (this process alone), in the same run.

The footprints (SYNTHETIC: ``ydtwin.io.synthetic``, around Suzhou, 36 km across, GeoParquet in row groups of
20,000) are written once; each build then runs the command's own use case (``Workspace.build_tiles``) into a
fresh folder. One JSON object per load (``--load idle|busy|both``; busy: a process this script starts spins on
one core meanwhile):

    python benchmarks/tiles.py                      # 5,000,000 footprints, idle and busy
    python benchmarks/tiles.py --count 500000 --load idle

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


def _build(ws, src: Path, out: Path, scheduler: str, exclude: tuple[int, ...]):
    shutil.rmtree(out, ignore_errors=True)
    with _Peaks(exclude) as peaks:
        t0 = time.perf_counter()
        report = ws.build_tiles([(str(src), None)], out, scheduler=scheduler, workers=2 if scheduler == "local" else None)
        seconds = time.perf_counter() - t0
    if not report.ok:
        raise SystemExit(f"{scheduler} build failed: {report.failed[:3]}")
    return report, seconds, peaks


def measure(count: int, load: str, folder: Path, src: Path) -> dict:
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
    files_a = sorted((folder / "sync" / "tiles").glob("*.npz"))
    files_b = sorted((folder / "local" / "tiles").glob("*.npz"))
    same = [p.name for p in files_a] == [p.name for p in files_b] and all(
        x.read_bytes() == y.read_bytes() for x, y in zip(files_a, files_b, strict=True))
    workers = sorted(local_peaks.children.values(), reverse=True)[:2]
    mb = 1024 * 1024
    return {
        "count": count, "load": load, "machine": f"{os.cpu_count()} CPUs", "tiles": a.tiles, "buildings": a.buildings,
        "triangles": a.triangles, "sync_s": round(sync_s, 2), "local_s": round(local_s, 2),
        "sync_footprints_per_s": round(count / sync_s), "local_footprints_per_s": round(count / local_s),
        "speedup": round(sync_s / local_s, 2), "sync_peak_rss_mb": round(sync_peaks.own / mb),
        "local_peak_rss_mb_per_worker": [round(w / mb) for w in workers],
        "local_client_peak_rss_mb": round(local_peaks.own / mb), "same_bytes": same,
        "input_mb": round(src.stat().st_size / mb, 1), "local_scheduler": b.scheduler,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=5_000_000)
    ap.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ydtwin-tiles-bench-"))
    try:
        from ydtwin.io.synthetic import write_synthetic_geoparquet

        t0 = time.perf_counter()
        src = write_synthetic_geoparquet(folder / "footprints.parquet", args.count, extent_m=36_000.0)
        print(json.dumps({"wrote_input_s": round(time.perf_counter() - t0, 1), "count": args.count}), flush=True)
        for load in ("idle", "busy") if args.load == "both" else (args.load,):
            print(json.dumps(measure(args.count, load, folder, src)), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
