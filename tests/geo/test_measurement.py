"""Measurements against known answers: geodesic distances against pyproj's Geod and the meridian arc, the area of
a 1 km square, 3D lengths, slopes, and the decimals a figure may show."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod, Transformer

from ydtwin.geo.geodesic import (
    area_text,
    decimals_in,
    geodesic_area,
    geodesic_lengths,
    length_text,
    lonlat_uncertainty_m,
    precision_step,
)
from ydtwin.geo.measurement import MeasurePoint, measure_points
from ydtwin.geo.profile import grade_pct, sample_line

#: GRS80, the CGCS2000 ellipsoid
A = 6378137.0
F = 1 / 298.257222101


def test_distance_matches_pyprojs_geodesic_on_wgs84():
    """People's Square (Shanghai) to Suzhou's Guanqian Street: the measured distance is pyproj's WGS84 geodesic to
    a millimetre (CGCS2000's ellipsoid differs from WGS84's by 0.1 mm in the semi-minor axis)."""
    pts = [MeasurePoint(121.4737, 31.2304), MeasurePoint(120.6270, 31.3120)]
    m = measure_points(pts, "distance")
    _az, _baz, expected = Geod(ellps="WGS84").inv(121.4737, 31.2304, 120.6270, 31.3120)
    assert m.length_m == pytest.approx(expected, abs=1e-3)
    assert 80_000 < m.length_m < 82_000


def test_one_degree_of_meridian_is_the_integrated_arc():
    """31°–32° N along a meridian: the arc length ∫ a(1−e²)/(1−e² sin²φ)^{3/2} dφ, integrated independently."""
    e2 = F * (2 - F)
    phi = np.linspace(math.radians(31.0), math.radians(32.0), 200_001)
    m_phi = A * (1 - e2) / (1 - e2 * np.sin(phi) ** 2) ** 1.5
    arc = float(np.sum((m_phi[1:] + m_phi[:-1]) / 2 * np.diff(phi)))
    assert geodesic_lengths([121.0, 121.0], [31.0, 32.0])[0] == pytest.approx(arc, abs=1e-3)
    assert arc == pytest.approx(110_872, abs=20)  # the textbook metres per degree of latitude at 31.5° N


def test_a_one_kilometre_square_is_one_square_kilometre():
    """A square of 1 km sides laid out in a transverse Mercator centred on it (scale 1 there: the corners are
    1 km apart on the ground to a few µm) measures 1,000,000 m² and 4 km of perimeter."""
    tm = Transformer.from_crs("+proj=tmerc +lat_0=31.3 +lon_0=120.6 +k=1 +ellps=GRS80", "EPSG:4490", always_xy=True)
    lon, lat = tm.transform([-500, 500, 500, -500], [-500, -500, 500, 500])
    area, perimeter = geodesic_area(lon, lat)
    assert area == pytest.approx(1e6, abs=1.0)
    assert perimeter == pytest.approx(4000.0, abs=0.01)
    m = measure_points([MeasurePoint(a, b, uncertainty_m=0.1) for a, b in zip(lon, lat, strict=True)], "area")
    assert m.area_m2 == pytest.approx(1e6, abs=1.0)
    assert dict(m.rows())["area"] == "1.000 km² (100.0 ha)"  # ±0.1 m along 4 km: a band of 400 m² → 1,000 m²
    # the same corners the other way round, and closed by repeating the first: the same area
    assert geodesic_area(lon[::-1] + [lon[-1]], lat[::-1] + [lat[-1]])[0] == pytest.approx(area, abs=1e-3)


def test_3d_distance_height_difference_and_slope():
    """300 m north and 400 m up: a 3D distance of 500 m (3-4-5), +400 m, a slope of +133.3 %."""
    lon1, lat1, _ = Geod(ellps="GRS80").fwd(121.0, 31.0, 0.0, 300.0)
    a = MeasurePoint(121.0, 31.0, 10.0, "typed", 0.01, 0.1)
    b = MeasurePoint(float(lon1), float(lat1), 410.0, "typed", 0.01, 0.1)
    m = measure_points([a, b], "distance")
    assert m.length_m == pytest.approx(300.0, abs=1e-6)
    assert m.length_3d_m == pytest.approx(500.0, abs=1e-6)
    assert m.height_diff_m == pytest.approx(400.0)
    assert m.slope_pct == pytest.approx(400 / 3, rel=1e-9)
    rows = dict(m.rows())
    assert rows["distance"] == "300.00 m" and rows["distance_3d"] == "500.0 m"
    assert rows["height_diff"] == "+400.0 m"
    assert m.summary() == "Distance 300.00 m (geodesic), 3D 500.0 m, height difference +400.0 m"
    h = measure_points([a], "height")
    assert dict(h.rows())["height"] == "10.0 m" and h.height_diff_m is None


def test_too_few_points_or_bad_coordinates_are_refused():
    with pytest.raises(ValueError, match="at least 3 points"):
        measure_points([MeasurePoint(121, 31), MeasurePoint(121.1, 31)], "area")
    with pytest.raises(ValueError, match="lon/lat"):
        measure_points([MeasurePoint(float("nan"), 31), MeasurePoint(121.1, 31)], "distance")
    with pytest.raises(ValueError, match="one of"):
        measure_points([MeasurePoint(121, 31)], "volume")


def test_figures_carry_the_decimals_the_points_support():
    """The last digit shown is never finer than the points' uncertainty (at least two significant figures)."""
    assert decimals_in("121.4737") == 4 and decimals_in("31") == 0 and decimals_in("1.5e-3") == 4
    assert lonlat_uncertainty_m(6, 6, 31.0) == pytest.approx(0.0557, abs=1e-3)
    assert precision_step(0.06) == 0.1 and precision_step(3.0) == 10.0 and precision_step(10.0) == 10.0
    assert length_text(84_950.4, 5.6) == "84.95 km"
    assert length_text(84_950.4, 0.4) == "84.950 km"
    assert length_text(845.26, 0.06) == "845.3 m"
    assert length_text(845.26, 30.0) == "850 m"
    assert length_text(12.0, 500.0) == "12 m"  # still two figures; the precision line says ± 500 m
    assert area_text(12_345.0, 450.0, 0.1) == "12,300 m² (1.23 ha)"  # ±0.1 m along 450 m: 45 m² → 100 m²


def test_samples_lie_on_the_geodesic_no_further_than_the_step():
    lon, lat, d = sample_line([121.0, 121.1, 121.1], [31.0, 31.0, 31.05], 100.0)
    steps = geodesic_lengths(lon, lat)
    assert steps.max() <= 100.0 + 1e-6
    assert d[-1] == pytest.approx(geodesic_lengths([121.0, 121.1, 121.1], [31.0, 31.0, 31.05]).sum(), abs=1e-6)
    assert np.allclose(np.diff(d), steps, atol=1e-6)
    assert (121.1, 31.0) in set(zip(lon.round(12), lat.round(12), strict=True))  # the vertex is a sample
    assert np.allclose(grade_pct(np.array([0.0, 100.0, 300.0]), np.array([5.0, 7.0, 3.0])), [2.0, -2.0])
