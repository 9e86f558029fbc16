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
