"""Sea-level scenarios on synthetic terrain with known answers: connected low land floods, inland pockets stay
dry, areas are exact equal-area sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from ydtwin.geo.grid import GridData
from ydtwin.geo.inundation import (
    cell_areas_km2,
    cell_rectangles,
    flooded_land,
    inundation,
    sea_cells,
    water_cells,
)
from ydtwin.model.layer import VectorData


def coast(nx: int = 40, ny: int = 30):
    """Sea in the east (columns ≥ 30), a 1 m coastal strip (columns 25–29), 5 m land behind it with a 0.5 m
    bowl (rows 10–14, columns 5–9) that no low path connects to the sea."""
    elev = np.full((ny, nx), 5.0, dtype=np.float32)
    elev[:, 25:30] = 1.0
    elev[10:15, 5:10] = 0.5
    elev[:, 30:] = -10.0
    land = np.zeros((ny, nx), dtype=bool)
    land[:, :30] = True
    grid = GridData(x0=121.0, y0=30.0, dx=0.01, dy=0.01, values=elev, crs="EPSG:4326")
    return grid, land


def test_coastal_strip_floods_and_inland_bowl_stays_dry():
    """At +2 m the 1 m strip touching the sea is flooded; the 0.5 m bowl inland, ringed by 5 m land, is not."""
    grid, land = coast()
    flooded = flooded_land(grid.values, land, 2.0)
    assert flooded[:, 25:30].all()
    assert not flooded[10:15, 5:10].any()
    assert not flooded[:, :25].any()
    assert not flooded[:, 30:].any()  # the sea itself is not "flooded land"
    # at +6 m everything on land is under the level and reached
    assert flooded_land(grid.values, land, 6.0)[:, :30].all()
    # below the strip's height nothing floods
    assert not flooded_land(grid.values, land, 0.9).any()


def test_a_bowl_opened_by_a_low_channel_floods():
    """A 1 m channel from the strip into the bowl connects it: the bowl floods too."""
    grid, land = coast()
    elev = grid.values.copy()
    elev[12, 10:25] = 1.0
    flooded = flooded_land(elev, land, 2.0)
    assert flooded[10:15, 5:10].all()
    assert flooded[12, 10:25].all()


def test_diagonal_gap_depends_on_connectivity():
    """Water passes a corner between two cells with 8 neighbours, not with 4."""
    elev = np.full((5, 6), 5.0, dtype=np.float32)
    elev[:, 5] = -5.0
    land = np.ones((5, 6), dtype=bool)
    land[:, 5] = False
    elev[2, 4] = 1.0  # touches the sea
    elev[1, 3] = 1.0  # only diagonally connected to (2, 4)
    f8 = flooded_land(elev, land, 2.0, connectivity=8)
    f4 = flooded_land(elev, land, 2.0, connectivity=4)
    assert f8[1, 3] and f8[2, 4]
    assert f4[2, 4] and not f4[1, 3]


def test_enclosed_water_is_not_the_sea():
    """A non-land cell enclosed by land (a lake outside the land mask) does not start a flood."""
    elev = np.full((9, 9), 5.0, dtype=np.float32)
    land = np.ones((9, 9), dtype=bool)
    land[4, 4] = False
    elev[3:6, 3:6] = 1.0
    assert not sea_cells(land).any()
    assert not flooded_land(elev, land, 2.0).any()


def test_cell_areas_are_equal_area_on_the_ellipsoid():
    """Each row's cell area equals the geodesic area of its lon/lat quadrangle (pyproj Geod) to 1e-6."""
    from pyproj import Geod

    grid, _ = coast()
    areas = cell_areas_km2(grid)[:, 0]
    geod = Geod(ellps="WGS84")
    for j in (0, 17, 29):
        lat = grid.y0 + j * grid.dy
        lon = grid.x0
        h = grid.dy / 2
        a, _ = geod.polygon_area_perimeter([lon - 0.005, lon + 0.005, lon + 0.005, lon - 0.005],
                                           [lat - h, lat - h, lat + h, lat + h])
        assert math.isclose(areas[j], abs(a) / 1e6, rel_tol=1e-6)
    assert areas[0] > areas[-1]  # cells shrink northwards


def test_areas_per_city_are_exact_sums():
    """Two 'cities' split the strip at row 15: each gets exactly its flooded cells' areas; the bowl adds none."""
    grid, land = coast()
    lat_mid = grid.y0 + 14.5 * grid.dy
    west, east = grid.x0 - 0.005, grid.x0 + 40 * grid.dx
    south_city = shapely.box(west, grid.y0 - 0.005, east, lat_mid)
    north_city = shapely.box(west, lat_mid, east, grid.y0 + 30 * grid.dy)
    cities = VectorData(np.array([south_city, north_city], dtype=object), "EPSG:4326",
                        {"name": np.array(["South", "North"]), "name_zh": np.array(["南", "北"]),
                         "adcode": np.array(["1", "2"])})
    result = inundation(grid, land, 2.0, cities=cities)
    rows = cell_areas_km2(grid)[:, 0]
    assert result.rows[0].flooded_km2 == pytest.approx(5 * rows[:15].sum(), rel=1e-12)
    assert result.rows[1].flooded_km2 == pytest.approx(5 * rows[15:].sum(), rel=1e-12)
    assert result.rows[0].land_km2 == pytest.approx(30 * rows[:15].sum(), rel=1e-12)
    assert result.outside_km2 == pytest.approx(0.0, abs=1e-9)
    assert result.total_km2 == pytest.approx(5 * rows.sum(), rel=1e-12)
    table = result.table()
    assert [r["city"] for r in table] == ["South", "North", "outside the cities", "total"]
    # cells of unknown height (a filled default) that flood are reported apart
    unknown = np.zeros(grid.shape, dtype=bool)
    unknown[0, 25:30] = True  # 5 flooded cells in the south
    unknown[20, 0:5] = True  # dry cells: not counted
    marked = inundation(grid, land, 2.0, cities=cities, unknown=unknown)
    assert marked.rows[0].unknown_km2 == pytest.approx(5 * rows[0], rel=1e-12)
    assert marked.rows[1].unknown_km2 == 0
    assert marked.unknown_km2 == pytest.approx(5 * rows[0], rel=1e-12)
    assert marked.table()[-1]["unknown_height_km2"] == pytest.approx(5 * rows[0], abs=1e-3)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 25.0, -11.0])
def test_levels_outside_the_range_are_refused(bad):
    grid, land = coast()
    with pytest.raises(ValueError, match="between"):
        inundation(grid, land, bad)


def test_water_rectangles_cover_exactly_the_cells():
    """Merged 16 × 16 tiles and single cells cover each True cell once and no False cell."""
    rng = np.random.default_rng(3)
    nodes = rng.random((70, 90)) < 0.35
    nodes[:40, :50] = True
    cells = water_cells(nodes)
    cover = np.zeros(cells.shape, dtype=int)
    rects = cell_rectangles(cells, 16)
    for j0, i0, j1, i1 in rects:
        cover[j0:j1, i0:i1] += 1
    assert (cover == cells).all()
    assert len(rects) < cells.sum()  # whole tiles were merged


def test_lakes_pass_water_but_are_not_flooded_land():
    """A lake (inside the land mask) joined to the strip: water passes through it to the low land behind it,
    but the lake's own cells count neither as land nor as flooded land."""
    grid, land = coast()
    elev = grid.values.copy()
    elev[10:15, 10:25] = 1.5  # a lake from the bowl to the strip
    lakes = np.zeros(grid.shape, dtype=bool)
    lakes[10:15, 10:25] = True
    g = GridData(grid.x0, grid.y0, grid.dx, grid.dy, elev, grid.crs)
    box = shapely.box(grid.x0 - 1, grid.y0 - 1, grid.x0 + 1, grid.y0 + 1)
    cities = VectorData(np.array([box], dtype=object), "EPSG:4326", {"name": np.array(["All"])})
    result = inundation(g, land, 2.0, cities=cities, lakes=lakes)
    assert result.flooded[10:15, 5:10].all()  # the bowl behind the lake floods
    assert not result.flooded[lakes].any()
    rows = cell_areas_km2(grid)[:, 0]
    expected = 5 * rows.sum() + 5 * rows[10:15].sum()  # the strip and the bowl
    assert result.rows[0].flooded_km2 == pytest.approx(expected, rel=1e-12)
    assert result.rows[0].land_km2 == pytest.approx(30 * rows.sum() - 15 * rows[10:15].sum(), rel=1e-12)
