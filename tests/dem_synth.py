"""Small GeoTIFF DEMs written for tests: a flat square in UTM zone 51N (EPSG:32651) centred on Sheshan, inland
Shanghai, where every cell holds a known height."""

from __future__ import annotations

import numpy as np

SHESHAN = (121.19, 31.10)  # lon, lat: inland Shanghai


def write_utm_tif(path, value=123.0, *, size=600, res=30.0, nodata=-9999.0, fill=None):
    """A ``size``×``size`` GeoTIFF of ``res`` m cells at ``value`` m (or the array ``fill``) around Sheshan."""
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_origin

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True).transform(*SHESHAN)
    data = np.full((size, size), value, dtype=np.float32) if fill is None else fill
    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=1, dtype="float32",
                       crs="EPSG:32651", transform=from_origin(x - size * res / 2, y + size * res / 2, res, res),
                       nodata=nodata) as dst:
        dst.write(data, 1)
    return path
