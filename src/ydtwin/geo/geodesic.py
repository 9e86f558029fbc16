"""Measurements on the ellipsoid: geodesic lengths and areas from lon/lat, 3D lengths, heights, and how many
decimals a measured value can carry.

Lengths and areas are geodesic on the GRS80 ellipsoid, which CGCS2000 uses (WGS84's differs from it by 0.1 mm
in the semi-minor axis: the same figures to far below a millimetre here), computed by pyproj's ``Geod``
(Karney's algorithms, accurate to nanometres). They do not depend on the scene projection, whose scale is off by
up to 0.05 % at the region's edges. A 3D length adds each segment's height difference to its geodesic length
(√(s² + Δh²)): exact enough for the few kilometres a segment spans, where the ellipsoid's curvature under a
straight chord changes the length by less than a millimetre per kilometre.

A value is shown to the decimals its inputs support: the last digit shown is never finer than the positional
uncertainty of the points (:func:`precision_step`), e.g. points clicked where a pixel covers 3 m give lengths
to 10 m, points typed to 6 decimals of a degree (±0.06 m) lengths to 0.1 m.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = [
    "ELLIPSOID", "area_text", "decimals_in", "geod", "geodesic_area", "geodesic_lengths", "geodesic_points",
    "height_text", "length_text", "lengths_3d", "lonlat_uncertainty_m", "precision_step", "round_to",
]

#: the ellipsoid of CGCS2000 (EPSG:4490), the scene's geodetic datum
ELLIPSOID = "GRS80"
#: metres per degree of latitude (mean), for turning typed decimals into metres
_M_PER_DEG = 111_320.0


@lru_cache(maxsize=1)
def geod():
    """pyproj's Geod on :data:`ELLIPSOID`."""
    from pyproj import Geod

    return Geod(ellps=ELLIPSOID)


def geodesic_lengths(lon, lat) -> np.ndarray:
    """Geodesic length (m) of each segment of the polyline through (lon, lat) (degrees) → n − 1 values."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if len(lon) < 2:
        return np.zeros(0)
    _az, _baz, dist = geod().inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return np.atleast_1d(np.asarray(dist, dtype=np.float64))


def lengths_3d(lon, lat, height) -> np.ndarray:
    """3D length (m) of each segment: √(geodesic length² + height difference²)."""
    s = geodesic_lengths(lon, lat)
    dh = np.diff(np.asarray(height, dtype=np.float64))
    return np.hypot(s, dh)


def geodesic_area(lon, lat) -> tuple[float, float]:
    """(area m², perimeter m) of the polygon through (lon, lat) (closed by its first point; either winding)."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if len(lon) > 1 and lon[0] == lon[-1] and lat[0] == lat[-1]:
        lon, lat = lon[:-1], lat[:-1]
    area, perimeter = geod().polygon_area_perimeter(lon, lat)
    return abs(float(area)), float(perimeter)


def geodesic_points(lon0: float, lat0: float, lon1: float, lat1: float, step_m: float) -> tuple[np.ndarray, ...]:
    """Points along the geodesic from (lon0, lat0) to (lon1, lat1) no further than ``step_m`` apart, both ends
    included → (lon, lat, distance from the start m)."""
    _az, _baz, length = geod().inv(lon0, lat0, lon1, lat1)
    n = max(int(math.ceil(length / step_m)) - 1, 0)  # points between the ends
    if n == 0:
        return np.array([lon0, lon1]), np.array([lat0, lat1]), np.array([0.0, float(length)])
    line = geod().inv_intermediate(lon0, lat0, lon1, lat1, npts=n + 2, initial_idx=0, terminus_idx=0,
                                   return_back_azimuth=True)  # both ends included
    lon = np.asarray(line.lons, dtype=np.float64)
    lat = np.asarray(line.lats, dtype=np.float64)
    lon[[0, -1]], lat[[0, -1]] = (lon0, lon1), (lat0, lat1)
    dist = np.arange(n + 2) * (float(length) / (n + 1))
    dist[-1] = float(length)
    return lon, lat, dist


# ---- precision ----------------------------------------------------------------------------------------------


def decimals_in(text: str) -> int:
    """Decimals written in a number as typed ("121.4737" → 4; "121" → 0)."""
    text = text.strip().lower()
    if "e" in text:  # 1.5e-3: count what the mantissa and exponent say
        mantissa, exponent = text.split("e", 1)
        return max(decimals_in(mantissa) - int(exponent), 0)
    return len(text.split(".", 1)[1]) if "." in text else 0


def lonlat_uncertainty_m(lon_decimals: int, lat_decimals: int, lat: float) -> float:
    """Half a unit of the last decimal typed, in metres on the ground (the larger of lon's and lat's)."""
    d_lat = 0.5 * 10.0 ** -lat_decimals * _M_PER_DEG
    d_lon = 0.5 * 10.0 ** -lon_decimals * _M_PER_DEG * math.cos(math.radians(lat))
    return max(d_lat, d_lon)


def precision_step(uncertainty: float, *, finest: float = 0.01) -> float:
    """The finest power of ten not finer than ``uncertainty`` (at least ``finest``): the last digit a value
    with that uncertainty may show (0.06 → 0.1, 3 → 10, 10 → 10)."""
    u = max(float(uncertainty), finest)
    return 10.0 ** math.ceil(math.log10(u) - 1e-9)


def round_to(value: float, step: float, unit: float = 1.0) -> str:
    """``value`` (in metres, m² …) rounded to ``step`` and written in ``unit`` with thousands separators and the
    decimals the step allows (3,456.7 m with step 10 in km → "3.46")."""
    decimals = max(0, -math.floor(math.log10(step / unit) + 1e-9))
    rounded = round(value / step) * step / unit
    return f"{rounded:,.{decimals}f}"


def _two_figures(value: float, step: float) -> float:
    """``step``, or finer when it would leave fewer than two significant figures of ``value`` (the precision
    line says how far off it may be)."""
    if value <= 0 or not math.isfinite(value):
        return step
    return min(step, 10.0 ** (math.floor(math.log10(value)) - 1))


def length_text(metres: float, uncertainty_m: float) -> str:
    """A length with its unit: metres below 1 km, kilometres from there, to the precision the points support
    (at least two significant figures)."""
    step = _two_figures(abs(metres), precision_step(uncertainty_m))
    metres = round(metres / step) * step  # the unit follows the value shown (999.96 m at 0.1 m is 1.0000 km)
    if abs(metres) >= 1000.0:
        return f"{round_to(metres, step, 1000.0)} km"
    return f"{round_to(metres, step)} m"


def area_text(m2: float, perimeter_m: float, uncertainty_m: float) -> str:
    """An area with its unit (m² below 1 km², then km²; hectares beside it from 1 ha), to the precision the
    points support: a band of the positional uncertainty along the perimeter."""
    step = _two_figures(m2, precision_step(max(perimeter_m * uncertainty_m, 1.0), finest=1.0))
    m2 = round(m2 / step) * step  # the unit follows the value shown (999,999.9 m² at 1,000 m² is 1.000 km²)
    if m2 >= 1e6:
        return f"{round_to(m2, step, 1e6)} km² ({round_to(m2, max(step, 100.0), 1e4)} ha)"
    if m2 >= 1e4:
        return f"{round_to(m2, step)} m² ({round_to(m2, max(step, 100.0), 1e4)} ha)"
    return f"{round_to(m2, step)} m²"


def height_text(metres: float, step: float) -> str:
    """A height or height difference in metres to ``step`` (signed when asked by the caller's format)."""
    return f"{round_to(metres, step)} m"
