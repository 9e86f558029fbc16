"""Terrain detail: an imported DEM kept at its own resolution, as tiles with a pyramid of coarser levels.

The region's terrain grid has ~1 km cells; a planner's 30 m DEM averaged into it loses its relief. Its detail is
kept here, in the scene CRS (metres), on a regular grid of height posts (float32, row 0 south; NaN: no data):

- a pyramid of levels: level k+1 keeps every second post of level k, each the [1 2 1] ⊗ [1 2 1] weighted mean of
  the finite posts around it (a 3 × 3 block reduction, numpy slices); a post is NaN only where all nine are, so a
  coarser level covers at least what the finer one covers (no holes open up at a distance);
- tiles: at every level the posts are cut into tiles of ``TILE_CELLS`` × ``TILE_CELLS`` cells on a
  :class:`~ydtwin.geo.tiles.TileGrid` (tile size ``TILE_CELLS`` × the level's spacing, so a level-k tile covers
  exactly four level-(k−1) tiles: a quadtree). A tile's posts include its shared edge; its float64 origin is the
  tile centre and its mesh is float32 local coordinates, as the buildings' tiles are.

:class:`DetailIndex` selects, per frame, the tiles and levels to draw: frustum culling and screen-space error (the
level's cell size on screen), within a triangle budget. :func:`tile_mesh` builds a tile's mesh (pure numpy: the
render layer only wraps it), with skirts along edges shared with other tiles so that neighbours at different
levels leave no cracks. ``ElevationGrid`` is the terrain's ~1 km grid carrying its detail, so that whatever
samples the terrain (``ydtwin.geo.drape.SurfaceHeights``) gets the fine heights where they exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ydtwin.geo.grid import GridData
from ydtwin.geo.inundation import water_cells
from ydtwin.geo.lod import Camera, boxes_in_view
from ydtwin.geo.relief import shade_from_slopes
from ydtwin.geo.tiles import TileGrid, to_local

__all__ = [
    "MIN_LAND_ELEVATION", "TILE_CELLS", "DetailGrid", "DetailIndex", "ElevationGrid", "TerrainDetail", "TileMesh",
    "build_pyramid", "drawn_heights", "reduce_level", "sea_surface_cells", "tile_mesh",
]

#: cells per tile side at every level (a tile: 129 × 129 posts, ≤ 32,768 triangles)
TILE_CELLS = 128
#: land is never drawn below this (m) and sea floor at or below 0 m never above its negative, so that the sea
#: surface at 0 m neither floods the coast nor fights with a flat sea at 0 m for the same depth values
MIN_LAND_ELEVATION = 0.5
#: at most this many levels (level 9 cells are 512 × the finest)
MAX_LEVELS = 10
#: screen size (pixels) of a level's cells above which the next finer level is drawn
DETAIL_PX = 3.0
#: how far a tight triangle budget may coarsen the selection (pixels per cell)
MAX_BUDGET_PX = 24.0


def drawn_heights(h: np.ndarray) -> np.ndarray:
    """True elevations (m) → the heights the terrain is drawn at: land at least ``MIN_LAND_ELEVATION``, sea floor
    (≤ 0 m) at most its negative."""
    h = np.asarray(h, dtype=np.float32)
    return np.where(h > 0, np.maximum(h, MIN_LAND_ELEVATION), np.minimum(h, -MIN_LAND_ELEVATION))


def _binomial(x: np.ndarray, axis: int) -> np.ndarray:
    """Along ``axis``: out[p] = x[2p−1] + 2 x[2p] + x[2p+1] (what exists of them); an even length gets a closing
    post beyond the last, from its one neighbour (written into a preallocated array: no padded copy of ``x``)."""
    n = x.shape[axis]
    m = n // 2 + 1  # posts 0, 2, … n−1 (odd n) or … n (even n: the closing one)
    shape = list(x.shape)
    shape[axis] = m

    def sl(a, start=None, stop=None, step=None):
        index = [slice(None)] * a.ndim
        index[axis] = slice(start, stop, step)
        return a[tuple(index)]

    out = np.zeros(shape, dtype=np.float32)
    even = sl(x, 0, None, 2)
    odd = sl(x, 1, None, 2)
    k = even.shape[axis]
    np.multiply(even, np.float32(2.0), out=sl(out, 0, k))
    sl(out, 1, len(range(1, n, 2)) + 1)[...] += odd  # left neighbours: odd p−1 for post p ≥ 1
    right = sl(out, 0, odd.shape[axis])
    right += odd  # right neighbours: odd p for post p
    return out


def reduce_level(a: np.ndarray) -> np.ndarray:
    """One pyramid step: posts 0, 2, 4 … of ``a`` (float32, NaN = no data) in both directions (plus a closing post
    past an even-length edge), each the [1 2 1] ⊗ [1 2 1] weighted mean of the finite posts in its 3 × 3
    neighbourhood (NaN where none is)."""
    finite = np.isfinite(a)
    values = np.where(finite, a, np.float32(0.0)).astype(np.float32, copy=False)
    s = _binomial(_binomial(values, 1), 0)
    w = _binomial(_binomial(finite.astype(np.float32), 1), 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s /= w
    s[w == 0] = np.nan
    return s


def build_pyramid(level0: np.ndarray) -> tuple[np.ndarray, ...]:
    """Level 0 (the posts as warped) and coarser levels until one tile holds them all (≤ ``MAX_LEVELS``)."""
    levels = [np.ascontiguousarray(level0, dtype=np.float32)]
    while len(levels) < MAX_LEVELS and max(levels[-1].shape) > TILE_CELLS + 1:
        levels.append(reduce_level(levels[-1]))
    return tuple(levels)


def _block_stats(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per tile of one level (tiles with a drawable cell only): (i, j, cells with data, min, max height) — the
    min/max also over the posts of the neighbouring tiles' first rows (a tile's shared edge)."""
    c = TILE_CELLS
    ny, nx = a.shape
    tny, tnx = max((ny - 2) // c + 1, 1), max((nx - 2) // c + 1, 1)
    finite = np.isfinite(a)
    quad = finite[:-1, :-1] & finite[1:, :-1] & finite[:-1, 1:] & finite[1:, 1:]
    pad = np.zeros((tny * c, tnx * c), dtype=bool)
    pad[: quad.shape[0], : quad.shape[1]] = quad
    cells = pad.reshape(tny, c, tnx, c).sum(axis=(1, 3))
    lo = np.full((tny * c + 1, tnx * c + 1), np.inf, dtype=np.float32)
    hi = np.full_like(lo, -np.inf)
    lo[:ny, :nx] = np.where(finite, a, np.inf)
    hi[:ny, :nx] = np.where(finite, a, -np.inf)
    bmin = lo[:-1, :-1].reshape(tny, c, tnx, c).min(axis=(1, 3))
    bmax = hi[:-1, :-1].reshape(tny, c, tnx, c).max(axis=(1, 3))
    edge_n, edge_e = lo[c::c, :-1].reshape(tny, tnx, c).min(axis=2), lo[:-1, c::c].reshape(tny, c, tnx).min(axis=1)
    bmin = np.minimum(np.minimum(bmin, edge_n), edge_e)
    edge_n, edge_e = hi[c::c, :-1].reshape(tny, tnx, c).max(axis=2), hi[:-1, c::c].reshape(tny, c, tnx).max(axis=1)
    bmax = np.maximum(np.maximum(bmax, edge_n), edge_e)
    j, i = np.nonzero(cells)
    return i, j, cells[j, i], bmin[j, i], bmax[j, i]


@dataclass
class DetailGrid:
    """One imported DEM's detail: height posts at ``x0 + i·spacing``, ``y0 + j·spacing`` (scene metres, float64)
    with its pyramid (``levels[k]``: every 2^k-th post, smoothed) and per-level tile statistics."""

    x0: float
    y0: float
    spacing: float
    levels: tuple[np.ndarray, ...]
    #: the scene CRS the posts are in (WKT) and the file they came from
    crs: str
    source: str = ""
    #: per level: (tile i, tile j, cells with data, min height, max height) of the tiles with data
    stats: tuple = field(default=(), repr=False)

    @classmethod
    def from_posts(cls, posts: np.ndarray, x0: float, y0: float, spacing: float, crs: str,
                   source: str = "") -> DetailGrid:
        """Posts (float32, row 0 south) → the grid with its pyramid and tile statistics."""
        levels = build_pyramid(posts)
        return cls(float(x0), float(y0), float(spacing), levels, crs, source, tuple(_block_stats(a) for a in levels))

    def with_posts(self, posts: np.ndarray) -> DetailGrid:
        """The same grid with new level-0 posts (the pyramid and statistics rebuilt)."""
        return DetailGrid.from_posts(posts, self.x0, self.y0, self.spacing, self.crs, self.source)

    @property
    def shape(self) -> tuple[int, int]:
        return self.levels[0].shape

    @property
    def cells(self) -> int:
        return int(self.levels[0].size)

    def spacing_at(self, level: int) -> float:
        return self.spacing * 2**level

    def level_grid(self, level: int = 0) -> GridData:
        """Level ``level`` as a GridData in the scene CRS (bilinear sampling, NaN next to no data)."""
        s = self.spacing_at(level)
        return GridData(self.x0, self.y0, s, s, self.levels[level], self.crs)

    def tiles(self, level: int) -> TileGrid:
        """The level's tile grid: tiles of ``TILE_CELLS`` cells, their float64 origins at their centres."""
        ny, nx = self.levels[level].shape
        size = TILE_CELLS * self.spacing_at(level)
        return TileGrid(self.x0, self.y0, self.x0 + max(nx - 1, 1) * self.spacing_at(level),
                        self.y0 + max(ny - 1, 1) * self.spacing_at(level), tile_size=size)

    def tile_posts(self, level: int, i: int, j: int) -> np.ndarray:
        """The posts of tile (i, j) at ``level`` (a float32 view, its shared north and east edges included)."""
        c = TILE_CELLS
        return self.levels[level][j * c : (j + 1) * c + 1, i * c : (i + 1) * c + 1]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        ny, nx = self.shape
        return self.x0, self.y0, self.x0 + (nx - 1) * self.spacing, self.y0 + (ny - 1) * self.spacing

    def sample(self, x, y) -> np.ndarray:
        """Bilinear height (m) at scene x/y from the finest posts; NaN outside or next to no data."""
        return self.level_grid(0).sample(x, y)


@dataclass
class TerrainDetail:
    """The detail of the DEMs imported over a terrain, in import order (a later one's data has cut an earlier
    one's), and which cells of the terrain's ~1 km grid it covers wholly (those are not drawn coarse)."""

    grids: tuple[DetailGrid, ...]
    #: per mesh cell of the terrain grid (the quad between values (j, i) and (j+1, i+1)): wholly under detail
    covered: np.ndarray | None = None
    #: per mesh cell: partly under detail at or below 0 m (the detail's sea and shore)
    sea: np.ndarray | None = None
    #: what the import did, for the log line and provenance (e.g. coarsened to fit the memory cap)
    notes: tuple[str, ...] = ()

    def sample(self, x, y) -> np.ndarray:
        """Height (m) at scene x/y from the detail (the last grid with data there); NaN where none has any."""
        x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        out = np.full(x.shape, np.nan)
        for grid in reversed(self.grids):
            todo = np.isnan(out)
            if not todo.any():
                break
            out[todo] = grid.sample(x[todo], y[todo])
        return out

    @property
    def cells(self) -> int:
        return sum(g.cells for g in self.grids)


def sea_surface_cells(land: np.ndarray, detail: TerrainDetail | None = None) -> np.ndarray:
    """Mesh cells of a terrain grid the sea surface covers: those with sea at a corner and, where detail draws
    the coast finer than the grid, their neighbours in which the detail has sea (else the detail's sea floor
    along the coast would show without water over it)."""
    cells = water_cells(~np.asarray(land, dtype=bool))
    if detail is None or detail.sea is None:
        return cells
    near = cells.copy()
    near[1:, :] |= cells[:-1, :]
    near[:-1, :] |= cells[1:, :]
    grown = near.copy()
    grown[:, 1:] |= near[:, :-1]
    grown[:, :-1] |= near[:, 1:]
    return cells | (grown & detail.sea)


@dataclass(frozen=True)
class ElevationGrid(GridData):
    """A terrain's grid with the finer detail imported DEMs gave it (None: none)."""

    detail: TerrainDetail | None = None


# ---- per-frame selection ---------------------------------------------------------------------------------------


class DetailIndex:
    """The tiles of a detail grid, all levels, as flat arrays (a quadtree: a level-k tile's parent is tile
    (i // 2, j // 2) of level k+1), for a per-frame selection of a few numpy operations per level."""

    def __init__(self, grid: DetailGrid, exaggeration: float) -> None:
        self.grid = grid
        levels, ii, jj, cells, lo, hi = [], [], [], [], [], []
        for k, (i, j, n, mn, mx) in enumerate(grid.stats):
            levels.append(np.full(len(i), k))
            ii.append(i)
            jj.append(j)
            cells.append(n)
            lo.append(mn)
            hi.append(mx)
        self.level = np.concatenate(levels).astype(np.int64)
        self.i = np.concatenate(ii).astype(np.int64)
        self.j = np.concatenate(jj).astype(np.int64)
        self.n = len(self.level)
        #: triangles a tile's mesh has (its cells' two, skirts roughly)
        self.triangles = 2 * np.concatenate(cells).astype(np.int64) + 8 * TILE_CELLS
        hmin, hmax = np.concatenate(lo), np.concatenate(hi)
        size = TILE_CELLS * grid.spacing * 2.0 ** self.level
        x0 = grid.x0 + self.i * size
        y0 = grid.y0 + self.j * size
        zmin = drawn_heights(hmin).astype(np.float64) * exaggeration - skirt_depth(hmin, hmax, exaggeration)
        zmax = drawn_heights(hmax).astype(np.float64) * exaggeration
        self.bounds = np.column_stack([x0, x0 + size, y0, y0 + size, zmin, zmax])
        self.cell = grid.spacing * 2.0 ** self.level
        key = {(int(k), int(i), int(j)): n for n, (k, i, j) in enumerate(zip(self.level, self.i, self.j, strict=True))}
        self.key = key
        self.parent = np.array([key.get((int(k) + 1, int(i) // 2, int(j) // 2), -1)
                                for k, i, j in zip(self.level, self.i, self.j, strict=True)], dtype=np.int64)
        self.has_children = np.zeros(self.n, dtype=bool)
        self.has_children[self.parent[self.parent >= 0]] = True
        top = int(self.level.max()) if self.n else 0
        #: node ids per level, coarsest first
        self.order = [np.flatnonzero(self.level == k) for k in range(top, -1, -1)]

    def select(self, camera: Camera, threshold_px: float = DETAIL_PX) -> np.ndarray:
        """Ids of the tiles to draw: top down, a tile in view is drawn when its cells cover at most
        ``threshold_px`` pixels (or it has no finer tiles), else its children are visited."""
        visible, dist = boxes_in_view(self.bounds, camera)
        px = self.cell * camera.pixel_factor / dist
        reached = np.zeros(self.n, dtype=bool)
        refine = np.zeros(self.n, dtype=bool)
        draw = np.zeros(self.n, dtype=bool)
        for depth, ids in enumerate(self.order):
            if depth == 0:
                reached[ids] = True
            else:
                par = self.parent[ids]  # a tile without a parent (at a level's ragged edge) starts a tree
                reached[ids] = np.where(par >= 0, refine[np.maximum(par, 0)], True)
            here = reached[ids] & visible[ids]
            fine_enough = (px[ids] <= threshold_px) | ~self.has_children[ids]
            draw[ids] = here & fine_enough
            refine[ids] = here & ~fine_enough
        return np.flatnonzero(draw)


def select_within_budget(indexes: list[DetailIndex], camera: Camera, budget: int, *,
                         threshold_px: float = DETAIL_PX) -> tuple[list[np.ndarray], float]:
    """Per index the tiles to draw at the finest threshold (from ``threshold_px`` up, ×1.5 a step, at most
    ``MAX_BUDGET_PX``) whose triangles together fit ``budget`` → (ids per index, the threshold used)."""
    px = threshold_px
    while True:
        chosen = [index.select(camera, px) for index in indexes]
        total = sum(int(index.triangles[ids].sum()) for index, ids in zip(indexes, chosen, strict=True))
        if total <= budget or px >= MAX_BUDGET_PX:
            return chosen, px
        px = min(px * 1.5, MAX_BUDGET_PX)


# ---- tile meshes ---------------------------------------------------------------------------------------------


def skirt_depth(hmin, hmax, exaggeration: float):
    """How far (scene m) a tile's skirts hang below its edges: its height range (a neighbour drawn at another
    level lies within it), at least 1 m, exaggerated. Deep skirts cost nothing: they stay under the neighbours."""
    return np.maximum(np.asarray(hmax, dtype=np.float64) - np.asarray(hmin, dtype=np.float64), 1.0) * exaggeration


@dataclass
class TileMesh:
    """A tile's mesh: float32 points local to its float64 ``origin``, int32 triangles, per vertex the true height
    (m; NaN-free), unit normals of the exaggerated surface and, on request, hillshade (0–1)."""

    origin: np.ndarray
    points: np.ndarray
    triangles: np.ndarray
    heights: np.ndarray
    normals: np.ndarray
    shade: np.ndarray | None

    @property
    def n_triangles(self) -> int:
        return len(self.triangles)


def _slopes(win: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """dz/dx, dz/dy of ``win`` (row 0 south): central differences, one-sided next to no data, 0 where neither."""

    def along(a: np.ndarray) -> np.ndarray:  # along axis 1
        left = np.full_like(a, np.nan)
        right = np.full_like(a, np.nan)
        left[:, 1:] = a[:, :-1]
        right[:, :-1] = a[:, 1:]
        central = (right - left) / (2 * spacing)
        fwd = (right - a) / spacing
        back = (a - left) / spacing
        g = np.where(np.isfinite(central), central, np.where(np.isfinite(fwd), fwd, back))
        return np.nan_to_num(g, nan=0.0)

    return along(win), along(win.T).T


def tile_mesh(grid: DetailGrid, level: int, i: int, j: int, exaggeration: float, *, shade: bool = False) -> TileMesh:
    """The mesh of tile (i, j) at ``level``: a vertex per post, two triangles per cell whose four posts have data,
    and skirts under the edges it shares with another tile that has data there (so that a neighbour drawn at
    another level leaves no crack). Slopes (normals, hillshade) use the posts around the tile, so that shading
    is continuous across tiles."""
    a = grid.levels[level]
    ny, nx = a.shape
    c = TILE_CELLS
    s = grid.spacing_at(level)
    r0, c0 = j * c, i * c
    r1, c1 = min(r0 + c, ny - 1), min(c0 + c, nx - 1)
    R0, C0, R1, C1 = max(r0 - 1, 0), max(c0 - 1, 0), min(r1 + 1, ny - 1), min(c1 + 1, nx - 1)
    win = a[R0 : R1 + 1, C0 : C1 + 1].astype(np.float64)
    gx, gy = _slopes(win * exaggeration, s)
    crop = (slice(r0 - R0, r0 - R0 + r1 - r0 + 1), slice(c0 - C0, c0 - C0 + c1 - c0 + 1))
    h = a[r0 : r1 + 1, c0 : c1 + 1]
    gx, gy = gx[crop], gy[crop]
    rows, cols = h.shape
    finite = np.isfinite(h)
    quad = finite[:-1, :-1] & finite[1:, :-1] & finite[:-1, 1:] & finite[1:, 1:]
    qr, qc = np.nonzero(quad)
    p = qr * cols + qc
    tris = [np.column_stack([p, p + 1, p + cols + 1]), np.column_stack([p, p + cols + 1, p + cols])]
    hh = np.where(finite, h, np.float32(0.0)).ravel()
    x = grid.x0 + (c0 + np.arange(cols)) * s
    y = grid.y0 + (r0 + np.arange(rows)) * s
    xx, yy = np.meshgrid(x, y)
    zz = np.where(finite, drawn_heights(h), np.float32(0.0)).astype(np.float64).ravel() * exaggeration
    pts = [np.column_stack([xx.ravel(), yy.ravel(), zz])]
    heights = [hh]
    gxs, gys = [gx.ravel()], [gy.ravel()]
    # skirts: below edges shared with a neighbour tile that has data across them
    fin = h[finite]
    depth = float(skirt_depth(fin.min(), fin.max(), exaggeration)) if fin.size else 0.0
    base = rows * cols
    # each edge's posts ordered left to right as seen from outside the tile: a skirt faces outwards (its front,
    # lit with its edge's normals, is what shows through a crack; a back face would be lit from behind: black)
    edges = []
    if r0 > 0:  # south
        edges.append((np.arange(cols), a[r0 - 1, c0 : c1 + 1]))
    if r1 < ny - 1:  # north
        edges.append(((rows - 1) * cols + np.arange(cols)[::-1], a[r1 + 1, c0 : c1 + 1][::-1]))
    if c0 > 0:  # west
        edges.append((np.arange(rows)[::-1] * cols, a[r0 : r1 + 1, c0 - 1][::-1]))
    if c1 < nx - 1:  # east
        edges.append((np.arange(rows) * cols + cols - 1, a[r0 : r1 + 1, c1 + 1]))
    for ids, across in edges:
        ok = finite.ravel()[ids] & np.isfinite(across)
        seg = np.flatnonzero(ok[:-1] & ok[1:])
        if not len(seg):
            continue
        low = pts[0][ids].copy()
        low[:, 2] -= depth
        k = base + np.arange(len(ids))
        tris += [np.column_stack([ids[seg], k[seg], k[seg + 1]]), np.column_stack([ids[seg], k[seg + 1], ids[seg + 1]])]
        pts.append(low)
        heights.append(hh[ids])
        gxs.append(gx.ravel()[ids])
        gys.append(gy.ravel()[ids])
        base += len(ids)
    origin = grid.tiles(level).origin(i, j)
    gx_all, gy_all = np.concatenate(gxs), np.concatenate(gys)
    norm = np.sqrt(1.0 + gx_all * gx_all + gy_all * gy_all)
    normals = np.column_stack([-gx_all / norm, -gy_all / norm, 1.0 / norm]).astype(np.float32)
    return TileMesh(
        origin=origin,
        points=to_local(np.concatenate(pts), origin),
        triangles=np.concatenate(tris).astype(np.int32),
        heights=np.concatenate(heights).astype(np.float32),
        normals=normals,
        shade=shade_from_slopes(gx_all, gy_all) if shade else None,
    )
