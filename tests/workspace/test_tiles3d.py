"""The scene as 3D Tiles 1.1: the tileset's structure against the 3D Tiles 1.1 schema, bounds and transforms
that put every vertex inside its tile's region, glTF that loads back (pygltflib, trimesh) with one feature
per building and its attributes, a landmark exactly where it stands, and content that renders."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import run_cli

pytestmark = pytest.mark.slow

# The tileset JSON schema of OGC 3D Tiles 1.1 (the specification's property reference: tileset, asset,
# tile, bounding volume, content), as far as a tileset without implicit tiling uses it.
_BOUNDING_VOLUME = {
    "type": "object",
    "minProperties": 1,
    "properties": {
        "box": {"type": "array", "items": {"type": "number"}, "minItems": 12, "maxItems": 12},
        "region": {"type": "array", "items": {"type": "number"}, "minItems": 6, "maxItems": 6},
        "sphere": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
        "extensions": {"type": "object"}, "extras": {},
    },
    "additionalProperties": False,
}
TILESET_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["asset", "geometricError", "root"],
    "properties": {
        "asset": {"type": "object", "required": ["version"],
                  "properties": {"version": {"type": "string"}, "tilesetVersion": {"type": "string"},
                                 "generator": {"type": "string"}, "extensions": {"type": "object"}, "extras": {}},
                  "additionalProperties": False},
        "properties": {"type": "object"},
        "schema": {"type": "object"}, "schemaUri": {"type": "string"}, "statistics": {"type": "object"},
        "groups": {"type": "array"}, "metadata": {"type": "object"},
        "geometricError": {"type": "number", "minimum": 0},
        "root": {"$ref": "#/$defs/tile"},
        "extensionsUsed": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
        "extensionsRequired": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
        "extensions": {"type": "object"}, "extras": {},
    },
    "additionalProperties": False,
    "$defs": {
        "boundingVolume": _BOUNDING_VOLUME,
        "content": {"type": "object", "required": ["uri"],
                    "properties": {"uri": {"type": "string"}, "boundingVolume": _BOUNDING_VOLUME,
                                   "group": {"type": "integer", "minimum": 0}, "metadata": {"type": "object"},
                                   "extensions": {"type": "object"}, "extras": {}},
                    "additionalProperties": False},
        "tile": {
            "type": "object",
            "required": ["boundingVolume", "geometricError"],
            "properties": {
                "boundingVolume": _BOUNDING_VOLUME, "viewerRequestVolume": _BOUNDING_VOLUME,
                "geometricError": {"type": "number", "minimum": 0},
                "refine": {"enum": ["ADD", "REPLACE"]},
                "transform": {"type": "array", "items": {"type": "number"}, "minItems": 16, "maxItems": 16},
                "content": {"$ref": "#/$defs/content"},
                "contents": {"type": "array", "items": {"$ref": "#/$defs/content"}, "minItems": 1},
                "metadata": {"type": "object"}, "implicitTiling": {"type": "object"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/tile"}, "minItems": 1},
                "extensions": {"type": "object"}, "extras": {},
            },
            "not": {"required": ["content", "contents"]},
            "additionalProperties": False,
        },
    },
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from ydtwin.workspace import Workspace

    out = tmp_path_factory.mktemp("t3d") / "yrd8"
    ws = Workspace.open(plugin_names=[])
    report = ws.export_3dtiles(out)
    return ws, out, report, json.loads((out / "tileset.json").read_text())


def _walk(tile, parent_abs=None, parent=None):
    """(tile, its absolute transform, its parent) for every tile."""
    here = parent_abs if parent_abs is not None else np.eye(4)
    if "transform" in tile:
        here = here @ np.array(tile["transform"]).reshape(4, 4).T
    yield tile, here, parent
    for child in tile.get("children", []):
        yield from _walk(child, here, tile)


def test_the_tileset_follows_the_3d_tiles_1_1_schema(exported):
    import jsonschema

    _ws, out, report, doc = exported
    jsonschema.validate(doc, TILESET_SCHEMA)
    assert doc["asset"]["version"] == "1.1"
    assert "refine" in doc["root"]  # the root tile must say how it refines
    assert report.buildings > 100_000 and report.terrain_tiles > 1 and report.building_tiles > 10
    for tile, _abs, parent in _walk(doc["root"]):
        r = tile["boundingVolume"]["region"]
        assert -np.pi <= r[0] <= r[2] <= np.pi and -np.pi / 2 <= r[1] <= r[3] <= np.pi / 2 and r[4] <= r[5]
        if parent is not None:
            # geometric error never grows down the tree; children lie inside their parent's region
            assert tile["geometricError"] <= parent["geometricError"]
            p = parent["boundingVolume"]["region"]
            assert p[0] - 1e-9 <= r[0] and r[2] <= p[2] + 1e-9 and p[1] - 1e-9 <= r[1] and r[3] <= p[3] + 1e-9
            assert p[4] - 1e-6 <= r[4] and r[5] <= p[5] + 1e-6
        if "content" in tile:
            assert (out / tile["content"]["uri"]).is_file()
    assert doc["geometricError"] >= doc["root"]["geometricError"]


def test_every_content_lands_inside_its_tiles_region(exported):
    """Vertices through the glTF's y-up frame, the composed tile transforms and ECEF → lon/lat fall inside the
    tile's region: transforms, axes and bounds agree."""
    import pygltflib

    from ydtwin.geo.ecef import ecef_to_lonlath

    _ws, out, _report, doc = exported
    checked = 0
    for tile, absolute, _parent in _walk(doc["root"]):
        if "content" not in tile or checked >= 12 and not tile["content"]["uri"].startswith("terrain/root"):
            continue
        gltf = pygltflib.GLTF2.load(out / tile["content"]["uri"])
        acc = gltf.accessors[gltf.meshes[0].primitives[0].attributes.POSITION]
        view = gltf.bufferViews[acc.bufferView]
        blob = gltf.binary_blob()
        pos = np.frombuffer(blob, dtype=np.float32, count=acc.count * 3, offset=view.byteOffset).reshape(-1, 3)
        assert np.allclose(pos.min(axis=0), acc.min) and np.allclose(pos.max(axis=0), acc.max)
        zup = np.column_stack([pos[:, 0], -pos[:, 2], pos[:, 1]]).astype(np.float64)  # y up → z up, as clients do
        ecef = (absolute @ np.column_stack([zup, np.ones(len(zup))]).T).T[:, :3]
        lon, lat, h = ecef_to_lonlath(ecef)
        r = tile["boundingVolume"]["region"]
        eps = 1e-8  # radians: 6 cm
        assert np.radians(lon).min() >= r[0] - eps and np.radians(lon).max() <= r[2] + eps
        assert np.radians(lat).min() >= r[1] - eps and np.radians(lat).max() <= r[3] + eps
        assert h.min() >= r[4] - 0.05 and h.max() <= r[5] + 0.05
        checked += 1
    assert checked >= 12


def test_buildings_carry_one_feature_each_with_their_attributes(exported):
    import pygltflib
    import trimesh

    _ws, out, report, doc = exported
    full = [t for t, _a, _p in _walk(doc["root"]) if t.get("content", {}).get("uri", "").endswith("_full.glb")]
    features = 0
    for k, tile in enumerate(full):
        gltf = pygltflib.GLTF2.load(out / tile["content"]["uri"])
        prim = gltf.meshes[0].primitives[0]
        ids = prim.extensions["EXT_mesh_features"]["featureIds"][0]
        table = gltf.extensions["EXT_structural_metadata"]["propertyTables"][ids["propertyTable"]]
        assert table["count"] == ids["featureCount"] and table["class"] == "building"
        schema = gltf.extensions["EXT_structural_metadata"]["schema"]["classes"]["building"]["properties"]
        assert {"height", "min_height", "height_rule", "layer"} <= set(schema)
        features += ids["featureCount"]
        if k < 3:  # loads back in trimesh with the same triangle count
            scene = trimesh.load(out / tile["content"]["uri"])
            mesh = next(iter(scene.geometry.values()))
            acc = gltf.accessors[prim.indices]
            assert len(mesh.faces) * 3 == acc.count
    assert features == report.buildings


def _feature_values(gltf, table, name):
    blob = gltf.binary_blob()
    entry = table["properties"][name]
    view = gltf.bufferViews[entry["values"]]
    raw = blob[view.byteOffset:view.byteOffset + view.byteLength]
    if "stringOffsets" in entry:
        ov = gltf.bufferViews[entry["stringOffsets"]]
        offsets = np.frombuffer(blob, dtype=np.uint32, count=table["count"] + 1, offset=ov.byteOffset)
        return [raw[offsets[i]:offsets[i + 1]].decode() for i in range(table["count"])]
    return np.frombuffer(raw, dtype=np.float64)


def test_a_landmark_stands_where_its_footprint_is(exported):
    """The Shanghai Tower's exported vertices, through the transforms, lie on its footprint's corners (0.1 m)."""
    import pygltflib

    from ydtwin.geo.ecef import ecef_to_lonlath

    ws, out, _report, doc = exported
    marks = ws.scene.layer("landmarks").data
    k = list(marks.attributes["name"]).index("Shanghai Tower")
    ring = marks.xy[marks.ring_offsets[k]:marks.ring_offsets[k + 1]]
    for tile, absolute, _p in _walk(doc["root"]):
        uri = tile.get("content", {}).get("uri", "")
        if not uri.endswith("_full.glb"):
            continue
        gltf = pygltflib.GLTF2.load(out / uri)
        prim = gltf.meshes[0].primitives[0]
        table = gltf.extensions["EXT_structural_metadata"]["propertyTables"][0]
        if "name" not in table["properties"]:
            continue
        names = _feature_values(gltf, table, "name")
        if "Shanghai Tower" not in names:
            continue
        fid_acc = gltf.accessors[prim.attributes._FEATURE_ID_0]
        blob = gltf.binary_blob()
        fid = np.frombuffer(blob, dtype=np.float32, count=fid_acc.count,
                            offset=gltf.bufferViews[fid_acc.bufferView].byteOffset)
        acc = gltf.accessors[prim.attributes.POSITION]
        pos = np.frombuffer(blob, dtype=np.float32, count=acc.count * 3,
                            offset=gltf.bufferViews[acc.bufferView].byteOffset).reshape(-1, 3)
        mine = pos[fid == names.index("Shanghai Tower")]
        zup = np.column_stack([mine[:, 0], -mine[:, 2], mine[:, 1]]).astype(np.float64)
        lon, lat, h = ecef_to_lonlath((absolute @ np.column_stack([zup, np.ones(len(zup))]).T).T[:, :3])
        heights = _feature_values(gltf, table, "height")
        assert abs(float(heights[names.index("Shanghai Tower")]) - 632.0) < 1.0
        assert h.max() - h.min() == pytest.approx(632.0, abs=0.05)
        # each footprint corner has an exported vertex within 0.1 m (1e-6° of latitude is 0.11 m)
        from ydtwin.geo.geodesic import geod

        for c_lon, c_lat in ring:
            d = geod().inv(np.full(len(lon), c_lon), np.full(len(lat), c_lat), lon, lat)[2]
            assert d.min() < 0.1
        return
    pytest.fail("the Shanghai Tower is in no exported tile")


def test_exported_content_renders(exported, tmp_path):
    import pyvista as pv

    _ws, out, _report, doc = exported
    full = [t["content"]["uri"] for t, _a, _p in _walk(doc["root"])
            if t.get("content", {}).get("uri", "").endswith("_full.glb")]
    biggest = max(full, key=lambda uri: (out / uri).stat().st_size)
    for uri in (biggest, "terrain/root.glb"):
        data = pv.read(out / uri)
        mesh = data.combine() if isinstance(data, pv.MultiBlock) else data
        assert mesh.n_cells > 100
        plotter = pv.Plotter(off_screen=True, window_size=(320, 240))
        try:
            plotter.set_background("black")
            plotter.add_mesh(mesh, color="white")
            # glTF is y up: look down the y axis, north (−z) up, as a map
            plotter.view_vector((0, 1, 0), viewup=(0, 0, -1))
            img = plotter.screenshot(return_img=True)
        finally:
            plotter.close()
        assert (img.max(axis=2) > 40).mean() > 0.05  # not blank


def test_the_cli_exports_and_refuses_a_foreign_folder(tmp_path):
    out = tmp_path / "t"
    r = run_cli("tiles", "export", "--out", str(out), "--no-terrain", "--plugins", "none")
    assert r.returncode == 0, r.stderr
    assert "wrote 3D Tiles 1.1" in r.stdout and (out / "tileset.json").is_file() and not (out / "terrain").exists()
    # again into the same folder: replaced
    r = run_cli("tiles", "export", "--out", str(out), "--no-terrain", "--plugins", "none")
    assert r.returncode == 0, r.stderr
    other = tmp_path / "other"
    other.mkdir()
    (other / "report.docx").write_text("mine")
    r = run_cli("tiles", "export", "--out", str(other), "--plugins", "none")
    assert r.returncode == 2 and "holds other files" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert (other / "report.docx").read_text() == "mine"


def test_plans_are_in_the_tileset_one_feature_per_project(tmp_path):
    """Each plan layer is a content of its projects on the ground, one feature per project with its attributes;
    a corridor's vertices lie along its line (within half its band width)."""
    import pygltflib
    import shapely

    from ydtwin.geo.ecef import ecef_to_lonlath
    from ydtwin.geo.geodesic import geod
    from ydtwin.geo.plan_mesh import BAND_WIDTH_M, DEFAULT_BAND_M
    from ydtwin.geo.projection import to_wgs84
    from ydtwin.model.plans import PlansLayer
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=["suzhou"])
    for layer in ws.scene.layers_of(PlansLayer):
        layer.visible = layer.plugin == "ydtwin-suzhou"
    plans = next(x for x in ws.scene.layers_of(PlansLayer) if x.plugin == "ydtwin-suzhou")
    report = ws.export_3dtiles(tmp_path / "t", terrain=False)
    assert report.plan_projects == len(plans.data)
    doc = json.loads((tmp_path / "t" / "tileset.json").read_text())
    found = [(t, a) for t, a, _p in _walk(doc["root"]) if t.get("content", {}).get("uri", "").startswith("plans/")]
    assert len(found) == 1
    tile, absolute = found[0]
    gltf = pygltflib.GLTF2.load(tmp_path / "t" / tile["content"]["uri"])
    table = gltf.extensions["EXT_structural_metadata"]["propertyTables"][0]
    assert table["count"] == len(plans.data)
    ids = _feature_values(gltf, table, "id")
    assert ids == [str(v) for v in plans.data.attributes["id"]]
    assert _feature_values(gltf, table, "title_zh") == [str(v) for v in plans.data.attributes["title_zh"]]
    prim = gltf.meshes[0].primitives[0]
    blob = gltf.binary_blob()
    fid_acc = gltf.accessors[prim.attributes._FEATURE_ID_0]
    fid = np.frombuffer(blob, dtype=np.float32, count=fid_acc.count,
                        offset=gltf.bufferViews[fid_acc.bufferView].byteOffset).astype(int)
    acc = gltf.accessors[prim.attributes.POSITION]
    pos = np.frombuffer(blob, dtype=np.float32, count=acc.count * 3,
                        offset=gltf.bufferViews[acc.bufferView].byteOffset).reshape(-1, 3)
    zup = np.column_stack([pos[:, 0], -pos[:, 2], pos[:, 1]]).astype(np.float64)
    lon, lat, _h = ecef_to_lonlath((absolute @ np.column_stack([zup, np.ones(len(zup))]).T).T[:, :3])
    kinds = plans.data.attributes["kind"]
    line = next(i for i, g in enumerate(plans.data.geometries) if g.geom_type in ("LineString", "MultiLineString"))
    xy = shapely.get_coordinates(plans.data.geometries[line])
    llon, llat = to_wgs84(xy[:, 0], xy[:, 1], plans.data.crs)
    mine = fid == line
    assert mine.sum() > 10
    # distance of each band vertex to the corridor's line, on the ground (the line densified to 10 m)
    dense = shapely.segmentize(shapely.LineString(np.column_stack([llon, llat])), 0.0001)
    pts = shapely.get_coordinates(dense)
    d = np.array([geod().inv(np.full(len(pts), a), np.full(len(pts), b), pts[:, 0], pts[:, 1])[2].min()
                  for a, b in zip(lon[mine], lat[mine], strict=True)])
    half = BAND_WIDTH_M.get(str(kinds[line]), DEFAULT_BAND_M) / 2
    assert d.max() < half + 12.0


def test_a_3d_model_is_in_the_tileset_where_it_stands(tmp_path):
    """An IFC model placed by its IfcMapConversion: one content, one feature per product with its storey; its
    wall's corner at the map conversion's false origin, through the transforms, within 0.1 m."""
    import pygltflib
    from pyproj import Transformer

    import model_synth as ms
    from ydtwin.geo.ecef import ecef_to_lonlath
    from ydtwin.geo.geodesic import geod
    from ydtwin.workspace import LayerRequest, Workspace

    conversion = {"Eastings": 355000.0, "Northings": 3457000.0, "OrthogonalHeight": 4.0, "XAxisAbscissa": 1.0,
                  "XAxisOrdinate": 0.0, "Scale": 1.0}
    ws = Workspace.open(plugin_names=[])
    ws.add_loaded(ws.read_layer(LayerRequest(ms.write_ifc(tmp_path / "walls.ifc", map_conversion=conversion))))
    report = ws.export_3dtiles(tmp_path / "t", terrain=False, plans=False)
    assert report.models == 1
    doc = json.loads((tmp_path / "t" / "tileset.json").read_text())
    found = [(t, a) for t, a, _p in _walk(doc["root"]) if t.get("content", {}).get("uri", "").startswith("models/")]
    assert len(found) == 1
    tile, absolute = found[0]
    gltf = pygltflib.GLTF2.load(tmp_path / "t" / tile["content"]["uri"])
    table = gltf.extensions["EXT_structural_metadata"]["propertyTables"][0]
    assert sorted(_feature_values(gltf, table, "storey")) == ["Level 0", "Level 1"]
    assert _feature_values(gltf, table, "ifc_class") == ["IfcWall", "IfcWall"]
    prim = gltf.meshes[0].primitives[0]
    blob = gltf.binary_blob()
    acc = gltf.accessors[prim.attributes.POSITION]
    pos = np.frombuffer(blob, dtype=np.float32, count=acc.count * 3,
                        offset=gltf.bufferViews[acc.bufferView].byteOffset).reshape(-1, 3)
    zup = np.column_stack([pos[:, 0], -pos[:, 2], pos[:, 1]]).astype(np.float64)
    lon, lat, h = ecef_to_lonlath((absolute @ np.column_stack([zup, np.ones(len(zup))]).T).T[:, :3])
    c_lon, c_lat = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True).transform(355000.0, 3457000.0)
    d = geod().inv(np.full(len(lon), c_lon), np.full(len(lat), c_lat), lon, lat)[2]
    assert d.min() < 0.1
    assert h.max() - h.min() == pytest.approx(8.0, abs=0.05)
