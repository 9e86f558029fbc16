"""A planner's fine DEM keeps its detail: imported, a 30 m GeoTIFF (UTM 51N, written here) becomes terrain tiles in
the scene CRS whose heights match the file, beside the region grid's 1 km average; later files cut earlier ones;
coarse files add no tiles; a file bigger than the cap is coarsened and says so."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("rasterio")

from dem_synth import SHESHAN, hills, write_utm_tif  # noqa: E402
from ydtwin.geo.drape import SurfaceHeights  # noqa: E402
from ydtwin.geo.terrain_detail import TILE_CELLS, tile_mesh  # noqa: E402
from ydtwin.workspace import Workspace  # noqa: E402

SIZE, RES = 600, 30.0


@pytest.fixture()
def ws():
    return Workspace.open(plugin_names=[])


def file_heights(ws, x, y, fill, *, size=SIZE, res=RES):
    """Heights of the file written by ``write_utm_tif(fill=fill)`` at scene x/y: bilinear between its cell
    centres, in its own CRS (UTM 51N)."""
    from pyproj import Transformer

    cx, cy = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True).transform(*SHESHAN)
    lon, lat = ws.scene.projection.from_scene(x, y)
    ux, uy = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True).transform(lon, lat)
    col = (ux - (cx - size * res / 2)) / res - 0.5
    row = ((cy + size * res / 2) - uy) / res - 0.5
    c0, r0 = np.floor(col).astype(int), np.floor(row).astype(int)
    tc, tr = col - c0, row - r0
    f = fill.astype(np.float64)
    return (f[r0, c0] * (1 - tc) * (1 - tr) + f[r0, c0 + 1] * tc * (1 - tr) + f[r0 + 1, c0] * (1 - tc) * tr
            + f[r0 + 1, c0 + 1] * tc * tr)


def probes(ws, n=400, margin_m=600.0, seed=1):
    """Random scene points inside the file's square (away from its edges)."""
    x, y = ws.scene.projection.to_scene([SHESHAN[0]], [SHESHAN[1]])
    half = SIZE * RES / 2 - margin_m
    rng = np.random.default_rng(seed)
    return x[0] + rng.uniform(-half, half, n), y[0] + rng.uniform(-half, half, n)


def test_fine_dem_heights_come_back_from_the_detail(ws, tmp_path):
    """Heights sampled from the terrain (as buildings, draped lines and clouds take them) match the file at 400
    random points: the 30 m posts warped into the scene CRS and interpolated again differ from the file's own
    bilinear heights by millimetres (decimetres at most, on the furrowed slopes); the region grid's 1 km average
    alone is off by tens of metres on the hills."""
    fill = hills(SIZE, RES)
    line = ws.open_dem(write_utm_tif(tmp_path / "hills.tif", fill=fill))
    assert "kept at 30 m as terrain tiles" in line
    terrain = ws.scene.layer("terrain")
    detail = terrain.detail
    assert detail is not None and len(detail.grids) == 1
    grid = detail.grids[0]
    assert grid.spacing == 30.0 and grid.crs == ws.scene.projection.crs.to_wkt()
    assert "kept at 30 m as terrain tiles (GDAL warp, bilinear)" in terrain.imported[-1].transformations
    x, y = probes(ws)
    expected = file_heights(ws, x, y, fill)
    surface = SurfaceHeights(terrain.elevation, ws.scene.projection, ws.scene.vertical_exaggeration)
    got = surface.elevation(x, y)
    err = np.abs(got - expected)
    assert float(np.median(err)) < 0.01 and float(err.max()) < 0.4, (np.median(err), err.max())
    lon, lat = ws.scene.projection.from_scene(x, y)
    coarse = np.abs(terrain.elevation.sample(lon, lat) - expected)
    assert coarse.max() > 40.0  # what the detail adds: the hills the 1 km grid averages away
    # what stands on the terrain stands on the detail as it is drawn (× exaggeration)
    assert surface.z(x, y, 0.0) == pytest.approx(np.maximum(got, 0.5) * ws.scene.vertical_exaggeration)


def test_tiles_are_float64_origins_with_float32_local_heights(ws, tmp_path):
    ws.open_dem(write_utm_tif(tmp_path / "hills.tif", fill=hills(SIZE, RES)))
    grid = ws.scene.layer("terrain").detail.grids[0]
    assert all(level.dtype == np.float32 for level in grid.levels)
    assert len(grid.levels) >= 3 and grid.levels[-1].shape[0] <= TILE_CELLS + 1
    for level in range(len(grid.levels)):
        i, j = int(grid.stats[level][0][0]), int(grid.stats[level][1][0])
        mesh = tile_mesh(grid, level, i, j, 6.0)
        assert mesh.origin.dtype == np.float64 and mesh.points.dtype == np.float32
        assert np.abs(mesh.points[:, :2]).max() <= TILE_CELLS * grid.spacing_at(level) / 2 + 1e-3


def test_cells_under_the_detail_and_no_data_inside_the_file(ws, tmp_path):
    """Region grid cells wholly inside the file are marked covered (not drawn coarse), those across its edge
    are not; a no-data hole in the file stays no data in the detail (not drawn, the coarse terrain shows)."""
    fill = hills(SIZE, RES)
    fill[250:330, 250:330] = -9999.0  # 2.4 km of no data in the middle
    ws.open_dem(write_utm_tif(tmp_path / "holes.tif", fill=fill))
    terrain = ws.scene.layer("terrain")
    detail = terrain.detail
    g = terrain.elevation
    jj, ii = np.nonzero(detail.covered)
    assert len(jj) > 200
    t = np.linspace(0.05, 0.95, 6)
    lon = (g.x0 + (ii[:, None, None] + t[None, :, None]) * g.dx + 0 * t[None, None, :]).ravel()
    lat = (g.y0 + (jj[:, None, None] + t[None, None, :]) * g.dy + 0 * t[None, :, None]).ravel()
    sx, sy = ws.scene.projection.to_scene(lon, lat)
    assert np.isfinite(detail.sample(sx, sy)).all()  # covered cells: detail everywhere in them
    cx, cy = ws.scene.projection.to_scene([SHESHAN[0]], [SHESHAN[1]])
    assert np.isnan(detail.sample(cx + 300.0 * (np.arange(3) - 1), cy)).all()  # in the hole
    # the cell holding the hole's centre is not covered
    j = int(round((SHESHAN[1] - g.y0) / g.dy - 0.5))
    i = int(round((SHESHAN[0] - g.x0) / g.dx - 0.5))
    assert not detail.covered[j, i]


def test_a_later_dem_cuts_an_earlier_ones_detail(ws, tmp_path):
    """Two overlapping 30 m files: where the second has data its heights win (in the detail as in the region
    grid), the first keeps the rest, and along the seam the terrain has detail without a gap."""
    ws.open_dem(write_utm_tif(tmp_path / "first.tif", value=50.0))
    x, y = ws.scene.projection.to_scene([SHESHAN[0]], [SHESHAN[1]])
    second = write_utm_tif(tmp_path / "second.tif", value=80.0, size=300)  # the middle quarter
    ws.open_dem(second)
    detail = ws.scene.layer("terrain").detail
    assert len(detail.grids) == 2
    along = x[0] + np.linspace(-8000, 8000, 801)
    h = detail.sample(along, np.full_like(along, y[0]))
    assert np.isfinite(h).all()  # no seam
    assert h[400] == pytest.approx(80.0) and h[0] == pytest.approx(50.0) and h[-1] == pytest.approx(50.0)
    first = detail.grids[0]
    assert np.isnan(first.sample(x, y)).all()  # cut under the later file
    assert np.isfinite(first.levels[0]).sum() < SIZE * SIZE


def test_coarse_dem_adds_no_tiles_but_cuts_finer_ones(ws, tmp_path):
    """A 500 m file is averaged into the region grid only (its cells are not much finer); where it has data an
    earlier fine file's detail gives way to it."""
    ws.open_dem(write_utm_tif(tmp_path / "fine.tif", value=20.0))
    line = ws.open_dem(write_utm_tif(tmp_path / "coarse.tif", value=7.0, size=12, res=500.0))
    assert "terrain tiles" not in line
    detail = ws.scene.layer("terrain").detail
    assert len(detail.grids) == 1
    x, y = ws.scene.projection.to_scene([SHESHAN[0]], [SHESHAN[1]])
    assert np.isnan(detail.sample(x, y)).all()  # the coarse file's value shows there
    surface = SurfaceHeights(ws.scene.layer("terrain").elevation, ws.scene.projection, 1.0)
    assert surface.elevation(x, y)[0] == pytest.approx(7.0)
    assert detail.sample(x + 8000.0, y).item() == pytest.approx(20.0)  # beyond it the fine file stays


def test_a_dem_over_the_cap_is_coarsened_and_says_so(ws, tmp_path):
    from ydtwin.io.dem import open_dem_info
    from ydtwin.io.dem_detail import warp_detail

    info = open_dem_info(write_utm_tif(tmp_path / "hills.tif", fill=hills(SIZE, RES)))
    grid, note = warp_detail(info, ws.scene.projection.crs, ws.scene.extent, max_cells=40_000)
    assert grid.cells <= 40_000 and grid.spacing > 60.0
    assert "coarsened from 30 m" in note and "average" in note
