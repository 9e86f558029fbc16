"""Geography: coordinate reference systems, the Chinese map datums, the scene projection, terrain.

Pure numpy/pyproj/shapely; no Qt, no VTK.
"""

from ydtwin.geo.datum import bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_gcj02
from ydtwin.geo.projection import SceneProjection
from ydtwin.geo.tiles import TileGrid

__all__ = [
    "SceneProjection",
    "TileGrid",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "wgs84_to_gcj02",
]
