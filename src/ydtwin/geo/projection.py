"""The scene projection: where every layer's coordinates end up before they reach the GPU.

The scene CRS is a transverse Mercator on CGCS2000 (EPSG:4490, GRS80) centred on the region, with
false easting/northing 0, so scene coordinates are metres east/north of the region's centre. Its
parameters come from the region file (data, not code). For the eight-city region (centre 121.1 E,
30.8 N, lon 119.0–123.2 E) the point scale factor k = 1 + x²/(2R²) stays below 1.00055 (550 ppm,
55 cm per km) at the region's east and west edges; see docs/architecture.md for the figures.

CGCS2000 and WGS84 differ by a few centimetres at most (both ITRF-aligned; PROJ applies a null
transformation between them), below anything this tool draws.

GCJ-02/BD-09 inputs are NOT a PROJ CRS: ``to_wgs84`` handles them first with ``ydtwin.geo.datum``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion

from ydtwin.geo import datum

WGS84 = "EPSG:4326"
CGCS2000 = "EPSG:4490"
#: Names accepted for the obfuscated Chinese web-map datums (not PROJ CRSs)
GCJ02_NAMES = frozenset({"GCJ-02", "GCJ02", "GCJ"})
BD09_NAMES = frozenset({"BD-09", "BD09", "BAIDU"})


def is_special_datum(crs: str) -> bool:
    return crs.strip().upper() in GCJ02_NAMES | BD09_NAMES


#: creating pyproj objects (CRS, Transformer) from two threads at once crashes PROJ's database access:
#: every creation goes through this lock; using a thread's own Transformer needs none
PYPROJ_LOCK = threading.RLock()


def parse_crs(text: str) -> CRS:
    """Parse any CRS pyproj knows (EPSG code, WKT, PROJ string, authority URN). Raises ValueError."""
    if is_special_datum(text):
        raise ValueError(f"{text} is a web-map datum, not a PROJ CRS; convert it with ydtwin.geo.datum first")
    try:
        with PYPROJ_LOCK:
            return CRS.from_user_input(text)
    except Exception as exc:  # pyproj raises CRSError with a long message
        raise ValueError(f"unknown CRS {text!r}") from exc


@lru_cache(maxsize=256)
def is_wgs84(crs: str) -> bool:
    """Whether a CRS (any spelling pyproj knows) is WGS84 lon/lat. Raises for an unknown CRS."""
    with PYPROJ_LOCK:
        return CRS.from_user_input(crs).equals(CRS.from_user_input(WGS84), ignore_axis_order=True)


# pyproj Transformers must not be shared between threads (buildings are prepared in worker threads):
# every thread keeps its own cache
_local = threading.local()


def _thread_cache() -> dict:
    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = {}
    return cache


def _transformer(src: str, dst: str) -> Transformer:
    cache = _thread_cache()
    key = ("plain", src, dst)
    if key not in cache:
        with PYPROJ_LOCK:
            cache[key] = Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)
    return cache[key]


def to_wgs84(x, y, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Any supported CRS (including GCJ-02 and BD-09) → WGS84 lon/lat, float64."""
    key = crs.strip().upper()
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if key in GCJ02_NAMES:
        return datum.gcj02_to_wgs84(x, y)
    if key in BD09_NAMES:
        return datum.bd09_to_wgs84(x, y)
    if is_wgs84(crs):
        return x, y
    lon, lat = _transformer(crs, WGS84).transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


@dataclass(frozen=True)
class SceneProjection:
    """Transverse Mercator scene CRS centred on the region; coordinates in metres, float64."""

    lon_0: float
    lat_0: float
    scale_factor: float = 1.0
    geodetic_crs: str = CGCS2000

    @property
    def crs(self) -> CRS:
        return _scene_crs(self.lon_0, self.lat_0, self.scale_factor, self.geodetic_crs)

    @property
    def crs_wkt(self) -> str:
        return self.crs.to_wkt()

    def describe(self) -> str:
        return (
            f"Transverse Mercator on {self.geodetic_crs}, centre {self.lon_0:.3f} E {self.lat_0:.3f} N, "
            f"k0={self.scale_factor:g}, metres"
        )

    def _fwd(self) -> Transformer:
        return _scene_transformer(self, WGS84, inverse=False)

    def _inv(self) -> Transformer:
        return _scene_transformer(self, WGS84, inverse=True)

    def to_scene(self, lon, lat, crs: str = WGS84) -> tuple[np.ndarray, np.ndarray]:
        """lon/lat (or x/y in ``crs``) → scene metres (float64)."""
        lon, lat = to_wgs84(lon, lat, crs)
        x, y = self._fwd().transform(lon, lat)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def from_scene(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """scene metres → WGS84 lon/lat (float64)."""
        lon, lat = self._inv().transform(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)

    def point_scale(self, lon, lat) -> np.ndarray:
        """Point scale factor k of the scene projection at lon/lat (1 = true scale)."""
        from pyproj import Proj

        factors = Proj(self.crs).get_factors(np.asarray(lon, float), np.asarray(lat, float))
        return np.asarray(factors.meridional_scale, dtype=np.float64)


@lru_cache(maxsize=16)
def _scene_crs(lon_0: float, lat_0: float, k: float, geodetic: str) -> CRS:
    with PYPROJ_LOCK:
        return _make_scene_crs(lon_0, lat_0, k, geodetic)


def _make_scene_crs(lon_0: float, lat_0: float, k: float, geodetic: str) -> CRS:
    conv = TransverseMercatorConversion(
        latitude_natural_origin=lat_0,
        longitude_natural_origin=lon_0,
        false_easting=0.0,
        false_northing=0.0,
        scale_factor_natural_origin=k,
    )
    return ProjectedCRS(conversion=conv, geodetic_crs=CRS.from_user_input(geodetic), name="ydtwin scene TM")


def _scene_transformer(proj: SceneProjection, src: str, *, inverse: bool) -> Transformer:
    cache = _thread_cache()
    key = ("scene", proj, src, inverse)
    if key not in cache:
        with PYPROJ_LOCK:
            if inverse:
                cache[key] = Transformer.from_crs(proj.crs, CRS.from_user_input(src), always_xy=True)
            else:
                cache[key] = Transformer.from_crs(CRS.from_user_input(src), proj.crs, always_xy=True)
    return cache[key]
