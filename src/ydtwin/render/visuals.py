"""Visuals: how each layer type becomes actors. ``VISUALS[type(layer)]`` picks the class.

Every visual builds its meshes per tile: float64 scene coordinates minus the tile's float64 origin,
cast to float32, with the actor positioned at the origin (see ydtwin.geo.tiles).
"""

from __future__ import annotations

import numpy as np
import pyvista as pv
import shapely

from ydtwin.geo.drape import SurfaceHeights, line_arrays, polygon_triangles
from ydtwin.geo.inundation import cell_rectangles
from ydtwin.geo.labels import CITY, DISTRICT, FINDING, PROJECT
from ydtwin.geo.lod import InteractivePointBudget, TriangleBudget, boxes_in_view
from ydtwin.geo.relief import hillshade
from ydtwin.geo.terrain_detail import sea_surface_cells
from ydtwin.geo.tiles import TileGrid, split_by_tiles, to_local
from ydtwin.model.layer import LabelLayer, Layer, TerrainLayer, VectorLayer
from ydtwin.model.scene import Scene
from ydtwin.render import _vtk
from ydtwin.render.fonts import cjk_font
from ydtwin.render.labels import LabelPlacer, make_label, set_label_opacity
from ydtwin.render.terrain_detail import DETAIL_SHARE, DetailTiles, frame_camera

#: terrain cells per render block (≈ 100 × 120 km at 30″): each block is one actor per level of detail with
#: its own origin (local coordinates ≤ 60 km: float32 spacing ≤ 4 mm). Few, big actors: on a GPU each
#: drawn actor costs tens of microseconds of CPU however small it is.
TERRAIN_BLOCK = 128
#: lines and fills are cut into tiles of this size (m), each with its float64 origin: ≤ 100 km from it,
#: float32 spacing ≤ 8 mm, and a handful of actors per layer instead of one per 50 km scene tile
VECTOR_TILE_M = 200_000.0
#: line vertices are inserted so no segment is longer than this (m), so lines follow the terrain
DENSIFY_M = 400.0
#: depth offsets (VTK's relative coincident-topology factor, units) that keep draped lines and fills in front
#: of the terrain they lie on: a few metres apart, seen from tens of kilometres, the two fight for the same
#: depth values (specks of land in a lake); lines a step further forward than fills, so that boundaries across
#: a lake stay visible. VTK applies the units in the fragment shader as ``units / 65000`` of the depth range, so
#: the depth buffer shows these a little nearer than they are (see SceneView.world_at).
DRAPED_FILL_OFFSET = (0.0, -4.0)
DRAPED_LINE_OFFSET = (-2.0, -8.0)
SEA_COLOUR = (0.10, 0.30, 0.52)
SEA_OPACITY = 0.55

# elevation (m) → colour ramp; below 0 the synthetic sea floor
_LAND_STOPS = np.array([0.0, 10.0, 50.0, 200.0, 500.0, 1000.0, 1500.0])
_LAND_RGB = np.array(
    [
        [0.56, 0.70, 0.42],
        [0.47, 0.64, 0.36],
        [0.58, 0.62, 0.38],
        [0.62, 0.55, 0.36],
        [0.55, 0.44, 0.32],
        [0.70, 0.66, 0.62],
        [0.95, 0.95, 0.95],
    ]
)
_SEA_STOPS = np.array([-60.0, -20.0, -5.0, 0.0])
_SEA_RGB = np.array([[0.05, 0.16, 0.33], [0.10, 0.30, 0.50], [0.30, 0.52, 0.66], [0.45, 0.62, 0.70]])


def terrain_colours(elevation: np.ndarray, land: np.ndarray, shade: np.ndarray | None = None) -> np.ndarray:
    """uint8 RGB per vertex: hypsometric tints on land (or, with ``shade`` 0–1, grey relief shading), depth
    tints on the (synthetic) sea floor."""
    e = np.asarray(elevation, dtype=np.float64)
    rgb_land = np.column_stack([np.interp(e, _LAND_STOPS, _LAND_RGB[:, k]) for k in range(3)])
    if shade is not None:
        rgb_land = (0.15 + 0.82 * np.asarray(shade, dtype=np.float64))[:, None] * np.array([1.0, 0.98, 0.94])
    rgb_sea = np.column_stack([np.interp(e, _SEA_STOPS, _SEA_RGB[:, k]) for k in range(3)])
    rgb = np.where(land[:, None], rgb_land, rgb_sea)
    return (rgb * 255).round().astype(np.uint8)


def water_mesh(xy: np.ndarray, dims: tuple[int, int], cells: np.ndarray, origin: np.ndarray) -> pv.PolyData | None:
    """A flat water surface (z = 0, local to ``origin``) over the True ``cells`` of a block of grid values whose
    scene x/y are ``xy`` ((nx·ny, 2), rows of ``dims[0]``): whole 16 × 16 tiles as one quad each."""
    rects = cell_rectangles(cells, 16)
    if not len(rects):
        return None
    nx = dims[0]
    j0, i0, j1, i1 = rects.T
    quads = np.column_stack([np.full(len(rects), 4), j0 * nx + i0, j0 * nx + i1, j1 * nx + i1, j1 * nx + i0])
    pts = np.column_stack([xy, np.zeros(len(xy))])
    return pv.PolyData(to_local(pts, origin), faces=quads.ravel()).clean()


def line_cells(offsets: np.ndarray) -> np.ndarray:
    """VTK line connectivity ``[n, i0 … in-1, …]`` for consecutive point runs given by ``offsets``."""
    counts = np.diff(offsets)
    n = len(counts)
    cells = np.empty(int(offsets[-1]) + n, dtype=np.int64)
    heads = offsets[:-1] + np.arange(n)
    cells[heads] = counts
    mask = np.ones(len(cells), dtype=bool)
    mask[heads] = False
    cells[mask] = np.arange(int(offsets[-1]))
    return cells


class RenderContext:
    """What visuals share: the scene, the plotter and the surface lines are draped on."""

    def __init__(self, scene: Scene, plotter: pv.Plotter, budget: TriangleBudget | None = None,
                 point_budget: InteractivePointBudget | None = None) -> None:
        self.scene = scene
        self.plotter = plotter
        #: the per-frame triangle budget that level-of-detail visuals share (fed with measured frame times)
        self.budget = budget or TriangleBudget()
        #: points a frame may draw while the camera moves (fed with the frame times measured while it moves)
        self.point_budget = point_budget or InteractivePointBudget()
        #: set by the host while the user moves the camera (drag, wheel): point clouds draw lighter frames
        self.interacting = False
        #: how many point cloud visuals share the interactive point budget (set by the view)
        self.point_shares = 1
        #: how many level-of-detail visuals share the budget (set by the view)
        self.budget_shares = 1
        #: share of the budget this frame may use (the view lowers it while background work runs)
        self.detail = 1.0
        #: an export's level of detail, chosen once for its whole image: per buildings layer id, the screen-space
        #: error (pixels) its tiles are drawn at whatever a tile's budget would say (None: each frame chooses)
        self.error_px_lock: dict[int, float] | None = None
        #: set by the view: ``run_in_background(work, done)`` or None (build at once), and the callback a
        #: visual calls when its background build has become actors
        self.run_in_background = None
        self.visual_ready = None
        #: set by the view: ``defer(fn)`` runs ``fn`` on a later turn of the host's event loop, or None
        self.defer = None
        #: set by the view: the host's translation of names shown in the scene (legend entries)
        self.translate = lambda text: text
        #: set when this frame draws something for the first time (its upload to the GPU makes the frame
        #: slow and says nothing about the machine's steady speed): the budget skips such frames
        self.uploads_this_frame = False
        terrain = next((layer for layer in scene.layers if isinstance(layer, TerrainLayer)), None)
        self.surface = SurfaceHeights(
            terrain.elevation if terrain is not None else None, scene.projection, scene.vertical_exaggeration
        )


class Visual:
    """Actors of one layer. Subclasses implement ``build``."""

    def __init__(self, layer: Layer, ctx: RenderContext) -> None:
        self.layer = layer
        self.ctx = ctx
        self.actors: list = []
        self.triangles = 0

    def build(self) -> None:
        raise NotImplementedError

    def attach(self) -> None:
        self.build()
        self.apply_visibility()
        self.apply_opacity()

    def remove(self) -> None:
        for actor in self.actors:
            if isinstance(actor, _vtk.vtkBillboardTextActor3D):
                label_renderer(self.ctx.plotter).RemoveActor(actor)
            else:
                self.ctx.plotter.remove_actor(actor, render=False)
        self.actors = []
        self.triangles = 0

    def rebuild(self) -> None:
        self.remove()
        self.attach()

    def legend_entries(self) -> list[tuple[str, tuple[float, float, float]]]:
        """(label, colour) rows this visual adds to the legend."""
        return []

    def scalar_bar(self) -> tuple[str, tuple[float, float], str] | None:
        """(title, range, colormap) when the visual colours by a numeric attribute."""
        return None

    def describe_pick(self, actor, cell_id: int) -> dict | None:
        """Attributes of what was picked at ``cell_id`` of ``actor`` (one of this visual's), if anything."""
        return None

    def apply_visibility(self) -> None:
        for actor in self.actors:
            actor.SetVisibility(self.layer.visible)

    def apply_opacity(self) -> None:
        for actor in self.actors:
            prop = getattr(actor, "prop", None)
            if prop is not None:
                prop.opacity = self.layer.opacity * getattr(actor, "_ydtwin_base_opacity", 1.0)

    def _add(self, mesh: pv.DataSet, origin: np.ndarray, *, base_opacity: float = 1.0, **kwargs):
        actor = self.ctx.plotter.add_mesh(mesh, reset_camera=False, render=False, **kwargs)
        actor.position = tuple(float(v) for v in origin)
        actor._ydtwin_base_opacity = base_opacity
        actor._ydtwin_layer = self.layer.id
        # the mesh as built (pyvista's mapper.dataset is not it once smooth shading adds a normals stage)
        actor._ydtwin_mesh = mesh
        self.actors.append(actor)
        self.triangles += mesh.n_cells if isinstance(mesh, pv.PolyData) else 2 * mesh.n_cells
        return actor


class TerrainVisual(Visual):
    """Terrain blocks (DEM on land, synthetic bathymetry at sea) and the translucent sea surface.

    Each block has a full-resolution mesh and a half-resolution one (a quarter of the triangles); before
    each render the coarse one is drawn where a DEM cell would cover fewer than ``COARSE_BELOW_PX`` pixels.
    """

    COARSE_BELOW_PX = 3.0

    def __init__(self, layer, ctx) -> None:
        super().__init__(layer, ctx)
        #: (full actor, coarse actor, block centre (scene), cell size (m), (full, coarse) triangle counts)
        self.blocks: list[tuple[object, object, np.ndarray, float, tuple[int, int]]] = []
        #: per block: its sea surface actor and scene bounds (xmin, xmax, ymin, ymax, zmin, zmax)
        self._sea_actors: list = []
        self._sea_counts: list[int] = []
        self._block_bounds = np.zeros((0, 6))
        self._observer: int | None = None
        self._drawn: set[int] = set()
        #: the imported DEMs' detail tiles (ydtwin.render.terrain_detail), when the terrain has any
        self.detail = None

    def build(self) -> None:
        layer: TerrainLayer = self.layer  # type: ignore[assignment]
        grid = layer.elevation
        proj = self.ctx.scene.projection
        exag = self.ctx.scene.vertical_exaggeration
        lon_axis, lat_axis = grid.axes()
        ny, nx = grid.shape
        land = layer.land_mask if layer.land_mask is not None else grid.values > 0
        # hillshade: the relief is in the colours, so the scene's lights leave the terrain alone
        shade = hillshade(grid, z_factor=exag) if layer.colouring == "hillshade" else None
        # mesh cells wholly under an imported DEM's detail tiles are not drawn coarse (no show-through)
        covered = layer.detail.covered if layer.detail is not None else None
        sea_surface = sea_surface_cells(land, layer.detail)
        bounds = []
        for j0 in range(0, ny - 1, TERRAIN_BLOCK):
            j1 = min(j0 + TERRAIN_BLOCK, ny - 1)
            for i0 in range(0, nx - 1, TERRAIN_BLOCK):
                i1 = min(i0 + TERRAIN_BLOCK, nx - 1)
                lon, lat = np.meshgrid(lon_axis[i0 : i1 + 1], lat_axis[j0 : j1 + 1])
                x, y = proj.to_scene(lon.ravel(), lat.ravel())
                e = grid.values[j0 : j1 + 1, i0 : i1 + 1].ravel().astype(np.float64)
                pts = np.column_stack([x, y, e * exag])
                origin = np.array([x.mean(), y.mean(), 0.0])
                rgb = terrain_colours(e, land[j0 : j1 + 1, i0 : i1 + 1].ravel(),
                                      None if shade is None else shade[j0 : j1 + 1, i0 : i1 + 1].ravel())
                dims = (i1 - i0 + 1, j1 - j0 + 1)
                actors = []
                counts = []
                for step in (1, 2):
                    si = np.unique(np.r_[np.arange(0, dims[0], step), dims[0] - 1])
                    sj = np.unique(np.r_[np.arange(0, dims[1], step), dims[1] - 1])
                    idx = (sj[:, None] * dims[0] + si[None, :]).ravel()
                    surf = grid_surface(to_local(pts[idx], origin), len(si), len(sj))
                    surf.point_data["elevation_m"] = e[idx].astype(np.float32)
                    surf.point_data["rgb"] = rgb[idx]
                    if covered is not None:
                        surf = _without_cells(surf, covered[j0:j1, i0:i1], si, sj)
                    actors.append(self._add(surf, origin, scalars="rgb", rgb=True, smooth_shading=True,
                                            specular=0.05, lighting=shade is None,
                                            name=f"terrain-{layer.id}-{i0}-{j0}-{step}"))
                    counts.append(surf.n_cells)
                cell_m = float(np.hypot(*(pts[1, :2] - pts[0, :2])))
                self.blocks.append((actors[0], actors[1], origin, cell_m, (counts[0], counts[1])))
                lo, hi = pts.min(axis=0), pts.max(axis=0)
                bounds.append((lo[0], hi[0], lo[1], hi[1], min(lo[2], 0.0), max(hi[2], 0.0)))
                # the sea surface over this block: at the scene's sea level, over the mesh cells with sea at a
                # corner (whole 16 × 16 tiles merged), so that low land inland is never under it
                sea_cells = sea_surface[j0:j1, i0:i1]
                sea_surf = water_mesh(pts[:, :2], dims, sea_cells, origin)
                sea_actor = None
                if sea_surf is not None:
                    sea_actor = self._add(sea_surf, origin, base_opacity=SEA_OPACITY, color=SEA_COLOUR,
                                          opacity=SEA_OPACITY, specular=0.3, specular_power=30,
                                          name=f"sea-{layer.id}-{i0}-{j0}")
                self._sea_actors.append(sea_actor)
                self._sea_counts.append(sea_surf.n_cells * 2 if sea_surf is not None else 0)
        self._block_bounds = np.array(bounds, dtype=np.float64).reshape(-1, 6)
        if layer.detail is not None and self.blocks:
            self.detail = DetailTiles(self, layer.detail, self.blocks[0][0], colours=terrain_colours,
                                      shade=shade is not None)
        self.set_sea_level(self.ctx.scene.sea_level)
        self.ctx.scene.events.sea_level.connect(self.set_sea_level)
        ren = self.ctx.plotter.renderer
        self._observer = ren.AddObserver("StartEvent", lambda *_: self.update_lod())
        self.update_lod()

    def update_lod(self) -> None:
        """Per block: hidden when outside the view frustum, else full or half resolution from the size of a
        DEM cell on screen (at the block's nearest point)."""
        if not self.blocks:
            return
        visible = self.layer.visible
        camera = frame_camera(self.ctx.plotter.renderer)
        pf = camera.pixel_factor
        inside, dist = boxes_in_view(self._block_bounds, camera)
        tris = 0
        threshold = self.COARSE_BELOW_PX
        for k, (full, coarse, _centre, cell_m, (n_full, n_coarse)) in enumerate(self.blocks):
            shown_block = visible and bool(inside[k])
            use_full = bool(cell_m * pf / dist[k] >= threshold)
            shown = full if use_full else coarse
            if shown_block and id(shown) not in self._drawn:
                self._drawn.add(id(shown))
                self.ctx.uploads_this_frame = True
            full.SetVisibility(shown_block and use_full)
            coarse.SetVisibility(shown_block and not use_full)
            if self._sea_actors[k] is not None:
                self._sea_actors[k].SetVisibility(shown_block)
            if shown_block:
                tris += (n_full if use_full else n_coarse) + self._sea_counts[k]
        if self.detail is not None:
            budget = int(self.ctx.budget.budget * self.ctx.detail * DETAIL_SHARE)
            tris += self.detail.update(camera, visible=visible, budget=budget)
        self.triangles = tris

    def apply_visibility(self) -> None:
        super().apply_visibility()
        self.update_lod()

    def apply_opacity(self) -> None:
        super().apply_opacity()
        if self.detail is not None:
            self.detail.prop.opacity = self.layer.opacity

    def set_sea_level(self, level_m: float) -> None:
        """Raise (or lower) the sea surface to ``level_m`` metres, exaggerated like the terrain."""
        z = float(level_m) * self.ctx.scene.vertical_exaggeration
        for actor in self._sea_actors:
            if actor is not None:
                x, y, _z = actor.position
                actor.position = (x, y, z)

    def remove(self) -> None:
        if self._observer is not None:
            self.ctx.plotter.renderer.RemoveObserver(self._observer)
            self._observer = None
        self.ctx.scene.events.sea_level.disconnect(self.set_sea_level)
        if self.detail is not None:
            self.detail.remove()
            self.detail = None
        self.blocks = []
        self._sea_actors, self._sea_counts = [], []
        self._block_bounds = np.zeros((0, 6))
        self._drawn = set()
        super().remove()


def grid_surface(points: np.ndarray, nx: int, ny: int) -> pv.PolyData:
    """A surface over a grid of ``ny`` rows of ``nx`` points (row-major): two triangles a cell, facing up
    (+z), with point normals (the mean of the unit normals of the triangles around each point, as VTK's
    normals filter computes them) and ``vtkOriginalPointIds`` (the grid index of each point).

    Built with numpy: a fifth of the time of VTK's surface, triangulation and normals filters."""
    points = np.ascontiguousarray(points, dtype=np.float32)
    a = (np.arange(ny - 1)[:, None] * nx + np.arange(nx - 1)[None, :]).ravel()
    tris = np.empty((2 * len(a), 3), dtype=np.int64)
    tris[0::2] = np.column_stack([a, a + 1, a + nx + 1])
    tris[1::2] = np.column_stack([a, a + nx + 1, a + nx])
    p = points.astype(np.float64)
    face = np.cross(p[tris[:, 1]] - p[tris[:, 0]], p[tris[:, 2]] - p[tris[:, 0]])
    if len(face) and face[:, 2].sum() < 0:  # rows run south or columns west: turn every triangle over
        tris = tris[:, ::-1]
        face = -face
    length = np.linalg.norm(face, axis=1)
    unit = face / np.where(length > 0, length, 1.0)[:, None]
    normals = np.zeros((len(points), 3))
    for k in range(3):
        normals += np.column_stack([np.bincount(tris[:, k], weights=unit[:, c], minlength=len(points))
                                    for c in range(3)])
    normals /= np.maximum(np.linalg.norm(normals, axis=1), 1e-12)[:, None]
    surf = pv.PolyData.from_regular_faces(points, tris)
    surf.point_data["Normals"] = normals.astype(np.float32)
    surf.point_data.active_normals_name = "Normals"
    surf.point_data["vtkOriginalPointIds"] = np.arange(len(points), dtype=np.int64)
    return surf


def _without_cells(surf: pv.PolyData, covered: np.ndarray, si: np.ndarray, sj: np.ndarray) -> pv.PolyData:
    """A block's triangulated mesh (every ``si``-th / ``sj``-th value of the block) without the triangles of its
    cells that lie wholly on ``covered`` cells of the full grid (cells under detail tiles)."""
    cut = np.logical_and.reduceat(np.logical_and.reduceat(covered, sj[:-1], axis=0), si[:-1], axis=1)
    if not cut.any():
        return surf
    faces = surf.regular_faces
    original = np.asarray(surf.point_data["vtkOriginalPointIds"])[faces]
    row, col = np.divmod(original, len(si))
    keep = ~cut[row.min(axis=1), col.min(axis=1)]
    out = surf.copy()
    out.cell_data.clear()  # per-cell arrays of the uncut mesh (original cell ids) no longer fit
    out.faces = np.column_stack([np.full(int(keep.sum()), 3), faces[keep]]).ravel()
    return out


class VectorVisual(Visual):
    """Lines (and polygon outlines) draped on the terrain; optional fills for polygons. A style with classes
    draws each class in its own colour and width; a height field lifts features (bridges) above the ground."""

    def build(self) -> None:
        layer: VectorLayer = self.layer  # type: ignore[assignment]
        scene = self.ctx.scene
        style = layer.style
        geoms = layer.data.geometries
        if len(geoms) == 0:
            return

        def to_scene(coords: np.ndarray) -> np.ndarray:
            x, y = scene.projection.to_scene(coords[:, 0], coords[:, 1], layer.data.crs)
            return np.column_stack([x, y])

        scene_geoms = shapely.segmentize(shapely.transform(geoms, to_scene), DENSIFY_M)
        grid = TileGrid(*scene.extent, tile_size=VECTOR_TILE_M)
        for sel, color, width, lift, tag in self._groups():
            self._draw(scene_geoms[sel], grid, color, width, style.drape_offset + lift, style.fill, tag)

    def _groups(self):
        """(feature mask, colour, line width, height above the drape, name tag) of each drawn group."""
        layer = self.layer
        style = layer.style
        attrs = layer.data.attributes
        n = len(layer.data)
        heights = np.zeros(n)
        if style.height_field and style.height_field in attrs:
            heights = np.nan_to_num(np.asarray(attrs[style.height_field], dtype=np.float64))
        classes = style.classes if style.class_field in attrs else ()
        looks = [(np.ones(n, dtype=bool), style.color, style.line_width)] if not classes else [
            (np.asarray(attrs[style.class_field], dtype=str) == value, color, width)
            for value, color, width in classes]
        for k, (mask, color, width) in enumerate(looks):
            for h in np.unique(heights[mask]):
                sel = mask & (heights == h)
                if sel.any():
                    yield sel, color, width, float(h), f"{k}-{int(h)}"

    def _draw(self, geoms: np.ndarray, grid: TileGrid, color, width: float, offset: float, fill: bool,
              tag: str) -> None:
        layer = self.layer
        is_poly = np.isin(shapely.get_type_id(geoms), (3, 6))
        # outlines are cut at tile borders as lines, so the cuts add no edges of their own; a width of 0: fills only
        outlines = geoms.copy()
        outlines[is_poly] = shapely.boundary(geoms[is_poly])
        if width <= 0:
            outlines = outlines[~is_poly]
        for (i, j), part in split_by_tiles(outlines, grid).items():
            origin = grid.origin(i, j)
            coords, offsets = line_arrays(part)
            if len(coords):
                z = self.ctx.surface.z(coords[:, 0], coords[:, 1], offset)
                poly = pv.PolyData(to_local(np.column_stack([coords, z]), origin), lines=line_cells(offsets))
                actor = self._add(poly, origin, color=color, line_width=width, lighting=False,
                                  name=f"lines-{layer.id}-{tag}-{i}-{j}")
                _in_front_of_terrain(actor, DRAPED_LINE_OFFSET)
        if not (fill and is_poly.any()):
            return
        for (i, j), part in split_by_tiles(geoms[is_poly], grid).items():
            origin = grid.origin(i, j)
            verts, tris = polygon_triangles(part[np.isin(shapely.get_type_id(part), (3, 6))])
            if len(tris):
                z = self.ctx.surface.z(verts[:, 0], verts[:, 1], offset * 0.5)
                faces = np.column_stack([np.full(len(tris), 3), tris]).ravel()
                mesh = pv.PolyData(to_local(np.column_stack([verts, z]), origin), faces=faces)
                actor = self._add(mesh, origin, color=color, lighting=False, name=f"fill-{layer.id}-{tag}-{i}-{j}")
                _in_front_of_terrain(actor, DRAPED_FILL_OFFSET)

    def legend_entries(self) -> list[tuple[str, tuple[float, float, float]]]:
        """A row per class present, for layers drawn by class (the basemap's roads, railways, land use)."""
        layer = self.layer
        style = layer.style
        if not (layer.visible and style.classes and style.class_field in layer.data.attributes):
            return []
        present = set(np.asarray(layer.data.attributes[style.class_field], dtype=str).tolist())
        tr = self.ctx.translate
        return [(tr(value), color) for value, color, _w in style.classes if value in present]


_GL_ALWAYS, _GL_LEQUAL = 0x0207, 0x0203


def label_renderer(plotter) -> _vtk.vtkRenderer:
    """The layer above the scene where billboard labels are drawn: the scene's camera, a depth buffer of its
    own, so that no line, area or hill of the scene covers a place name (as on a printed map)."""
    main = plotter.renderer
    ren = getattr(plotter, "_ydtwin_labels", None)
    if ren is None:
        ren = _vtk.vtkRenderer()
        window = plotter.render_window
        layer = window.GetNumberOfLayers()
        window.SetNumberOfLayers(layer + 1)
        ren.SetLayer(layer)
        ren.InteractiveOff()
        ren.SetViewport(main.GetViewport())
        # the scene's depth buffer is kept (the cursor readout and picking read it) and the labels ignore it
        ren.SetPreserveDepthBuffer(True)
        state = window.GetState()
        ren.AddObserver("StartEvent", lambda *_: state.vtkglDepthFunc(_GL_ALWAYS))
        ren.AddObserver("EndEvent", lambda *_: state.vtkglDepthFunc(_GL_LEQUAL))
        window.AddRenderer(ren)
        plotter._ydtwin_labels = ren
        # labels most important first, none covering another, re-placed when the camera moves
        plotter._ydtwin_label_placer = LabelPlacer(ren, main)
    if ren.GetActiveCamera() is not main.GetActiveCamera():  # views may give the scene a new camera
        ren.SetActiveCamera(main.GetActiveCamera())
    return ren


def label_props(plotter) -> list:
    """The billboard labels of the scene."""
    ren = getattr(plotter, "_ydtwin_labels", None)
    if ren is None:
        return []
    props = ren.GetViewProps()
    return [p for p in (props.GetItemAsObject(i) for i in range(props.GetNumberOfItems()))
            if isinstance(p, _vtk.vtkBillboardTextActor3D)]


def _in_front_of_terrain(actor, offset: tuple[float, float]) -> None:
    """Draw a draped actor's polygons and lines ``offset`` nearer in depth (see ``DRAPED_FILL_OFFSET``)."""
    mapper = actor.GetMapper()
    mapper.SetResolveCoincidentTopologyToPolygonOffset()  # VTK's global mode; the parameters are this mapper's
    mapper.SetRelativeCoincidentTopologyPolygonOffsetParameters(*offset)
    mapper.SetRelativeCoincidentTopologyLineOffsetParameters(*offset)


#: label classes by the role of the layer that carries them (see ydtwin.geo.labels): a label never covers one
#: of a more important class; a layer of another role is placed as a project's
LABEL_CLASSES = {"city-labels": CITY, "district-labels": DISTRICT, "review-findings": FINDING}


class LabelVisual(Visual):
    """Billboard text at points (always facing the camera), in Chinese when a CJK font is present, placed
    without overlaps by the label renderer's placer (``ydtwin.render.labels``)."""

    def build(self) -> None:
        layer: LabelLayer = self.layer  # type: ignore[assignment]
        scene = self.ctx.scene
        data = layer.data
        x, y = scene.projection.to_scene(data.x, data.y, data.crs)
        z = self.ctx.surface.z(x, y, 3000.0)
        font = cjk_font()
        zh = data.attributes.get("name_zh")
        texts = layer.texts()
        pins = bool(getattr(layer, "pins", False))
        label_class = LABEL_CLASSES.get(layer.role, FINDING if pins else PROJECT)
        renderer = label_renderer(self.ctx.plotter)
        for k in range(len(data)):
            text = texts[k]
            if font and zh is not None and str(zh[k]):
                text = f"{zh[k]} {text}"
            actor = make_label(text, (x[k], y[k], z[k]), label_class=label_class, colour=layer.style.color,
                               font_size=layer.style.font_size, pin=pins, layer_id=layer.id, rank=k)
            renderer.AddActor(actor)
            self.actors.append(actor)
        if getattr(layer, "pins", False) and len(data):
            # one mesh for every pin: a mast from the ground to the label and a ball where it stands
            ground = self.ctx.surface.z(x, y, 0.0)
            origin = np.array([float(np.mean(x)), float(np.mean(y)), 0.0])
            n = len(x)
            pts = np.vstack([np.column_stack([x, y, ground]), np.column_stack([x, y, z])])
            lines = np.column_stack([np.full(n, 2), np.arange(n), np.arange(n) + n]).ravel()
            verts = np.column_stack([np.full(n, 1), np.arange(n)]).ravel()
            mesh = pv.PolyData(to_local(pts, origin), lines=lines, verts=verts)
            self._add(mesh, origin, color=layer.style.color, line_width=2.0, point_size=11.0,
                      render_points_as_spheres=True, lighting=False, name=f"pins-{layer.id}")

    def apply_opacity(self) -> None:
        for actor in self.actors:
            if isinstance(actor, _vtk.vtkBillboardTextActor3D):
                set_label_opacity(actor, self.layer.opacity)
            else:  # the pins
                actor.GetProperty().SetOpacity(self.layer.opacity)


VISUALS: dict[type, type[Visual]] = {
    TerrainLayer: TerrainVisual,
    VectorLayer: VectorVisual,
    LabelLayer: LabelVisual,
}


def visual_for(layer: Layer, ctx: RenderContext) -> Visual:
    for cls in type(layer).__mro__:
        if cls in VISUALS:
            return VISUALS[cls](layer, ctx)
    raise TypeError(f"no visual for layer type {type(layer).__name__}")
