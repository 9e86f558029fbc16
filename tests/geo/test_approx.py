"""The fitted reprojection of point chunks stays within its tolerance of pyproj's exact transform, says how far
off it is, and falls back to the exact transform where a cubic cannot follow (a box too large)."""

import numpy as np
from pyproj import Transformer

from ydtwin.geo.approx import DEFAULT_TOLERANCE, transform_points


def test_fit_matches_pyproj_on_a_survey_chunk_and_falls_back_on_a_continent():
    rng = np.random.default_rng(0)
    utm_to_cgcs = Transformer.from_crs("EPSG:32651", "+proj=tmerc +lat_0=30.8 +lon_0=121.1 +ellps=GRS80",
                                       always_xy=True)
    x = 273_500 + rng.uniform(0, 3_000, 200_000)
    y = 3_466_000 + rng.uniform(0, 3_000, 200_000)
    fx, fy, err = transform_points(utm_to_cgcs, x, y)
    ex, ey = utm_to_cgcs.transform(x, y)
    assert 0 < err <= DEFAULT_TOLERANCE
    assert np.abs(fx - ex).max() < DEFAULT_TOLERANCE and np.abs(fy - ey).max() < DEFAULT_TOLERANCE
    wide_x = rng.uniform(-2e6, 2e6, 50_000) + 500_000
    wide_y = rng.uniform(0, 6e6, 50_000)
    gx, gy, err = transform_points(utm_to_cgcs, wide_x, wide_y)
    assert err == 0.0  # exact: no cubic follows a projection over 4,000 km
    ex, ey = utm_to_cgcs.transform(wide_x, wide_y)
    assert np.array_equal(np.nan_to_num(gx), np.nan_to_num(np.asarray(ex)))
