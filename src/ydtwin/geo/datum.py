"""GCJ-02 ("Mars coordinates") and BD-09: the obfuscated datums of Chinese web maps.

Boundaries and points from Amap/Gaode, Tencent or Baidu sources are not WGS84: GCJ-02 shifts them by a
few hundred metres (≈ +0.0045° lon, −0.0025° lat around Shanghai), BD-09 by ~1 km more. The forward
formulas are public; they have no closed-form inverse, so the inverses here iterate the forward formula
(fixed-point on the residual) until the round trip closes to 1e-10° (~10 µm).

All functions take and return numpy-broadcastable lon/lat in degrees (float64). Points outside the
rough China envelope are returned unchanged, as every GCJ-02 implementation does.
"""

from __future__ import annotations

import numpy as np

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

_INVERSE_TOL_DEG = 1e-10
_INVERSE_MAX_ITER = 30


def in_china_envelope(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The rough box (lon 72.004–137.8347, lat 0.8293–55.8271) inside which the datums apply."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _delta_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _delta_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _as_arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return lon.copy(), lat.copy()


def _result(lon: np.ndarray, lat: np.ndarray, scalar: bool):
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    """WGS84 → GCJ-02 (the public forward formula)."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon, lat = _as_arrays(lon, lat)
    inside = in_china_envelope(lon, lat)
    dlat = _delta_lat(lon - 105.0, lat - 35.0)
    dlon = _delta_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    out_lon = np.where(inside, lon + dlon, lon)
    out_lat = np.where(inside, lat + dlat, lat)
    return _result(out_lon, out_lat, scalar)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 → BD-09 (Baidu's public forward formula)."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    x, y = _as_arrays(lon, lat)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return _result(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, scalar)


def _invert(forward, lon, lat, *, only_inside: bool):
    """Solve forward(p) = q for p by fixed-point iteration on the residual."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    q_lon, q_lat = _as_arrays(lon, lat)
    p_lon, p_lat = q_lon.copy(), q_lat.copy()
    for _ in range(_INVERSE_MAX_ITER):
        f_lon, f_lat = forward(p_lon, p_lat)
        r_lon = f_lon - q_lon
        r_lat = f_lat - q_lat
        p_lon -= r_lon
        p_lat -= r_lat
        if np.all(np.abs(r_lon) < _INVERSE_TOL_DEG) and np.all(np.abs(r_lat) < _INVERSE_TOL_DEG):
            break
    if only_inside:
        inside = in_china_envelope(q_lon, q_lat)
        p_lon = np.where(inside, p_lon, q_lon)
        p_lat = np.where(inside, p_lat, q_lat)
    return _result(p_lon, p_lat, scalar)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 → WGS84, iterating the forward formula (residual ≤ 1e-10°, i.e. far below 1 m)."""
    return _invert(wgs84_to_gcj02, lon, lat, only_inside=True)


def bd09_to_gcj02(lon, lat):
    """BD-09 → GCJ-02, iterating the forward formula."""
    return _invert(gcj02_to_bd09, lon, lat, only_inside=False)


def bd09_to_wgs84(lon, lat):
    """BD-09 → WGS84 (through GCJ-02)."""
    g_lon, g_lat = bd09_to_gcj02(lon, lat)
    return gcj02_to_wgs84(g_lon, g_lat)


def wgs84_to_bd09(lon, lat):
    """WGS84 → BD-09 (through GCJ-02)."""
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    return gcj02_to_bd09(g_lon, g_lat)
