"""SceneView: keeps a pyvista Plotter in step with a Scene (the model never calls the view): one visual per layer,
the legend and attribution, picking; its camera (named views, viewpoints) is :mod:`ydtwin.render.scene_camera`'s."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyvista as pv

from ydtwin.geo.lod import TriangleBudget
from ydtwin.model.buildings import BuildingsLayer
from ydtwin.model.layer import Layer, TerrainLayer
from ydtwin.model.scene import Scene
from ydtwin.render import annotations as _annotations  # noqa: F401 - registers the measurements' visual
from ydtwin.render import buildings as _buildings  # noqa: F401  (registers the buildings visual)
from ydtwin.render import models as _models  # noqa: F401 - registers the 3D models' visual
from ydtwin.render import plans as _plans  # noqa: F401 - registers the plans visual
from ydtwin.render import water as _water  # noqa: F401 - registers the flooded-land visual
from ydtwin.render.points import PointsVisual  # registers the point cloud visual
from ydtwin.render.scene_camera import VIEW_ANGLE_DEG, VIEW_ELEVATION_DEG, SceneCamera, ViewSpec
from ydtwin.render.visuals import RenderContext, Visual, label_renderer, visual_for

BACKGROUND_TOP = (0.10, 0.13, 0.20)
BACKGROUND_BOTTOM = (0.55, 0.63, 0.72)
#: share of the triangle budget a frame uses while background work runs (software GL shares the CPU with it)
BUSY_DETAIL = 0.5

__all__ = ["BACKGROUND_BOTTOM", "BACKGROUND_TOP", "BUSY_DETAIL", "VIEW_ANGLE_DEG", "VIEW_ELEVATION_DEG", "SceneView",
           "ViewSpec"]


class SceneView(SceneCamera):
    """Binds a Scene to a Plotter: one Visual per layer, following the model's events.

    ``request_render`` is how a host coalesces redraws (the Qt shell passes a zero-delay single-shot
    timer); by default each change renders at once.
    """

    def __init__(
        self,
        scene: Scene,
        plotter: pv.Plotter,
        *,
        request_render: Callable[[], None] | None = None,
        budget: TriangleBudget | None = None,
        run_in_background: Callable[[Callable[[], object], Callable[[object], None]], None] | None = None,
        defer: Callable[[Callable[[], None]], None] | None = None,
        translate: Callable[[str], str] | None = None,
    ) -> None:
        self.scene = scene
        self.plotter = plotter
        self._request_render = request_render or plotter.render
        #: ``run_in_background(work, done)``: the host runs ``work()`` off its UI thread and calls ``done(result)``
        #: back on it (the Qt shell uses a thread pool); None: everything is built at once
        self._run_in_background = run_in_background
        #: ``defer(fn)``: run ``fn`` on a later turn of the host's event loop (spreads actor creation)
        self._defer = defer
        #: the host's translation of layer names and natures shown in the scene (identity by default)
        self._translate = translate or (lambda text: text)
        self.visuals: dict[int, Visual] = {}
        #: per layer id: the (signal, slot) pairs this view connected, to disconnect exactly those
        self._slots: dict[int, list] = {}
        plotter.set_background(BACKGROUND_BOTTOM, top=BACKGROUND_TOP)
        # visuals cull their own tiles; VTK's frustum-coverage culler then only costs time (measured on an
        # H200: 1M buildings at street level, 132 ms/frame with it, 16 ms without)
        plotter.renderer.GetCullers().RemoveAllItems()
        # a sun from the north-west (the cartographic hillshade convention) and a weak camera light to fill
        # the shaded walls: two lights cost software GL far less per pixel than a five-light kit
        plotter.remove_all_lights()
        sun = pv.Light(position=(-0.55, 0.6, 1.0), light_type="scene light", intensity=0.85)
        sun.positional = False
        plotter.add_light(sun)
        plotter.add_light(pv.Light(light_type="headlight", intensity=0.3))
        self.ctx = self._context(budget)
        self._legend_actor = None
        self._highlight = None
        #: (layer id, building index) outlined after a pick, or None
        self.highlighted: tuple[int, int] | None = None
        self._bar_title: str | None = None
        for layer in scene.layers:
            self._add(layer)
        self._overlay = None
        self._update_overlay()
        self._update_legend()
        self._end_tag = plotter.renderer.AddObserver("EndEvent", lambda *_: self._frame_done())
        #: set by the host while it works in the background (a file loading): frames are drawn lighter
        #: meanwhile (see ``BUSY_DETAIL``), so that they share the machine without stalling the host's UI
        self.host_busy = False
        self._busy_frame = False
        self._fxaa_when_idle = False
        # before the visuals' own level-of-detail observers (higher priority runs first)
        self._start_tag = plotter.renderer.AddObserver("StartEvent", lambda *_: self._before_frame(), 1.0)
        #: seconds the last frame took (the renderer's own measure)
        self.last_frame_s = 0.0
        scene.layers.events.inserted.connect(self._on_inserted)
        scene.layers.events.removed.connect(self._on_removed)
        scene.events.vertical_exaggeration.connect(self._on_exaggeration)
        scene.events.plan_year.connect(self._on_plan_year)

    # --- model events -----------------------------------------------------------------------------

    def _add(self, layer: Layer) -> None:
        visual = visual_for(layer, self.ctx)
        self.ctx.budget_shares = max(1, sum(isinstance(v.layer, BuildingsLayer) for v in self.visuals.values())
                                     + isinstance(layer, BuildingsLayer))
        self.ctx.point_shares = max(1, sum(isinstance(v, PointsVisual) for v in self.visuals.values())
                                    + isinstance(visual, PointsVisual))
        visual.attach()
        self.visuals[layer.id] = visual
        slots = [
            (layer.events.visible, lambda _v, vis=visual: (vis.apply_visibility(), self._update_legend(),
                                                          self.request_render())),
            (layer.events.opacity, lambda _v, vis=visual: (vis.apply_opacity(), self.request_render())),
            (layer.events.style, lambda _v, vis=visual: (vis.rebuild(), self._update_legend(), self.request_render())),
            (layer.events.data, lambda _v, vis=visual: (vis.rebuild(), self.request_render())),
        ]
        for signal, slot in slots:
            signal.connect(slot)
        self._slots[layer.id] = slots

    def _drop(self, layer: Layer) -> None:
        visual = self.visuals.pop(layer.id, None)
        if visual is not None:
            visual.remove()
        for signal, slot in self._slots.pop(layer.id, []):
            signal.disconnect(slot)

    def _on_inserted(self, index: int, layer: Layer) -> None:
        if isinstance(layer, TerrainLayer):
            self.ctx = self._context(self.ctx.budget)
            self._rebuild_all()
        else:
            self._add(layer)
        self._update_overlay()
        self._update_legend()
        self.request_render()

    def _on_removed(self, index: int, layer: Layer) -> None:
        self._drop(layer)
        self._update_overlay()
        self._update_legend()
        self.request_render()

    def _on_plan_year(self, _year) -> None:
        """The timeline moved: plans are shaded by their status in that year."""
        from ydtwin.render.plans import PlansVisual

        for visual in self.visuals.values():
            if isinstance(visual, PlansVisual):
                visual.rebuild()
        self._update_legend()
        self.request_render()

    def _on_exaggeration(self, _value: float) -> None:
        self.ctx = self._context(self.ctx.budget)
        self._rebuild_all()
        self.request_render()

    def _context(self, budget: TriangleBudget | None) -> RenderContext:
        old = getattr(self, "ctx", None)
        ctx = RenderContext(self.scene, self.plotter, budget, old.point_budget if old is not None else None)
        if old is not None:
            ctx.interacting, ctx.point_shares = old.interacting, old.point_shares
        ctx.run_in_background = self._run_in_background
        ctx.defer = self._defer
        ctx.translate = self._translate
        ctx.visual_ready = self._visual_ready
        return ctx

    def _visual_ready(self, visual: Visual) -> None:
        """A visual finished building in the background: legend and a new frame."""
        if self.visuals.get(visual.layer.id) is visual:
            if self._defer is not None:  # the legend's new texts in a turn of their own, not with the last actors
                self._defer(lambda: (self._update_legend(), self.request_render()))
            else:
                self._update_legend()
            self.request_render()

    @property
    def pending(self) -> int:
        """How many visuals are still being prepared in the background."""
        return sum(getattr(v, "_pending", None) is not None for v in self.visuals.values())

    @property
    def busy(self) -> bool:
        """Background work is under way: the host's, or visuals still being prepared."""
        return self.host_busy or self.pending > 0

    def set_host_busy(self, busy: bool) -> None:
        if busy != self.host_busy:
            self.host_busy = busy
            if not busy:  # back to full detail now; lighter frames need no frame of their own
                self.request_render()

    def _before_frame(self) -> None:
        """While busy: a share of the buildings' triangle budget and no FXAA pass; full quality when idle.

        (The terrain keeps its level of detail: switching its blocks would upload meshes never drawn before,
        a slow frame exactly when frames should be light.)"""
        busy = self.busy
        if busy != self._busy_frame:
            ren = self.plotter.renderer
            if busy:
                self._fxaa_when_idle = bool(ren.GetUseFXAA())
                ren.SetUseFXAA(False)
            else:
                ren.SetUseFXAA(self._fxaa_when_idle)
            self._busy_frame = busy
        self.ctx.detail = BUSY_DETAIL if busy else 1.0
        # the clouds shown share the point budgets (their own observers, run after this one, read it)
        self.ctx.point_shares = max(1, sum(isinstance(v, PointsVisual) and v.layer.visible
                                           for v in self.visuals.values()))
        self._wrap_attribution()
        self._fit_legend()
        if getattr(self.plotter, "_ydtwin_labels", None) is not None:
            label_renderer(self.plotter)  # the labels' layer follows the scene's camera, even a new one

    def _frame_done(self) -> None:
        self.last_frame_s = float(self.plotter.renderer.GetLastRenderTimeInSeconds())
        if self.ctx.uploads_this_frame:  # first draw of some tiles: slow for a reason that does not last
            self.ctx.uploads_this_frame = False
            return
        self.ctx.budget.record(self.triangles(), self.last_frame_s)
        if self.ctx.interacting:
            clouds = [v for v in self.visuals.values() if isinstance(v, PointsVisual) and v.layer.visible]
            shown = sum(v.points_shown for v in clouds)
            self.ctx.point_budget.record(shown, self.last_frame_s, sum(v.points_drawn for v in clouds))

    def set_interacting(self, moving: bool) -> None:
        """The user started (True) or stopped (False) moving the camera. While it moves, point clouds draw
        within the interactive point budget; when it stops, the next frame draws them whole."""
        if moving != self.ctx.interacting:
            self.ctx.interacting = moving
            if not moving:
                self.request_render()

    def _rebuild_all(self) -> None:
        for visual in self.visuals.values():
            visual.ctx = self.ctx
            visual.rebuild()
        for layer in self.scene.layers:
            if layer.id not in self.visuals:
                self._add(layer)

    def request_render(self) -> None:
        self._request_render()

    # --- overlay ----------------------------------------------------------------------------------

    def attribution(self) -> str:
        """Data sources and the labels of non-real data, from the layers' provenance, in the host's language
        (layer names, natures and the fixed phrases go through its ``translate``; sources are names)."""
        t = self._translate
        region = self.scene.region
        lines = [f"ydtwin · {region.title} {region.title_zh}".strip()]
        marks = []
        plans: dict[str, int] = {}  # plan layers: one mark per nature ("9 plan layers: ILLUSTRATIVE")
        for layer in self.scene.layers:
            if layer.provenance.nature != "real":
                if layer.group == "Plans":
                    plans[layer.provenance.nature] = plans.get(layer.provenance.nature, 0) + 1
                else:
                    marks.append(f"{t(layer.name)}: {t(layer.provenance.nature).upper()}")
            if isinstance(layer, TerrainLayer):
                marks.append(t("terrain ×{factor} vertical").format(factor=f"{self.scene.vertical_exaggeration:g}"))
                if layer.bathymetry_provenance.nature != "real":
                    marks.append(t("sea floor: {nature} (not measured)").format(
                        nature=t(layer.bathymetry_provenance.nature).upper()))
        marks += [t("{count} plan layers: {nature}").format(count=n, nature=t(nature).upper())
                  for nature, n in plans.items()]
        if marks:
            lines.append(" · ".join(marks))
        sources, plugins = [], []
        for layer in self.scene.layers:
            short = layer.provenance.source.split(" (")[0]
            if short.startswith("plugin "):  # "plugin ydtwin-suzhou 0.1.0": the plugins in one entry
                name = short.removeprefix("plugin ").removeprefix("ydtwin-")
                if name not in plugins:
                    plugins.append(name)
            elif short not in sources:
                sources.append(short)
        for layer in self.scene.layers:  # DEM files imported over the terrain are named too
            sources += [s for s in dict.fromkeys(p.source.split(" (")[0] for p in getattr(layer, "imported", ()))
                        if s not in sources]
        if plugins:
            sources.append(t("plugins {names}").format(names=", ".join(plugins)))
        lines.append(t("Data: {sources}").format(sources="; ".join(sources)))
        return "\n".join(lines)

    #: the attribution in the view: text size (pt at 72 dpi = pixels) and the plate behind it
    ATTRIBUTION_FONT_SIZE = 11
    ATTRIBUTION_PLATE = (0.05, 0.06, 0.09, 0.6)

    def _update_overlay(self) -> None:
        text = self.attribution()
        if self._overlay is not None and text == getattr(self, "_overlay_text", None):
            return
        if self._overlay is None:
            from ydtwin.render import _vtk

            self._overlay = _vtk.vtkTextActor()
            prop = self._overlay.GetTextProperty()
            prop.SetFontSize(self.ATTRIBUTION_FONT_SIZE)
            prop.SetColor(0.95, 0.95, 0.95)
            prop.SetBackgroundColor(*self.ATTRIBUTION_PLATE[:3])
            prop.SetBackgroundOpacity(self.ATTRIBUTION_PLATE[3])
            prop.SetFrame(False)
            prop.SetLineSpacing(1.15)
            self._use_cjk_font(prop)  # region names and translated phrases are Chinese
            self._overlay.SetPosition(6, 4)
            self._overlay._ydtwin_role = "attribution"
            self.plotter.renderer.AddViewProp(self._overlay)
        self._overlay_text = text
        self._wrapped_for = None
        self._wrap_attribution()

    def bottom_boxes(self) -> list[tuple[float, float, float, float]]:
        """Display boxes (x0, x1, y0, y1) of what the view writes at its bottom (the credits), for the map
        furniture to keep clear of."""
        if self._overlay is None or not self._overlay.GetVisibility():
            return []
        box = [0.0, 0.0, 0.0, 0.0]
        self._overlay.GetBoundingBox(self.plotter.renderer, box)
        return [tuple(box)] if box[1] > box[0] else []

    def _wrap_attribution(self) -> None:
        """Break the attribution's lines to the view's width (again when the width changes)."""
        import textwrap

        width = self.plotter.renderer.GetSize()[0]
        if self._overlay is None or width == self._wrapped_for:
            return
        self._wrapped_for = width
        columns = max(40, int((width - 12) / (0.56 * self.ATTRIBUTION_FONT_SIZE)))
        lines = [textwrap.fill(line, columns, break_long_words=True) for line in self._overlay_text.split("\n")]
        self._overlay.SetInput("\n".join(lines))

    def _update_legend(self) -> None:
        """One legend for the visible layers' entries (non-real data marked), one bar for a numeric colour-by."""
        entries, bar = self.legend_rows()
        if (entries, bar) == getattr(self, "_legend_state", None):
            return
        self._legend_state = (entries, bar)
        # pyvista renders when a legend or bar is added: the host's coalesced render is enough
        suppressed = self.plotter.suppress_rendering
        self.plotter.suppress_rendering = True
        try:
            self._replace_legend(entries, bar)
        finally:
            self.plotter.suppress_rendering = suppressed

    def legend_rows(self) -> tuple[list, object]:
        """(legend rows (label, rgb), scalar bar or None) of the visible layers."""
        entries: list = []
        statuses: list = []
        bar = None
        for visual in self.visuals.values():
            entries.extend(visual.legend_entries())
            statuses.extend(getattr(visual, "status_entries", list)())
            bar = bar or visual.scalar_bar()
        # plan layers share themes and statuses: each row once
        # statuses from light (planned) to dark (built), whatever order the layers list them in
        statuses = sorted(dict.fromkeys(statuses), key=lambda e: -sum(e[1]))
        entries = list(dict.fromkeys([*entries, *statuses]))
        return entries, bar

    @staticmethod
    def _use_cjk_font(prop) -> None:
        """Chinese labels need a CJK font file (VTK's built-in fonts have no CJK glyphs)."""
        from ydtwin.render import _vtk
        from ydtwin.render.fonts import cjk_font

        font = cjk_font()
        if font:
            prop.SetFontFamily(_vtk.VTK_FONT_FILE)
            prop.SetFontFile(font)

    #: the legend's margin from the view's top left corner (pixels) and its text scale (1 = an export's)
    LEGEND_MARGIN_PX = 10
    LEGEND_SCALE = 0.8

    def _replace_legend(self, entries: list, bar) -> None:
        self._legend_rows = list(entries)
        self._legend_for = None
        self._fit_legend()
        if self._bar_title is not None:
            if self._bar_title in self.plotter.scalar_bars:  # not already taken with its actors
                self.plotter.remove_scalar_bar(self._bar_title, render=False)
            self._bar_title = None
        if bar is not None:
            title, clim, _cmap = bar
            mapper = next(
                (a.mapper for v in self.visuals.values() if v.scalar_bar() for a in v.actors), None
            )
            if mapper is not None:
                self.plotter.add_scalar_bar(title, mapper=mapper, vertical=True, position_x=0.9, position_y=0.25,
                                            height=0.5, width=0.05, fmt="%.0f", color="white", title_font_size=12,
                                            label_font_size=11)
                self._bar_title = title

    def _fit_legend(self) -> None:
        """The legend as the exports draw it (``overlay.legend_image``: a fixed share of the view at most, swatches
        and labels that read on its box), laid out again when the view's size changes."""
        from ydtwin.render import _vtk
        from ydtwin.render.overlay import legend_image

        rows = getattr(self, "_legend_rows", [])
        if self._legend_actor is not None and not self._legend_actor.GetVisibility() \
                and rows == getattr(self, "_legend_fitted", None):
            return  # hidden (an export draws its own legend; its tiles change the window's size): left as it is
        size = tuple(self.plotter.renderer.GetSize())
        if (rows, size) == (getattr(self, "_legend_fitted", None), getattr(self, "_legend_for", None)):
            return
        self._legend_fitted, self._legend_for = list(rows), size
        if self._legend_actor is not None:
            self.plotter.renderer.RemoveViewProp(self._legend_actor)
            self._legend_actor = None
        if not rows or min(size) < 32:
            return
        rgba = legend_image(rows, size, scale=self.LEGEND_SCALE)
        h, w = rgba.shape[:2]
        if not (h and w):
            return
        image = _vtk.vtkImageData()
        image.SetDimensions(w, h, 1)
        flat = np.ascontiguousarray(rgba[::-1]).reshape(-1, 4)  # VTK's rows run bottom up
        image.GetPointData().SetScalars(_vtk.numpy_to_vtk(flat, deep=True))
        mapper = _vtk.vtkImageMapper()
        mapper.SetInputData(image)
        mapper.SetColorWindow(255.0)
        mapper.SetColorLevel(127.5)
        actor = _vtk.vtkActor2D()
        actor.SetMapper(mapper)
        m = self.LEGEND_MARGIN_PX
        actor.SetPosition(m, size[1] - m - h)
        # its box, for the labels that keep clear of it (render.labels: Position to Position2, display pixels)
        actor.GetPosition2Coordinate().SetCoordinateSystemToDisplay()
        actor.GetPosition2Coordinate().SetValue(m + w, size[1] - m)
        actor._ydtwin_keep_clear = True
        self.plotter.renderer.AddViewProp(actor)
        self._legend_actor = actor

    # --- cursor -------------------------------------------------------------------------------------

    def world_at(self, x: int, y: int) -> tuple[float, float, float] | None:
        """(lon, lat, height m) under display pixel (x, y); None on sky.

        Read from the last frame's depth buffer (cheap enough to follow the mouse) where that lies on the drawn
        surface. Draped lines and fills are drawn nearer than they are (VTK moves their depth in the fragment
        shader by ``units / 65000`` of the depth range: kilometres at a region's distance), so where the depth
        read lies above the surface (a lake, a road, a roof) the point comes from a ray cast instead."""
        window = self.plotter.render_window
        w, h = window.GetSize()
        if not (0 <= x < w and 0 <= y < h):
            return None
        zb = float(window.GetZbufferDataAtPoint(x, y))
        if zb >= 1.0:  # nothing drawn: sky
            return None
        p = self._unproject(x, y, zb)
        x0, y0, x1, y1 = self.scene.extent
        # overlays (the credits, the north arrow) write a depth near the camera: nothing of the scene is there
        if not (x0 - 1e5 <= p[0] <= x1 + 1e5 and y0 - 1e5 <= p[1] <= y1 + 1e5) or abs(p[2]) > 2e4:
            return None
        if p[2] > float(self.ctx.surface.z(p[:1], p[1:2], 0.0)[0]) + self._depth_tolerance(x, y, zb, p):
            from ydtwin.render.backend import cell_picker

            picker = cell_picker()
            if not picker.Pick(x, y, 0, self.plotter.renderer):
                return None
            p = np.array(picker.GetPickPosition(), dtype=float)
        lon, lat = self.scene.projection.from_scene(p[0], p[1])
        return float(lon), float(lat), float(p[2])

    def ground_elevation(self, lon: float, lat: float) -> float | None:
        """True elevation (m, not exaggerated) of the ground at (lon, lat): an imported DEM's detail where there
        is one, else the terrain grid; None outside it."""
        x, y = self.scene.projection.to_scene(lon, lat)
        e = float(self.ctx.surface.elevation(np.atleast_1d(np.asarray(x, dtype=float)),
                                             np.atleast_1d(np.asarray(y, dtype=float)))[0])
        return e if np.isfinite(e) else None

    def _unproject(self, x: int, y: int, depth: float) -> np.ndarray:
        ren = self.plotter.renderer
        ren.SetDisplayPoint(float(x), float(y), float(depth))
        ren.DisplayToWorld()
        wx, wy, wz, ww = ren.GetWorldPoint()
        return np.array([wx, wy, wz]) / (ww if ww else 1.0)

    def _depth_tolerance(self, x: int, y: int, depth: float, p: np.ndarray) -> float:
        """How far (m) a point read from the depth buffer may lie above the drawn surface and still be the
        ground: a few steps of a 24-bit depth buffer there and a few metres of drape (exaggerated)."""
        step = self._unproject(x, y, min(depth + 4.0 / (1 << 24), 1.0 - 1e-9)) - p
        exaggeration = float(getattr(self.ctx.surface, "exaggeration", 1.0))
        return float(np.linalg.norm(step)) + 10.0 * max(exaggeration, 1.0)

    # --- identify -----------------------------------------------------------------------------------

    def pick(self, x: int, y: int, *, highlight: bool = True) -> dict | None:
        """Attributes of what is under display pixel (x, y) (VTK convention: origin bottom-left); the picked
        building is outlined until the next pick."""
        from ydtwin.render.backend import cell_picker

        picker = cell_picker()
        hit = picker.Pick(x, y, 0, self.plotter.renderer)
        info = None
        if hit:
            actor = picker.GetActor()
            cell = picker.GetCellId()
            for visual in self.visuals.values():
                if actor in visual.actors:
                    info = visual.describe_pick(actor, cell)
                    if info is not None:
                        info["picked_xyz"] = tuple(round(float(v), 2) for v in picker.GetPickPosition())
                        if highlight and isinstance(info.get("building"), int):
                            self.highlight(visual.layer, info["building"])
                    break
        splatted = self._pick_splatted(x, y, picker.GetPickPosition() if hit else None)
        if splatted is not None:
            info = splatted
        if highlight and (info is None or not isinstance(info.get("building"), int)):
            self.highlight(None, -1)
        return info

    def _pick_splatted(self, x: int, y: int, hit_xyz) -> dict | None:
        """The point of a splatted cloud (software GL: not VTK geometry) drawn at pixel (x, y), when it lies
        nearer the eye than what the cell picker hit there (``hit_xyz``; None: it hit nothing)."""
        view = self.plotter.renderer.GetActiveCamera().GetViewTransformMatrix()
        row = np.array([view.GetElement(2, j) for j in range(4)])
        hit_distance = np.inf if hit_xyz is None else -float(row @ np.r_[np.asarray(hit_xyz, float), 1.0])
        best = None
        for visual in self.visuals.values():
            found = visual.pick_pixel(x, y) if isinstance(visual, PointsVisual) else None
            if found is not None and found[1] < hit_distance and (best is None or found[1] < best[1]):
                best = found
        if best is None:
            return None
        info, _distance, xyz = best
        info["picked_xyz"] = tuple(round(float(v), 2) for v in xyz)
        return info

    HIGHLIGHT_COLOUR = (1.0, 0.85, 0.1)

    def highlight(self, layer: Layer | None, building: int) -> None:
        """Outline one building of a buildings layer (None: clear the outline)."""
        if self._highlight is not None:
            self.plotter.remove_actor(self._highlight, render=False)
            self._highlight = None
        self.highlighted = None
        if layer is None or not isinstance(layer, BuildingsLayer) or not 0 <= building < len(layer.data):
            self.request_render()
            return
        from ydtwin.geo.extrude import extrude

        keep = np.zeros(len(layer.data), dtype=bool)
        keep[building] = True
        one = layer.data.subset(keep)
        surface = self.ctx.surface
        geom = one.scene_geometry(self.scene.projection, lambda x, y: surface.z(x, y, 0.0))
        origin = np.array([geom.centre[0, 0], geom.centre[0, 1], 0.0])
        mesh = extrude(geom.xy - origin[:2], geom.ring_offsets, geom.part_offsets, geom.base_z[geom.part_building],
                       geom.top_z[geom.part_building])
        poly = pv.PolyData.from_regular_faces(mesh.vertices, mesh.triangles).extract_feature_edges(
            feature_angle=30, boundary_edges=True, non_manifold_edges=False, manifold_edges=False)
        actor = self.plotter.add_mesh(poly, color=self.HIGHLIGHT_COLOUR, line_width=3, lighting=False,
                                      reset_camera=False, render=False, pickable=False, name="ydtwin-highlight")
        actor.position = tuple(float(v) for v in origin)
        self._highlight = actor
        self.highlighted = (layer.id, building)
        self.request_render()

    def triangles(self) -> int:
        return sum(v.triangles for v in self.visuals.values())

    def close(self) -> None:
        self.plotter.renderer.RemoveObserver(self._end_tag)
        self.plotter.renderer.RemoveObserver(self._start_tag)
        for layer in list(self.scene.layers):
            self._drop(layer)
        self.scene.layers.events.inserted.disconnect(self._on_inserted)
        self.scene.layers.events.removed.disconnect(self._on_removed)
        self.scene.events.vertical_exaggeration.disconnect(self._on_exaggeration)
        self.scene.events.plan_year.disconnect(self._on_plan_year)
