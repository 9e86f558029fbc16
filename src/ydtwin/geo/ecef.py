"""Earth-centred coordinates for exports that other tools place on the globe (3D Tiles, glTF).

ECEF is EPSG:4978 (WGS 84 geocentric, metres); heights are above the WGS 84 ellipsoid (EPSG:4979). A local
east-north-up (ENU) frame at a point keeps coordinates small (float32 in a glTF keeps millimetres within a
few kilometres) while a float64 4×4 matrix places it on the globe.
"""

from __future__ import annotations

import numpy as np

from ydtwin.geo.projection import PYPROJ_LOCK

__all__ = ["ecef_to_lonlath", "enu_frame", "enu_to_ecef_matrix", "lonlath_to_ecef", "to_enu"]


def _transformer(inverse: bool):
    from pyproj import Transformer

    with PYPROJ_LOCK:
        if inverse:
            return Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
        return Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)


def lonlath_to_ecef(lon, lat, h) -> np.ndarray:
    """lon/lat (degrees) and ellipsoidal height (m) → (n, 3) ECEF metres, float64."""
    x, y, z = _transformer(False).transform(np.asarray(lon, float), np.asarray(lat, float), np.asarray(h, float))
    return np.column_stack([np.atleast_1d(x), np.atleast_1d(y), np.atleast_1d(z)])


def ecef_to_lonlath(xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xyz = np.atleast_2d(np.asarray(xyz, dtype=np.float64))
    lon, lat, h = _transformer(True).transform(xyz[:, 0], xyz[:, 1], xyz[:, 2])
    return np.atleast_1d(lon), np.atleast_1d(lat), np.atleast_1d(h)


def enu_frame(lon: float, lat: float, h: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(ECEF origin (3,), rotation (3, 3) whose rows are east, north and up in ECEF) at a point."""
    lam, phi = np.radians(lon), np.radians(lat)
    east = np.array([-np.sin(lam), np.cos(lam), 0.0])
    north = np.array([-np.sin(phi) * np.cos(lam), -np.sin(phi) * np.sin(lam), np.cos(phi)])
    up = np.array([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
    return lonlath_to_ecef(lon, lat, h)[0], np.vstack([east, north, up])


def to_enu(ecef: np.ndarray, frame: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """ECEF points → ENU coordinates in ``frame`` (float64)."""
    origin, rot = frame
    return (np.asarray(ecef, dtype=np.float64) - origin) @ rot.T


def enu_to_ecef_matrix(frame: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The 4×4 matrix taking ENU coordinates of ``frame`` to ECEF (column vectors: ECEF = M · [e, n, u, 1])."""
    origin, rot = frame
    m = np.eye(4)
    m[:3, :3] = rot.T
    m[:3, 3] = origin
    return m
