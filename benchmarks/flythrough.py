#!/usr/bin/env python3
"""Flythrough export: frames per second at 1080p for the default region, and memory over a long video.

The scene is the app's default (the bundled region with every city's plans). The camera orbits Suzhou.
Each timing encodes MP4 (H.264, imageio-ffmpeg) at 1920x1080 and runs in a fresh process, so the runs do
not share caches; the runs alternate (A B A B …) so the machine's noise hits both.

- ``naive``: a pyvista plotter showing the same scene view; per frame: move the camera, ``plotter.render()``,
  ``plotter.screenshot()``, ``writer.append_data()`` (imageio's ffmpeg writer), all on one thread — the
  loop one writes with pyvista's documented API (without the explicit ``render()``, ``screenshot()`` of an
  offscreen plotter returns the same image every frame). No anti-aliasing, no overlays.
- ``ydtwin-plain``: ``ydtwin.render.export.render_flythrough`` with the same work per frame (anti-aliasing
  off, no overlays): rendering and encoding overlap through a bounded queue.
- ``ydtwin``: the default export — anti-aliasing by size and GL (FXAA in software GL) and the overlays
  (title, caption, legend, scale bar, north arrow, labels, credits).

Memory: ``ydtwin`` (or ``ydtwin-plain`` with ``--plain-memory``) over ``--memory-frames`` frames, the
resident set size sampled after every frame: the peak, the growth after the first 100 frames, and the
slope of a straight-line fit (MB per 1,000 frames). Prints one JSON object.

    python benchmarks/flythrough.py [--frames 120] [--memory-frames 2000] [--repeat 2] [--plain-memory]
"""

from __future__ import annotations

import argparse
import json
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
from ydtwin.flythrough.presets import orbit
from ydtwin.flythrough.path import Sampler

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

scene = open_scene()
PluginManager().add_to_scene(scene, None)
path = orbit(scene.projection, 120.62, 31.30, seconds=600.0, radius_m=20000.0, size=(1920, 1080), fps=30)
frames = {frames}
mode = {mode!r}
out = {out!r}
rss = []
if mode == "naive":
    import imageio
    import pyvista as pv
    from ydtwin.geo.lod import TriangleBudget
    from ydtwin.render.scene_view import SceneView
    theme = pv.themes.Theme(); theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=[1920, 1080], lighting=None, theme=theme)
    view = SceneView(scene, plotter, request_render=lambda: None, budget=TriangleBudget.fixed(60_000_000))
    sampler = Sampler(path, scene.projection)
    times = sampler.times(30)[:frames]
    writer = imageio.get_writer(out, fps=30, quality=8, macro_block_size=1)
    t0 = time.perf_counter()
    for t in times:
        pose = sampler.state(float(t)).pose
        cam = plotter.camera
        cam.position, cam.focal_point, cam.up = tuple(pose.eye), tuple(pose.focal), tuple(pose.up)
        plotter.renderer.ResetCameraClippingRange()
        plotter.render()  # screenshot() alone returns the previous image once the plotter has drawn
        writer.append_data(plotter.screenshot(return_img=True))
        rss.append(rss_mb())
    writer.close()
    seconds = time.perf_counter() - t0
else:
    from ydtwin.render.export import Exporter, render_flythrough
    from ydtwin.render.overlay import OverlayOptions
    plain = mode == "ydtwin-plain"
    ex = Exporter(scene, anti_alias=not plain)
    if plain:
        options = OverlayOptions(legend=False, scale_bar=False, north_arrow=False, labels=False, attribution=False)
    else:
        options = OverlayOptions(title="Orbit: Suzhou", caption="benchmark", date="2026-11-29")
    t0 = time.perf_counter()
    render_flythrough(ex, path, out, options=options, frames=range(frames),
                      progress=lambda d, n, eta: rss.append(rss_mb()))
    seconds = time.perf_counter() - t0
print(json.dumps({{"seconds": seconds, "frames": frames, "rss": rss}}))
"""


def run(mode: str, frames: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        code = PROBE.format(src=str(ROOT / "src"), frames=frames, mode=mode, out=str(Path(tmp) / "v.mp4"))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def memory_summary(rss: list[float]) -> dict:
    import numpy as np

    r = np.asarray(rss)
    x = np.arange(len(r))
    after = r[100:] if len(r) > 200 else r
    slope = float(np.polyfit(x[-len(after):], after, 1)[0]) * 1000 if len(after) > 2 else float("nan")
    return {"frames": len(r), "rss_mb_first": round(float(r[0]), 1),
            "rss_mb_at_100": round(float(r[min(100, len(r) - 1)]), 1),
            "rss_mb_peak": round(float(r.max()), 1), "rss_mb_last": round(float(r[-1]), 1),
            "growth_after_100_mb": round(float(after.max() - after[0]), 1),
            "slope_mb_per_1000_frames": round(slope, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=120, help="frames per speed run (default 120)")
    ap.add_argument("--memory-frames", type=int, default=2000, help="frames of the memory run (0: skip)")
    ap.add_argument("--repeat", type=int, default=2, help="speed runs per mode (alternating)")
    ap.add_argument("--plain-memory", action="store_true", help="memory run without anti-aliasing/overlays")
    args = ap.parse_args()
    fps: dict[str, list[float]] = {"naive": [], "ydtwin-plain": [], "ydtwin": []}
    for _ in range(args.repeat):
        for mode in fps:
            r = run(mode, args.frames)
            fps[mode].append(r["frames"] / r["seconds"])
    med = {m: statistics.median(v) for m, v in fps.items()}
    result = {
        "machine": f"{os.cpu_count()} CPUs",
        "size": "1920x1080",
        "frames_per_run": args.frames,
        "fps_median": {m: round(v, 2) for m, v in med.items()},
        "fps_runs": {m: [round(x, 2) for x in v] for m, v in fps.items()},
        "speedup_plain_vs_naive": round(med["ydtwin-plain"] / med["naive"], 2),
        "cost_of_anti_aliasing_and_overlays": round(med["ydtwin-plain"] / med["ydtwin"], 2),
    }
    if args.memory_frames:
        mode = "ydtwin-plain" if args.plain_memory else "ydtwin"
        r = run(mode, args.memory_frames)
        result["memory"] = {"mode": mode, "fps": round(r["frames"] / r["seconds"], 2), **memory_summary(r["rss"])}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
