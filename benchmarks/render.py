"""Frame rate of buildings: culling + LOD + triangle budget vs brute force, on this machine's GL.

Scenes (offscreen, EGL when there is no display):

- ``--n N``: N synthetic footprints (labelled synthetic) spread over central Shanghai on the region's
  terrain, camera orbiting the city at a planner's overview (45° down, whole city in view) and then a
  street-level orbit. Brute force draws every leaf tile at full detail with VTK's own culler removed;
  LOD draws what ``BuildingsVisual`` selects under its adaptive triangle budget.
- ``--default``: the app's default scene (terrain, coast, boundaries, procedural blocks, landmarks),
  orbiting the regional overview.

Each orbit runs twice per mode; the second (steady-state) pass is compared, the first is reported as
``…_cold`` (it includes uploading the tiles it meets). One JSON object per run on its own line, e.g.
``{"scene": "synthetic", "n": 100000, "fps_brute": …, "fps_lod": …, "speedup": …, "gl_renderer": …}``.

    python benchmarks/render.py              # 100k and 1M synthetic, and the default scene
    python benchmarks/render.py --n 1000000 --frames 8
    python benchmarks/render.py --default
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time

import numpy as np


def _orbit(plotter, focal, radius, height, frames, fn):
    cam = plotter.camera
    times = []
    for k in range(frames):
        a = 2 * math.pi * k / frames
        cam.focal_point = tuple(focal)
        cam.position = (focal[0] + radius * math.sin(a), focal[1] - radius * math.cos(a), focal[2] + height)
        cam.up = (0.0, 0.0, 1.0)
        plotter.renderer.ResetCameraClippingRange()
        t0 = time.perf_counter()
        plotter.render_window.Render()  # the window itself: Plotter.render() waits for show()
        plotter.render_window.WaitForCompletion()
        times.append(time.perf_counter() - t0)
        fn()
    return times


def _scene_with_buildings(n: int, seed: int):
    from ydtwin.geo.synthetic import synthetic_footprints
    from ydtwin.io.region import open_scene
    from ydtwin.model.buildings import HEIGHT_RULES, BuildingsData, BuildingsLayer
    from ydtwin.model.layer import Provenance

    scene = open_scene()
    for role in ("procedural-blocks", "landmarks"):
        scene.layers.remove(scene.layer(role))
    cx, cy = scene.projection.to_scene(121.45, 31.22)
    extent = 40_000.0 * math.sqrt(n / 1_000_000)  # ~600 buildings per km², a dense city
    fp = synthetic_footprints(n, seed=seed, extent=extent)
    lon, lat = scene.projection.from_scene(fp.xy[:, 0] + cx, fp.xy[:, 1] + cy)
    data = BuildingsData(np.column_stack([lon, lat]), fp.ring_offsets, fp.part_offsets, np.arange(n), fp.height,
                         np.zeros(n), np.full(n, HEIGHT_RULES.index("default"), np.uint8), np.zeros(n, np.uint8),
                         "EPSG:4326")
    layer = BuildingsLayer("synthetic", data, provenance=Provenance("benchmarks/render.py", "GPL-3.0-or-later",
                                                                    nature="synthetic"), replaces="none")
    scene.add(layer)
    return scene, layer, (cx, cy), extent


def run_synthetic(n: int, frames: int, size: tuple[int, int], seed: int) -> dict:
    from ydtwin.render.backend import gl_info, prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.render.buildings import BuildingsVisual
    from ydtwin.render.scene_view import SceneView

    t0 = time.perf_counter()
    scene, layer, (cx, cy), extent = _scene_with_buildings(n, seed)
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=list(size), theme=theme, lighting=None)
    view = SceneView(scene, plotter, request_render=lambda: None)
    visual: BuildingsVisual = view.visuals[layer.id]  # type: ignore[assignment]
    build_s = time.perf_counter() - t0
    full_tris = sum(t.n_triangles for (node, d), t in visual.tiles.items() if d == "full")
    n_actors = sum(len(a) for a in visual.tile_actors.values())
    focal = np.array([cx, cy, 0.0])
    overview = (extent * 0.9, extent * 0.9)  # radius, height: the whole city in view, 45° down
    street = (900.0, 250.0)

    drawn: list[int] = []

    def note():
        drawn.append(visual.drawn_triangles)

    result: dict = {"scene": "synthetic", "n": n, "window": f"{size[0]}x{size[1]}", "frames": frames,
                    "build_s": round(build_s, 2), "tiles": len(visual.tiles), "actors": n_actors,
                    "triangles_full": full_tris}
    # LOD: let the budget settle on a few frames first. Every orbit runs twice: the first pass ("cold")
    # uploads the tiles it meets to the GPU, the second is the steady state that is compared.
    BuildingsVisual.lod_enabled = True
    _orbit(plotter, focal, *overview, 4, lambda: None)
    result["triangles_other_layers"] = view.triangles() - visual.triangles
    for label, (radius, height) in (("overview", overview), ("street", street)):
        cold = _orbit(plotter, focal, radius, height, frames, lambda: None)
        drawn.clear()
        t = _orbit(plotter, focal, radius, height, frames, note)
        result[f"fps_lod_{label}"] = round(1 / float(np.mean(t)), 3)
        result[f"frame_ms_lod_{label}"] = round(float(np.mean(t)) * 1000, 1)
        result[f"frame_ms_lod_{label}_cold"] = round(float(np.mean(cold)) * 1000, 1)
        result[f"triangles_lod_{label}"] = int(np.mean(drawn))
    result["budget_triangles"] = view.ctx.budget.budget
    # brute force: every leaf in full, VTK's frustum culler removed
    BuildingsVisual.lod_enabled = False
    cullers = plotter.renderer.GetCullers()
    cullers.RemoveAllItems()
    for label, (radius, height) in (("overview", overview), ("street", street)):
        cold = _orbit(plotter, focal, radius, height, max(2, frames // 4), lambda: None)
        t = _orbit(plotter, focal, radius, height, max(2, frames // 4), lambda: None)
        result[f"fps_brute_{label}"] = round(1 / float(np.mean(t)), 3)
        result[f"frame_ms_brute_{label}_cold"] = round(float(np.mean(cold)) * 1000, 1)
        result[f"frame_ms_brute_{label}"] = round(float(np.mean(t)) * 1000, 1)
    BuildingsVisual.lod_enabled = True
    result["fps_brute"] = result["fps_brute_overview"]
    result["fps_lod"] = result["fps_lod_overview"]
    result["speedup"] = round(result["fps_lod"] / result["fps_brute"], 2)
    result["speedup_street"] = round(result["fps_lod_street"] / result["fps_brute_street"], 2)
    info = gl_info(plotter.render_window)
    result["gl_renderer"] = info.renderer
    result["gl_version"] = info.version
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    view.close()
    plotter.close()
    return result


def run_default(frames: int, size: tuple[int, int]) -> dict:
    from ydtwin.render.backend import gl_info, prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.io.region import open_scene
    from ydtwin.render.scene_view import SceneView

    t0 = time.perf_counter()
    scene = open_scene()
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=list(size), theme=theme, lighting=None)
    view = SceneView(scene, plotter, request_render=lambda: None)
    build_s = time.perf_counter() - t0
    view.set_view("region")
    cam = plotter.camera
    focal = np.array(cam.focal_point)
    pos = np.array(cam.position)
    radius = float(np.hypot(*(pos - focal)[:2]))
    height = float((pos - focal)[2])
    tris: list[int] = []
    _orbit(plotter, focal, radius, height, 4, lambda: None)
    t = _orbit(plotter, focal, radius, height, frames, lambda: tris.append(view.triangles()))
    info = gl_info(plotter.render_window)
    out = {"scene": "default", "view": "region overview orbit", "window": f"{size[0]}x{size[1]}", "frames": frames,
           "build_s": round(build_s, 2), "fps": round(1 / float(np.mean(t)), 2),
           "frame_ms_p95": round(float(np.percentile(t, 95)) * 1000, 1), "triangles": int(np.mean(tris)),
           "budget_triangles": view.ctx.budget.budget, "gl_renderer": info.renderer}
    view.close()
    plotter.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="one synthetic size in this process")
    parser.add_argument("--default", action="store_true", help="the default scene's regional overview")
    parser.add_argument("--frames", type=int, default=12)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    if args.n:
        print(json.dumps(run_synthetic(args.n, args.frames, size, args.seed)), flush=True)
        return
    if args.default:
        print(json.dumps(run_default(args.frames, size)), flush=True)
        return
    here = os.path.abspath(__file__)
    for extra in (["--n", "100000"], ["--n", "1000000", "--frames", str(max(4, args.frames // 2))], ["--default"]):
        subprocess.run([sys.executable, here, *extra, "--size", args.size], check=True)


if __name__ == "__main__":
    main()
