"""Point clouds on screen: a point budget, voxel level of detail, tiles with float64 origins, colours by class,
elevation, intensity, RGB or return number.

The budget (``SOFTWARE_POINT_BUDGET`` in software GL, ``GPU_POINT_BUDGET`` on a GPU: see
``ydtwin.render.backend``) caps the points drawn; a cloud holding more is thinned to one point per voxel
(``ydtwin.geo.voxel``), so that its whole extent stays covered. Points are cut into ``POINT_TILE_M`` tiles, each
an actor at its own float64 origin.

While the camera moves, a frame draws fewer points: each tile's points are in random order, so any first share
of them covers the tile evenly. A tile draws its first 1/√2, 1/2, 1/(2√2), … of them (``LEVEL_STEP``) through
a lighter actor made the first time that share is needed and kept (its own vertex list; the points and colours
are the same arrays). ``ydtwin.geo.lod.InteractivePointBudget`` sets how many points a moving frame may draw
from the frame times measured while moving, so that the whole frame — terrain, buildings and points — keeps
``target_fps``. When the camera stops, the next frame draws the whole budget.

Heights stay true (not exaggerated), like the buildings': each tile's ground (the median of its ground-class
points, else its lowest points) is set on the terrain surface.

In software GL (Mesa's llvmpipe) the points are not VTK actors: ``ydtwin.render.splat`` projects and splats
them on the CPU each frame and one quad draws them with their depth — several times faster there, at the same
look (pixels, colours, depth against the scene). Shaded points (lit spheres) stay VTK actors.

Eye-dome lighting was tried and left out: VTK's pass (pyvista ``enable_eye_dome_lighting``) works on the whole
renderer, and on the region it rims every depth edge of the scene — coast, lake shores, relief, boundaries — in
black, while 2-pixel points gain little from it. ``layer.shaded`` draws the points as lit spheres instead (with a
larger ``point_size``): depth reads on the cloud and nothing else changes.
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from ydtwin.geo.tiles import TileGrid, to_local
from ydtwin.geo.voxel import voxel_subsample
from ydtwin.model.pointcloud import GROUND_CLASS, PointCloudLayer, class_colour, class_name, class_palette
from ydtwin.render.visuals import VISUALS, Visual

__all__ = ["GPU_POINT_BUDGET", "LEVEL_STEP", "POINT_TILE_M", "SOFTWARE_POINT_BUDGET", "PointsVisual", "point_budget"]

SOFTWARE_POINT_BUDGET = 1_000_000
GPU_POINT_BUDGET = 5_000_000
#: side of a point tile (m): local float32 coordinates within 1.5 km of the origin (spacing < 0.2 mm)
POINT_TILE_M = 2_000.0
#: colours of return numbers 1–7 (first returns warm, later ones cooler)
RETURN_COLOURS = np.array([[0.95, 0.55, 0.15], [0.25, 0.65, 0.90], [0.40, 0.80, 0.40], [0.75, 0.45, 0.85],
                           [0.95, 0.85, 0.30], [0.55, 0.55, 0.55], [0.90, 0.35, 0.45]])
#: depth offset (VTK units) that keeps ground points in front of the terrain they lie on
POINT_DEPTH_OFFSET = -12.0
NUMERIC = {"elevation": ("elevation (m)", "viridis"), "intensity": ("intensity", "gray")}
#: ratio of the points of a tile's lighter actors, one to the next, while the camera moves (1, 1/√2, 1/2, …)
LEVEL_STEP = 2 ** -0.5
#: lighter actors draw at least this many points (a tile with fewer has none)
MIN_LEVEL_POINTS = 1_000


def point_budget(render_window) -> int:
    """Points a frame may draw: the GPU budget when the renderer is a GPU, the software one otherwise (also
    when the renderer cannot be told yet)."""
    from ydtwin.render.backend import gl_info

    try:
        info = gl_info(render_window)
    except Exception:  # noqa: BLE001 - no capability report yet: assume the slower case
        return SOFTWARE_POINT_BUDGET
    if info.renderer == "unknown" or info.software:
        return SOFTWARE_POINT_BUDGET
    return GPU_POINT_BUDGET


class PointsVisual(Visual):
    #: set to draw a fixed number of points whatever the renderer (benchmarks, tests); None: ``point_budget``
    budget_override: int | None = None
    #: "splat" or "actors" whatever the renderer (benchmarks, tests); None: splatted in software GL
    draw_override: str | None = None

    def __init__(self, layer, ctx) -> None:
        super().__init__(layer, ctx)
        self.points_drawn = 0
        #: points the last frame drew (fewer than ``points_drawn`` while the camera moves)
        self.points_shown = 0
        self.voxel_m = 0.0
        self._legend: list = []
        self._bar: tuple | None = None
        #: per actor: the data index of each of its points (for identify)
        self._index: dict[int, np.ndarray] = {}
        #: token of the background preparation in flight (None when none)
        self._pending: object | None = None
        #: per tile: (its whole mesh, float64 origin, actor options, {points drawn: actor}) — the whole tile's
        #: actor under its point count, lighter ones (``LEVEL_STEP``) added as they are first needed
        self._tiles: list[tuple[pv.PolyData, np.ndarray, dict, dict[int, object]]] = []
        self._observer: int | None = None
        #: software GL: the points are splatted on the CPU (``ydtwin.render.splat``), not VTK actors
        self.splatting = False
        self._splat = None
        #: per tile of a splatted cloud: the data index of each of its points
        self._tile_index: list[np.ndarray] = []
        #: points a still frame draws, all clouds together (the renderer's budget, asked at build)
        self._still_budget = SOFTWARE_POINT_BUDGET

    def budget(self) -> int:
        if self.budget_override is not None:
            return self.budget_override
        return point_budget(self.ctx.plotter.render_window)

    def scene_xyz(self, index: np.ndarray) -> np.ndarray:
        layer: PointCloudLayer = self.layer  # type: ignore[assignment]
        xyz = layer.data.xyz[index]
        if layer.data.crs != self.ctx.scene.crs:
            x, y = self.ctx.scene.projection.to_scene(xyz[:, 0], xyz[:, 1], layer.data.crs)
            xyz = np.column_stack([x, y, xyz[:, 2]])
        return xyz

    def build(self) -> None:
        """Prepare the tiles (numpy: level of detail, colours, tiles; off the UI thread when the host runs work in
        the background) and make their actors (on the UI thread)."""
        self._legend, self._bar, self._index = [], None, {}
        self.points_drawn, self.voxel_m = 0, 0.0
        budget = self.budget()  # asks the GL context: here, on the UI thread
        self._still_budget = budget
        self.splatting = self._splats()
        rgb = self.splatting
        runner = getattr(self.ctx, "run_in_background", None)
        if runner is None:
            self._realise(self.prepare(budget, rgb=rgb))
            return
        token = object()
        self._pending = token
        runner(lambda: self.prepare(budget, rgb=rgb), lambda prepared: self._prepared_ready(token, prepared))

    def _splats(self) -> bool:
        """Whether this cloud is splatted on the CPU: in software GL, unless drawn as lit spheres."""
        if self.layer.shaded or self.draw_override == "actors":
            return False
        if self.draw_override == "splat":
            return True
        from ydtwin.render.backend import gl_info

        try:
            info = gl_info(self.ctx.plotter.render_window)
        except Exception:  # noqa: BLE001 - no capability report yet: assume the slower case
            return True
        return info.renderer == "unknown" or info.software

    def _prepared_ready(self, token, prepared: dict) -> None:
        if token is not self._pending:  # removed or rebuilt meanwhile
            return
        self._pending = None
        self._realise(prepared)
        self.apply_visibility()
        self.apply_opacity()
        ready = getattr(self.ctx, "visual_ready", None)
        if ready is not None:
            ready(self)

    def prepare(self, budget: int, *, rgb: bool = False) -> dict:
        """Everything but the VTK objects: the points drawn (voxel LOD within ``budget``), their colours and
        tiles with their origins (``rgb``: numeric colourings as RGB through their colormap too, for
        splatting). Safe in a worker thread."""
        layer: PointCloudLayer = self.layer  # type: ignore[assignment]
        shown = np.flatnonzero(layer.shown_mask())
        out: dict = {"tiles": [], "points": 0, "voxel_m": 0.0, "legend": [], "bar": None}
        if len(shown) == 0:
            return out
        xyz = self.scene_xyz(shown)
        pick, out["voxel_m"] = voxel_subsample(xyz, budget)
        index, xyz = shown[pick], xyz[pick]
        colours, scalars, out["legend"], out["bar"] = self._colouring(index)
        if rgb and colours is None:
            colours = _through_colormap(scalars, out["bar"])
        x0, y0 = np.floor(xyz[:, :2].min(axis=0) / POINT_TILE_M) * POINT_TILE_M
        x1, y1 = xyz[:, :2].max(axis=0) + 1.0
        grid = TileGrid(x0, y0, max(x1, x0 + 1.0), max(y1, y0 + 1.0), tile_size=POINT_TILE_M)
        ti, tj = grid.index_of(xyz[:, 0], xyz[:, 1])
        tile = ti * grid.shape[1] + tj
        order = np.argsort(tile, kind="stable")
        starts = np.flatnonzero(np.r_[True, tile[order][1:] != tile[order][:-1]])
        cls = layer.data.classification
        rng = np.random.default_rng(0)  # the same order every time: the same lighter frames
        for a, b in zip(starts, np.r_[starts[1:], len(order)], strict=True):
            sel = rng.permutation(order[a:b])  # any first share of a tile covers it evenly
            sel = _nearby_within_levels(sel, xyz)
            key = int(tile[sel[0]])
            origin = grid.origin(key // grid.shape[1], key % grid.shape[1])
            ground_pts = sel[cls[index[sel]] == GROUND_CLASS]
            ground = (np.median(xyz[ground_pts, 2]) if len(ground_pts) >= 10
                      else np.percentile(xyz[sel, 2], 2.0))
            origin[2] = ground
            local = to_local(xyz[sel], origin)
            origin[2] = self._terrain_top(xyz[sel])
            values = colours[sel] if colours is not None and (rgb or scalars is None) else scalars[sel]
            out["tiles"].append((key, origin, local, values, index[sel]))
        out["points"] = len(index)
        return out

    def _realise(self, prepared: dict) -> None:
        layer: PointCloudLayer = self.layer  # type: ignore[assignment]
        tr = self.ctx.translate
        self._legend = [(tr(name).format(*args), colour) for name, args, colour in prepared["legend"]]
        bar = prepared["bar"]
        self._bar = None if bar is None else (tr(bar[0]), bar[1], bar[2])
        if self.splatting:
            self._realise_splat(prepared)
            return
        for key, origin, local, values, index in prepared["tiles"]:
            cloud = pv.PolyData(local)
            options = dict(point_size=layer.point_size, render_points_as_spheres=layer.shaded,
                           lighting=layer.shaded, name=f"points-{layer.id}-{key}")
            if bar is None:
                cloud.point_data["rgb"] = values
                options.update(scalars="rgb", rgb=True)
            else:
                cloud.point_data[bar[0]] = values
                options.update(scalars=bar[0], cmap=bar[2], clim=bar[1], show_scalar_bar=False)
            tile = (cloud, origin, options, {})
            self._tiles.append(tile)
            self._tile_actor(tile, len(local), index)
        self.points_drawn, self.voxel_m = prepared["points"], prepared["voxel_m"]
        self.points_shown = self.points_drawn
        self.triangles = 0  # points are not triangles: the triangle budget is the buildings'
        if self._observer is None:
            self._observer = self.ctx.plotter.renderer.AddObserver("StartEvent", lambda *_: self.update_level())
        self.update_level()

    def _realise_splat(self, prepared: dict) -> None:
        from ydtwin.render.splat import SplatLayer

        layer: PointCloudLayer = self.layer  # type: ignore[assignment]
        tiles, lo, hi = [], np.full(3, np.inf), np.full(3, -np.inf)
        self._tile_index = []
        for _key, origin, local, values, index in prepared["tiles"]:
            tiles.append((np.ascontiguousarray(local, dtype=np.float32), np.ascontiguousarray(values, np.uint8),
                          np.asarray(origin, dtype=float)))
            self._tile_index.append(index)
            lo = np.minimum(lo, origin + local.min(axis=0))
            hi = np.maximum(hi, origin + local.max(axis=0))
        self.points_drawn, self.voxel_m = prepared["points"], prepared["voxel_m"]
        self.points_shown = self.points_drawn
        self.triangles = 0
        if not tiles:
            return
        bounds = (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])
        self._splat = SplatLayer(self.ctx.plotter, bounds, point_size=int(round(layer.point_size)),
                                 name=f"points-{layer.id}-splat")
        self._splat.set_tiles(tiles)
        self._splat.actor._ydtwin_layer = layer.id
        self.actors.append(self._splat.actor)
        self._splat.set_opacity(layer.opacity)
        if self._observer is None:
            self._observer = self.ctx.plotter.renderer.AddObserver("StartEvent", lambda *_: self.update_level())
        self.update_level()

    def apply_opacity(self) -> None:
        if self._splat is not None:
            self._splat.set_opacity(self.layer.opacity)
        else:
            super().apply_opacity()

    def _tile_actor(self, tile, count: int, index: np.ndarray | None = None):
        """The actor drawing the first ``count`` points of ``tile`` (made now if it is not there yet)."""
        cloud, origin, options, actors = tile
        actor = actors.get(count)
        if actor is not None:
            return actor
        whole = count == cloud.n_points
        mesh = cloud if whole else _first_points(cloud, count)
        actor = self._add(mesh, origin, **{**options, "name": options["name"] + ("" if whole else f"-{count}")})
        # ground points lie on the terrain: drawn a little nearer, so the surface does not hide them
        actor.GetMapper().SetResolveCoincidentTopologyToPolygonOffset()
        actor.GetMapper().SetRelativeCoincidentTopologyPointOffsetParameter(POINT_DEPTH_OFFSET)
        actor.prop.opacity = self.layer.opacity
        self.triangles = 0  # points are not triangles: the triangle budget is the buildings'
        if index is None:
            index = self._index[id(actors[cloud.n_points])]
        self._index[id(actor)] = index[:count]
        actors[count] = actor
        if not whole:
            self.ctx.uploads_this_frame = True  # its vertex list goes to the GPU in this frame
        return actor

    def update_level(self) -> None:
        """Before each frame: the share of each tile's points that keeps the clouds within the budget, rounded
        down to a power of ``LEVEL_STEP`` — the renderer's point budget when the camera is still (every tile
        whole for one cloud; with several, each its even share of it), the interactive budget
        (``RenderContext.point_budget``) while it moves."""
        if not self._tiles and self._splat is None:
            return
        visible = self.layer.visible
        step = 0
        if self.points_drawn:
            whole = self.ctx.point_budget.points if self.ctx.interacting else self._still_budget
            budget = whole / max(self.ctx.point_shares, 1)
            if budget < self.points_drawn:
                step = int(np.ceil(np.log(budget / self.points_drawn) / np.log(LEVEL_STEP) - 1e-9))
        shown = 0
        if self._splat is not None:
            sizes = [len(t[0]) for t in self._splat.tiles]
            self._splat.counts = [max(int(n * LEVEL_STEP**step), min(n, MIN_LEVEL_POINTS)) for n in sizes]
            self._splat.actor.SetVisibility(visible)
            self.points_shown = sum(self._splat.counts) if visible else 0
            return
        for tile in self._tiles:
            cloud, _origin, _options, actors = tile
            n = cloud.n_points
            count = max(int(n * LEVEL_STEP**step), min(n, MIN_LEVEL_POINTS))
            current = self._tile_actor(tile, count) if visible else None
            for actor in actors.values():
                actor.SetVisibility(actor is current)
            shown += count if visible else 0
        self.points_shown = shown

    def apply_visibility(self) -> None:
        self.update_level()

    def _terrain_top(self, xyz: np.ndarray) -> float:
        """The highest the terrain surface comes under these points (sampled on a 5 × 5 grid over their box):
        their ground is set there, so that the (interpolated, exaggerated) surface never covers it."""
        lo, hi = xyz[:, :2].min(axis=0), xyz[:, :2].max(axis=0)
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 5), np.linspace(lo[1], hi[1], 5))
        return float(self.ctx.surface.z(gx.ravel(), gy.ravel(), 0.0).max())

    def _colouring(self, index: np.ndarray):
        """(uint8 RGB per point or None, float32 values per point or None, legend rows as (untranslated name,
        format arguments, colour), colour bar (untranslated title, range, colormap) or None)."""
        layer: PointCloudLayer = self.layer  # type: ignore[assignment]
        data = layer.data
        by = layer.color_by
        if by == "classification":
            cls = data.classification[index]
            present = np.flatnonzero(np.bincount(cls, minlength=256))
            legend = [(class_name(int(c)), (), class_colour(int(c))) for c in present]
            return class_palette()[cls], None, legend, None
        if by == "rgb" and data.rgb is not None:
            return data.rgb[index], None, [], None
        if by == "return_number":
            ret = np.clip(data.return_number[index].astype(np.int64), 1, len(RETURN_COLOURS)) - 1
            present = np.flatnonzero(np.bincount(ret, minlength=len(RETURN_COLOURS)))
            legend = [("return {0}", (int(r) + 1,), tuple(RETURN_COLOURS[r])) for r in present]
            return np.round(RETURN_COLOURS[ret] * 255).astype(np.uint8), None, legend, None
        values = (data.xyz[index, 2] if by == "elevation" else data.intensity[index]).astype(np.float32)
        lo, hi = (float(v) for v in np.percentile(values, [2.0, 98.0]))
        hi = hi if hi > lo else lo + 1.0
        title, cmap = NUMERIC[by]
        return None, values, [], (title, (lo, hi), cmap)

    def legend_entries(self) -> list[tuple[str, tuple[float, float, float]]]:
        return list(self._legend) if self.layer.visible else []

    def scalar_bar(self) -> tuple[str, tuple[float, float], str] | None:
        return self._bar if self.layer.visible else None

    def describe_pick(self, actor, cell_id: int) -> dict | None:
        index = self._index.get(id(actor))
        if index is None or not 0 <= cell_id < len(index):
            return None
        return self._describe(int(index[cell_id]))

    def pick_pixel(self, x: int, y: int) -> tuple[dict, float, np.ndarray] | None:
        """A splatted cloud's point drawn at display pixel (x, y) (or within a few pixels) in the last frame:
        (its attributes, its distance along the view axis, its scene position), else None."""
        if self._splat is None or not self.layer.visible:
            return None
        found = self._splat.pick(x, y)
        if found is None:
            return None
        tile, i, distance = found
        local, _rgb, origin = self._splat.tiles[tile]
        return self._describe(int(self._tile_index[tile][i])), distance, origin + local[i].astype(float)

    def _describe(self, k: int) -> dict:
        layer: PointCloudLayer = self.layer  # type: ignore[assignment]
        data = layer.data
        record = {"layer": layer.name, "class": f"{data.classification[k]} {class_name(int(data.classification[k]))}",
                  "elevation_m": round(float(data.xyz[k, 2]), 2), "intensity": int(data.intensity[k]),
                  "return_number": int(data.return_number[k])}
        if data.rgb is not None:
            record["rgb"] = "#{:02x}{:02x}{:02x}".format(*(int(v) for v in data.rgb[k]))
        return record

    def remove(self) -> None:
        self._index = {}
        self._pending = None
        self._tiles = []
        self._tile_index = []
        if self._splat is not None:
            self._splat.detach()
            self._splat = None
        if self._observer is not None:
            self.ctx.plotter.renderer.RemoveObserver(self._observer)
            self._observer = None
        super().remove()


def _nearby_within_levels(sel: np.ndarray, xyz: np.ndarray) -> np.ndarray:
    """``sel`` (a tile's points in random order) with the points of each level band — between one lighter
    actor's count and the next (``LEVEL_STEP``) — in Z order: each first share is the same set of points,
    and neighbours on the ground come one after another (fewer cache misses when they are splatted)."""
    n = len(sel)
    bounds, step = {0, n, min(n, MIN_LEVEL_POINTS)}, 1
    while int(n * LEVEL_STEP**step) >= MIN_LEVEL_POINTS:  # the counts ``update_level`` draws
        bounds.add(int(n * LEVEL_STEP**step))
        step += 1
    bounds = sorted(bounds, reverse=True)
    lo = xyz[sel, :2].min(axis=0)
    cell = max(float(np.ptp(xyz[sel, :2], axis=0).max()) / 65535.0, 1e-9)
    q = ((xyz[sel, :2] - lo) / cell).astype(np.uint64)
    code = _spread_bits(q[:, 0]) | (_spread_bits(q[:, 1]) << np.uint64(1))
    out = sel.copy()
    for b, a in zip(bounds[:-1], bounds[1:], strict=True):
        out[a:b] = sel[a:b][np.argsort(code[a:b], kind="stable")]
    return out


def _spread_bits(v: np.ndarray) -> np.ndarray:
    """16-bit integers with a zero bit between each of their bits (a Z-order code's half)."""
    v = v & np.uint64(0xFFFF)
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def _through_colormap(values: np.ndarray, bar: tuple) -> np.ndarray:
    """uint8 RGB of numeric ``values`` through the colour bar's colormap and range (as VTK would map them)."""
    import matplotlib

    _title, (lo, hi), cmap = bar
    t = np.clip((np.asarray(values, dtype=float) - lo) / (hi - lo if hi > lo else 1.0), 0.0, 1.0)
    return np.round(matplotlib.colormaps[cmap](t)[:, :3] * 255).astype(np.uint8)


def _first_points(cloud: pv.PolyData, count: int) -> pv.PolyData:
    """A mesh that draws the first ``count`` points of ``cloud``: the same point and colour arrays (one copy
    in memory and on the GPU), its own vertex list."""
    mesh = pv.PolyData()
    mesh.SetPoints(cloud.GetPoints())
    mesh.GetPointData().ShallowCopy(cloud.GetPointData())
    mesh.verts = np.column_stack([np.ones(count, np.int64), np.arange(count, dtype=np.int64)]).ravel()
    return mesh


VISUALS[PointCloudLayer] = PointsVisual
