"""The real Suzhou OSM footprints through the whole pipeline: read → scene → tiles → meshes → back."""

import json

import numpy as np
import pytest
import shapely

from ydtwin.geo.extrude import extrude
from ydtwin.geo.lod import Quadtree, build_tiles
from ydtwin.io.buildings import read_buildings

trimesh = pytest.importorskip("trimesh")


@pytest.fixture(scope="module")
def suzhou(shared_fixtures, region_data):
    region, _layers = region_data
    path = shared_fixtures / "osm" / "suzhou_osm_buildings.geojson"
    data, report = read_buildings(path, region_bbox=region.bbox)
    doc = json.loads(path.read_text(encoding="utf-8"))
    return region, data, report, doc


def test_all_load_with_exact_heights(suzhou):
    _region, data, report, doc = suzhou
    assert len(data) == 2000 and report.n_rejected == 0
    expected = np.array([f["properties"]["height"] for f in doc["features"]], dtype=np.float64)
    assert np.array_equal(data.height, expected)
    assert data.height.min() == 8.0 and data.height.max() == 450.0
    assert report.rules == {"explicit": 2000}


def test_meshes_are_watertight_with_exact_roofs_and_heights(suzhou):
    region, data, _report, _doc = suzhou
    geom = data.scene_geometry(region.projection)
    rng = np.random.default_rng(0)
    sample = rng.choice(len(data), 200, replace=False)
    scene_polys = shapely.from_ragged_array(shapely.GeometryType.POLYGON, geom.xy, (geom.ring_offsets, geom.part_offsets))
    for b in sample:
        parts = np.flatnonzero(geom.part_building == b)
        r0, r1 = geom.part_offsets[parts[0]], geom.part_offsets[parts[-1] + 1]
        v0 = geom.ring_offsets[r0]
        origin = geom.centre[b]
        mesh = extrude(geom.xy[v0 : geom.ring_offsets[r1]] - origin, geom.ring_offsets[r0 : r1 + 1] - v0,
                       geom.part_offsets[parts[0] : parts[-1] + 2] - r0, geom.base_z[b], geom.top_z[b], floors=True)
        solid = trimesh.Trimesh(mesh.vertices.astype(np.float64), mesh.triangles, process=True)
        assert solid.is_watertight and solid.is_winding_consistent, b
        p = mesh.vertices[mesh.triangles].astype(np.float64)
        roof = (p[:, :, 2] == np.float32(geom.top_z[b])).all(axis=1)
        cross = (p[:, 1, 0] - p[:, 0, 0]) * (p[:, 2, 1] - p[:, 0, 1]) - (p[:, 1, 1] - p[:, 0, 1]) * (p[:, 2, 0] - p[:, 0, 0])
        footprint = sum(scene_polys[k].area for k in parts)
        assert 0.5 * cross[roof].sum() == pytest.approx(footprint, rel=1e-3), b
        z = mesh.vertices[:, 2]
        assert float(z.max() - z.min()) == pytest.approx(data.height[b], abs=1e-3)


def test_tile_meshes_round_trip_to_wgs84_within_a_metre(suzhou):
    region, data, _report, _doc = suzhou
    geom = data.scene_geometry(region.projection)
    tree = Quadtree(geom.centre, max_items=300)
    tiles = build_tiles(tree, geom)
    full = [t for (node, detail), t in tiles.items() if detail == "full"]
    assert sum(len(np.unique(t.triangle_building)) for t in full) == 2000  # every building in exactly one leaf
    worst = 0.0
    for tile in full:
        verts = tile.vertices.astype(np.float64) + tile.origin  # float32 local + float64 origin
        lon, lat = region.projection.from_scene(verts[:, 0], verts[:, 1])
        # each mesh vertex must sit on a vertex of its building's source footprint
        for b in np.unique(tile.triangle_building)[:50]:
            outline = shapely.boundary(data.geometries([b])[0])
            tri_v = np.unique(tile.triangles[tile.triangle_building == b])
            d_deg = shapely.distance(shapely.points(lon[tri_v], lat[tri_v]), outline).max()
            worst = max(worst, d_deg * 111_000)
    assert worst < 0.05  # metres: float32 tile-local vertices + float64 origins
