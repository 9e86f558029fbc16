"""Sight lines and viewsheds with known answers: behind a ridge the ground below the line over its crest is hidden
exactly as far as that line reaches the ground; a line over a tower is blocked below a computable target height and
clears it above; over a flat sea the horizon of a 2 m eye lies where the curvature drop (less refraction) equals
the eye's height; a viewshed cell and the sight line to it agree."""

import math

import numpy as np
import pytest
import shapely

from ydtwin.geo.shadow import field_of
from ydtwin.geo.viewshed import (
    EARTH_RADIUS_M,
    HIDDEN,
    OUTSIDE,
    REFRACTION_K,
    VISIBLE,
    curvature_drop,
    sight_profile,
    viewshed_grid,
)
from ydtwin.model.buildings import BuildingsData

#: the observer stands at the centre of a cell, so that lines along its row run through cell centres
OX, OY = 0.5, 0.5


def _ridge(x, _y):
    """A ridge across the x axis: a 30 m high plateau 195–205 m from the observer (at cell centres), sides falling
    0.5 m per metre to the plain at 135 and 265 m."""
    d = np.abs(np.asarray(x) - OX - 200.0)
    return np.clip(30.0 - 0.5 * np.maximum(d - 5.0, 0.0), 0.0, None)


def _buildings_field(polys, heights, box, cell=1.0):
    d = BuildingsData.from_geometries(np.array(polys, dtype=object), height=np.asarray(heights, float), crs="scene")
    return field_of(box, cell, footprints=(d.xy, d.ring_offsets, d.part_offsets, d.height[d.part_building]),
                    terrain_tolerance_m=0.0)


def test_ground_behind_a_ridge_is_hidden_exactly_as_far_as_the_line_over_its_crest():
    """An eye 61 m up, 200 m from a 30 m ridge: the line over the plateau's far edge (205.5 m) meets the plain
    61 · 205.5 / 31 = 404.4 m away. Along the observer's row the plain and the ridge's near side and top are seen,
    the back slope and the plain to 404 m hidden, and everything from 405 m on seen again; cells beyond the radius
    are outside."""
    fld = field_of((-50, -100, 600, 100), 1.0, ground=_ridge, ground_step_m=1.0, terrain_tolerance_m=0.0)
    state = viewshed_grid(fld, OX, OY, 61.0, radius_m=550.0, curvature=False)
    xc, yc = fld.centres()
    row = state[int(np.argmin(np.abs(yc - OY)))]
    d = np.round(xc - OX).astype(int)
    ahead = (d >= 1) & (d <= 549)
    expected = np.where((d >= 206) & (d <= 404), HIDDEN, VISIBLE)
    assert (row[ahead] == expected[ahead]).all()
    assert (row[d >= 551] == OUTSIDE).all()
    # the crest's shadow of invisibility spreads off the axis too: a cell 30 m north of the row behind the crest
    assert state[int(np.argmin(np.abs(yc - (OY + 30))))][d == 300][0] == HIDDEN
    # without the ridge, all the plain is seen
    flat = field_of((-50, -100, 600, 100), 1.0, terrain_tolerance_m=0.0)
    assert (viewshed_grid(flat, OX, OY, 61.0, radius_m=550.0, curvature=False) != HIDDEN).all()


def test_a_lower_eye_sees_less_behind_the_ridge():
    """With the eye at 40 m the line over the crest meets the plain 40 · 205.5 / 10 = 822 m away: everything
    behind the ridge within 550 m is hidden; the crest itself is still seen from above."""
    fld = field_of((-50, -20, 600, 20), 1.0, ground=_ridge, ground_step_m=1.0, terrain_tolerance_m=0.0)
    state = viewshed_grid(fld, OX, OY, 40.0, radius_m=550.0, curvature=False)
    xc, yc = fld.centres()
    row = state[int(np.argmin(np.abs(yc - OY)))]
    d = np.round(xc - OX).astype(int)
    assert (row[(d >= 206) & (d <= 549)] == HIDDEN).all()
    assert (row[(d >= 1) & (d <= 205)] == VISIBLE).all()


def test_a_tower_blocks_a_sight_line_below_a_known_target_height():
    """A 50 m tower 100–120 m from an eye 1.7 m above the ground, a target 300 m away: the line rising to the
    target passes the tower's near face at 1.7 + (H − 1.7) / 3, so it clears it when H > 146.6 m. At H = 140 it is
    blocked 100 m out by 50 − 47.8 = 2.2 m, and the target would have to be 6.6 m higher."""
    fld = _buildings_field([shapely.box(100, -10, 120, 10)], [50.0], (-20, -40, 320, 40))
    blocked = sight_profile(fld, 0.0, OY, 1.7, 300.0, OY, 140.0, curvature=False)
    assert not blocked.visible and len(blocked.obstructions) == 1
    ob = blocked.obstructions[0]
    assert ob.at_m == pytest.approx(100.0, abs=1e-6)
    # the rising line is under the roof from the near face until it reaches 50 m at 104.8 m: cells 100–105
    assert ob.start_m == pytest.approx(100.0, abs=1e-6) and ob.end_m == pytest.approx(105.0, abs=1e-6)
    assert ob.excess_m == pytest.approx(50.0 - (1.7 + 138.3 / 3), abs=1e-4)
    assert ob.surface_m == pytest.approx(50.0)
    assert blocked.raise_target_m == pytest.approx(146.6 - 140.0, abs=1e-3)
    over = sight_profile(fld, 0.0, OY, 1.7, 300.0, OY, 147.0, curvature=False)
    assert over.visible and over.raise_target_m == 0.0
    c, at = over.min_clearance(over.surface_m > 1)
    assert c == pytest.approx(1.7 + 145.3 / 3 - 50.0, abs=1e-4) and 100 <= at <= 101


def test_sight_line_over_a_roof_is_judged_where_the_line_is_lowest():
    """From 80 m down to the ground 300 m away the line is 80 · (1 − x / 300) high: over the tower's far edge
    (120 m) it is at 48 m, below the 50 m roof — blocked by 2 m there; from 90 m it is at 54 m — clear."""
    fld = _buildings_field([shapely.box(100, -10, 120, 10)], [50.0], (-20, -40, 320, 40))
    low = sight_profile(fld, 0.0, OY, 80.0, 300.0, OY, 0.0, curvature=False)
    assert not low.visible
    assert low.obstructions[0].at_m == pytest.approx(120.0, abs=1e-6)
    assert low.obstructions[0].excess_m == pytest.approx(2.0, abs=1e-4)
    assert sight_profile(fld, 0.0, OY, 90.0, 300.0, OY, 0.0, curvature=False).visible


def test_curvature_drop_at_known_distances():
    """d²(1 − k)/2R with k = 0.13, R = 6,371 km: 0.0683 m at 1 km, 6.83 m at 10 km, 61.5 m at 30 km."""
    assert REFRACTION_K == 0.13 and EARTH_RADIUS_M == 6_371_000.0
    assert curvature_drop(1_000.0) == pytest.approx(1e6 * 0.87 / 12_742_000, rel=1e-12)
    assert curvature_drop(10_000.0) == pytest.approx(6.8278, abs=1e-4)
    assert curvature_drop(30_000.0) == pytest.approx(61.45, abs=0.01)
    assert curvature_drop(10_000.0, k=0.0) == pytest.approx(7.848, abs=1e-3)


def test_the_horizon_of_an_eye_over_a_flat_sea():
    """Over a flat surface, an eye 2 m up sees the surface out to its horizon √(2Rh / (1 − k)) = 5,412 m, not
    beyond; on a flat Earth, everything; a point 7 km out is seen when it stands (d − d_h)²(1 − k)/2R above the
    surface."""
    horizon = math.sqrt(2 * EARTH_RADIUS_M * 2.0 / (1 - REFRACTION_K))
    assert horizon == pytest.approx(5412, abs=1)
    fld = field_of((-8000, -60, 8000, 60), 20.0, terrain_tolerance_m=0.0)
    xc, yc = fld.centres()
    state = viewshed_grid(fld, 10.0, 10.0, 2.0, radius_m=8000.0)
    dist = np.hypot(xc[None, :] - 10.0, yc[:, None] - 10.0)
    assert (state[dist < horizon - 60] == VISIBLE).all()
    assert (state[(dist > horizon + 60) & (dist <= 8000)] == HIDDEN).all()
    assert (viewshed_grid(fld, 10.0, 10.0, 2.0, radius_m=8000.0, curvature=False)[dist <= 8000] == VISIBLE).all()
    # a target 7,000 m out needs (7000 − 5412)² · 0.87 / 2R = 0.172 m above the surface to be seen
    need = (7000 - horizon) ** 2 * (1 - REFRACTION_K) / (2 * EARTH_RADIUS_M)
    assert need == pytest.approx(0.172, abs=0.001)
    p_low = sight_profile(fld, 10.0, 10.0, 2.0, 7010.0, 10.0, need - 0.01)
    p_high = sight_profile(fld, 10.0, 10.0, 2.0, 7010.0, 10.0, need + 0.01)
    assert not p_low.visible and p_high.visible


def test_a_viewshed_cell_and_the_sight_line_to_it_agree():
    """Among towers of many heights, the viewshed says a cell is visible exactly when the sight line from the eye
    to the point on its surface is (the two walk the same cells with the same rule)."""
    rng = np.random.default_rng(7)
    polys, heights = [], []
    for _ in range(60):
        x, y = rng.uniform(-280, 280, 2)
        w, h = rng.uniform(8, 30, 2)
        polys.append(shapely.box(x, y, x + w, y + h))
        heights.append(rng.uniform(10, 120))
    fld = _buildings_field(polys, heights, (-300, -300, 300, 300), cell=2.0)
    ox, oy, eye = 3.0, 5.0, 1.7
    oz = float(fld.at(np.array([ox]), np.array([oy]))[0]) + eye
    state = viewshed_grid(fld, ox, oy, oz, radius_m=290.0)
    xc, yc = fld.centres()
    rows = rng.integers(0, len(yc), 400)
    cols = rng.integers(0, len(xc), 400)
    n_hidden = 0
    for r, c in zip(rows, cols, strict=True):
        if state[r, c] == OUTSIDE or math.hypot(xc[c] - ox, yc[r] - oy) < 2 * fld.cell:
            continue
        p = sight_profile(fld, ox, oy, oz, float(xc[c]), float(yc[r]), float(fld.z[r, c]))
        assert p.visible == (state[r, c] == VISIBLE), (r, c)
        n_hidden += not p.visible
    assert n_hidden > 20  # the towers hide a good part of the ground
