"""Buildings on screen: quadtree tiles, far-LOD aggregates, culling and a per-frame triangle budget.

``BuildingsVisual`` builds every tile mesh once (full detail for leaves, aggregated prisms for every
node; see ydtwin.geo.lod) as hidden actors. Before each render (the renderer's StartEvent) it selects the
tiles to draw for the current camera and toggles visibility; after it (EndEvent) it feeds the measured
frame time to the triangle budget. Each actor stays far below VTK's 2^31 cell-value limit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pyvista as pv

from ydtwin.geo.extrude import warm_up
from ydtwin.geo.lod import (
    MAX_ERROR_PX,
    MAX_TRIANGLES_PER_MESH,
    BuildingGeometry,
    Camera,
    LodIndex,
    Quadtree,
    Tile,
    build_tiles,
    select,
    select_within_budget,
)
from ydtwin.model.buildings import BuildingsLayer
from ydtwin.render import _vtk
from ydtwin.render.visuals import VISUALS, Visual

DEFAULT_COLOUR = (0.86, 0.84, 0.80)
PROCEDURAL_COLOUR = (0.78, 0.76, 0.72)
NUMERIC_CMAP = "plasma"
CATEGORY_COLOURS = np.array(
    [
        [0.90, 0.42, 0.32], [0.30, 0.60, 0.85], [0.95, 0.75, 0.30], [0.45, 0.75, 0.45], [0.70, 0.50, 0.85],
        [0.55, 0.80, 0.85], [0.95, 0.60, 0.75], [0.65, 0.65, 0.40], [0.85, 0.85, 0.85], [0.50, 0.40, 0.35],
        [0.35, 0.45, 0.70], [0.80, 0.30, 0.50],
    ]
)
OTHER_COLOUR = np.array([0.6, 0.6, 0.6])


@dataclass
class _Prepared:
    tree: Quadtree
    tiles: dict
    index: LodIndex
    values: dict | None
    kwargs: dict
    legend: list
    scalar_bar: tuple | None


class BuildingsVisual(Visual):
    #: for benchmarks/tests: culling and LOD can be switched off (brute force: every leaf in full)
    lod_enabled = True
    #: buildings per quadtree leaf before it splits
    quadtree_max_items = 12_000

    def __init__(self, layer, ctx) -> None:
        super().__init__(layer, ctx)
        self.tree: Quadtree | None = None
        self.index: LodIndex | None = None
        self.tiles: dict[tuple[int, str], Tile] = {}
        self.tile_actors: dict[tuple[int, str], object] = {}
        self.selected: list[tuple[int, str]] = []
        self.drawn_triangles = 0
        self.max_error_px = MAX_ERROR_PX
        self._observers: list[tuple[object, int]] = []
        self._legend: list[tuple[str, tuple[float, float, float]]] = []
        self._scalar_bar: tuple[str, tuple[float, float], str] | None = None
        self._template = None
        #: actors added to the renderer directly (not through pyvista's add_mesh)
        self._direct: list = []
        #: token of the background preparation in flight (None when none)
        self._pending: object | None = None
        #: tiles drawn at least once since they were built (their first frame includes the upload)
        self._drawn: set = set()

    # --- build -------------------------------------------------------------------------------------

    def geometry(self) -> BuildingGeometry:
        layer: BuildingsLayer = self.layer  # type: ignore[assignment]
        surface = self.ctx.surface
        return layer.data.scene_geometry(self.ctx.scene.projection, lambda x, y: surface.z(x, y, 0.0))

    def prepare(self) -> _Prepared:
        """Everything but the VTK objects (numpy, numba, pyproj; no OpenGL): safe in a worker thread."""
        layer: BuildingsLayer = self.layer  # type: ignore[assignment]
        geom = self.geometry()
        tree = Quadtree(geom.centre, max_items=self.quadtree_max_items)
        tiles = build_tiles(tree, geom, visible=~layer.hidden)
        index = LodIndex(tree, tiles)
        scalars, kwargs = self._colouring()
        values = {key: scalars(tile) for key, tile in tiles.items()} if scalars is not None else None
        return _Prepared(tree, tiles, index, values, kwargs, list(self._legend), self._scalar_bar)

    def build(self) -> None:
        layer: BuildingsLayer = self.layer  # type: ignore[assignment]
        if len(layer.data) == 0:
            return
        runner = getattr(self.ctx, "run_in_background", None)
        if runner is None:
            self.realise(self.prepare())
            return
        token = object()
        self._pending = token

        def start() -> None:
            if token is not self._pending:  # removed or rebuilt meanwhile
                return
            # the host runs the heavy part off its UI thread and hands the result back on it; the kernels are
            # loaded here first (LLVM initialisation must not race a software-GL driver's shader compiler)
            warm_up()
            runner(self.prepare, lambda prepared: self._prepared_ready(token, prepared))

        # with a host that defers work, after the frames already asked for: the rest of the scene is drawn
        # first (the tiles are made in the background and shown a slice at a time in any case)
        defer = getattr(self.ctx, "defer", None)
        if defer is not None:
            defer(start)
        else:
            start()

    def _prepared_ready(self, token, prepared: _Prepared) -> None:
        if token is not self._pending:  # removed or rebuilt meanwhile
            return

        def finished() -> None:
            self._pending = None
            self.apply_opacity()
            ready = getattr(self.ctx, "visual_ready", None)
            if ready is not None:
                ready(self)

        self.realise(prepared, token=token, then=finished)

    #: seconds of actor creation per event-loop turn when the host can defer work (keeps the UI responsive)
    REALISE_SLICE_S = 0.015

    def realise(self, prepared: _Prepared, *, token: object | None = None, then=None) -> None:
        """Create the tile actors on the UI thread. With a host ``ctx.defer`` the tiles are created a slice of
        ``REALISE_SLICE_S`` at a time across event-loop turns; otherwise all at once."""
        self._template = None
        self._direct = []
        self._legend, self._scalar_bar = prepared.legend, prepared.scalar_bar
        steps = self._realise_steps(prepared)
        defer = getattr(self.ctx, "defer", None) if token is not None else None

        def finish() -> None:
            self.tree, self.tiles, self.index = prepared.tree, prepared.tiles, prepared.index
            self._drawn = set()
            self.triangles = 0
            self._template = None
            self._observe()
            self.update_lod()
            if then is not None:
                then()

        if defer is None:
            for _ in steps:
                pass
            finish()
            return

        def pump() -> None:
            if token is not self._pending:  # removed meanwhile: remove() took the actors made so far
                return
            t0 = time.perf_counter()
            for _ in steps:
                if time.perf_counter() - t0 > self.REALISE_SLICE_S:
                    defer(pump)
                    return
            finish()

        pump()

    def _realise_steps(self, prepared: _Prepared):
        """Create the actors tile by tile (a generator: one step per tile)."""
        kwargs = prepared.kwargs
        for key, tile in prepared.tiles.items():
            values = prepared.values[key] if prepared.values is not None else None
            actors = []
            # one actor per ≤ MAX_TRIANGLES_PER_MESH triangles: far below VTK's 2^31 cell-value limit
            for c0 in range(0, tile.n_triangles, MAX_TRIANGLES_PER_MESH):
                sl = slice(c0, c0 + MAX_TRIANGLES_PER_MESH)
                tris = tile.triangles[sl]
                if tile.n_triangles <= MAX_TRIANGLES_PER_MESH:
                    mesh = pv.PolyData.from_regular_faces(tile.vertices, tris)
                else:  # a chunk keeps only the vertices it uses
                    used, local = np.unique(tris, return_inverse=True)
                    mesh = pv.PolyData.from_regular_faces(tile.vertices[used], local.reshape(-1, 3))
                mesh.cell_data["building"] = tile.triangle_building[sl]
                if values is not None:
                    mesh.cell_data["colour"] = values[sl]
                    # the actors that copy the template's mapper colour by the mesh's ACTIVE cell scalars
                    mesh.set_active_scalars("colour", preference="cell")
                actor = self._tile_actor(mesh, tile.origin, values is not None, kwargs)
                actor._ydtwin_tile = key
                actor._ydtwin_first_cell = c0
                actor.SetVisibility(False)
                actors.append(actor)
            self.tile_actors[key] = actors
            yield key

    def _tile_actor(self, mesh: pv.PolyData, origin: np.ndarray, coloured: bool, kwargs: dict):
        """The first tile goes through add_mesh (styles, lookup table); the others share its property and a
        copy of its mapper and are added to the renderer directly: pyvista's add_mesh looks every actor up
        by name, which makes adding a thousand tiles quadratic."""
        if self._template is None:
            extra = {"scalars": "colour", "show_scalar_bar": False} if coloured else {}
            actor = self._add(mesh, origin, name=f"bld-{self.layer.id}-template", **extra, **kwargs)
            self._template = actor
            return actor
        # a plain VTK mapper: pyvista's builds a lookup table per instance (0.4 ms each, ×hundreds of tiles)
        mapper = _vtk.vtkPolyDataMapper()
        mapper.ShallowCopy(self._template.mapper)
        mapper.SetInputData(mesh)
        actor = pv.Actor(mapper=mapper, prop=self._template.prop)
        actor.position = tuple(float(v) for v in origin)
        actor._ydtwin_base_opacity = 1.0
        actor._ydtwin_layer = self.layer.id
        actor._ydtwin_mesh = mesh
        self.ctx.plotter.renderer.AddActor(actor)
        self.actors.append(actor)
        self._direct.append(actor)
        self.triangles += mesh.n_cells
        return actor

    def _colouring(self):
        """(per-tile scalar function or None, add_mesh keyword arguments) for the layer's colour-by."""
        layer: BuildingsLayer = self.layer  # type: ignore[assignment]
        common = {"ambient": 0.25, "diffuse": 0.8, "specular": 0.05, "interpolation": "flat"}
        base = PROCEDURAL_COLOUR if layer.provenance.nature != "real" else DEFAULT_COLOUR
        tr = self.ctx.translate
        tag = layer.provenance.label()
        label = f"{tr(layer.name)} ({tr(tag)})" if tag else tr(layer.name)
        colour = layer.style.color if layer.style.color != (0.9, 0.9, 0.9) else base
        self._legend = [(label, colour)]  # a layer given a colour of its own shows it in the legend too
        self._scalar_bar = None
        attr = layer.color_by
        if not attr:
            return None, {"color": colour, **common}
        values = layer.values_for(attr)
        numeric = values.dtype.kind in "iuf" or _all_numbers(values)
        if numeric:
            v = values.astype(np.float64)
            finite = v[np.isfinite(v)]
            lo, hi = (float(np.percentile(finite, 1)), float(np.percentile(finite, 99))) if len(finite) else (0, 1)
            if hi <= lo:
                hi = lo + 1.0
            self._legend = []
            self._scalar_bar = (f"{layer.name}: {attr}", (lo, hi), NUMERIC_CMAP)

            def scalars(tile: Tile) -> np.ndarray:
                return _tile_values(tile, v, numeric=True).astype(np.float32)

            return scalars, {"cmap": NUMERIC_CMAP, "clim": (lo, hi), "nan_color": "lightgrey", **common}
        labels = np.array(["" if x is None else str(x) for x in values], dtype=object)
        uniq, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
        top = np.argsort(-counts)[: len(CATEGORY_COLOURS)]
        remap = np.full(len(uniq), len(top), dtype=np.int64)
        remap[top] = np.arange(len(top))
        code = remap[codes.ravel()].astype(np.float64)
        palette = np.vstack([CATEGORY_COLOURS[: len(top)], OTHER_COLOUR])
        self._legend = [(f"{attr}: {uniq[t] or '(none)'}", tuple(CATEGORY_COLOURS[i])) for i, t in enumerate(top)]
        if len(uniq) > len(top):
            self._legend.append((f"{attr}: other ({len(uniq) - len(top)})", tuple(OTHER_COLOUR)))
        lut = pv.LookupTable(cmap=_listed(palette))
        lut.scalar_range = (0, len(palette) - 1)
        lut.n_values = len(palette)

        def cat_scalars(tile: Tile) -> np.ndarray:
            return _tile_values(tile, code, numeric=False).astype(np.float32)

        return cat_scalars, {"cmap": lut, "clim": (-0.5, len(palette) - 0.5), **common}

    def legend_entries(self) -> list[tuple[str, tuple[float, float, float]]]:
        return list(self._legend) if self.layer.visible else []

    def scalar_bar(self):
        return self._scalar_bar if self.layer.visible else None

    # --- per frame ---------------------------------------------------------------------------------

    def _observe(self) -> None:
        ren = self.ctx.plotter.renderer
        self._observers = [
            (ren, ren.AddObserver("StartEvent", lambda *_: self.update_lod())),
        ]

    def camera(self) -> Camera:
        ren = self.ctx.plotter.renderer
        cam = ren.GetActiveCamera()
        w, h = ren.GetSize()
        aspect = w / max(h, 1)
        planes = [0.0] * 24
        cam.GetFrustumPlanes(aspect, planes)
        pf = h / (2 * math.tan(math.radians(cam.GetViewAngle()) / 2))
        return Camera(np.array(cam.GetPosition()), np.array(planes).reshape(6, 4), pf)

    def update_lod(self) -> None:
        if self.tree is None or not self.layer.visible:
            return
        lock = self.ctx.error_px_lock
        if self.lod_enabled and lock is not None and self.layer.id in lock:
            self.max_error_px = lock[self.layer.id]
            keys = select(self.tree, self.tiles, self.camera(), self.max_error_px, index=self.index)
        elif self.lod_enabled:
            share = int(self.ctx.budget.budget * self.ctx.detail) // max(self.ctx.budget_shares, 1)
            keys, self.max_error_px = select_within_budget(self.tree, self.tiles, self.camera(), share,
                                                           index=self.index)
        else:
            keys = [k for k in self.tiles if k[1] == "full"]
        chosen = set(keys)
        if not chosen <= self._drawn:
            self._drawn |= chosen
            self.ctx.uploads_this_frame = True
        for key, actors in self.tile_actors.items():
            for actor in actors:
                actor.SetVisibility(key in chosen)
        self.selected = keys
        self.drawn_triangles = sum(self.tiles[k].n_triangles for k in keys)
        self.triangles = self.drawn_triangles

    def apply_visibility(self) -> None:
        if not self.layer.visible:
            for actor in self.actors:
                actor.SetVisibility(False)
            self.triangles = 0
        else:
            self.update_lod()

    def remove(self) -> None:
        self._pending = None
        for obj, tag in self._observers:
            obj.RemoveObserver(tag)
        self._observers = []
        direct = {id(a) for a in self._direct}
        for actor in self._direct:
            self.ctx.plotter.renderer.RemoveActor(actor)
        self.actors = [a for a in self.actors if id(a) not in direct]
        self._direct = []
        self.tile_actors = {}
        self.tiles = {}
        self.tree = None
        self.index = None
        super().remove()

    # --- identify ----------------------------------------------------------------------------------

    def describe_pick(self, actor, cell_id: int) -> dict | None:
        key = getattr(actor, "_ydtwin_tile", None)
        if key is None or key not in self.tiles or cell_id < 0:
            return None
        tile = self.tiles[key]
        layer: BuildingsLayer = self.layer  # type: ignore[assignment]
        cell_id += getattr(actor, "_ydtwin_first_cell", 0)
        b = int(tile.triangle_building[cell_id])
        if b >= 0:
            rec = {"layer": layer.name, "building": b, **layer.data.attribute_record(b)}
            rec["provenance"] = layer.provenance.nature
            return rec
        cell = int(tile.triangle_cell[cell_id]) if tile.triangle_cell is not None else -1
        members = tile.cell_buildings[cell] if tile.cell_buildings is not None and cell >= 0 else np.zeros(0, int)
        h = layer.data.height[members]
        return {
            "layer": layer.name,
            "aggregate": f"{len(members)} buildings (zoom in for each)",
            "height_m": f"mean {h.mean():.1f}, max {h.max():.1f}" if len(h) else "",
            "provenance": layer.provenance.nature,
        }


def _all_numbers(values: np.ndarray) -> bool:
    return all(v is None or isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
               for v in values[:1000])


def _tile_values(tile: Tile, per_building: np.ndarray, *, numeric: bool) -> np.ndarray:
    """Per-triangle values: the building's, or for aggregate prisms the cell's mean (numeric) or mode."""
    out = np.full(tile.n_triangles, np.nan)
    own = tile.triangle_building >= 0
    out[own] = per_building[tile.triangle_building[own]]
    if tile.cell_buildings is not None and (~own).any():
        cells = tile.triangle_cell[~own]
        cell_vals = np.empty(len(tile.cell_buildings))
        for k, members in enumerate(tile.cell_buildings):
            vals = per_building[members]
            vals = vals[np.isfinite(vals)]
            if not len(vals):
                cell_vals[k] = np.nan
            elif numeric:
                cell_vals[k] = vals.mean()
            else:
                cell_vals[k] = np.bincount(vals.astype(np.int64)).argmax()
        out[~own] = cell_vals[cells]
    return out


def _listed(palette: np.ndarray):
    from matplotlib.colors import ListedColormap

    return ListedColormap(palette)


VISUALS[BuildingsLayer] = BuildingsVisual
