"""The scene projection, tile origins and float32 precision across the region."""

import numpy as np
import pytest

from ydtwin.geo.projection import SceneProjection, to_wgs84
from ydtwin.geo.tiles import TileGrid, from_local, split_by_tiles, to_local

PROJ = SceneProjection(lon_0=121.1, lat_0=30.8)
CORNERS = (np.array([119.0, 123.2, 119.0, 123.2, 121.1]), np.array([28.8, 28.8, 32.8, 32.8, 30.8]))
M_PER_DEG = 111_195.0


def _grid() -> TileGrid:
    x, y = PROJ.to_scene(*CORNERS)
    return TileGrid(x.min(), y.min(), x.max(), y.max(), tile_size=50_000.0)


def test_projection_centre_is_scene_origin():
    """The region centre maps to scene (0, 0): scene coordinates are metres from the centre."""
    x, y = PROJ.to_scene(121.1, 30.8)
    assert abs(float(x)) < 1e-6 and abs(float(y)) < 1e-6


def test_round_trip_through_float32_tiles_is_below_1_cm_at_the_corners():
    """lon/lat → scene float64 → tile-local float32 → scene → lon/lat closes to < 1 cm at every corner."""
    grid = _grid()
    x, y = PROJ.to_scene(*CORNERS)
    for k in range(len(x)):
        origin = grid.origin_for(x[k], y[k])
        p = np.array([[x[k], y[k], 1234.5]])
        local = to_local(p, origin)
        assert local.dtype == np.float32
        back = from_local(local, origin)
        lon, lat = PROJ.from_scene(back[:, 0], back[:, 1])
        err_m = np.hypot((lon - CORNERS[0][k]) * M_PER_DEG * np.cos(np.radians(CORNERS[1][k])),
                         (lat - CORNERS[1][k]) * M_PER_DEG)
        assert float(err_m[0]) < 0.01


def test_tile_local_coordinates_resolve_millimetres():
    """Local float32 coordinates stay within half a tile of their origin, where float32 spacing is < 4 mm."""
    grid = _grid()
    half_diag = grid.tile_size * np.sqrt(2) / 2
    assert np.spacing(np.float32(half_diag)) < 0.004
    # without tiles the far corner of the region would be ~300 km out: 3 cm steps, visible at 1 m scale
    assert np.spacing(np.float32(3.0e5)) >= 0.03 / 2


def test_scale_distortion_within_the_documented_bound():
    """Point scale of the scene TM is within 1 ± 0.00055 across the region box (docs/architecture.md)."""
    lon, lat = np.meshgrid(np.linspace(119.0, 123.2, 15), np.linspace(28.8, 32.8, 15))
    k = PROJ.point_scale(lon.ravel(), lat.ravel())
    assert np.all(k >= 1.0) and float(k.max() - 1.0) < 0.00055


def test_utm_input_reprojects_to_wgs84():
    """Any CRS pyproj knows reprojects: UTM 51N easting/northing of the Bund → about 121.49 E, 31.24 N."""
    lon, lat = to_wgs84(np.array([351_900.0]), np.array([3_457_700.0]), "EPSG:32651")
    assert lon[0] == pytest.approx(121.43, abs=0.1) and lat[0] == pytest.approx(31.24, abs=0.05)


def test_gcj02_input_is_corrected_before_projection():
    """A GCJ-02 point lands where its WGS84 original projects, not ~500 m off."""
    from ydtwin.geo.datum import wgs84_to_gcj02

    g = wgs84_to_gcj02(121.50129, 31.2356)
    x1, y1 = PROJ.to_scene(*g, crs="GCJ-02")
    x0, y0 = PROJ.to_scene(121.50129, 31.2356)
    assert np.hypot(x1 - x0, y1 - y0) < 0.01


def test_split_by_tiles_preserves_line_length():
    """Cutting a line at tile borders keeps its length and puts every piece in one tile."""
    import shapely

    grid = TileGrid(0.0, 0.0, 200_000.0, 200_000.0, tile_size=50_000.0)
    line = shapely.LineString([(1_000, 1_000), (199_000, 150_000), (20_000, 180_000)])
    parts = split_by_tiles(np.array([line], dtype=object), grid)
    total = sum(float(shapely.length(g).sum()) for g in parts.values())
    assert total == pytest.approx(line.length, rel=1e-9)
    for (i, j), geoms in parts.items():
        b = shapely.total_bounds(geoms)
        o = grid.origin(i, j)
        assert np.all(np.abs(b[[0, 2]] - o[0]) <= 25_000 + 1e-6) and np.all(np.abs(b[[1, 3]] - o[1]) <= 25_000 + 1e-6)
