#!/usr/bin/env python3
"""Stills: seconds for an 8K (7680×4320) PNG of the default region (every city's plans), ydtwin's export against
a naive pyvista screenshot of the same scene at the same size, in the same run.

- ``ydtwin``: ``Exporter.still`` as ``ydtwin snapshot --size 7680x4320`` calls it — 2×2 supersampling, tiles
  as large as the GL context allows, the sky put behind the scene, overlays (legend, scale bar, north arrow,
  labels, credits), PNG written;
- ``ydtwin_render``: the same export's image before overlays and encoding (where the pixel work is);
- ``naive``: a pyvista plotter of that size drawing the same scene view (no supersampling, no overlays):
  ``plotter.screenshot(file)`` — one frame and a PNG.

Each timing runs in a fresh process (the scene's loading is not timed) and the modes alternate, ``--repeat``
times (default 3); min and median are printed as one JSON object, idle and with a spinning process keeping the
other core busy (``--load``)::

    python benchmarks/export.py [--repeat 3] [--load idle|busy|both] [--size 7680x4320]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, os, sys, time
os.environ.pop("DISPLAY", None)
sys.path.insert(0, {src!r})
from ydtwin.render.backend import prepare_offscreen
prepare_offscreen()
from ydtwin.io.region import open_scene
from ydtwin.plugins.manager import PluginManager
from ydtwin.render.overlay import OverlayOptions

scene = open_scene()
PluginManager().add_to_scene(scene, None)
size = ({w}, {h})
mode = {mode!r}
out = {out!r}
if mode == "naive":
    import pyvista as pv
    from ydtwin.geo.lod import TriangleBudget
    from ydtwin.render.scene_view import SceneView
    theme = pv.themes.Theme(); theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting=None, theme=theme)
    view = SceneView(scene, plotter, request_render=lambda: None, budget=TriangleBudget.fixed(60_000_000))
    view.set_view("region")
    t0 = time.perf_counter()
    plotter.screenshot(out)
    seconds = time.perf_counter() - t0
    triangles = view.triangles()
else:
    from ydtwin.render.export import Exporter
    ex = Exporter(scene)
    ex.set_view("region", size)
    t0 = time.perf_counter()
    if mode == "ydtwin_render":
        ex.render(size)
    else:
        ex.still(out, size, OverlayOptions(title="Benchmark", date="2026-12-05"))
    seconds = time.perf_counter() - t0
    triangles = ex.view.triangles()
print(json.dumps({{"seconds": seconds, "triangles": triangles}}))
"""

MODES = ("naive", "ydtwin", "ydtwin_render")


def run(mode: str, size: tuple[int, int]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        code = PROBE.format(src=str(ROOT / "src"), w=size[0], h=size[1], mode=mode, out=str(Path(tmp) / "s.png"))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        x += 1


def measure(size: tuple[int, int], repeat: int, load: str) -> dict:
    stop = mp.Event()
    spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
    if spinner:
        spinner.start()
    seconds: dict[str, list[float]] = {m: [] for m in MODES}
    triangles: dict[str, int] = {}
    try:
        for _ in range(repeat):
            for mode in MODES:
                r = run(mode, size)
                seconds[mode].append(r["seconds"])
                triangles[mode] = r["triangles"]
    finally:
        if spinner:
            stop.set()
            spinner.join()
    row = {"load": load, "size": f"{size[0]}x{size[1]}", "repeat": repeat, "machine": f"{os.cpu_count()} CPUs"}
    for mode in MODES:
        row[f"{mode}_s_min"] = round(min(seconds[mode]), 2)
        row[f"{mode}_s_median"] = round(statistics.median(seconds[mode]), 2)
        row[f"{mode}_triangles"] = triangles[mode]
    row["ydtwin_vs_naive_time"] = round(row["ydtwin_s_median"] / row["naive_s_median"], 2)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    ap.add_argument("--size", default="7680x4320")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    for load in ("idle", "busy") if args.load == "both" else (args.load,):
        print(json.dumps(measure((w, h), args.repeat, load)), flush=True)


if __name__ == "__main__":
    main()
