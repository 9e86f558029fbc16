#!/usr/bin/env python3
"""Exports against the naive pyvista way, in the same run: seconds for an 8K still, frames per second of a video.

Stills: seconds for an 8K (7680×4320) PNG of the default region (every city's plans), ydtwin's export against
a naive pyvista screenshot of the same scene at the same size.

- ``ydtwin``: ``Exporter.still`` as ``ydtwin snapshot --size 7680x4320`` calls it — anti-aliasing chosen
  by size and GL (FXAA at 8K; supersampling at 8K would render 133 M pixels), tiles as large as the GL context
  allows, the sky put behind the scene, overlays (legend, scale bar, north arrow, labels, credits), PNG
  written;
- ``ydtwin_render``: the same export's image before overlays and encoding (where the pixel work is);
- ``naive``: a pyvista plotter of that size drawing the same scene view (no anti-aliasing, no overlays):
  ``plotter.screenshot(file)`` — one frame and a PNG.

Videos: frames per second of an orbit around Suzhou (the flythrough preset, 20 km out), MP4 at 640×360 and
1920×1080, and the size of the file in MB per minute of video:

- ``video_ydtwin``: the DEFAULT export, as ``ydtwin flythrough --out x.mp4`` makes it — anti-aliasing chosen by
  the frame's size and the GL (FXAA in software GL; supersampling up to 4K on a GPU), the overlays (title,
  caption, legend, scale bar, north arrow, labels, credits), quality "standard" (CRF 23, ≤ 8 Mbit/s at 1080p);
- ``video_naive``: the loop one writes with pyvista's and imageio's documented API — per frame: move the camera,
  ``plotter.render()``, ``plotter.screenshot()``, ``writer.append_data()`` (``imageio.get_writer(out, fps=30)``
  with its defaults), one thread, no anti-aliasing, no overlays.

Each timing runs in a fresh process (the scene's loading is not timed) and the modes alternate, ``--repeat``
times (default 3); min and median are printed as JSON objects (one per load and kind), idle and with a spinning
process keeping the other core busy (``--load``)::

    python benchmarks/export.py [--repeat 3] [--load idle|busy|both] [--what still|video|both]
                                [--size 7680x4320] [--video-sizes 640x360,1920x1080] [--frames 60]
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

#: what every probe starts with: the default region with every city's plans, offscreen (not timed)
SETUP = r"""
import json, os, sys, time
os.environ.pop("DISPLAY", None)
sys.path.insert(0, {src!r})
from ydtwin.render.backend import prepare_offscreen
prepare_offscreen()
from ydtwin.io.region import open_scene
from ydtwin.plugins.manager import PluginManager

scene = open_scene()
PluginManager().add_to_scene(scene, None)
size = ({w}, {h})
"""

PROBE = SETUP + r"""
from ydtwin.render.overlay import OverlayOptions
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
    triangles = ex.drawn_triangles  # every tile's added up
print(json.dumps({{"seconds": seconds, "triangles": triangles}}))
"""

MODES = ("naive", "ydtwin", "ydtwin_render")

VIDEO_PROBE = SETUP + r"""
from ydtwin.flythrough.presets import orbit
from ydtwin.flythrough.path import Sampler
frames, mode, out = {frames}, {mode!r}, {out!r}
path = orbit(scene.projection, 120.62, 31.30, seconds=600.0, radius_m=20000.0, size=size, fps=30)
if mode == "video_naive":
    import imageio
    import pyvista as pv
    from ydtwin.geo.lod import TriangleBudget
    from ydtwin.render.scene_view import SceneView
    theme = pv.themes.Theme(); theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting=None, theme=theme)
    view = SceneView(scene, plotter, request_render=lambda: None, budget=TriangleBudget.fixed(60_000_000))
    sampler = Sampler(path, scene.projection)
    times = sampler.times(30)[:frames]
    t0 = time.perf_counter()
    writer = imageio.get_writer(out, fps=30)
    for t in times:
        pose = sampler.state(float(t)).pose
        cam = plotter.camera
        cam.position, cam.focal_point, cam.up = tuple(pose.eye), tuple(pose.focal), tuple(pose.up)
        plotter.renderer.ResetCameraClippingRange()
        plotter.render()  # screenshot() alone returns the previous image once the plotter has drawn
        writer.append_data(plotter.screenshot(return_img=True))
    writer.close()
    seconds = time.perf_counter() - t0
    aa = "none"
else:
    from ydtwin.render.export import Exporter, render_flythrough
    from ydtwin.render.overlay import OverlayOptions
    ex = Exporter(scene)
    aa = ex.anti_alias_for(size, video=True)
    t0 = time.perf_counter()
    render_flythrough(ex, path, out, frames=range(frames),
                      options=OverlayOptions(title="Orbit: Suzhou", caption="benchmark", date="2026-12-05"))
    seconds = time.perf_counter() - t0
print(json.dumps({{"seconds": seconds, "bytes": os.path.getsize(out), "anti_alias": aa}}))
"""

VIDEO_MODES = ("video_naive", "video_ydtwin")


def _probe(code: str, mode: str, size: tuple[int, int], suffix: str, **fields) -> dict:
    """Run one probe in a fresh process; its last line of output, as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        text = code.format(src=str(ROOT / "src"), w=size[0], h=size[1], mode=mode, out=str(Path(tmp) / f"out{suffix}"),
                           **fields)
        proc = subprocess.run([sys.executable, "-c", text], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def run(mode: str, size: tuple[int, int]) -> dict:
    return _probe(PROBE, mode, size, ".png")


def run_video(mode: str, size: tuple[int, int], frames: int) -> dict:
    return _probe(VIDEO_PROBE, mode, size, ".mp4", frames=frames)


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        x += 1


class _Load:
    """With ``load == "busy"``: a process spinning on the other core for the block's duration."""

    def __init__(self, load: str) -> None:
        self.stop = mp.Event()
        self.spinner = mp.Process(target=_spin, args=(self.stop,), daemon=True) if load == "busy" else None

    def __enter__(self):
        if self.spinner:
            self.spinner.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.spinner:
            self.stop.set()
            self.spinner.join()


def measure_video(sizes: list[tuple[int, int]], frames: int, repeat: int, load: str) -> dict:
    fps: dict[tuple, list[float]] = {}
    mb_per_min: dict[tuple, list[float]] = {}
    aa: dict[tuple, str] = {}
    with _Load(load):
        for _ in range(repeat):
            for size in sizes:
                for mode in VIDEO_MODES:
                    r = run_video(mode, size, frames)
                    key = (mode, size)
                    fps.setdefault(key, []).append(frames / r["seconds"])
                    mb_per_min.setdefault(key, []).append(r["bytes"] / 1e6 / (frames / 30) * 60)
                    aa[key] = r["anti_alias"]
    row = {"load": load, "kind": "video", "frames": frames, "repeat": repeat, "machine": f"{os.cpu_count()} CPUs"}
    for size in sizes:
        tag = f"{size[0]}x{size[1]}"
        for mode in VIDEO_MODES:
            v = fps[(mode, size)]
            row[f"{mode}_{tag}_fps_max"] = round(max(v), 2)
            row[f"{mode}_{tag}_fps_median"] = round(statistics.median(v), 2)
            row[f"{mode}_{tag}_mb_per_min"] = round(statistics.median(mb_per_min[(mode, size)]), 1)
        row[f"video_ydtwin_{tag}_anti_alias"] = aa[("video_ydtwin", size)]
        row[f"ydtwin_vs_naive_{tag}_fps"] = round(row[f"video_ydtwin_{tag}_fps_median"]
                                                  / row[f"video_naive_{tag}_fps_median"], 2)
    return row


def measure(size: tuple[int, int], repeat: int, load: str) -> dict:
    seconds: dict[str, list[float]] = {m: [] for m in MODES}
    triangles: dict[str, int] = {}
    with _Load(load):
        for _ in range(repeat):
            for mode in MODES:
                r = run(mode, size)
                seconds[mode].append(r["seconds"])
                triangles[mode] = r["triangles"]
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
    ap.add_argument("--what", choices=("still", "video", "both"), default="both")
    ap.add_argument("--size", default="7680x4320", help="the still's size")
    ap.add_argument("--video-sizes", default="640x360,1920x1080")
    ap.add_argument("--frames", type=int, default=60, help="frames per video run")
    args = ap.parse_args()

    def parse(text: str) -> tuple[int, int]:
        w, h = (int(v) for v in text.lower().split("x"))
        return w, h

    for load in ("idle", "busy") if args.load == "both" else (args.load,):
        if args.what in ("still", "both"):
            print(json.dumps(measure(parse(args.size), args.repeat, load)), flush=True)
        if args.what in ("video", "both"):
            sizes = [parse(t) for t in args.video_sizes.split(",")]
            print(json.dumps(measure_video(sizes, args.frames, args.repeat, load)), flush=True)


if __name__ == "__main__":
    main()
