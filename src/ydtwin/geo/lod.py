"""Quadtree tiles, level of detail and per-frame selection for extruded buildings (pure numpy).

- :class:`Quadtree`: an adaptive quadtree over scene metres; a node splits while it holds more than
  ``max_items`` buildings. Every node has a float64 origin (its centre); its meshes are tile-local float32.
- :func:`build_tiles`: per leaf the full-detail mesh (the extrusion engine); per node a far-LOD mesh of
  aggregated block prisms (one box per grid cell: the cell's built area at its area-weighted mean height),
  with buildings taller than ``landmark_m`` kept in full so skylines survive at a distance.
- :func:`select` (through :class:`LodIndex`, vectorised per quadtree level): frustum culling and
  screen-space error: a node's aggregate is drawn when its geometric
  error projects to fewer than ``max_error_px`` pixels, otherwise its children are visited; leaves close
  enough draw full detail. :class:`TriangleBudget` raises the error threshold until the selection fits
  a per-frame triangle budget derived from measured frame times.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ydtwin.geo.extrude import ExtrudedMesh, extrude

__all__ = ["InteractivePointBudget", "Quadtree", "QuadNode", "Tile", "TriangleBudget", "build_tiles", "ranges", "select"]

AGG_CELLS = 16  # aggregate grid cells per node side
MAX_TRIANGLES_PER_MESH = 8_000_000
#: screen-space error (pixels) an aggregate may show before its children are drawn: an aggregate cell is
#: then at most this many pixels wide, where single buildings would be a pixel or two
MAX_ERROR_PX = 8.0
#: how far a tight triangle budget may coarsen the selection (pixels of screen-space error)
MAX_BUDGET_ERROR_PX = 32.0  # ≤ 32 M cell values per actor, well under VTK's 2^31/16


@dataclass
class QuadNode:
    level: int
    x0: float
    y0: float
    size: float
    items: np.ndarray  # building indices (into the layer), sorted
    children: list[QuadNode] = field(default_factory=list)
    id: int = -1

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def origin(self) -> np.ndarray:
        return np.array([self.x0 + self.size / 2, self.y0 + self.size / 2, 0.0], dtype=np.float64)

    @property
    def agg_error(self) -> float:
        """Geometric error (m) of the aggregate: a cell's side."""
        return self.size / AGG_CELLS


class Quadtree:
    """Splits a node while it holds more than ``max_items`` buildings or is larger than ``max_size`` (m),
    down to ``min_size``: a leaf's full-detail mesh stays within max_size/√2 of its float64 origin."""

    def __init__(
        self, centres: np.ndarray, *, max_items: int = 12_000, min_size: float = 500.0, max_size: float = 25_000.0
    ) -> None:
        centres = np.asarray(centres, dtype=np.float64)
        self.centres = centres
        if len(centres):
            lo = centres.min(axis=0)
            hi = centres.max(axis=0)
        else:
            lo = hi = np.zeros(2)
        size = float(max(hi - lo)) * 1.0001 + 1.0
        self.nodes: list[QuadNode] = []
        self.max_size = max_size
        self.root = self._build(0, float(lo[0]), float(lo[1]), size, np.arange(len(centres)), max_items, min_size)

    def _build(self, level, x0, y0, size, items, max_items, min_size) -> QuadNode:
        node = QuadNode(level, x0, y0, size, items)
        node.id = len(self.nodes)
        self.nodes.append(node)
        if (len(items) > max_items or size > self.max_size) and size / 2 >= min_size and len(items) > 0:
            half = size / 2
            c = self.centres[items]
            qx = (c[:, 0] >= x0 + half).astype(np.int64)
            qy = (c[:, 1] >= y0 + half).astype(np.int64)
            q = qx + 2 * qy
            for k in range(4):
                sub = items[q == k]
                if len(sub):
                    node.children.append(
                        self._build(level + 1, x0 + half * (k % 2), y0 + half * (k // 2), half, sub, max_items, min_size)
                    )
        return node

    def leaves(self) -> list[QuadNode]:
        return [n for n in self.nodes if n.is_leaf]


@dataclass
class Tile:
    """A mesh of one node at one level of detail (tile-local float32, float64 origin)."""

    node: int
    detail: str  # "full" or "aggregate"
    origin: np.ndarray
    vertices: np.ndarray
    triangles: np.ndarray
    #: per triangle: the building (layer index) it belongs to, or -1 for an aggregate prism
    triangle_building: np.ndarray
    #: per triangle of an aggregate: the aggregate cell; cell → its buildings via ``cell_buildings``
    triangle_cell: np.ndarray | None = None
    cell_buildings: list[np.ndarray] | None = None
    bounds: tuple[float, float, float, float, float, float] = (0, 0, 0, 0, 0, 0)

    @property
    def n_triangles(self) -> int:
        return len(self.triangles)


@dataclass(frozen=True)
class BuildingGeometry:
    """What build_tiles needs, in scene metres (float64)."""

    xy: np.ndarray
    ring_offsets: np.ndarray
    part_offsets: np.ndarray
    part_building: np.ndarray
    base_z: np.ndarray  # per building, absolute scene z of the base (ground + min_height)
    top_z: np.ndarray  # per building, absolute scene z of the roof
    area: np.ndarray  # per building, footprint area (m²)
    centre: np.ndarray  # (n, 2) per building, a representative point (e.g. bbox centre)


#: vertices of the leaves extruded in one kernel call (≈ 200 MB of vertices and triangles at most)
BATCH_VERTICES = 8_000_000


def build_tiles(
    tree: Quadtree, geom: BuildingGeometry, *, landmark_m: float = 150.0, visible: np.ndarray | None = None
) -> dict[tuple[int, str], Tile]:
    """Full-detail meshes for leaves and aggregate meshes for every node. ``visible`` masks buildings out."""
    n_build = len(geom.base_z)
    show = np.ones(n_build, dtype=bool) if visible is None else np.asarray(visible, dtype=bool)
    # parts grouped by building, so a leaf's parts are gathered with one index operation
    part_order = np.argsort(geom.part_building, kind="stable")
    parts_per_building = np.bincount(geom.part_building, minlength=n_build)
    part_start = np.concatenate([[0], np.cumsum(parts_per_building)])
    rings_per_part = np.diff(geom.part_offsets)
    verts_per_ring = np.diff(geom.ring_offsets)
    tiles: dict[tuple[int, str], Tile] = {}
    height = geom.top_z - geom.base_z

    def gather(buildings: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Ragged arrays of the given buildings' parts: xy, ring offsets, part offsets, part → building."""
        counts = parts_per_building[buildings]
        parts = part_order[ranges(part_start[buildings], counts)]
        rings = ranges(geom.part_offsets[parts], rings_per_part[parts])
        verts = ranges(geom.ring_offsets[rings], verts_per_ring[rings])
        ring_off = np.concatenate([[0], np.cumsum(verts_per_ring[rings])]).astype(np.int64)
        part_off = np.concatenate([[0], np.cumsum(rings_per_part[parts])]).astype(np.int64)
        return geom.xy[verts], ring_off, part_off, geom.part_building[parts]

    def full_mesh(node: QuadNode, buildings: np.ndarray, detail: str) -> Tile | None:
        if not len(buildings):
            return None
        xy, ring_off, part_off, pb = gather(buildings)
        origin = node.origin
        mesh: ExtrudedMesh = extrude(xy - origin[:2], ring_off, part_off, geom.base_z[pb], geom.top_z[pb])
        tb = pb[mesh.triangle_part].astype(np.int32)
        return Tile(node.id, detail, origin, mesh.vertices, mesh.triangles, tb)

    # the leaves' full meshes in few kernel calls: batches of leaves, each leaf's footprints in its own
    # origin, cut back into tiles (one call per leaf costs a parallel region per tile; on a busy machine
    # each region waits for its threads)
    batch: list[tuple[QuadNode, np.ndarray]] = []
    batch_vertices = 0
    order: list[tuple[int, str]] = []
    verts_per_part = geom.ring_offsets[geom.part_offsets[1:]] - geom.ring_offsets[geom.part_offsets[:-1]]
    verts_per_building = np.bincount(geom.part_building, weights=verts_per_part, minlength=n_build)

    def flush() -> None:
        nonlocal batch_vertices
        if not batch:
            return
        gathered = [gather(items) for _node, items in batch]
        xy = np.concatenate([g[0] - node.origin[:2] for g, (node, _i) in zip(gathered, batch, strict=True)])
        ring_off = [np.zeros(1, np.int64)]
        part_off = [np.zeros(1, np.int64)]
        for g in gathered:
            ring_off.append(g[1][1:] + ring_off[-1][-1])
            part_off.append(g[2][1:] + part_off[-1][-1])
        pb = np.concatenate([g[3] for g in gathered])
        mesh = extrude(xy, np.concatenate(ring_off), np.concatenate(part_off), geom.base_z[pb], geom.top_z[pb])
        vo, to = mesh.vertex_offsets, mesh.triangle_offsets
        p0 = 0
        for (node, items), g in zip(batch, gathered, strict=True):
            p1 = p0 + len(g[3])
            v0, v1, t0, t1 = int(vo[p0]), int(vo[p1]), int(to[p0]), int(to[p1])
            tile = Tile(node.id, "full", node.origin, mesh.vertices[v0:v1], mesh.triangles[t0:t1] - np.int32(v0),
                        pb[mesh.triangle_part[t0:t1]].astype(np.int32))
            tile.bounds = _bounds(node, geom, items)
            tiles[(node.id, "full")] = tile
            p0 = p1
        batch.clear()
        batch_vertices = 0

    for node in tree.nodes:
        items = node.items[show[node.items]]
        if node.is_leaf and len(items):
            batch.append((node, items))
            order.append((node.id, "full"))
            batch_vertices += int(2 * verts_per_building[items].sum())
            if batch_vertices >= BATCH_VERTICES:
                flush()
        # aggregate: block prisms per cell + landmarks in full
        if not len(items):
            continue
        tall = items[height[items] >= landmark_m]
        rest = items[height[items] < landmark_m]
        agg = _aggregate(node, geom, rest)
        if len(tall):
            lm = full_mesh(node, tall, "aggregate")
            agg = _merge(agg, lm) if agg is not None else lm
        if agg is not None:
            agg.bounds = _bounds(node, geom, items)
            tiles[(node.id, "aggregate")] = agg
            order.append((node.id, "aggregate"))
    flush()
    return {key: tiles[key] for key in order if key in tiles}  # in the order of the tree, as one by one


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for every (s, c), vectorised."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offs = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.repeat(np.asarray(starts, dtype=np.int64) - offs, counts) + np.arange(total)


def _bounds(node: QuadNode, geom: BuildingGeometry, items: np.ndarray):
    zmin = float(geom.base_z[items].min()) if len(items) else 0.0
    zmax = float(geom.top_z[items].max()) if len(items) else 0.0
    return (node.x0, node.x0 + node.size, node.y0, node.y0 + node.size, zmin, zmax)


def _aggregate(node: QuadNode, geom: BuildingGeometry, items: np.ndarray) -> Tile | None:
    """One box per occupied cell: its side from the cell's built area, its height the area-weighted mean."""
    if not len(items):
        return None
    origin = node.origin
    cell = node.size / AGG_CELLS
    c = geom.centre[items]
    ix = np.clip(((c[:, 0] - node.x0) / cell).astype(np.int64), 0, AGG_CELLS - 1)
    iy = np.clip(((c[:, 1] - node.y0) / cell).astype(np.int64), 0, AGG_CELLS - 1)
    key = iy * AGG_CELLS + ix
    order = np.argsort(key, kind="stable")
    key_sorted = key[order]
    uniq, start = np.unique(key_sorted, return_index=True)
    a = geom.area[items][order]
    h = (geom.top_z - geom.base_z)[items][order]
    z0 = geom.base_z[items][order]
    area = np.add.reduceat(a, start)
    mean_h = np.add.reduceat(a * h, start) / np.maximum(area, 1e-9)
    base = np.minimum.reduceat(z0, start)
    side = np.minimum(np.sqrt(np.maximum(area, 1.0)), cell * 0.92)
    ccx = node.x0 + (uniq % AGG_CELLS + 0.5) * cell - origin[0]
    ccy = node.y0 + (uniq // AGG_CELLS + 0.5) * cell - origin[1]
    n = len(uniq)
    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
    xy = (np.column_stack([ccx, ccy])[:, None, :] + side[:, None, None] * corners[None]).reshape(-1, 2)
    ring_off = np.arange(n + 1, dtype=np.int64) * 4
    part_off = np.arange(n + 1, dtype=np.int64)
    mesh = extrude(xy, ring_off, part_off, base, base + mean_h)
    cell_buildings = np.split(items[order], start[1:])
    return Tile(node.id, "aggregate", origin, mesh.vertices, mesh.triangles,
                np.full(mesh.n_triangles, -1, dtype=np.int32), mesh.triangle_part.astype(np.int32), cell_buildings)


def _merge(a: Tile, b: Tile | None) -> Tile:
    if b is None:
        return a
    nv = len(a.vertices)
    cells_b = np.full(b.n_triangles, -1, dtype=np.int32)
    return Tile(
        a.node, "aggregate", a.origin, np.concatenate([a.vertices, b.vertices]),
        np.concatenate([a.triangles, b.triangles + nv]), np.concatenate([a.triangle_building, b.triangle_building]),
        np.concatenate([a.triangle_cell, cells_b]), a.cell_buildings,
    )


# --- selection --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Camera:
    """What selection needs from a camera (scene metres)."""

    position: np.ndarray
    #: frustum planes (n, 4): a·x + b·y + c·z + d ≥ 0 inside
    planes: np.ndarray
    #: pixels per metre at distance 1: viewport height / (2 tan(fov / 2))
    pixel_factor: float


class LodIndex:
    """The quadtree and its tiles as flat arrays, so a frame's selection is a few numpy operations per level.

    Selection semantics (per node, top down): skipped when outside the frustum; its aggregate is drawn when
    its screen-space error is within the threshold; otherwise its children are visited; a leaf without an
    acceptable aggregate draws its full-detail mesh.
    """

    def __init__(self, tree: Quadtree, tiles: dict[tuple[int, str], Tile]) -> None:
        n = len(tree.nodes)
        self.n = n
        self.parent = np.full(n, -1, dtype=np.int64)
        self.depth = np.zeros(n, dtype=np.int64)
        self.error = np.array([node.agg_error for node in tree.nodes], dtype=np.float64)
        self.has_agg = np.array([(node.id, "aggregate") in tiles for node in tree.nodes], dtype=bool)
        self.has_full = np.array([(node.id, "full") in tiles for node in tree.nodes], dtype=bool)
        self.has_children = np.array([bool(node.children) for node in tree.nodes], dtype=bool)
        self.bounds = np.zeros((n, 6))
        self.agg_tris = np.zeros(n, dtype=np.int64)
        self.full_tris = np.zeros(n, dtype=np.int64)
        for node in tree.nodes:
            for child in node.children:
                self.parent[child.id] = node.id
                self.depth[child.id] = node.level + 1
            agg = tiles.get((node.id, "aggregate"))
            full = tiles.get((node.id, "full"))
            if agg is not None:
                self.bounds[node.id] = agg.bounds
                self.agg_tris[node.id] = agg.n_triangles
            elif full is not None:
                self.bounds[node.id] = full.bounds
            else:  # nothing drawable here (all hidden): an empty box, never visible
                self.bounds[node.id] = (np.inf, -np.inf, np.inf, -np.inf, np.inf, -np.inf)
            if full is not None:
                self.full_tris[node.id] = full.n_triangles
        self.levels = [np.flatnonzero(self.depth == d) for d in range(int(self.depth.max()) + 1 if n else 0)]

    def frame(self, camera: Camera, *, cull: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(visible, screen-space error in pixels per metre of error) for the camera: per node."""
        visible, dist = boxes_in_view(self.bounds, camera, cull=cull)
        return visible, self.error * camera.pixel_factor / dist

    def select(self, visible: np.ndarray, sse: np.ndarray, max_error_px: float) -> tuple[np.ndarray, np.ndarray]:
        """(nodes drawn as aggregates, nodes drawn in full) for one error threshold."""
        reached = np.zeros(self.n, dtype=bool)
        refine = np.zeros(self.n, dtype=bool)
        agg = np.zeros(self.n, dtype=bool)
        full = np.zeros(self.n, dtype=bool)
        for level, ids in enumerate(self.levels):
            if level == 0:
                reached[ids] = True
            else:
                par = self.parent[ids]
                reached[ids] = reached[par] & refine[par]
            here = reached[ids] & visible[ids]
            a = here & self.has_agg[ids] & (sse[ids] <= max_error_px)
            agg[ids] = a
            refine[ids] = here & ~a & self.has_children[ids]
            full[ids] = here & ~a & ~self.has_children[ids] & self.has_full[ids]
        return np.flatnonzero(agg), np.flatnonzero(full)

    def triangles(self, agg: np.ndarray, full: np.ndarray) -> int:
        return int(self.agg_tris[agg].sum() + self.full_tris[full].sum())


def boxes_in_view(bounds: np.ndarray, camera: Camera, *, cull: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """For boxes (n, 6: xmin, xmax, ymin, ymax, zmin, zmax; empty ones infinite): (inside the camera's
    frustum, or every non-empty box when not ``cull``; distance from the camera to the box's nearest point,
    at least 1 m)."""
    b = bounds
    visible = np.isfinite(b[:, 0])
    if cull:
        for a, bb, c, d in camera.planes:
            if not visible.any():
                break
            px = np.where(a >= 0, b[:, 1], b[:, 0])
            py = np.where(bb >= 0, b[:, 3], b[:, 2])
            pz = np.where(c >= 0, b[:, 5], b[:, 4])
            with np.errstate(invalid="ignore"):  # empty nodes carry infinite boxes
                visible &= a * px + bb * py + c * pz + d >= 0
    pos = camera.position
    with np.errstate(invalid="ignore"):
        dx = np.maximum(np.maximum(b[:, 0] - pos[0], 0.0), pos[0] - b[:, 1])
        dy = np.maximum(np.maximum(b[:, 2] - pos[1], 0.0), pos[1] - b[:, 3])
        dz = np.maximum(np.maximum(b[:, 4] - pos[2], 0.0), pos[2] - b[:, 5])
    return visible, np.maximum(np.sqrt(dx * dx + dy * dy + dz * dz), 1.0)


def select(
    tree: Quadtree, tiles: dict[tuple[int, str], Tile], camera: Camera, max_error_px: float, *, cull: bool = True,
    index: LodIndex | None = None,
) -> list[tuple[int, str]]:
    """Keys of the tiles to draw this frame."""
    index = index or LodIndex(tree, tiles)
    visible, sse = index.frame(camera, cull=cull)
    agg, full = index.select(visible, sse, max_error_px)
    return [(int(i), "aggregate") for i in agg] + [(int(i), "full") for i in full]


class TriangleBudget:
    """A per-frame triangle budget from measured frame times (exponential moving average of the rate).

    Software GL here draws ~5 M triangles/s, an H200 through VTK ~600 M/s: the budget follows the
    machine instead of assuming either. ``target_fps`` is what interaction should keep.
    """

    def __init__(self, *, target_fps: float = 15.0, initial: int = 250_000, floor: int = 100_000,
                 ceiling: int = 200_000_000) -> None:
        self.target_fps = target_fps
        self.budget = initial
        self.floor = floor
        self.ceiling = ceiling
        self._rate: float | None = None

    def record(self, triangles: int, seconds: float) -> None:
        if seconds <= 0 or triangles <= 0 or self.floor == self.ceiling:
            return
        rate = triangles / seconds
        self._rate = rate if self._rate is None else 0.7 * self._rate + 0.3 * rate
        self.budget = int(np.clip(self._rate / self.target_fps, self.floor, self.ceiling))

    @property
    def triangles_per_second(self) -> float | None:
        return self._rate

    @classmethod
    def fixed(cls, triangles: int) -> TriangleBudget:
        """A budget that does not adapt (offscreen stills and video frames: the same view, the same tiles)."""
        return cls(initial=triangles, floor=triangles, ceiling=triangles)


class InteractivePointBudget:
    """How many points a frame may draw while the camera moves, from the frame times measured while moving.

    A frame of terrain, buildings and points costs what it costs; the points are the part that can give way.
    After each moving frame the budget is scaled by how far the frame was from ``1 / target_fps`` (damped,
    at most ×2 or ÷2 a frame), between ``floor`` and the still budget. It starts low in software GL and at
    the still budget on a GPU, where millions of points cost a few milliseconds."""

    def __init__(self, *, target_fps: float = 12.0, initial: int = 250_000, floor: int = 20_000) -> None:
        self.target_fps = target_fps
        self.points = initial
        self.floor = floor

    def record(self, points_drawn: int, seconds: float, ceiling: int) -> None:
        if seconds <= 0 or points_drawn <= 0:
            return
        factor = float(np.clip((1.0 / self.target_fps / seconds) ** 0.8, 0.5, 2.0))
        self.points = int(np.clip(points_drawn * factor, self.floor, max(ceiling, self.floor)))


def select_within_budget(
    tree: Quadtree, tiles: dict[tuple[int, str], Tile], camera: Camera, budget: int, *,
    max_error_px: float = MAX_ERROR_PX, cull: bool = True, index: LodIndex | None = None,
) -> tuple[list[tuple[int, str]], float]:
    """The finest selection (error threshold from ``max_error_px`` up) whose triangles fit ``budget``.

    The threshold never passes ``MAX_BUDGET_ERROR_PX``: beyond that, aggregates near the camera turn into
    big boxes, and a slower frame is the better trade.
    """
    index = index or LodIndex(tree, tiles)
    visible, sse = index.frame(camera, cull=cull)
    err = max_error_px
    while True:
        agg, full = index.select(visible, sse, err)
        if index.triangles(agg, full) <= budget or err >= MAX_BUDGET_ERROR_PX:
            break
        err = min(err * 1.6, MAX_BUDGET_ERROR_PX)
    return [(int(i), "aggregate") for i in agg] + [(int(i), "full") for i in full], err
