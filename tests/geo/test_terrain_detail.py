"""Terrain detail tiles (pure numpy): the pyramid keeps coverage and smooth relief, tiles carry float64 origins
and float32 local meshes without cracks, and the per-frame selection draws fine levels near the camera and
coarse ones far away, within a triangle budget."""

from __future__ import annotations

import numpy as np
import pytest

from ydtwin.geo.lod import Camera
from ydtwin.geo.terrain_detail import (
    MAX_BUDGET_PX,
    MIN_LAND_ELEVATION,
    TILE_CELLS,
    DetailGrid,
    DetailIndex,
    TerrainDetail,
    build_pyramid,
    drawn_heights,
    reduce_level,
    sea_surface_cells,
    select_within_budget,
    tile_mesh,
)

SPACING = 30.0


def ramp_grid(ny=700, nx=900, x0=-12_000.0, y0=5_000.0) -> DetailGrid:
    """Posts of a tilted plane (0.01 up per metre east, 0.02 north) plus a hill, with a hole of no data."""
    y, x = np.mgrid[0:ny, 0:nx] * SPACING
    z = 5.0 + 0.01 * x + 0.02 * y + 60.0 * np.exp(-((x - 9000) ** 2 + (y - 9000) ** 2) / 2000.0**2)
    z = z.astype(np.float32)
    z[300:340, 400:460] = np.nan
    return DetailGrid.from_posts(z, x0, y0, SPACING, "scene")


def everywhere(position, pixel_factor=1000.0) -> Camera:
    """A camera at ``position`` whose frustum holds everything (planes 0·x + 1 ≥ 0)."""
    planes = np.tile([0.0, 0.0, 0.0, 1.0], (6, 1))
    return Camera(np.asarray(position, dtype=float), planes, pixel_factor)


def test_a_pyramid_step_keeps_planes_and_coverage():
    """A plane is reproduced exactly at every kept post; a post is no data only where its whole 3 × 3
    neighbourhood is, so a coarser level covers at least what the finer one covers."""
    y, x = np.mgrid[0:51, 0:61].astype(np.float32)
    plane = 2.0 + 0.5 * x - 0.25 * y
    coarse = reduce_level(plane)
    assert coarse.shape == (26, 31)
    assert np.allclose(coarse[1:-1, 1:-1], plane[2:-2:2, 2:-2:2], atol=1e-5)
    holes = plane.copy()
    holes[10:30, 20:40] = np.nan
    c = reduce_level(holes)
    assert np.isnan(c[6:14, 11:19]).all()  # wholly inside the hole
    assert np.isfinite(c[5, 10]) and np.isfinite(c[15, 20])  # one post from the data: kept (dilated)
    # an even number of posts gets a closing post of no data, which the reduction fills from its neighbours
    even = reduce_level(np.ones((10, 10), dtype=np.float32))
    assert even.shape == (6, 6) and np.isfinite(even).all()


def test_pyramid_ends_when_one_tile_holds_a_level():
    levels = build_pyramid(np.zeros((1000, 300), dtype=np.float32))
    assert [lv.shape for lv in levels] == [(1000, 300), (501, 151), (251, 76), (126, 39)]
    assert max(levels[-1].shape) <= TILE_CELLS + 1
    assert all(lv.dtype == np.float32 for lv in levels)


def test_tiles_have_float64_origins_and_float32_local_meshes():
    """Every tile's mesh is float32 coordinates around its float64 centre (≤ half a tile away), its triangles
    cover exactly the cells whose four posts have data, and the mesh reproduces the posts' positions."""
    grid = ramp_grid()
    exag = 6.0
    for level in range(len(grid.levels)):
        tiles = grid.tiles(level)
        size = TILE_CELLS * grid.spacing_at(level)
        assert tiles.tile_size == size
        for i, j in zip(*grid.stats[level][:2], strict=True):
            mesh = tile_mesh(grid, level, int(i), int(j), exag)
            assert mesh.origin.dtype == np.float64 and mesh.points.dtype == np.float32
            assert mesh.triangles.dtype == np.int32
            assert np.allclose(mesh.origin[:2], [grid.x0 + (i + 0.5) * size, grid.y0 + (j + 0.5) * size])
            assert np.abs(mesh.points[:, :2]).max() <= size / 2 + 1e-3
            posts = grid.tile_posts(level, int(i), int(j))
            n = posts.size
            world = mesh.points[:n].astype(np.float64) + mesh.origin
            jj, ii = np.divmod(np.arange(n), posts.shape[1])
            assert np.allclose(world[:, 0], grid.x0 + (i * TILE_CELLS + ii) * grid.spacing_at(level), atol=0.01)
            finite = np.isfinite(posts.ravel())
            assert np.allclose(world[finite, 2], drawn_heights(posts.ravel()[finite]) * exag, atol=0.01)
            f = np.isfinite(posts)
            cells = (f[:-1, :-1] & f[1:, :-1] & f[:-1, 1:] & f[1:, 1:]).sum()
            surface = mesh.triangles[(mesh.triangles < n).all(axis=1)]
            assert len(surface) == 2 * cells
            assert np.isfinite(mesh.normals).all() and np.isfinite(mesh.heights).all()


def test_skirts_hang_under_shared_edges_and_face_outwards():
    """A tile's skirts drop from the edges it shares with another tile, never from the outer edge of the data,
    and face out of the tile (their front is what shows through a seam)."""
    grid = ramp_grid()
    mesh = tile_mesh(grid, 0, 1, 1, 6.0)  # an inner tile: skirts on four sides
    posts = grid.tile_posts(0, 1, 1)
    n = posts.size
    skirt = mesh.triangles[(mesh.triangles >= n).any(axis=1)]
    assert len(skirt) == 4 * 2 * TILE_CELLS
    p = mesh.points.astype(np.float64)
    normal = np.cross(p[skirt[:, 1]] - p[skirt[:, 0]], p[skirt[:, 2]] - p[skirt[:, 0]])
    centre = p[skirt].mean(axis=1)
    outwards = (normal[:, :2] * centre[:, :2]).sum(axis=1)  # the tile's centre is the local origin
    assert (outwards > 0).all()
    corner = tile_mesh(grid, 0, 0, 0, 6.0)  # at the south-west corner of the data: skirts north and east only
    m = grid.tile_posts(0, 0, 0).size
    assert len(corner.triangles[(corner.triangles >= m).any(axis=1)]) == 2 * 2 * TILE_CELLS


def test_level_of_detail_fine_near_coarse_far():
    """A camera low over one corner draws the finest level there and coarser levels with distance; a camera
    high above draws the coarsest tiles only; a tile outside the frustum is not drawn."""
    grid = ramp_grid()
    index = DetailIndex(grid, 6.0)
    x0, y0, x1, y1 = grid.bounds
    near = index.select(everywhere([x0 + 500, y0 + 500, 400.0], pixel_factor=200.0))
    levels = index.level[near]
    assert levels.min() == 0 and levels.max() >= 2
    dist = np.hypot(index.bounds[near, 0] - x0, index.bounds[near, 2] - y0)
    assert dist[levels == 0].max() < dist[levels == levels.max()].min()
    high = index.select(everywhere([(x0 + x1) / 2, (y0 + y1) / 2, 2_000_000.0]))
    assert set(index.level[high]) == {len(grid.levels) - 1}
    # coverage: the drawn tiles never overlap and cover every tile of level 0 exactly once
    for chosen in (near, high):
        cover = np.zeros(int(np.sum(index.level == 0)), dtype=int)
        lvl0 = np.flatnonzero(index.level == 0)
        for n, k0 in enumerate(lvl0):
            k = k0
            while k >= 0:
                if k in set(chosen.tolist()):
                    cover[n] += 1
                k = index.parent[k]
        assert (cover == 1).all()
    nowhere = Camera(np.array([0.0, 0.0, 1000.0]), np.tile([0.0, 0.0, 0.0, -1.0], (6, 1)), 1000.0)
    assert len(index.select(nowhere)) == 0


def test_a_budget_coarsens_the_selection():
    grid = ramp_grid()
    index = DetailIndex(grid, 6.0)
    x0, y0, _x1, _y1 = grid.bounds
    cam = everywhere([x0 + 500, y0 + 500, 400.0], pixel_factor=3000.0)
    free, px = select_within_budget([index], cam, 10**9)
    assert px == 3.0
    never, px_cap = select_within_budget([index], cam, 1)  # an impossible budget: coarsened so far, no further
    assert px_cap == MAX_BUDGET_PX and len(never[0])
    least = int(index.triangles[never[0]].sum())
    budget = (least + int(index.triangles[free[0]].sum())) // 2
    tight, px_tight = select_within_budget([index], cam, budget)
    assert 3.0 < px_tight < MAX_BUDGET_PX
    assert least <= index.triangles[tight[0]].sum() <= budget


def test_detail_sampling_is_bilinear_and_no_data_stays_nan():
    grid = ramp_grid()
    x0, y0, _x1, _y1 = grid.bounds
    x = x0 + np.array([1000.3, 4321.0, 12_000.0 + 15.0])
    y = y0 + np.array([2000.7, 700.0, 9_600.0 + 10.0])  # the last inside the hole
    z = grid.sample(x, y)
    ex = 5.0 + 0.01 * (x - x0) + 0.02 * (y - y0) + 60.0 * np.exp(-((x - x0 - 9000) ** 2 + (y - y0 - 9000) ** 2)
                                                                   / 2000.0**2)
    assert z[:2] == pytest.approx(ex[:2], abs=0.02)
    assert np.isnan(z[2])
    later = DetailGrid.from_posts(np.full((50, 50), 99.0, dtype=np.float32), x0 + 990, y0 + 1990, SPACING, "scene")
    both = TerrainDetail((grid, later))
    assert both.sample(x, y)[0] == pytest.approx(99.0)  # the later grid first
    assert both.sample(x, y)[1] == pytest.approx(ex[1], abs=0.02)


def test_drawn_heights_keep_land_and_sea_off_the_sea_surface():
    h = np.array([-30.0, -0.2, 0.0, 0.1, 3.0])
    assert drawn_heights(h).tolist() == pytest.approx([-30.0, -MIN_LAND_ELEVATION, -MIN_LAND_ELEVATION,
                                                       MIN_LAND_ELEVATION, 3.0])


def test_sea_surface_reaches_the_detail_sea_next_to_the_sea_only():
    """Where detail draws the sea in a cell the grid calls land, the sea surface covers it when it is next to the
    sea; inland cells with detail below 0 m (a polder) get no sea surface."""
    land = np.ones((8, 8), dtype=bool)
    land[:, :2] = False  # sea in the west
    sea = np.zeros((7, 7), dtype=bool)
    sea[3, 2] = True  # next to the cells with sea at a corner
    sea[3, 5] = True  # inland
    cells = sea_surface_cells(land, TerrainDetail((), None, sea))
    assert cells[3, 2] and not cells[3, 5]
    assert (cells[:, :2]).all() and not cells[:, 3:].any()
    assert (sea_surface_cells(land) == cells & ~sea).all()
