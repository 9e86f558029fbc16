"""Projects restore the terrain, the sea and point clouds through the workspace (headless, without Qt): the
DEMs imported (in order), the terrain's colouring, the sea-level scenario shown, and each point cloud's
classes hidden, colouring, point size, shading and the CRS it was opened with."""

from __future__ import annotations

import json
import os

import pytest

from las_synth import write_cloud
from ydtwin.errors import ReadError, YdtwinError
from ydtwin.workspace import LayerRequest, Workspace


@pytest.fixture
def ws():
    return Workspace.open(plugin_names=[])


@pytest.mark.slow
def test_dems_terrain_colouring_and_sea_level_round_trip(ws, tmp_path):
    """Two DEMs (the second over the first), hillshade and the sea at +2 m: saved with the DEMs relative to the
    project, and opened again in a new workspace the same terrain and the same scenario are shown."""
    pytest.importorskip("rasterio")
    from dem_synth import SHESHAN, write_utm_tif

    (tmp_path / "dem").mkdir()
    wide = write_utm_tif(tmp_path / "dem" / "wide.tif", 123.0)
    small = write_utm_tif(tmp_path / "small.tif", 45.0, size=100)
    ws.open_dem(wide)
    ws.open_dem(small)
    ws.set_terrain_colouring("hillshade")
    ws.set_sea_level(2.0)
    path = ws.save_project(tmp_path / "p.ydtwin.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["dems"] == [os.path.join("dem", "wide.tif"), "small.tif"]
    assert (doc["sea_level"], doc["terrain_colouring"]) == (2.0, "hillshade")

    other = Workspace.open(plugin_names=[])
    lines = other.load_project(path)
    assert [line.split(":")[0] for line in lines] == ["loaded DEM wide.tif", "loaded DEM small.tif"]
    terrain = other.scene.layer("terrain")
    assert terrain.imported_files == (str(wide.resolve()), str(small.resolve()))
    assert terrain.elevation.sample([SHESHAN[0]], [SHESHAN[1]])[0] == pytest.approx(45.0)  # in their order
    assert terrain.colouring == "hillshade"
    assert other.scene.sea_level == 2.0
    flooded = [layer for layer in other.scene.layers if layer.role == "inundation"]
    assert len(flooded) == 1 and flooded[0].result.grid is terrain.elevation  # computed on the new terrain
    assert flooded[0].result.total_km2 == pytest.approx(ws.inundation(2.0).total_km2)
    # back to today's sea: saved as null, and opening that clears a scenario shown
    other.restore_sea_level(None)
    assert other.current_project().sea_level is None
    other.save_project(tmp_path / "q.ydtwin.json")
    ws.load_project(tmp_path / "q.ydtwin.json")
    assert ws.scene.sea_level == 0.0 and not any(layer.role == "inundation" for layer in ws.scene.layers)


def test_a_missing_dem_is_skipped_in_one_line_and_the_rest_load(ws, tmp_path):
    pytest.importorskip("rasterio")
    from dem_synth import write_utm_tif

    write_utm_tif(tmp_path / "here.tif")
    path = tmp_path / "p.ydtwin.json"
    path.write_text(json.dumps({"ydtwin_project": 1, "dems": ["gone.tif", "here.tif"], "sea_level": 1.5}),
                    encoding="utf-8")
    lines = ws.load_project(path)
    assert "gone.tif" in lines[1] and lines[1].endswith("(skipped)") and "\n" not in lines[1]
    assert lines[0].startswith("loaded DEM here.tif")
    assert ws.dems == [str((tmp_path / "here.tif").resolve())] and ws.scene.sea_level == 1.5


@pytest.mark.slow
def test_a_point_clouds_drawing_and_crs_round_trip(ws, tmp_path):
    """A cloud opened with --crs (its file says none), coloured by elevation, buildings and ground hidden, big
    shaded points: the project keeps all of it and the request it opens with carries it to the new layer."""
    cloud = write_cloud(tmp_path / "survey.laz", n_ground=4_000, crs=None)
    ws.open_layer(LayerRequest(cloud, crs="EPSG:32651", color_by="elevation"))
    ws.set_point_class_visible("survey", 6, False)
    ws.set_point_class_visible("survey", 2, False)
    layer = ws.scene.layer("survey")
    layer.point_size, layer.shaded, layer.opacity = 4.0, True, 0.5
    path = ws.save_project(tmp_path / "p.ydtwin.json")
    saved = json.loads(path.read_text(encoding="utf-8"))["layers"][0]
    assert (saved["path"], saved["crs"], saved["color_by"]) == ("survey.laz", "EPSG:32651", "elevation")
    assert saved["points"] == {"hidden_classes": [2, 6], "point_size": 4.0, "shaded": True}

    other = Workspace.open(plugin_names=[])
    requests = other.open_project(path)
    assert requests[0].hidden_classes == {2, 6} and requests[0].crs == "EPSG:32651"
    other.load_project(path)
    again = other.scene.layer("survey")
    assert again.kind == "pointcloud" and again.hidden_classes == {2, 6} and again.color_by == "elevation"
    assert (again.point_size, again.shaded, again.opacity) == (4.0, True, 0.5)
    assert other.current_project().layers[0] == ws.current_project().layers[0]


def test_bad_values_are_one_line_and_change_nothing(ws, tmp_path):
    """A sea level out of range, an unknown terrain colouring or a class code past 255 refuses the whole file in
    one line before anything changes; a colouring the cloud cannot have skips that layer in one line."""
    from ydtwin.model.project import Viewpoint

    ws.add_bookmark(Viewpoint("dock", (121.9, 29.9, 3000.0), (121.9, 30.0, 0.0), 30.0))
    path = tmp_path / "bad.ydtwin.json"
    for doc, needle in [({"sea_level": 42}, "sea_level"), ({"terrain_colouring": "rainbow"}, "terrain_colouring"),
                        ({"layers": [{"path": "s.laz", "points": {"hidden_classes": [999]}}]}, "hidden_classes")]:
        path.write_text(json.dumps({"ydtwin_project": 1, "plan_year": 2050, **doc}), encoding="utf-8")
        with pytest.raises(ReadError) as err:
            ws.load_project(path)
        assert needle in str(err.value) and "bad.ydtwin.json" in str(err.value) and "\n" not in str(err.value)
        assert ws.scene.plan_year != 2050 and [b.name for b in ws.bookmarks] == ["dock"]
    write_cloud(tmp_path / "survey.laz", n_ground=2_000)
    path.write_text(json.dumps({"ydtwin_project": 1, "layers": [{"path": "survey.laz", "color_by": "rgb"}]}),
                    encoding="utf-8")
    [line] = ws.load_project(path)
    assert "survey.laz" in line and "cannot be coloured by 'rgb'" in line and line.endswith("(skipped)")
    with pytest.raises(YdtwinError, match="class codes are 0–255"):
        ws.open_layer(LayerRequest(tmp_path / "survey.laz", hidden_classes={300}))


def test_kept_measurements_round_trip_and_bad_ones_are_one_line(ws, tmp_path):
    """Measurements kept in the scene are saved with their points (height, source, precision) and label, and come
    back in a new workspace in place of what it had; a profile's line is not a kept measurement. A point off the
    globe, an unknown kind or a NaN height refuses the file in one line."""
    from ydtwin.model.annotations import ANNOTATIONS_ROLE
    from ydtwin.workspace.measure import annotation_layer

    bund = ws.measure([(121.4905, 31.2397), (121.5055, 31.2363)])
    area = ws.measure([(120.60, 31.30), (120.62, 31.30), (120.62, 31.32)], kind="area")
    ws.keep_measurement(bund)
    ws.keep_measurement(area, label="block 7")
    ws.show_profile(ws.profile(line=[(121.49, 31.23), (121.52, 31.24)]))
    path = ws.save_project(tmp_path / "m.ydtwin.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert [m["kind"] for m in doc["measurements"]] == ["distance", "area"]
    assert doc["measurements"][1]["label"] == "block 7" and doc["measurements"][1]["closed"] is True

    other = Workspace.open(plugin_names=[])
    other.keep_measurement(other.measure([(120.0, 31.0), (120.1, 31.0)]))  # replaced by the project's
    other.load_project(path)
    kept = [item for item in annotation_layer(other.scene).items]
    saved = [item for item in annotation_layer(ws.scene).items if item.kind != "profile"]
    assert kept == saved
    assert kept[0].points[0].source == bund.points[0].source and kept[0].points[0].height == bund.points[0].height
    assert sum(layer.role == ANNOTATIONS_ROLE for layer in other.scene.layers) == 1

    bad = tmp_path / "bad.ydtwin.json"
    point = {"lon": 121.5, "lat": 31.2, "height": 3.0, "source": "terrain"}
    for m, needle in [({"kind": "distance", "points": [{**point, "lon": 200.0}]}, "measurements.0.points.0.lon"),
                      ({"kind": "volume", "points": [point]}, "measurements.0.kind"),
                      ({"kind": "height", "points": [point, {**point, "source": "guess"}]}, "source")]:
        bad.write_text(json.dumps({"ydtwin_project": 1, "measurements": [m]}), encoding="utf-8")
        with pytest.raises(ReadError) as err:
            other.load_project(bad)
        assert needle in str(err.value).replace("[", ".").replace("]", "") and "\n" not in str(err.value)
    bad.write_text('{"ydtwin_project": 1, "measurements": [{"kind": "height", "points": '
                   '[{"lon": 121.5, "lat": 31.2, "height": NaN}]}]}', encoding="utf-8")
    with pytest.raises(ReadError):
        other.load_project(bad)
    assert [item for item in annotation_layer(other.scene).items] == saved  # nothing changed
