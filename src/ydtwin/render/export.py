"""Exports: the offscreen export view (:class:`Exporter`) that renders the scene at any size up to 16K wide
(tiled beyond what one GL frame allows) with its overlays, for stills and flythrough videos (MP4, PNG sequence,
GIF). Every export name is importable from here: stills are written by :mod:`ydtwin.render.export_still`, videos
streamed to the encoder frame by frame by :mod:`ydtwin.render.export_video`, and the errors are those of
:mod:`ydtwin.render.export_common`.

- Overlays (title, caption, legend, scale bar, north arrow, labels, attribution, date) are drawn at the
  output's resolution after the 3D image is complete (:mod:`ydtwin.render.overlay`): no text crosses a tile.
- Tiles are rendered with an off-axis camera (``vtkCamera`` window centre + view angle) that keeps one
  pixel grid for the whole image, with a margin that is cut away, so anti-aliasing has its neighbours and
  the level of detail (chosen from pixels per metre, the same in every tile) does not change at a seam.
- Deterministic: the scene is built completely before the first frame (no background preparation), the
  triangle budget is fixed (it never adapts to measured frame times), so a path renders the same frames.
- Files appear only when complete: frames go to a temporary file next to the target, renamed at the end;
  Cancel or an error removes it.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ydtwin.geo.labels import CITY, zoom_opacity
from ydtwin.geo.lod import TriangleBudget
from ydtwin.render import _vtk
from ydtwin.render.backend import prepare_offscreen
from ydtwin.render.decorations import metres_per_pixel
from ydtwin.render.export_common import Cancelled, ExportError, today
from ydtwin.render.export_kernels import downsample_into, fxaa, over_sky, unpremultiply
from ydtwin.render.export_still import (
    IMAGE_SUFFIXES,
    MAX_STILL_PX,
    StillResult,
    check_still,
    check_still_size,
    parse_size,
    write_image,
)
from ydtwin.render.export_video import (
    DEFAULT_VIDEO_QUALITY,
    VIDEO_FORMATS,
    VIDEO_QUALITIES,
    VideoExport,
    VideoResult,
    check_video,
    open_sink,
    render_flythrough,
    video_format,
    video_quality,
)
from ydtwin.render.export_video import _FfmpegSink as _FfmpegSink  # the encoder, patchable from here
from ydtwin.render.in_frame import FrameLegend, projector
from ydtwin.render.overlay import REFERENCE_HEIGHT, OverlayContent, OverlayOptions, draw_overlays
from ydtwin.render.visuals import label_props

__all__ = [
    "ANTI_ALIAS_MODES", "DEFAULT_VIDEO_QUALITY", "EXPORT_BUDGET", "IMAGE_SUFFIXES", "MAX_STILL_PX", "NATIVE_CAP_PX",
    "SSAA_MAX_PX_GPU", "SSAA_MAX_PX_SOFTWARE", "SUPERSAMPLE", "TILE_MARGIN_PX", "TRIANGLES_PER_OUTPUT_PX",
    "VIDEO_FORMATS", "VIDEO_QUALITIES",
    "Cancelled", "ExportError", "Exporter", "StillResult", "VideoExport", "VideoResult", "check_still_size",
    "check_video", "open_sink", "parse_size", "render_flythrough", "today", "video_format", "video_quality",
    "write_image",
]

#: the largest single GL frame an export renders at once, whatever the driver allows: larger frames cost
#: memory (colour + depth: 128 MB at 4096², 512 MB at 8192²) and are no faster than several tiles
NATIVE_CAP_PX = 4096
#: output pixels rendered around each tile and cut away (wide lines and their ends reach this far)
TILE_MARGIN_PX = 16
#: render pixels per output pixel and side when an export supersamples (averaging 2×2 samples)
SUPERSAMPLE = 2
#: how an export is anti-aliased: "auto" (by the frame's size and the GL), "ssaa" (2×2 supersampling: the
#: best edges, 4× the pixels to render), "fxaa" (fast approximate anti-aliasing of the finished frame on the
#: CPU, before the overlays) or "none"
ANTI_ALIAS_MODES = ("auto", "ssaa", "fxaa", "none")
#: "auto" supersamples stills up to this many output pixels — software GL (llvmpipe) draws 4× the pixels
#: at 4× the cost, so a 720p still at most; a GPU up to 4K — and uses FXAA above (where a pixel is small
#: and the time would be 4×). Videos in software GL get FXAA at every size (hundreds of frames: speed first)
SSAA_MAX_PX_SOFTWARE = 1280 * 720
SSAA_MAX_PX_GPU = 3840 * 2160
#: triangles an export may draw per frame (a fixed budget: the same frames every time)
EXPORT_BUDGET = 60_000_000
#: an export's building triangles per output pixel: the budget that picks the level of detail of the whole
#: image (a 640×360 video frame 115 k, 1080p 1 M, an 8K still 17 M, a 16K poster 75 M: a poster carries the
#: detail it can show, a small frame no more than it can)
TRIANGLES_PER_OUTPUT_PX = 0.5


class Exporter:
    """An offscreen scene view for exports: the scene is built once; stills and videos are rendered from it.

    Everything the interactive view draws as 2D actors (legend, credits) and billboard labels is hidden
    while exporting and drawn again, at the output's scale, as overlays.
    """

    def __init__(self, scene, *, size: tuple[int, int] = (1920, 1080), anti_alias: bool | str = True,
                 run_in_background=None, defer=None) -> None:
        """``anti_alias``: one of :data:`ANTI_ALIAS_MODES` (True: "auto", False: "none").
        ``run_in_background``/``defer``: a host's (the app's) way of preparing buildings off its UI thread;
        then :attr:`pending` says how many layers are not ready, and nothing is rendered until it is 0."""
        # (checked before any window exists: a refused export leaves nothing open)
        mode = ("auto" if anti_alias else "none") if isinstance(anti_alias, bool) else anti_alias
        if mode not in ANTI_ALIAS_MODES:
            raise ExportError(f"anti-aliasing {anti_alias!r}: one of {', '.join(ANTI_ALIAS_MODES)}")
        prepare_offscreen()
        import pyvista as pv

        from ydtwin.render.scene_view import SceneView

        self.scene = scene
        theme = pv.themes.Theme()
        theme.multi_samples = 0
        self.plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting=None, theme=theme)
        self.view = SceneView(scene, self.plotter, request_render=lambda: None,
                              budget=TriangleBudget.fixed(EXPORT_BUDGET), run_in_background=run_in_background,
                              defer=defer)
        self.anti_alias = mode
        #: render pixels per output pixel and side while exporting (supersampling: 2; else 1)
        self.supersample = 1
        self._software: bool | None = None
        self.renderer = self.plotter.renderer
        self.render_window = self.plotter.render_window
        self._grab = _vtk.vtkWindowToImageFilter()
        self._grab.SetInput(self.render_window)
        self._grab.ReadFrontBufferOff()
        self._grab.ShouldRerenderOff()
        self._native_max: int | None = None
        #: the legend rows of what each frame shows
        self._frame_legend = FrameLegend(self.view)
        self._prepared: dict | None = None
        #: whether the last image (rendered with ``fxaa_later``) still needs its FXAA pass
        self.fxaa_pending = False
        #: triangles drawn by the last image, every tile's added up, and its buildings' screen-space errors
        self.drawn_triangles = 0
        self.detail_lock: dict[int, float] = {}

    @property
    def pending(self) -> int:
        """Layers still being prepared: a frame is captured only when every tile of every layer exists."""
        return self.view.pending

    # --- camera and state ---------------------------------------------------------------------------

    def set_view(self, name: str, size: tuple[int, int] | None = None, *, map: bool = False) -> None:
        """Frame a named view (region, city, layer, box) for an image of ``size``'s proportions: in
        perspective, or with ``map`` as the 2D map (straight down, north up, the box filling the frame)."""
        if size is not None:
            w, h = size
            k = min(1.0, 1920 / max(w, h))
            self.render_window.SetSize(max(16, round(w * k)), max(16, round(h * k)))
        if map:
            self.view.set_map(True, name)
        else:
            self.view.set_view(name)

    def apply_viewpoint(self, vp) -> None:
        self.view.apply_viewpoint(vp)

    def set_pose(self, pose) -> None:
        cam = self.renderer.GetActiveCamera()
        cam.SetParallelProjection(False)
        cam.SetFocalPoint(*(float(v) for v in pose.focal))
        cam.SetPosition(*(float(v) for v in pose.eye))
        cam.SetViewUp(*(float(v) for v in pose.up))
        cam.SetViewAngle(float(pose.view_angle))
        self.renderer.ResetCameraClippingRange()

    def apply_state(self, state) -> None:
        """A flythrough frame's state: camera, plan year, layer visibility."""
        from ydtwin.flythrough.path import apply_tracks

        apply_tracks(self.scene, state)
        self.set_pose(state.pose)

    # --- rendering ----------------------------------------------------------------------------------

    def _hide_2d(self) -> list:
        """Hide the interactive view's 2D actors and billboard labels; returns (prop, was visible)."""
        hidden = []
        props = self.renderer.GetViewProps()
        for prop in [*(props.GetItemAsObject(i) for i in range(props.GetNumberOfItems())), *label_props(self.plotter)]:
            if isinstance(prop, (_vtk.vtkActor2D, _vtk.vtkBillboardTextActor3D)) and prop.GetVisibility():
                hidden.append(prop)
                prop.SetVisibility(False)
        return hidden

    def anti_alias_for(self, size: tuple[int, int], *, video: bool = False) -> str:
        """The anti-aliasing an export of ``size`` gets: :attr:`anti_alias`, or for "auto" supersampling up to
        :data:`SSAA_MAX_PX_SOFTWARE` (software GL) or :data:`SSAA_MAX_PX_GPU` output pixels, FXAA above;
        a ``video`` in software GL gets FXAA."""
        if self.anti_alias != "auto":
            return self.anti_alias
        if self._software is None:
            self.native_max()  # (which reads the GL's name from the frame it renders)
        if video and self._software:
            return "fxaa"
        limit = SSAA_MAX_PX_SOFTWARE if self._software else SSAA_MAX_PX_GPU
        return "ssaa" if size[0] * size[1] <= limit else "fxaa"

    def tiles_for(self, size: tuple[int, int]) -> int:
        """How many tiles an export of ``size`` is rendered in."""
        s = SUPERSAMPLE if self.anti_alias_for(size) == "ssaa" else 1
        limit = self.native_max()
        w, h = size[0] * s, size[1] * s
        if w <= limit and h <= limit:
            return 1
        inner = max((limit - 2 * TILE_MARGIN_PX * s) // s, 32)
        return math.ceil(size[0] / inner) * math.ceil(size[1] / inner)

    def native_max(self) -> int:
        """The largest frame side (render pixels) drawn in one piece: the GL context's texture limit, at
        most ``NATIVE_CAP_PX``."""
        if self._native_max is None:
            from ydtwin.render.backend import gl_info

            self.render_window.Render()
            self._software = gl_info(self.render_window).software
            try:
                limit = int(_vtk.vtkTextureObject.GetMaximumTextureSize(self.render_window))
            except (AttributeError, TypeError):
                limit = 4096
            self._native_max = max(512, min(limit if limit > 0 else 4096, NATIVE_CAP_PX))
        return self._native_max

    @contextmanager
    def prepared(self, size: tuple[int, int], *, video: bool = False):
        """The view set up for exporting frames of ``size``: its anti-aliasing chosen, 2D actors and billboards
        hidden (drawn as overlays instead), a transparent background (the sky is composited), line widths and
        point sizes scaled to the output. A flythrough enters it once: changing line widths every frame would
        make VTK rebuild its line geometry every frame."""
        if self._prepared is not None:
            yield
            return
        height = size[1]
        aa = self.anti_alias_for(size, video=video)
        self.supersample = SUPERSAMPLE if aa == "ssaa" else 1
        ren = self.renderer
        gradient, alpha = ren.GetGradientBackground(), ren.GetBackgroundAlpha()
        bottom, top = np.array(ren.GetBackground()), np.array(ren.GetBackground2())
        self._prepared = {"sky": (bottom, top if gradient else bottom), "hidden": [], "fxaa": aa == "fxaa"}
        self.render_window.SetAlphaBitPlanes(1)
        ren.GradientBackgroundOff()
        ren.SetBackgroundAlpha(0.0)
        widths = self._scale_lines(self.supersample * max(height / REFERENCE_HEIGHT, 0.5))
        try:
            yield
        finally:
            for prop, width, point in widths:
                prop.SetLineWidth(width)
                prop.SetPointSize(point)
            ren.SetGradientBackground(gradient)
            ren.SetBackgroundAlpha(alpha)
            for prop in self._prepared["hidden"]:
                prop.SetVisibility(True)
            self._prepared = None
            self.supersample = 1

    def _frame(self, w: int, h: int, channels: int) -> np.ndarray:
        """Render the window at w×h and read it back, top row first."""
        if tuple(self.render_window.GetSize()) != (w, h):
            self.render_window.SetSize(w, h)
        self.render_window.Render()
        grab = self._grab
        if channels == 4:
            grab.SetInputBufferTypeToRGBA()
        else:
            grab.SetInputBufferTypeToRGB()
        grab.Modified()
        grab.Update()
        out = grab.GetOutput()
        arr = _vtk.vtk_to_numpy(out.GetPointData().GetScalars())
        ow, oh, _ = out.GetDimensions()
        return arr.reshape(oh, ow, channels)[::-1]

    def render(self, size: tuple[int, int], *, transparent: bool = False, tile_px: int | None = None,
               progress: Callable[[int, int], None] | None = None,
               fxaa_later: bool = False) -> tuple[np.ndarray, int]:
        """The scene at ``size`` (RGB, or RGBA when ``transparent``) without overlays; (image, tiles used).

        Anti-aliased as :meth:`anti_alias_for` says: supersampled (rendered at ``supersample``× the size and
        averaged down, which tiles exactly: a tile's pixels are whole blocks of the large image) or smoothed
        by FXAA over the whole image (``fxaa_later``: left to the caller, who asks :attr:`fxaa_pending` — a
        video does it on its encoder thread while the next frame renders). Tiles of at most ``tile_px``
        (default: the native limit) render pixels per side. The scene is drawn over a transparent background
        and the view's gradient sky is put behind it for the whole image at once (VTK's gradient spans one
        tile)."""
        w, h = size
        if self.pending:
            raise ExportError("the scene is still being prepared (a layer's buildings are not ready)")
        with self.prepared(size):
            # (legends the view adds meanwhile, e.g. for a new plan year, are hidden as they appear)
            self._prepared["hidden"] += self._hide_2d()
            bottom, top = self._prepared["sky"]
            smooth = self._prepared["fxaa"]
            rgba, tiles = self._render_tiled(w, h, 4, tile_px or self.native_max(), progress)
        # colours come back premultiplied by their alpha (drawn over transparent black): the sky behind them,
        # or (transparent) their colours divided by their alpha; one fused pass either way. FXAA runs on the
        # whole image (no seams between tiles): after the sky, or on the premultiplied colours and alpha
        if not transparent:
            rgb = np.empty((h, w, 3), dtype=np.uint8)
            over_sky(rgba, np.asarray(bottom, dtype=float), np.asarray(top, dtype=float), rgb)
            self.fxaa_pending = smooth and fxaa_later
            return (fxaa(rgb) if smooth and not fxaa_later else rgb), tiles
        self.fxaa_pending = False
        if smooth:
            rgba = fxaa(rgba)
        unpremultiply(rgba)
        return rgba, tiles

    def _detail_for(self, W: int, H: int, output_px: int) -> dict[int, float]:
        """Per buildings layer: the screen-space error (render pixels) at which the whole image of ``W`` × ``H``
        render pixels fits :data:`TRIANGLES_PER_OUTPUT_PX` × ``output_px`` triangles (shared by the layers as
        a frame shares its budget), chosen from the current camera before any tile is drawn."""
        from ydtwin.geo.lod import Camera, select_within_budget
        from ydtwin.render.buildings import BuildingsVisual

        cam = self.renderer.GetActiveCamera()
        planes = [0.0] * 24
        cam.GetFrustumPlanes(W / H, planes)
        camera = Camera(np.array(cam.GetPosition()), np.array(planes).reshape(6, 4),
                        H / (2 * math.tan(math.radians(cam.GetViewAngle()) / 2)))
        budget = int(TRIANGLES_PER_OUTPUT_PX * output_px) // max(self.view.ctx.budget_shares, 1)
        lock = {}
        for visual in self.view.visuals.values():
            if isinstance(visual, BuildingsVisual) and visual.tree is not None and visual.lod_enabled:
                _keys, lock[visual.layer.id] = select_within_budget(visual.tree, visual.tiles, camera, budget,
                                                                    index=visual.index)
        return lock

    def _reset_clipping_range(self) -> None:
        """Near and far planes from every actor of the scene, shown or not: the range (and so the depth
        precision) depends on the camera alone, not on which tiles the previous frame happened to show.
        The box is kept until an actor is added or removed or the vertical exaggeration changes (a video
        frame would otherwise ask every actor for its bounds)."""
        props = self.renderer.GetViewProps()  # (GetActors() rebuilds its collection on every call)
        key = (props.GetMTime(), props.GetNumberOfItems(), self.scene.vertical_exaggeration)
        if getattr(self, "_scene_box", (None,))[0] != key:
            actors = self.renderer.GetActors()
            lo, hi = np.full(3, np.inf), np.full(3, -np.inf)
            for i in range(actors.GetNumberOfItems()):
                b = actors.GetItemAsObject(i).GetBounds()
                if b is None or not (b[0] <= b[1]) or not np.isfinite(b).all():
                    continue
                lo = np.minimum(lo, b[0::2])
                hi = np.maximum(hi, b[1::2])
            self._scene_box = (key, lo, hi)
        _key, lo, hi = self._scene_box
        if np.isfinite(lo).all():
            self.renderer.ResetCameraClippingRange(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])
        else:
            self.renderer.ResetCameraClippingRange()

    def _scale_lines(self, factor: float) -> list:
        """Line widths and point sizes × ``factor`` (they are in render pixels); returns what to restore."""
        saved, seen = [], set()
        actors = self.renderer.GetActors()
        for i in range(actors.GetNumberOfItems()):
            prop = actors.GetItemAsObject(i).GetProperty()
            if id(prop) in seen:
                continue
            seen.add(id(prop))
            saved.append((prop, prop.GetLineWidth(), prop.GetPointSize()))
            prop.SetLineWidth(prop.GetLineWidth() * factor)
            prop.SetPointSize(prop.GetPointSize() * factor)
        return saved

    def _render_tiled(self, w: int, h: int, channels: int, limit: int, progress=None) -> tuple[np.ndarray, int]:
        s = self.supersample
        cam = self.renderer.GetActiveCamera()
        angle = cam.GetViewAngle()
        centre = cam.GetWindowCenter()
        # the 2D map: a tile's parallel scale is its share of the whole (its view angle still changes, so
        # that levels of detail, which read the view angle, choose as for the whole image)
        parallel = cam.GetParallelScale() if cam.GetParallelProjection() else None
        W, H = w * s, h * s  # the whole image in render pixels
        one = W <= limit and H <= limit
        m = 0 if one else TILE_MARGIN_PX * s
        inner = max((limit - 2 * m) // s, 32)  # output pixels per tile side
        nx, ny = math.ceil(w / inner), math.ceil(h / inner)
        tw, th = math.ceil(w / nx), math.ceil(h / ny)
        # one clipping range for every tile: the same depth precision everywhere
        self.render_window.SetSize(min(W, limit), min(H, limit))
        self._reset_clipping_range()
        near, far = cam.GetClippingRange()
        out = np.empty((h, w, channels), dtype=np.uint8)
        tan_half = math.tan(math.radians(angle) / 2)
        # one level of detail for the whole image, from a budget of its output pixels
        self.detail_lock = self.view.ctx.error_px_lock = self._detail_for(W, H, w * h)
        self.drawn_triangles = 0
        try:
            for j in range(ny):
                for i in range(nx):
                    x0, y0 = i * tw, j * th  # output pixels, GL convention (y up)
                    wi, hj = min(tw, w - x0), min(th, h - y0)
                    rw, rh = wi * s + 2 * m, hj * s + 2 * m
                    if not one:
                        cx, cy = (x0 + wi / 2) * s, (y0 + hj / 2) * s
                        cam.SetViewAngle(math.degrees(2 * math.atan(tan_half * rh / H)))
                        if parallel is not None:
                            cam.SetParallelScale(parallel * rh / H)
                        cam.SetWindowCenter((2 * cx / W - 1) * W / rw, (2 * cy / H - 1) * H / rh)
                    cam.SetClippingRange(near, far)
                    tile = self._frame(rw, rh, channels)[m : m + hj * s, m : m + wi * s]
                    self.drawn_triangles += self.view.triangles()
                    # the mean of each s×s block, rounded, in integers, straight into the image
                    downsample_into(tile, s, out, h - (y0 + hj), x0)
                    if progress is not None:  # may raise Cancelled
                        progress(j * nx + i + 1, nx * ny)
        finally:
            self.view.ctx.error_px_lock = None
            cam.SetViewAngle(angle)
            cam.SetWindowCenter(*centre)
            if parallel is not None:
                cam.SetParallelScale(parallel)
            cam.SetClippingRange(near, far)
        return out, nx * ny

    # --- overlays -----------------------------------------------------------------------------------

    def overlay_content(self, size: tuple[int, int]) -> OverlayContent:
        """Legend rows, labels on screen, scale and north for the current camera at ``size``."""
        w, h = size
        cam = self.renderer.GetActiveCamera()
        to_px = projector(cam, size)

        layers = {layer.id: layer for layer in self.scene.layers}
        hidden_by_export = {id(p) for p in (self._prepared or {}).get("hidden", [])}
        eye = np.array(cam.GetPosition())
        props = []
        for prop in label_props(self.plotter):
            if prop.GetVisibility() or id(prop) in hidden_by_export:
                layer = layers.get(getattr(prop, "_ydtwin_layer", -1))
                if layer is None or layer.visible:
                    props.append(prop)
        labels = []
        if props:  # (all at once: a video asks for every frame's labels)
            where = np.array([prop.GetPosition() for prop in props], dtype=np.float64)
            classes = np.array([getattr(prop, "_ydtwin_label_class", 0) for prop in props])
            # as in the view: project names only at close zoom
            near = zoom_opacity(np.linalg.norm(where - eye, axis=1), classes) >= 0.5
            px = to_px(where)
            for prop, label_class, (x, y), ok in zip(props, classes, px, near & np.isfinite(px).all(axis=1),
                                                     strict=True):
                if ok:
                    labels.append((int(label_class), getattr(prop, "_ydtwin_rank", 0), float(x), float(y),
                                   prop.GetInput(), prop.GetTextProperty().GetColor()))
        # the most important first (cities, districts, projects, findings): earlier labels win a place
        labels.sort(key=lambda label: label[:2])
        cities = sum(1 for label in labels if label[0] == CITY)
        labels = [label[2:] for label in labels]
        focal = np.array(cam.GetFocalPoint())
        dist = cam.GetDistance()
        mpp = metres_per_pixel(cam, h)  # the 2D map's parallel scale, or the focal point's
        north = None
        a, b = to_px(np.array([focal, focal + [0.0, max(dist * 0.05, 1.0), 0.0]]))
        if np.isfinite(a).all() and np.isfinite(b).all() and np.hypot(*(b - a)) > 1e-6:
            north = math.degrees(math.atan2(b[0] - a[0], -(b[1] - a[1])))
        bar = self.view.legend_rows()[1]
        entries = self._frame_legend.rows(to_px, size)  # what is in the frame, not every theme of the region
        return OverlayContent(legend=entries, labels=labels, metres_per_pixel=mpp, north_deg=north,
                              attribution=self.view.attribution(), colour_bar=bar, movable_labels=cities)

    def image(self, size: tuple[int, int], options: OverlayOptions | None = None, *, transparent: bool = False,
              tile_px: int | None = None, progress=None, output_height: int | None = None) -> tuple[np.ndarray, int]:
        """The finished image: the scene and its overlays (``output_height``: a preview of a larger output,
        its overlays laid out as there)."""
        rgb, tiles = self.render(size, transparent=transparent, tile_px=tile_px, progress=progress)
        if options is not None:
            rgb = draw_overlays(rgb, options, self.overlay_content(size), output_height=output_height)
        return rgb, tiles

    def still(self, path: str | os.PathLike[str], size: tuple[int, int], options: OverlayOptions | None = None, *,
              transparent: bool = False, quality: int = 92, tile_px: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> StillResult:
        """Write a still (PNG, JPEG, TIFF by the file's suffix), atomically."""
        path = Path(path)
        fmt = check_still(path, size, transparent=transparent)  # what cannot be made: said before any rendering
        t0 = time.perf_counter()
        rgb, tiles = self.image(size, options, transparent=transparent, tile_px=tile_px, progress=progress)
        write_image(path, rgb, fmt, quality=quality)
        return StillResult(path, size, tiles, time.perf_counter() - t0, self.drawn_triangles)

    def close(self) -> None:
        self.view.close()
        self.plotter.close()
