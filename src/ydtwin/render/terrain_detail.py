"""Terrain detail on screen: an imported DEM's tiles (``ydtwin.geo.terrain_detail``) at the level each needs.

``TerrainVisual`` owns a ``DetailTiles`` when its terrain has detail and calls ``update`` before each render
(the renderer's StartEvent): the tiles in view are chosen by the screen size of their cells within the frame's
triangle budget (``DetailIndex``), and each chosen tile and level becomes an actor the first time it is needed
and is then kept (the least recently drawn are dropped beyond ``RESIDENT_TRIANGLES``). Actors share the coarse
terrain's property and a copy of its mapper (same colours, lighting and opacity) and are added to the renderer
directly, not through pyvista's ``add_mesh`` (which looks every actor up by name). Their skirts face outwards
and back faces are culled, so that a pixel-wide seam between two tiles shows a skirt lit like the ground.

With a host that can defer work (the window), a frame creates new tiles for at most ``CREATE_SLICE_S``; where a
tile is not ready its nearest resident coarser tile is drawn instead and the rest are made on later turns of
the event loop, each followed by a frame. Without one (stills, tests) every tile a frame asks for is made.
"""

from __future__ import annotations

import time

import numpy as np
import pyvista as pv

from ydtwin.geo.lod import Camera
from ydtwin.geo.terrain_detail import DETAIL_PX, DetailIndex, TerrainDetail, select_within_budget, tile_mesh
from ydtwin.render import _vtk

__all__ = ["DETAIL_SHARE", "DetailTiles", "frame_camera"]

#: share of the frame's triangle budget the terrain detail may take (the buildings have theirs)
DETAIL_SHARE = 0.5


def frame_camera(renderer) -> Camera:
    """What level-of-detail selection needs of the renderer's camera: position, frustum planes, pixels per metre
    at 1 m."""
    cam = renderer.GetActiveCamera()
    w, h = renderer.GetSize()
    planes = [0.0] * 24
    cam.GetFrustumPlanes(w / max(h, 1), planes)
    pf = h / (2 * np.tan(np.radians(cam.GetViewAngle()) / 2))
    return Camera(np.array(cam.GetPosition()), np.reshape(planes, (6, 4)), float(pf))


def _array(values: np.ndarray, name: str):
    arr = _vtk.numpy_to_vtk(np.ascontiguousarray(values), deep=True)
    arr.SetName(name)
    return arr


def tile_polydata(mesh, rgb: np.ndarray) -> pv.PolyData:
    """A tile mesh → PolyData: float32 points, int32 triangle storage, point normals, ``rgb`` colours."""
    poly = _vtk.vtkPolyData()
    points = _vtk.vtkPoints()
    points.SetData(_vtk.numpy_to_vtk(np.ascontiguousarray(mesh.points), deep=True))
    poly.SetPoints(points)
    n = len(mesh.triangles)
    cells = _vtk.vtkCellArray()
    cells.SetData(_vtk.numpy_to_vtk(np.arange(0, 3 * n + 1, 3, dtype=np.int32), deep=True),
                  _vtk.numpy_to_vtk(np.ascontiguousarray(mesh.triangles.ravel()), deep=True))
    poly.SetPolys(cells)
    data = poly.GetPointData()
    data.SetNormals(_array(mesh.normals, "Normals"))
    data.AddArray(_array(rgb, "rgb"))
    data.SetActiveScalars("rgb")
    return pv.wrap(poly)


class DetailTiles:
    """The actors of a terrain's detail tiles, chosen per frame."""

    #: seconds of tile creation a frame may spend when the host can defer the rest
    CREATE_SLICE_S = 0.02
    #: triangles kept in resident tile actors at most (the least recently drawn go first)
    RESIDENT_TRIANGLES = 12_000_000

    def __init__(self, visual, detail: TerrainDetail, template, *, colours, shade: bool) -> None:
        self.visual = visual
        self.detail = detail
        self.template = template
        self.colours = colours
        self.shade = shade
        exag = visual.ctx.scene.vertical_exaggeration
        self.exaggeration = exag
        self.indexes = [DetailIndex(grid, exag) for grid in detail.grids]
        # the coarse terrain's look, and back faces culled: two tiles' skirts meet back to back in the plane of
        # their shared edge, where a back face (lit from behind: black) would show through a pixel-wide seam
        self.prop = pv.Property()
        self.prop.DeepCopy(template.prop)
        self.prop.BackfaceCullingOn()
        #: (grid, node) → actor, and the frame each was last drawn in
        self.actors: dict[tuple[int, int], object] = {}
        self._used: dict[tuple[int, int], int] = {}
        self._frame = 0
        self._first_drawn: set[tuple[int, int]] = set()
        self._waiting: list[tuple[int, int]] = []
        self._deferred = False
        self._removed = False
        #: what the last frame drew: keys, triangles, and the pixel threshold the budget allowed
        self.shown: list[tuple[int, int]] = []
        self.triangles = 0
        self.threshold_px = DETAIL_PX

    # --- actors ---------------------------------------------------------------------------------------------

    def _make(self, key: tuple[int, int]):
        g, node = key
        index = self.indexes[g]
        mesh = tile_mesh(index.grid, int(index.level[node]), int(index.i[node]), int(index.j[node]),
                         self.exaggeration, shade=self.shade)
        rgb = self.colours(mesh.heights, mesh.heights > 0, mesh.shade)
        poly = tile_polydata(mesh, rgb)
        mapper = _vtk.vtkPolyDataMapper()
        mapper.ShallowCopy(self.template.mapper)
        mapper.SetInputData(poly)
        actor = pv.Actor(mapper=mapper, prop=self.prop)
        actor.position = tuple(float(v) for v in mesh.origin)
        actor._ydtwin_layer = self.visual.layer.id
        actor._ydtwin_mesh = poly
        actor._ydtwin_triangles = mesh.n_triangles
        actor.SetVisibility(False)
        self.visual.ctx.plotter.renderer.AddActor(actor)
        self.actors[key] = actor
        return actor

    def _ancestor(self, key: tuple[int, int]) -> tuple[int, int]:
        """The nearest resident coarser tile over ``key`` (made now when none is: the root of its tree)."""
        g, node = key
        parent = self.indexes[g].parent
        while parent[node] >= 0:
            node = int(parent[node])
            if (g, node) in self.actors:
                return g, node
        if (g, node) not in self.actors:
            self._make((g, node))
        return g, node

    def _continue(self) -> None:
        """Make the tiles the last frame had to leave out (a slice per turn), then ask for a frame."""
        ctx = self.visual.ctx
        if self._removed:
            return
        t0 = time.perf_counter()
        while self._waiting:
            key = self._waiting.pop()
            if key not in self.actors:
                self._make(key)
            if time.perf_counter() - t0 > self.CREATE_SLICE_S and self._waiting:
                ctx.defer(self._continue)
                return
        self._deferred = False
        if ctx.visual_ready is not None:
            ctx.visual_ready(self.visual)

    # --- per frame ------------------------------------------------------------------------------------------

    def update(self, camera: Camera, *, visible: bool, budget: int) -> int:
        """Choose and show this frame's tiles → the triangles drawn."""
        self._frame += 1
        if not visible:
            for actor in self.actors.values():
                actor.SetVisibility(False)
            self.shown, self.triangles = [], 0
            return 0
        chosen, self.threshold_px = select_within_budget(self.indexes, camera, budget)
        wanted = [(g, int(n)) for g, ids in enumerate(chosen) for n in ids]
        ctx = self.visual.ctx
        defer = ctx.defer
        t0 = time.perf_counter()
        missing = []
        for key in sorted(wanted, key=lambda k: -int(self.indexes[k[0]].level[k[1]])):  # coarsest first
            if key in self.actors:
                continue
            if defer is None or time.perf_counter() - t0 < self.CREATE_SLICE_S:
                self._make(key)
            else:
                missing.append(key)
        shown = set(wanted)
        if missing:
            stand_ins = {self._ancestor(key) for key in missing}
            shown = {key for key in shown if key in self.actors and not self._under(key, stand_ins)} | stand_ins
            self._waiting = missing
            if not self._deferred:
                self._deferred = True
                defer(self._continue)
        tris = 0
        for key, actor in self.actors.items():
            on = key in shown
            actor.SetVisibility(on)
            if on:
                self._used[key] = self._frame
                tris += actor._ydtwin_triangles
                if key not in self._first_drawn:
                    self._first_drawn.add(key)
                    ctx.uploads_this_frame = True
        self.shown, self.triangles = sorted(shown), tris
        self._evict(shown)
        return tris

    def _under(self, key: tuple[int, int], tops: set[tuple[int, int]]) -> bool:
        g, node = key
        parent = self.indexes[g].parent
        while parent[node] >= 0:
            node = int(parent[node])
            if (g, node) in tops:
                return True
        return False

    def _evict(self, shown: set) -> None:
        total = sum(a._ydtwin_triangles for a in self.actors.values())
        if total <= self.RESIDENT_TRIANGLES:
            return
        renderer = self.visual.ctx.plotter.renderer
        for key in sorted((k for k in self.actors if k not in shown), key=lambda k: self._used.get(k, 0)):
            actor = self.actors.pop(key)
            renderer.RemoveActor(actor)
            self._used.pop(key, None)
            self._first_drawn.discard(key)
            total -= actor._ydtwin_triangles
            if total <= self.RESIDENT_TRIANGLES:
                break

    def remove(self) -> None:
        self._removed = True
        renderer = self.visual.ctx.plotter.renderer
        for actor in self.actors.values():
            renderer.RemoveActor(actor)
        self.actors = {}
        self._waiting = []
        self.shown, self.triangles = [], 0
