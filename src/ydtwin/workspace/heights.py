"""Building heights from a classified point cloud: the roof's height over the ground, per footprint.

For each footprint: the median height of the cloud's building points (ASPRS class 6) inside it, minus the
ground there — the median of the ground points (class 2) within ``ground_radius_m`` around it, or, where the
cloud has none, the terrain's elevation at its centre (``ground_from`` says which). A footprint with fewer
than ``min_points`` roof points is not measured (NaN). Everything is vectorised: one GEOS point-in-polygon
query per point set (shapely's STRtree), medians by sorting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ydtwin.errors import YdtwinError
from ydtwin.model.pointcloud import BUILDING_CLASS, GROUND_CLASS

__all__ = ["HeightsResult", "heights_from_cloud", "write_heights_geojson"]


@dataclass
class HeightsResult:
    """Per building: ``height_m`` (NaN where not measured), roof points counted, where the ground came from."""

    height_m: np.ndarray
    roof_points: np.ndarray
    ground_from: np.ndarray  # object: "cloud", "terrain" or ""

    @property
    def measured(self) -> int:
        return int(np.isfinite(self.height_m).sum())

    def summary(self, name: str) -> str:
        n = len(self.height_m)
        terrain = int((self.ground_from == "terrain").sum())
        text = f"{name}: heights from the cloud for {self.measured:,} of {n:,} buildings"
        if self.measured:
            h = self.height_m[np.isfinite(self.height_m)]
            text += f" (median {np.median(h):.1f} m, {h.min():.1f}–{h.max():.1f} m)"
        if terrain:
            text += f"; ground from the terrain for {terrain:,} (no ground points near them)"
        return text


def _grouped_median(group: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(median, count) of ``values`` per group id 0..n-1 (NaN where a group is empty)."""
    med = np.full(n, np.nan)
    counts = np.bincount(group, minlength=n)
    if len(group) == 0:
        return med, counts
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    c = counts[g[starts]]
    med[g[starts]] = (v[starts + (c - 1) // 2] + v[starts + c // 2]) / 2
    return med, counts


def _inside(polys: np.ndarray, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(point index, polygon index) of every point inside a polygon."""
    import shapely

    if len(xy) == 0 or len(polys) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lo = shapely.bounds(polys)
    box = (lo[:, 0].min(), lo[:, 1].min(), lo[:, 2].max(), lo[:, 3].max())
    near = np.flatnonzero((xy[:, 0] >= box[0]) & (xy[:, 0] <= box[2]) & (xy[:, 1] >= box[1]) & (xy[:, 1] <= box[3]))
    tree = shapely.STRtree(polys)
    pts, poly = tree.query(shapely.points(xy[near]), predicate="within")
    return near[pts], poly


def heights_from_cloud(buildings_layer, cloud_layer, scene, *, ground_radius_m: float = 30.0, min_points: int = 5,
                       roof_class: int = BUILDING_CLASS, ground_class: int = GROUND_CLASS) -> HeightsResult:
    """Heights of ``buildings_layer``'s footprints from ``cloud_layer``'s classified points (see the module)."""
    import shapely

    from ydtwin.geo.drape import SurfaceHeights
    from ydtwin.model.layer import TerrainLayer

    if not (0.0 < ground_radius_m <= 1000.0):
        raise YdtwinError(f"ground radius {ground_radius_m:g} m: must be in (0, 1000]")
    if min_points < 1:
        raise YdtwinError("min_points must be at least 1")
    proj = scene.projection
    data = buildings_layer.data
    n = len(data)
    polys = shapely.transform(data.geometries(),
                              lambda c: np.column_stack(proj.to_scene(c[:, 0], c[:, 1], data.crs)))
    cloud = cloud_layer.data
    xyz = cloud.xyz
    if cloud.crs != scene.crs:
        x, y = proj.to_scene(xyz[:, 0], xyz[:, 1], cloud.crs)
        xyz = np.column_stack([x, y, xyz[:, 2]])
    roof = np.flatnonzero(cloud.classification == roof_class)
    ground = np.flatnonzero(cloud.classification == ground_class)
    pts, poly = _inside(polys, xyz[roof, :2])
    roof_z, roof_n = _grouped_median(poly, xyz[roof[pts], 2], n)
    rings = shapely.buffer(polys, ground_radius_m)
    pts, poly = _inside(rings, xyz[ground, :2])
    ground_z, ground_n = _grouped_median(poly, xyz[ground[pts], 2], n)
    ground_from = np.where(ground_n > 0, "cloud", "").astype(object)
    missing = (ground_n == 0) & (roof_n >= min_points)
    if missing.any():  # no ground points near: the terrain's elevation at the footprint's centre
        terrain = next((layer for layer in scene.layers if isinstance(layer, TerrainLayer)), None)
        if terrain is not None:
            centre = shapely.get_coordinates(shapely.centroid(polys[missing]))
            surface = SurfaceHeights(terrain.elevation, proj, 1.0)
            ground_z[missing] = surface.elevation(centre[:, 0], centre[:, 1])
            ground_from[missing] = "terrain"
    height = roof_z - ground_z
    height[(roof_n < min_points) | ~np.isfinite(height)] = np.nan
    ground_from[~np.isfinite(height)] = ""
    return HeightsResult(height, roof_n.astype(np.int64), ground_from)


def apply_heights(buildings_layer, result: HeightsResult) -> None:
    """Write the result back into the layer as attributes ``height_from_cloud``, ``cloud_points`` and
    ``ground_from`` (the views rebuild; the buildings keep the heights their file gave)."""
    from dataclasses import replace

    data = buildings_layer.data
    attributes = dict(data.attributes, height_from_cloud=np.round(result.height_m, 2),
                      cloud_points=result.roof_points, ground_from=result.ground_from)
    buildings_layer.data = replace(data, attributes=attributes, _cache={})
    buildings_layer.events.data.emit(buildings_layer)


def write_heights_geojson(buildings_layer, path: str | Path) -> Path:
    """The layer's footprints (WGS84) with every attribute, as GeoJSON, written atomically."""
    import shapely

    from ydtwin.atomic import write_text
    from ydtwin.geo.projection import to_wgs84

    data = buildings_layer.data
    geoms = shapely.transform(data.geometries(), lambda c: np.column_stack(to_wgs84(c[:, 0], c[:, 1], data.crs)))
    features = []
    for i, geom in enumerate(geoms):
        props = {}
        for key, value in data.attribute_record(i).items():
            if isinstance(value, float) and not np.isfinite(value):
                value = None
            props[key] = value
        for key in ("height_from_cloud", "cloud_points", "ground_from"):
            value = data.attributes[key][i] if key in data.attributes else None
            value = value.item() if isinstance(value, np.generic) else value
            props[key] = None if isinstance(value, float) and not np.isfinite(value) else value
        features.append(f'{{"type":"Feature","properties":{json.dumps(props, ensure_ascii=False)},'
                        f'"geometry":{shapely.to_geojson(geom, indent=None)}}}')
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"
    return write_text(path, text)
