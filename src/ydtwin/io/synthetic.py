"""Synthetic footprint files (GeoParquet, WGS84) for tests and benchmarks: ``ydtwin.geo.synthetic``'s
footprints placed around a point of the region. The buildings are SYNTHETIC, never shown as real data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def write_synthetic_geoparquet(path: str | Path, count: int, *, lon: float = 120.62, lat: float = 31.30,
                               extent_m: float = 18_000.0, seed: int = 9) -> Path:
    """``count`` synthetic footprints (convex/concave, some with holes) within ``extent_m`` of (lon, lat),
    with a ``height`` column, as GeoParquet 1.1 (WKB, row groups of 20,000) → the path."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    from ydtwin.geo.projection import SceneProjection
    from ydtwin.geo.synthetic import synthetic_footprints

    proj = SceneProjection(lon_0=lon, lat_0=lat)
    fp = synthetic_footprints(count, seed=seed, extent=extent_m)
    x, y = proj.from_scene(fp.xy[:, 0], fp.xy[:, 1])
    polys = shapely.from_ragged_array(shapely.GeometryType.POLYGON, np.column_stack([x, y]),
                                      (fp.ring_offsets, fp.part_offsets))
    table = pa.table({"geometry": shapely.to_wkb(polys), "height": fp.height})
    meta = {"version": "1.1.0", "primary_column": "geometry",
            "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Polygon"]}}}
    path = Path(path)
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(meta).encode()}), path, row_group_size=20_000)
    return path
