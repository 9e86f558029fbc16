"""Point clouds: reading LAS and LAZ with ydtwin's chunked reader vs a naive whole-file ``laspy.read``, and the
frame time at the point budget vs drawing the whole cloud.

The script writes a synthetic classified survey (``--points``, default 10 M; a Suzhou block in UTM 51N, labelled
synthetic) as LAS 1.4 and LAZ into a temporary folder, in chunks. Each read runs in its own process, so that
its peak memory (``ru_maxrss``) is its own:

- ``stream``: ``ydtwin.io.pointcloud.iter_points`` — header checked, 1 M-point chunks, scaled x/y/z touched
  per chunk and dropped (what a pass over a file larger than memory costs);
- ``ydtwin``: ``read_point_cloud`` into the scene — the same stream, each chunk reprojected to the scene
  (float64; ``ydtwin.geo.approx``) and its attributes kept (32 bytes a point);
- ``naive``: ``laspy.read`` of the whole file, then its scaled x/y/z and classes (no reprojection).

Frames (offscreen, 1280×720, the region's terrain under the cloud, an orbit around it): the scene without the
cloud (``scene_only``), the cloud drawn through ``PointsVisual`` at the renderer's budget with the camera still
(``budget``: what a still frame draws) and moving (``moving``: the interactive point budget, settled over the
first frames of the orbit, as a drag in the app) — both drawn the renderer's way (software GL: splatted on the
CPU, ``ydtwin.render.splat``) — then the budget drawn as VTK point actors (``budget_actors``: the GPU way, and
the software way before splatting), and the whole cloud (budget lifted, VTK actors: the naive way);
``budget_build_s`` is the level of detail's time (voxel thinning, colours, tiles). One JSON
object per line; everything runs twice — idle, and with a spinning process keeping the other core busy::

    python benchmarks/points.py                       # 10 M points, idle and busy
    python benchmarks/points.py --points 2000000 --load idle

``--resident N --clouds K`` measures frames only, with N synthetic points held in memory in K clouds (the GPU
target: 150 M points resident through the budget and LOD, ``--resident 150000000 --clouds 8``).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SW = (273_500.0, 3_466_000.0)  # Suzhou, UTM 51N


def write_survey(path: Path, n: int, *, compress: bool, chunk: int = 1_000_000) -> None:
    """A synthetic classified survey of ``n`` points (ground, buildings, trees) written chunk by chunk."""
    import laspy
    from pyproj import CRS

    side = math.sqrt(n / 40.0)  # ~40 points per m², an airborne survey
    header = laspy.LasHeader(point_format=6, version="1.4")
    header.scales = np.array([0.001, 0.001, 0.001])
    header.offsets = np.array([SW[0], SW[1], 0.0])
    header.add_crs(CRS.from_epsg(32651))
    rng = np.random.default_rng(5)
    backend = laspy.LazBackend.Lazrs if compress else None
    with laspy.open(str(path), mode="w", header=header, do_compress=compress, laz_backend=backend) as writer:
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            rec = laspy.ScaleAwarePointRecord.zeros(m, header=header)
            x, y = rng.uniform(0, side, m), rng.uniform(0, side, m)
            block = ((x // 80) + (y // 80)) % 3 == 0  # a checkerboard of 80 m blocks: buildings on a third
            tree = ~block & (rng.random(m) < 0.15)
            cls = np.where(block, 6, np.where(tree, 5, 2)).astype(np.uint8)
            z = 3.0 + np.where(block, 10 + (x // 80 % 7) * 8, np.where(tree, rng.uniform(4, 15, m), 0.0))
            rec.x, rec.y, rec.z = SW[0] + x, SW[1] + y, z + rng.normal(0, 0.03, m)
            rec.classification = cls
            rec.intensity = rng.integers(0, 4096, m).astype(np.uint16)
            rec.return_number = np.ones(m, np.uint8)
            rec.number_of_returns = np.ones(m, np.uint8)
            writer.write_points(rec)


def _child_read(which: str, path: str) -> None:
    """One read in this process → a JSON line (points, seconds, peak RSS over the baseline after imports)."""
    import laspy
    import psutil

    from ydtwin.io.pointcloud import iter_points
    from ydtwin.io.pointcloud_read import read_point_cloud
    from ydtwin.io.region import load_region

    projection = load_region()[0].projection if which == "ydtwin" else None
    base = psutil.Process().memory_info().rss / 2**20
    t0 = time.perf_counter()
    if which == "stream":
        n = 0
        for chunk in iter_points(path):
            np.asarray(chunk.x), np.asarray(chunk.y), np.asarray(chunk.z)
            n += len(chunk)
    elif which == "ydtwin":
        data, _report = read_point_cloud(path, projection=projection)
        n = len(data)
    else:
        las = laspy.read(path)
        xyz = np.column_stack([las.x, las.y, las.z])
        cls = np.asarray(las.classification)
        n = len(xyz) + 0 * len(cls)
    s = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"points": n, "s": s, "peak_mb": peak - base}))


def _child_frames(path: str, frames: int) -> None:
    """Frame times of the cloud at the budget and whole, in the region's scene → a JSON line."""
    from ydtwin.render.backend import gl_info, prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.io.region import open_scene
    from ydtwin.render.points import PointsVisual
    from ydtwin.render.scene_view import SceneView
    from ydtwin.workspace.layers import LayerRequest, read_layer

    scene = open_scene()
    layer = read_layer(LayerRequest(Path(path)), scene=scene).layer
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=[1280, 720], theme=theme, lighting=None)
    view = SceneView(scene, plotter, request_render=lambda: None)
    scene.add(layer)
    view.set_view(layer.name)
    plotter.render_window.Render()
    visual = view.visuals[layer.id]
    out = {"points_in_cloud": len(layer.data), "gl_renderer": gl_info(plotter.render_window).label()}
    cam = plotter.camera
    focal = np.array(cam.focal_point)
    offset = np.array(cam.position) - focal
    radius, height = float(np.hypot(offset[0], offset[1])), float(offset[2])
    for mode in ("scene_only", "budget", "moving", "budget_actors", "full"):
        PointsVisual.budget_override = len(layer.data) if mode == "full" else None
        # the renderer's own way (software GL: splatted on the CPU), then VTK point actors as on a GPU
        PointsVisual.draw_override = "actors" if mode in ("budget_actors", "full") else None
        layer.visible = mode != "scene_only"  # the region under the cloud, without it: what the points add
        view.set_interacting(False)
        t0 = time.perf_counter()
        visual.rebuild()
        build_s = time.perf_counter() - t0
        # "moving": the camera orbits as a drag would move it; the interactive budget settles over the first
        # frames (it starts at its default), so the figures are of the last ones
        n_frames = frames * 4 if mode == "moving" else frames
        view.set_interacting(mode == "moving")
        times, shown = [], []
        for k in range(n_frames + 1):
            a = 2 * math.pi * k / n_frames
            cam.position = tuple(focal + np.array([radius * math.sin(a), -radius * math.cos(a), height]))
            plotter.renderer.ResetCameraClippingRange()
            t0 = time.perf_counter()
            plotter.render_window.Render()
            plotter.render_window.WaitForCompletion()
            times.append(time.perf_counter() - t0)
            shown.append(visual.points_shown if layer.visible else 0)
        steady = times[1:] if mode != "moving" else times[-frames:]  # the first frame uploads the points
        out[f"{mode}_points_drawn"] = int(np.median(shown[-len(steady):]))
        if layer.visible:
            out[f"{mode}_drawn_as"] = "CPU splat" if visual.splatting else "VTK point actors"
        out[f"{mode}_build_s"] = round(build_s, 2)
        out[f"{mode}_first_frame_ms"] = round(times[0] * 1000, 1)
        out[f"{mode}_frame_ms"] = round(float(np.median(steady)) * 1000, 1)
        out[f"{mode}_fps"] = round(1.0 / float(np.median(steady)), 2)
    view.set_interacting(False)
    view.close()
    plotter.close()
    print(json.dumps(out))


def _child_resident(total: int, clouds: int, frames: int) -> None:
    """``total`` synthetic points held in memory in ``clouds`` clouds side by side (made in memory: no file), the
    region's scene under them: frames with the camera still and moving, through the budget and LOD → a JSON
    line. The device check of the GPU target (150 M points resident, ≥ 60 frames/s)::

        python benchmarks/points.py --resident 150000000 --clouds 8
    """
    from ydtwin.render.backend import gl_info, prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.io.region import open_scene
    from ydtwin.model.layer import Provenance
    from ydtwin.model.pointcloud import PointCloudData, PointCloudLayer
    from ydtwin.render.scene_view import SceneView

    scene = open_scene()
    x0, y0 = scene.projection.to_scene(np.array([120.62]), np.array([31.30]))  # Suzhou
    rng = np.random.default_rng(11)
    per = total // clouds
    side = math.sqrt(per / 40.0)  # ~40 points per m², an airborne survey
    t0 = time.perf_counter()
    layers = []
    for k in range(clouds):
        xyz = np.empty((per, 3))
        xyz[:, 0] = float(x0[0]) + (k % 4) * side * 1.05 + rng.uniform(0, side, per)
        xyz[:, 1] = float(y0[0]) + (k // 4) * side * 1.05 + rng.uniform(0, side, per)
        block = ((xyz[:, 0] // 80) + (xyz[:, 1] // 80)) % 3 == 0
        xyz[:, 2] = 3.0 + np.where(block, 10 + (xyz[:, 0] // 80 % 7) * 8, 0.0) + rng.normal(0, 0.03, per)
        cls = np.where(block, 6, 2).astype(np.uint8)
        data = PointCloudData(xyz, scene.crs, cls, rng.integers(0, 4096, per).astype(np.uint16),
                              np.ones(per, np.uint8), source_crs=scene.crs, file_points=per,
                              note="synthetic (benchmark)")
        layers.append(PointCloudLayer(f"synthetic-{k}", data, provenance=Provenance(
            source="benchmarks/points.py", licence="GPL-3.0-or-later", nature="synthetic")))
    make_s = time.perf_counter() - t0
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=[1280, 720], theme=theme, lighting=None)
    view = SceneView(scene, plotter, request_render=lambda: None)
    t0 = time.perf_counter()
    for layer in layers:
        scene.add(layer)
    view.set_view(layers[0].name)
    plotter.render_window.Render()
    out = {"kind": "resident", "points_resident": per * clouds, "clouds": clouds,
           "gl_renderer": gl_info(plotter.render_window).label(), "make_s": round(make_s, 1),
           "add_s": round(time.perf_counter() - t0, 1),
           "drawn_as": "CPU splat" if view.visuals[layers[0].id].splatting else "VTK point actors"}
    cam = plotter.camera
    focal = np.array([float(x0[0]) + 2 * side, float(y0[0]) + side, 0.0])
    radius, height = 4.0 * side, 2.0 * side
    visuals = [view.visuals[layer.id] for layer in layers]
    for mode in ("still", "moving"):
        n_frames = frames * 4 if mode == "moving" else frames
        view.set_interacting(mode == "moving")
        times, shown = [], []
        for k in range(n_frames + 1):
            a = 2 * math.pi * k / n_frames
            cam.position = tuple(focal + np.array([radius * math.sin(a), -radius * math.cos(a), height]))
            cam.focal_point = tuple(focal)
            plotter.renderer.ResetCameraClippingRange()
            t0 = time.perf_counter()
            plotter.render_window.Render()
            plotter.render_window.WaitForCompletion()
            times.append(time.perf_counter() - t0)
            shown.append(sum(v.points_shown for v in visuals))
        steady = times[1:] if mode != "moving" else times[-frames:]
        out[f"{mode}_points_drawn"] = int(np.median(shown[-len(steady):]))
        out[f"{mode}_frame_ms"] = round(float(np.median(steady)) * 1000, 1)
        out[f"{mode}_fps"] = round(1.0 / float(np.median(steady)), 2)
    view.set_interacting(False)
    view.close()
    plotter.close()
    print(json.dumps(out))


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        x += 1


def _run(*args: str) -> dict:
    r = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{args[0]} failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def measure(files: dict[str, Path], load: str, frames: int) -> list[dict]:
    stop = mp.Event()
    spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
    if spinner:
        spinner.start()
    rows = []
    try:
        for fmt, path in files.items():
            res = {which: _run("--child-read", which, str(path)) for which in ("stream", "ydtwin", "naive")}
            row = {"load": load, "format": fmt, "file_mb": round(path.stat().st_size / 2**20, 1),
                   "points": res["naive"]["points"]}
            for which, r in res.items():
                row[f"{which}_points_per_s"] = round(r["points"] / r["s"])
                row[f"{which}_s"] = round(r["s"], 2)
                row[f"{which}_peak_mb"] = round(r["peak_mb"], 1)
            row["stream_vs_naive_speed"] = round(row["stream_points_per_s"] / row["naive_points_per_s"], 2)
            row["ydtwin_vs_naive_speed"] = round(row["ydtwin_points_per_s"] / row["naive_points_per_s"], 2)
            row["naive_vs_stream_memory"] = round(row["naive_peak_mb"] / max(row["stream_peak_mb"], 1.0), 1)
            rows.append(row)
            print(json.dumps(row), flush=True)
        frames_row = {"load": load, "kind": "frames", **_run("--child-frames", str(files["LAZ"]), str(frames))}
        frames_row["full_vs_budget_frame_time"] = round(frames_row["full_frame_ms"] / frames_row["budget_frame_ms"], 2)
        frames_row["full_vs_moving_frame_time"] = round(frames_row["full_frame_ms"] / frames_row["moving_frame_ms"], 2)
        frames_row["actors_vs_budget_frame_time"] = round(frames_row["budget_actors_frame_ms"]
                                                          / frames_row["budget_frame_ms"], 2)
        print(json.dumps(frames_row), flush=True)
        rows.append(frames_row)
    finally:
        if spinner:
            stop.set()
            spinner.join()
    return rows


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child-read":
        _child_read(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--child-frames":
        _child_frames(sys.argv[2], int(sys.argv[3]))
        return
    if len(sys.argv) == 5 and sys.argv[1] == "--child-resident":
        _child_resident(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--frames", type=int, default=6)
    ap.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    ap.add_argument("--resident", type=int, default=0,
                    help="instead: this many synthetic points in memory (--clouds clouds), frames only")
    ap.add_argument("--clouds", type=int, default=8)
    args = ap.parse_args()
    if args.resident:
        for load in ("idle", "busy") if args.load == "both" else (args.load,):
            stop = mp.Event()
            spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
            if spinner:
                spinner.start()
            try:
                row = _run("--child-resident", str(args.resident), str(args.clouds), str(args.frames))
                print(json.dumps({"load": load, **row}), flush=True)
            finally:
                if spinner:
                    stop.set()
                    spinner.join()
        return
    with tempfile.TemporaryDirectory() as tmp:
        files = {"LAS": Path(tmp) / "survey.las", "LAZ": Path(tmp) / "survey.laz"}
        t0 = time.perf_counter()
        for fmt, path in files.items():
            write_survey(path, args.points, compress=fmt == "LAZ")
        print(json.dumps({"generated_points": args.points, "synthetic": True,
                          "generate_s": round(time.perf_counter() - t0, 1)}), flush=True)
        for load in ("idle", "busy") if args.load == "both" else (args.load,):
            measure(files, load, args.frames)


if __name__ == "__main__":
    main()
