"""Small GeoTIFF DEMs written for tests: a square in UTM zone 51N (EPSG:32651) centred on Sheshan, inland
Shanghai (or elsewhere), where every cell holds a known height: flat, or the hilly relief of ``hills``."""

from __future__ import annotations

import numpy as np

SHESHAN = (121.19, 31.10)  # lon, lat: inland Shanghai


def write_utm_tif(path, value=123.0, *, size=600, res=30.0, nodata=-9999.0, fill=None, centre=SHESHAN):
    """A ``size``×``size`` GeoTIFF of ``res`` m cells at ``value`` m (or the array ``fill``, rows north first)
    around ``centre`` (lon, lat; Sheshan by default)."""
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_origin

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True).transform(*centre)
    data = np.full((size, size), value, dtype=np.float32) if fill is None else fill
    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=1, dtype="float32",
                       crs="EPSG:32651", transform=from_origin(x - size * res / 2, y + size * res / 2, res, res),
                       nodata=nodata) as dst:
        dst.write(data, 1)
    return path


def hills(size=600, res=30.0) -> np.ndarray:
    """Rows (north first) of a ``size``×``size`` relief of ``res`` m cells, as a planner's DEM of hilly land:
    a plain at 4–5 m with four hills 90–180 m high, their slopes furrowed every ~900 m (float32)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) * res
    z = 4.0 + 1.5 * np.sin(xx / 400.0) * np.sin(yy / 550.0)
    span = size * res / 18_000.0  # the hills placed as on the 18 km square of the default size
    for cx, cy, h, r in ((6000, 7000, 180, 1800), (12000, 11000, 120, 1200), (9000, 14000, 90, 900),
                         (14000, 4000, 150, 1500)):
        d2 = ((xx - cx * span) ** 2 + (yy - cy * span) ** 2) / (r * span) ** 2
        z += h * np.exp(-d2) * (1 + 0.25 * np.sin(xx / 140.0) * np.cos(yy / 170.0))
    return z.astype(np.float32)
