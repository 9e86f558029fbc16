#!/usr/bin/env python3
"""3D models: load + place + simplify a big model the app's way, against a naive trimesh load + pyvista wrap, in
the same run; then frames of each while the camera turns (offscreen, the machine's OpenGL).

The model (SYNTHETIC: a twisted tower, rings of ``--segments`` vertices on ``--floors`` levels, about
``2 × segments × floors`` triangles, 5 M by default, written once as a GLB):

- **ydtwin**: ``read_model`` (structure checks, trimesh), ``with_levels`` (fast-simplification, a quarter of the
  triangles per level), ``place`` (at an anchor in Lujiazui, in the default region's scene) and the meshes of the
  model's visual (``ModelVisual``: every level, normals); frames: the visual's level chosen before each frame from
  the frame's triangle budget (``TriangleBudget``, fed with the measured frame times, as the app's view does);
- **naive**: ``trimesh.load`` + ``pyvista.wrap`` of the whole mesh, drawn whole every frame.

One JSON object per load (``--load idle|busy|both``; busy: a process this script starts spins on one core):

    VTK_DEFAULT_OPENGL_WINDOW=vtkEGLRenderWindow python benchmarks/models.py
    python benchmarks/models.py --segments 600 --floors 400 --load idle      # a smaller model

Keys: triangles, load (ydtwin_load_s: read + levels + place + meshes, with its parts ydtwin_read_s,
ydtwin_levels_s, ydtwin_place_s, ydtwin_meshes_s; naive_load_s), levels (triangles of each), frames (frames_n,
ydtwin_frame_s / naive_frame_s: median seconds per frame after the first, ydtwin_fps / naive_fps,
ydtwin_level_triangles: what the budget settled on), renderer.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

ANCHOR = (121.5035, 31.2375)


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        x += 1


def write_tower(path: Path, segments: int, floors: int) -> int:
    """A twisted tower (SYNTHETIC): ``floors`` + 1 rings of ``segments`` vertices, 60 m across, 480 m tall,
    turning 90° bottom to top, with a roof; written as GLB (+Y up) → its triangles."""
    import trimesh

    t = np.linspace(0.0, 1.0, floors + 1)
    a = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    radius = 30.0 * (1.0 - 0.35 * t)[:, None] * (1.0 + 0.08 * np.cos(4 * a))[None, :]
    angle = a[None, :] + (np.pi / 2) * t[:, None]
    x = (radius * np.cos(angle)).ravel()
    y = (radius * np.sin(angle)).ravel()
    z = np.repeat(480.0 * t, segments)
    vertices = np.column_stack([x, y, z])
    i = np.arange(floors)[:, None] * segments
    j = np.arange(segments)[None, :]
    a0, a1 = i + j, i + (j + 1) % segments
    b0, b1 = a0 + segments, a1 + segments
    faces = np.concatenate([np.stack([a0, a1, b1], -1).reshape(-1, 3), np.stack([a0, b1, b0], -1).reshape(-1, 3)])
    top = len(vertices)
    vertices = np.vstack([vertices, [[0.0, 0.0, 480.0]]])
    ring = floors * segments + np.arange(segments)
    faces = np.vstack([faces, np.column_stack([ring, np.roll(ring, -1), np.full(segments, top)])])
    mesh = trimesh.Trimesh(vertices, faces, process=False)
    mesh.visual.face_colors = (170, 190, 210, 255)
    mesh.apply_transform(np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, -1, 0, 0], [0, 0, 0, 1]], dtype=float))
    mesh.export(path)
    return len(faces)


def _orbit(plotter, centre, distance: float, k: int, n: int) -> None:
    a = 2 * np.pi * k / n
    plotter.camera.focal_point = tuple(centre)
    plotter.camera.position = (centre[0] + distance * np.cos(a), centre[1] + distance * np.sin(a),
                               centre[2] + 0.4 * distance)
    plotter.camera.up = (0, 0, 1)


def _frames(plotter, centre, distance: float, n: int, after=None) -> list[float]:
    _orbit(plotter, centre, distance, 0, n)
    plotter.show(auto_close=False, interactive=False)  # the window made and a first frame drawn
    times = []
    for k in range(n):
        _orbit(plotter, centre, distance, k, n)
        t0 = time.perf_counter()
        plotter.render()
        times.append(time.perf_counter() - t0)
        if after is not None:
            after(times[-1])
    return times


def measure(path: Path, triangles: int, load: str, frames: int) -> dict:
    import pyvista as pv
    import trimesh

    from ydtwin.geo.lod import TriangleBudget
    from ydtwin.io.models import read_model
    from ydtwin.io.region import read_region_file
    from ydtwin.model.layer import Provenance
    from ydtwin.model.models import Anchor, ModelLayer, place, with_levels
    from ydtwin.model.scene import Scene
    from ydtwin.render.backend import gl_info
    from ydtwin.render.models import ModelVisual
    from ydtwin.render.visuals import RenderContext

    stop = mp.Event()
    spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
    if spinner:
        spinner.start()
    try:
        scene = Scene(read_region_file().region)
        # the app's way
        t0 = time.perf_counter()
        data = read_model(path)
        t1 = time.perf_counter()
        data = with_levels(data)
        t2 = time.perf_counter()
        anchor = Anchor(*ANCHOR)
        place(data, anchor, scene.projection)
        t3 = time.perf_counter()
        plotter = pv.Plotter(off_screen=True, window_size=(1280, 720))
        ctx = RenderContext(scene, plotter, TriangleBudget())
        layer = ModelLayer("tower", data, anchor, provenance=Provenance(source="benchmark", licence="none"))
        visual = ModelVisual(layer, ctx)
        visual.attach()
        t4 = time.perf_counter()
        centre = np.array(visual.actors[0].position) + np.array([0.0, 0.0, 240.0])

        def feed(seconds: float) -> None:  # as the view does after each frame
            ctx.budget.record(visual.triangles, seconds)

        ours = _frames(plotter, centre, 900.0, frames, feed)
        level_triangles = visual.triangles
        renderer = gl_info(plotter.render_window).renderer
        plotter.close()
        # the naive way
        t5 = time.perf_counter()
        mesh = trimesh.load(path, force="mesh", process=False)
        wrapped = pv.wrap(mesh)
        t6 = time.perf_counter()
        plotter = pv.Plotter(off_screen=True, window_size=(1280, 720))
        plotter.add_mesh(wrapped, color=(0.67, 0.75, 0.82))
        c = np.array(wrapped.center)
        naive = _frames(plotter, c, 900.0, frames)
        plotter.close()
    finally:
        if spinner:
            stop.set()
            spinner.join()
    med = statistics.median
    return {
        "load": load, "machine": f"{os.cpu_count()} CPUs", "renderer": renderer, "triangles": triangles,
        "ydtwin_load_s": round(t4 - t0, 2), "ydtwin_read_s": round(t1 - t0, 2), "ydtwin_levels_s": round(t2 - t1, 2),
        "ydtwin_place_s": round(t3 - t2, 3), "ydtwin_meshes_s": round(t4 - t3, 2),
        "naive_load_s": round(t6 - t5, 2), "levels": [data.n_triangles] + [sum(p.n_triangles for p in lv)
                                                                             for lv in data.levels],
        "frames_n": frames, "ydtwin_frame_s": round(med(ours[1:]), 4), "naive_frame_s": round(med(naive[1:]), 4),
        "ydtwin_fps": round(1 / med(ours[1:]), 1), "naive_fps": round(1 / med(naive[1:]), 2),
        "ydtwin_level_triangles": level_triangles,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--segments", type=int, default=2500)
    ap.add_argument("--floors", type=int, default=1000)
    ap.add_argument("--frames", type=int, default=12)
    ap.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    args = ap.parse_args()
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    folder = Path(tempfile.mkdtemp(prefix="ydtwin-models-bench-"))
    try:
        t0 = time.perf_counter()
        path = folder / "tower.glb"
        triangles = write_tower(path, args.segments, args.floors)
        print(json.dumps({"wrote_model_s": round(time.perf_counter() - t0, 1), "triangles": triangles,
                          "file_mb": round(path.stat().st_size / 2**20, 1)}), flush=True)
        for load in ("idle", "busy") if args.load == "both" else (args.load,):
            print(json.dumps(measure(path, triangles, load, args.frames)), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
