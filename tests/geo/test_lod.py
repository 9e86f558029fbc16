"""Quadtree tiles, aggregates, culling, screen-space error and the triangle budget (no GPU needed)."""

import math

import numpy as np
import pytest

from ydtwin.geo.lod import (
    AGG_CELLS,
    MAX_BUDGET_ERROR_PX,
    Camera,
    Quadtree,
    TriangleBudget,
    build_tiles,
    select,
    select_within_budget,
)
from ydtwin.geo.synthetic import synthetic_footprints
from ydtwin.model.buildings import BuildingsData


@pytest.fixture(scope="module")
def city():
    fp = synthetic_footprints(40_000, seed=2, extent=30_000.0)
    data = BuildingsData(fp.xy, fp.ring_offsets, fp.part_offsets, np.arange(len(fp)), fp.height, np.zeros(len(fp)),
                         np.zeros(len(fp), np.uint8), np.zeros(len(fp), np.uint8), "scene")

    class Flat:  # scene coordinates are already metres
        @staticmethod
        def to_scene(x, y, crs):
            return np.asarray(x), np.asarray(y)

    geom = data.scene_geometry(Flat())
    tree = Quadtree(geom.centre, max_items=2_000)
    return geom, tree, build_tiles(tree, geom)


def _camera(pos, target, fov_deg=30.0, height_px=1000, aspect=1.6):
    """A simple perspective camera's frustum planes (inward normals), like VTK's GetFrustumPlanes."""
    pos, target = np.asarray(pos, float), np.asarray(target, float)
    f = target - pos
    f /= np.linalg.norm(f)
    up = np.array([0.0, 0.0, 1.0]) if abs(f[2]) < 0.99 else np.array([0.0, 1.0, 0.0])
    r = np.cross(f, up)
    r /= np.linalg.norm(r)
    u = np.cross(r, f)
    t = math.tan(math.radians(fov_deg) / 2)
    planes = []
    for n in (f + r / (t * aspect), f - r / (t * aspect), f + u / t, f - u / t):  # left, right, bottom, top
        n = n / np.linalg.norm(n)
        planes.append([*n, -n @ pos])
    planes.append([*f, -f @ pos - 1.0])  # near
    planes.append([*(-f), f @ pos + 1e7])  # far
    return Camera(pos, np.array(planes), height_px / (2 * t))


def test_every_building_is_in_exactly_one_leaf(city):
    geom, tree, tiles = city
    leaves = tree.leaves()
    items = np.concatenate([leaf.items for leaf in leaves])
    assert len(items) == len(geom.base_z) == len(np.unique(items))
    assert max(len(leaf.items) for leaf in leaves) <= 2_000
    full = [t for (n, d), t in tiles.items() if d == "full"]
    assert sum(len(np.unique(t.triangle_building)) for t in full) == len(geom.base_z)


def test_aggregates_are_far_cheaper_and_keep_the_built_volume(city):
    geom, tree, tiles = city
    full_tris = sum(t.n_triangles for (n, d), t in tiles.items() if d == "full")
    root_agg = tiles[(tree.root.id, "aggregate")]
    assert root_agg.n_triangles * 20 < full_tris
    assert root_agg.n_triangles <= 10 * AGG_CELLS**2 + 40 * 200  # prisms + the few tall ones in full
    # volume of the root aggregate's prisms ~ the built volume (area-weighted mean heights)
    cells = root_agg.cell_buildings
    assert sum(len(c) for c in cells) + 0 <= len(geom.base_z)


def test_far_camera_draws_aggregates_near_camera_draws_full_detail(city):
    _geom, tree, tiles = city
    far = _camera((0, -400_000, 300_000), (0, 0, 0))
    keys = select(tree, tiles, far, 2.0)
    assert keys and all(d == "aggregate" for _, d in keys)
    near = _camera((0, -16_000, 800), (0, 0, 0))  # at the southern edge, looking across the city
    keys = select(tree, tiles, near, 16.0)
    assert any(d == "full" for _, d in keys)
    assert any(d == "aggregate" for _, d in keys)  # the far side of the city stays aggregated
    full_tris = sum(t.n_triangles for (n, d), t in tiles.items() if d == "full")
    assert sum(tiles[k].n_triangles for k in keys) < full_tris


def test_frustum_culling_drops_what_is_behind_the_camera(city):
    _geom, tree, tiles = city
    away = _camera((0, -20_000, 500), (0, -60_000, 0))  # south of the city, looking further south
    assert select(tree, tiles, away, 2.0) == []
    assert select(tree, tiles, away, 2.0, cull=False)


def test_budget_follows_measured_frame_times_and_bounds_the_selection(city):
    _geom, tree, tiles = city
    budget = TriangleBudget(target_fps=20)
    for _ in range(20):
        budget.record(1_000_000, 0.2)  # software GL: 5 M triangles/s
    assert budget.budget == pytest.approx(250_000, rel=0.01)
    assert TriangleBudget().target_fps == 15.0  # the default asks for 15 frames/s (frames well under 100 ms)
    fast = TriangleBudget(target_fps=20)
    for _ in range(20):
        fast.record(60_000_000, 0.1)  # a big GPU
    assert fast.budget == pytest.approx(30_000_000, rel=0.01)
    across = _camera((0, -16_000, 800), (0, 0, 0))  # the city's edge, looking across it
    unbounded = sum(tiles[k].n_triangles for k in select(tree, tiles, across, 8.0))
    keys, err = select_within_budget(tree, tiles, across, unbounded // 2)
    drawn = sum(tiles[k].n_triangles for k in keys)
    assert drawn < unbounded and err > 8.0
    assert drawn <= unbounded // 2 or err == MAX_BUDGET_ERROR_PX  # coarsened no further than the cap
    fixed = TriangleBudget.fixed(1000)
    fixed.record(10**9, 0.001)
    assert fixed.budget == 1000


def test_leaves_stay_small_enough_for_float32_local_coordinates():
    """Sparse data must not end in a 100 km leaf: leaves are split down to max_size (float32 step ≤ 2 mm)."""
    rng = np.random.default_rng(4)
    centres = rng.uniform(-150_000, 150_000, (3_000, 2))  # few buildings over 300 km
    tree = Quadtree(centres, max_items=12_000, max_size=25_000.0)
    leaves = tree.leaves()
    assert max(leaf.size for leaf in leaves) <= 25_000.0
    assert sum(len(leaf.items) for leaf in leaves) == 3_000
    assert np.spacing(np.float32(25_000 / np.sqrt(2))) < 0.002


def test_interactive_point_budget_settles_where_frames_keep_the_target():
    """On a model machine (30 ms of terrain and buildings plus 200 ns a point) the budget settles where a
    moving frame takes 1/target_fps; it never passes the still budget nor drops under its floor."""
    from ydtwin.geo.lod import InteractivePointBudget

    budget = InteractivePointBudget(target_fps=12.0, initial=250_000)
    for _ in range(40):
        budget.record(budget.points, 0.030 + 2e-7 * budget.points, ceiling=5_000_000)
    assert 0.030 + 2e-7 * budget.points == pytest.approx(1 / 12, rel=0.05)
    budget.record(budget.points, 1e-4, ceiling=300_000)  # a fast frame: up, but not past the cloud's points
    assert budget.points == 300_000
    for _ in range(20):
        budget.record(budget.points, 5.0, ceiling=300_000)  # the rest of the frame alone is too slow
    assert budget.points == budget.floor


def test_leaves_extruded_in_batches_are_the_meshes_extruded_one_by_one(city, monkeypatch):
    """Leaves are extruded several to a kernel call and cut back into tiles: every tile's vertices, triangles
    and triangle → building map are exactly those of extruding that leaf alone, in the same order of tiles."""
    import ydtwin.geo.lod as lod

    geom, tree, batched = city
    monkeypatch.setattr(lod, "BATCH_VERTICES", 0)  # a kernel call per leaf, as before batching
    one_by_one = build_tiles(tree, geom)
    assert list(batched) == list(one_by_one)
    full = [k for k in batched if k[1] == "full"]
    assert len(full) > 10
    for key in batched:
        a, b = batched[key], one_by_one[key]
        assert np.array_equal(a.vertices, b.vertices) and np.array_equal(a.triangles, b.triangles)
        assert np.array_equal(a.triangle_building, b.triangle_building) and np.array_equal(a.origin, b.origin)
        assert a.bounds == pytest.approx(b.bounds)
        assert a.triangles.min() >= 0 and a.triangles.max() < len(a.vertices)
