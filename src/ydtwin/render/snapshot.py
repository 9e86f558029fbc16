"""Offscreen rendering of a scene to an image file (no X server needed)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from ydtwin.geo.lod import TriangleBudget
from ydtwin.render.backend import GLInfo, prepare_offscreen

#: triangles a still may draw (one actor stays far below VTK's limits; tiles are split anyway)
STILL_BUDGET = 60_000_000


@dataclass
class SnapshotResult:
    path: Path
    size: tuple[int, int]
    view: str
    gl: GLInfo
    seconds_build: float
    seconds_render: float
    triangles: int


def snapshot(
    scene,
    path: str | os.PathLike[str],
    *,
    size: tuple[int, int] = (1920, 1080),
    view: str = "region",
) -> SnapshotResult:
    """Render ``scene`` from the named view into ``path`` (PNG/JPEG/TIFF by extension)."""
    prepare_offscreen()
    import pyvista as pv

    from ydtwin.render.backend import gl_info
    from ydtwin.render.scene_view import SceneView

    t0 = time.perf_counter()
    theme = pv.themes.Theme()
    # MSAA makes software GL 3-4x slower; FXAA below smooths edges at a fraction of the cost
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting=None, theme=theme)
    try:
        # a still is not interactive: draw every tile at the finest level its screen-space error asks for
        view_obj = SceneView(scene, plotter, request_render=lambda: None, budget=TriangleBudget.fixed(STILL_BUDGET))
        spec = view_obj.set_view(view)
        # VTK's FXAA is unsupported on EGL/OSMesa windows (it falls back to SSAA with a warning): ask for SSAA there
        offscreen_only = os.environ.get("VTK_DEFAULT_OPENGL_WINDOW") in ("vtkEGLRenderWindow", "vtkOSOpenGLRenderWindow")
        plotter.enable_anti_aliasing("ssaa" if offscreen_only else "fxaa")
        t1 = time.perf_counter()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        plotter.screenshot(str(path), return_img=False)
        t2 = time.perf_counter()
        info = gl_info(plotter.render_window)
        tris = view_obj.triangles()
        view_obj.close()
    finally:
        plotter.close()
    return SnapshotResult(path, size, spec.name, info, t1 - t0, t2 - t1, tris)


def snapshots(scene, jobs: list[tuple[str | os.PathLike[str], object]], *, size: tuple[int, int] = (960, 540),
              progress=None) -> list[Path]:
    """Several stills of one scene, ``jobs`` = [(path, view), …], drawn with one plotter (the scene is
    built once); a view is a name/box (``set_view``) or a :class:`~ydtwin.model.project.Viewpoint`.
    ``progress(done, total)`` is called after each still (it may raise to stop)."""
    prepare_offscreen()
    import pyvista as pv

    from ydtwin.render.scene_view import SceneView

    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting=None, theme=theme)
    out = []
    try:
        view_obj = SceneView(scene, plotter, request_render=lambda: None, budget=TriangleBudget.fixed(STILL_BUDGET))
        for path, view in jobs:
            if isinstance(view, str):
                view_obj.set_view(view)
            else:
                view_obj.apply_viewpoint(view)
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            plotter.render()  # the camera moved: a new frame (screenshot alone may return the previous one)
            plotter.screenshot(str(path), return_img=False)
            out.append(path)
            if progress is not None:
                progress(len(out), len(jobs))
        view_obj.close()
    finally:
        plotter.close()
    return out
