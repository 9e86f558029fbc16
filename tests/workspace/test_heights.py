"""Building heights from a classified cloud: the median roof (class 6) inside each footprint minus the ground
(class 2 around it, else the terrain) — a synthetic Suzhou block with known roofs gives them back; the CLI
writes them into the footprints and refuses bad input in one line."""

import json

import numpy as np
import pytest
import shapely

from conftest import run_cli
from las_synth import BUILDINGS, SW, write_cloud


def _footprints(extra=()):
    """The block's buildings (UTM 51N) plus ``extra`` boxes, as a buildings layer."""
    from ydtwin.model.buildings import BuildingsData, BuildingsLayer
    from ydtwin.model.layer import Provenance

    boxes = [(x0, y0, x1, y1) for x0, y0, x1, y1, _h in BUILDINGS] + list(extra)
    geoms = np.array([shapely.box(SW[0] + x0, SW[1] + y0, SW[0] + x1, SW[1] + y1) for x0, y0, x1, y1 in boxes],
                     dtype=object)
    data = BuildingsData.from_geometries(geoms, height=np.full(len(boxes), 10.0), crs="EPSG:32651")
    return BuildingsLayer("block", data, provenance=Provenance("test", "CC0", nature="synthetic"))


@pytest.fixture(scope="module")
def workspace_with_cloud(tmp_path_factory):
    from ydtwin.workspace import LayerRequest, Workspace

    ws = Workspace.open(None, plugin_names=[])
    path = write_cloud(tmp_path_factory.mktemp("las") / "block.laz", n_ground=40_000)
    loaded = ws.open_layer(LayerRequest(path))
    return ws, loaded.layer


def test_known_roof_heights_come_back(workspace_with_cloud):
    """42, 18 and 9 m roofs measure within 10 cm; a footprint over open ground has no roof points (NaN, not 0);
    the heights are written back as attributes the layer can be coloured by."""
    ws, cloud = workspace_with_cloud
    layer = _footprints(extra=[(10.0, 10.0, 40.0, 40.0)])
    ws.scene.add(layer)
    try:
        result = ws.heights_from_cloud("block", "block", ground_radius_m=30.0)
    except Exception:
        ws.scene.layers.remove(layer)
        raise
    try:
        expected = [h for *_box, h in BUILDINGS]
        assert np.allclose(result.height_m[:3], expected, atol=0.1)
        assert np.isnan(result.height_m[3]) and result.roof_points[3] == 0
        assert (result.roof_points[:3] > 100).all() and list(result.ground_from[:3]) == ["cloud"] * 3
        assert np.allclose(layer.data.attributes["height_from_cloud"][:3], expected, atol=0.1)
        layer.color_by = "height_from_cloud"
        assert "3 of 4 buildings" in result.summary("block")
    finally:
        ws.scene.layers.remove(layer)


def test_ground_from_the_terrain_when_the_cloud_has_none(workspace_with_cloud):
    """A cloud with roofs but no ground points near a footprint: the ground is the terrain's elevation there."""
    from ydtwin.geo.drape import SurfaceHeights
    from ydtwin.model.layer import TerrainLayer
    from ydtwin.model.pointcloud import PointCloudLayer
    from ydtwin.workspace.heights import heights_from_cloud

    ws, cloud = workspace_with_cloud
    roofs = cloud.data.subset(cloud.data.classification == 6)
    only_roofs = PointCloudLayer("roofs", roofs, provenance=cloud.provenance)
    layer = _footprints()
    result = heights_from_cloud(layer, only_roofs, ws.scene)
    terrain = next(x for x in ws.scene.layers if isinstance(x, TerrainLayer))
    centre = shapely.centroid(shapely.box(SW[0] + 60, SW[1] + 60, SW[0] + 120, SW[1] + 140))
    x, y = ws.scene.projection.to_scene(np.array([centre.x]), np.array([centre.y]), "EPSG:32651")
    ground = SurfaceHeights(terrain.elevation, ws.scene.projection, 1.0).elevation(x, y)[0]
    roof = np.median(roofs.xyz[(roofs.xyz[:, 2] > 40), 2])
    assert list(result.ground_from) == ["terrain"] * 3
    assert result.height_m[0] == pytest.approx(roof - ground, abs=0.1)


def test_wrong_layers_are_one_line(workspace_with_cloud):
    from ydtwin.errors import YdtwinError

    ws, _cloud = workspace_with_cloud
    with pytest.raises(YdtwinError, match="no buildings layer"):
        ws.heights_from_cloud("nothing", "block")
    with pytest.raises(YdtwinError, match="no pointcloud layer"):
        ws.set_point_class_visible("nothing", 6, False)


@pytest.mark.slow
def test_cli_writes_heights_and_refuses_bad_input(tmp_path):
    """`ydtwin analyse heights` writes the footprints with height_from_cloud; a truncated cloud, a missing
    footprint file and a non-GeoJSON output are one line each with exit 2."""
    from pyproj import Transformer

    cloud = write_cloud(tmp_path / "block.laz", n_ground=30_000)
    to_wgs = Transformer.from_crs(32651, 4326, always_xy=True)
    features = []
    for x0, y0, x1, y1, _h in BUILDINGS:
        ring = [to_wgs.transform(SW[0] + x, SW[1] + y) for x, y in [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]]
        features.append({"type": "Feature", "properties": {"height": 10},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    fp = tmp_path / "fp.geojson"
    fp.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    out = tmp_path / "heights.geojson"
    proc = run_cli("analyse", "heights", "--layer", str(fp), "--cloud", str(cloud), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "heights from the cloud for 3 of 3 buildings" in proc.stdout
    got = [f["properties"]["height_from_cloud"] for f in json.loads(out.read_text())["features"]]
    assert np.allclose(got, [h for *_b, h in BUILDINGS], atol=0.15)
    cut = tmp_path / "cut.laz"
    cut.write_bytes(cloud.read_bytes()[:20_000])
    for args, needle in [(["--cloud", str(cut), "--layer", str(fp), "--out", str(tmp_path / "a.geojson")], "truncated"),
                         (["--cloud", str(cloud), "--layer", str(tmp_path / "no.geojson"),
                           "--out", str(tmp_path / "b.geojson")], "no.geojson"),
                         (["--cloud", str(cloud), "--layer", str(fp), "--out", str(tmp_path / "c.csv")], "GeoJSON")]:
        proc = run_cli("analyse", "heights", *args)
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and needle in proc.stderr, proc.stderr
