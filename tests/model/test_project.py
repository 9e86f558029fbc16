"""Projects: JSON round trip, relative paths, atomic save, hostile files."""

import json
import os
import sys
from pathlib import Path

import pytest

from ydtwin.errors import ReadError
from ydtwin.model.project import (
    LayerEntry,
    PointsEntry,
    Project,
    ProjectFile,
    Viewpoint,
    load_project,
    save_project,
)

ROOT = Path(__file__).resolve().parents[2]


def _project(tmp_path):
    data = tmp_path / "数据" / "footprints.gpkg"
    data.parent.mkdir()
    data.write_bytes(b"")
    return Project(
        region=None,
        layers=[LayerEntry(str(data), crs="GCJ-02", color_by="height", visible=False, opacity=0.6, replaces="city")],
        base_layers={"district-boundaries": {"visible": False, "opacity": 1.0}},
        viewpoints=[Viewpoint("外滩 Bund", (121.49, 31.20, 3000.0), (121.49, 31.24, 0.0), 30.0)],
        plan_year=2035,
    )


def test_round_trip_with_relative_paths(tmp_path):
    project = _project(tmp_path)
    path = save_project(project, tmp_path / "review.ydtwin.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["ydtwin_project"] == 1
    assert doc["layers"][0]["path"] == os.path.join("数据", "footprints.gpkg")
    again = load_project(path)
    assert again.layers[0].path == project.layers[0].path
    assert again.viewpoints == project.viewpoints and again.plan_year == 2035
    assert again.base_layers == project.base_layers and again.layers[0].replaces == "city"


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path, monkeypatch):
    path = tmp_path / "p.ydtwin.json"
    save_project(_project(tmp_path), path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_project(Project(plan_year=2050), path)
    assert path.read_bytes() == before  # the old file is intact
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    "text, needle",
    [
        ("{", "not valid JSON"),
        ('{"hello": 1}', "not a ydtwin project"),
        ('{"ydtwin_project": 99}', "not supported"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a", "opacity": 7}]}', "opacity"),
        ('{"ydtwin_project": 1, "viewpoints": [{"name": "x", "eye": [1e9, 2, 3], "target": [1, 2, 3]}]}', "lon/lat"),
        ('{"ydtwin_project": 1, "plan_year": "soon"}', "plan_year"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a", "replaces": "everything"}]}', "replaces"),
        # versions that only look like 1
        ('{"ydtwin_project": true}', "not supported"),
        ('{"ydtwin_project": 1.0}', "not supported"),
        ('{"ydtwin_project": "1"}', "not supported"),
        ("[1]", "not a ydtwin project"),
        # unknown keys: a misspelt key is named, never silently dropped
        ('{"ydtwin_project": 1, "plan_yaer": 2035}', "plan_yaer: Extra inputs are not permitted"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a", "opactiy": 0.5}]}', "layers[0].opactiy"),
        ('{"ydtwin_project": 1, "base_layers": {"rivers": {"visible": true, "colour": "red"}}}',
         "base_layers.rivers.colour"),
        # wrong types (JSON's own types only: no "0.5" for a number, no 1 for a boolean)
        ('{"ydtwin_project": 1, "layers": [{"path": "a", "opacity": "0.5"}]}', "layers[0].opacity"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a", "visible": 1}]}', "layers[0].visible"),
        ('{"ydtwin_project": 1, "layers": [{"path": ""}]}', "layers[0].path"),
        ('{"ydtwin_project": 1, "layers": {"path": "a"}}', "layers: Input should be a valid list"),
        ('{"ydtwin_project": 1, "region": 7}', "region"),
        ('{"ydtwin_project": 1, "plan_year": true}', "plan_year"),
        ('{"ydtwin_project": 1, "plan_year": 2035.5}', "plan_year"),
        ('{"ydtwin_project": 1, "base_layers": []}', "base_layers"),
        ('{"ydtwin_project": 1, "base_layers": {"rivers": {"opacity": 2}}}', "base_layers.rivers.opacity"),
        ('{"ydtwin_project": 1, "viewpoints": [{"name": "x", "eye": [1, 2], "target": [1, 2, 3]}]}',
         "viewpoints[0].eye"),
        ('{"ydtwin_project": 1, "viewpoints": [{"name": "x", "eye": [121, 31, "high"], "target": [1, 2, 3]}]}',
         "viewpoints[0].eye[2]"),
        ('{"ydtwin_project": 1, "viewpoints": [{"name": "x", "eye": [121, 31, 9], "target": [1, 2, 3], '
         '"view_angle": 0}]}', "viewpoints[0].view_angle"),
        # NaN, infinity and huge values
        ('{"ydtwin_project": 1, "viewpoints": [{"name": "x", "eye": [121, 31, NaN], "target": [1, 2, 3]}]}',
         "viewpoints[0].eye[2]: Input should be a finite number"),
        ('{"ydtwin_project": 1, "viewpoints": [{"name": "x", "eye": [121, 31, Infinity], "target": [1, 2, 3]}]}',
         "finite"),
        ('{"ydtwin_project": 1, "viewpoints": [{"name": "x", "eye": [121, 31, 1e400], "target": [1, 2, 3]}]}',
         "finite"),
        ('{"ydtwin_project": 1, "viewpoints": [{"name": "x", "eye": [121, 31, 1e300], "target": [1, 2, 3]}]}',
         "height"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a", "opacity": NaN}]}', "layers[0].opacity"),
        ('{"ydtwin_project": 1, "plan_year": 1' + "0" * 400 + "}", "plan_year"),
        ('{"ydtwin_project": 1, "layers": [{"path": "' + "a" * 5000 + '"}]}', "layers[0].path"),
        ("[" * 100_000 + "]" * 100_000, "project"),
        # the terrain, the sea and point clouds: out of range, unknown or of the wrong type
        ('{"ydtwin_project": 1, "sea_level": 25}', "sea_level: Input should be less than or equal to 20"),
        ('{"ydtwin_project": 1, "sea_level": -11}', "sea_level: Input should be greater than or equal to -10"),
        ('{"ydtwin_project": 1, "sea_level": NaN}', "sea_level"),
        ('{"ydtwin_project": 1, "sea_level": "2"}', "sea_level"),
        ('{"ydtwin_project": 1, "terrain_colouring": "rainbow"}', "terrain_colouring: Input should be 'elevation'"),
        ('{"ydtwin_project": 1, "dems": "a.tif"}', "dems: Input should be a valid list"),
        ('{"ydtwin_project": 1, "dems": [""]}', "dems[0]"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a.laz", "points": {"hidden_classes": [7, 256]}}]}',
         "layers[0].points.hidden_classes[1]: Input should be less than or equal to 255"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a.laz", "points": {"hidden_classes": [-1]}}]}',
         "layers[0].points.hidden_classes[0]"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a.laz", "points": {"hidden_classes": [2.5]}}]}',
         "layers[0].points.hidden_classes[0]"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a.laz", "points": {"point_size": 0}}]}',
         "layers[0].points.point_size"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a.laz", "points": {"shaded": "yes"}}]}',
         "layers[0].points.shaded"),
        ('{"ydtwin_project": 1, "layers": [{"path": "a.laz", "points": {"colour": "red"}}]}',
         "layers[0].points.colour"),
    ],
)
def test_hostile_projects_give_one_line(tmp_path, text, needle):
    """Every problem is refused before anything is loaded, as one line naming the file and the key."""
    path = tmp_path / "bad.ydtwin.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError) as err:
        load_project(path)
    assert needle in str(err.value) and "\n" not in str(err.value) and "bad.ydtwin.json" in str(err.value)


def test_the_documented_example_and_older_files_still_load(tmp_path):
    """The format id is unchanged (1): the example in docs/project-format.md and a file with only the version
    (everything else has a default) load as they are."""
    doc = (ROOT / "docs" / "project-format.md").read_text(encoding="utf-8")
    example = doc.split("```json", 1)[1].split("```", 1)[0]
    path = tmp_path / "p.ydtwin.json"
    path.write_text(example, encoding="utf-8")
    project = load_project(path)
    assert project.layers[0].crs == "GCJ-02" and project.viewpoints[0].name == "外滩 Bund"
    assert project.base_layers["district-boundaries"] == {"visible": False, "opacity": 1.0}
    path.write_text('{"ydtwin_project": 1}', encoding="utf-8")
    assert load_project(path) == Project()


def test_a_project_that_breaks_the_format_is_not_saved(tmp_path):
    """ydtwin never writes a file it would refuse: an invalid project raises ValueError naming the key, and
    the file already there is left as it was."""
    path = save_project(Project(plan_year=2030), tmp_path / "p.ydtwin.json")
    before = path.read_bytes()
    for project, needle in [
        (Project(layers=[LayerEntry("a.gpkg", opacity=1.5)]), "layers[0].opacity"),
        (Project(layers=[LayerEntry("a.gpkg", replaces="everything")]), "layers[0].replaces"),
        (Project(plan_year=99999), "plan_year"),
        (Project(base_layers={"rivers": {"visible": True, "glow": 1}}), "base_layers.rivers.glow"),
    ]:
        with pytest.raises(ValueError, match=needle.replace("[", r"\[").replace("]", r"\]")):
            save_project(project, path)
    assert path.read_bytes() == before


def test_viewpoints_follow_the_same_rule_in_memory_and_in_the_file():
    """A Viewpoint that the file would refuse cannot be made (ValueError), so a bookmark always saves."""
    Viewpoint("ok", (121.0, 31.0, 2000.0), (121.0, 31.1, 0.0), 30.0)
    for eye, angle in [((121.0, 31.0, float("nan")), 30.0), ((121.0, 31.0, 1e300), 30.0), ((999.0, 31.0, 1.0), 30.0),
                       ((121.0, 31.0), 30.0), ((121.0, 31.0, 1.0), float("nan")), ((121.0, 31.0, 1.0), 0.5)]:
        with pytest.raises(ValueError):
            Viewpoint("bad", eye, (121.0, 31.1, 0.0), angle)


def test_saved_projects_follow_the_model_and_the_published_schema_is_current(tmp_path):
    """docs/project.schema.json is generated from the model (packaging/file_schemas.py): a schema edited by
    hand, or a model changed without regenerating it, fails here."""
    path = save_project(_project(tmp_path), tmp_path / "p.ydtwin.json")
    ProjectFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    sys.path.insert(0, str(ROOT / "packaging"))
    import file_schemas

    on_disk = (ROOT / "docs" / "project.schema.json").read_text(encoding="utf-8")
    assert on_disk == file_schemas.text("project.schema.json"), "run: python packaging/file_schemas.py"
    schema = json.loads(on_disk)
    assert schema["required"] == ["ydtwin_project"] and schema["additionalProperties"] is False
    assert schema["properties"]["ydtwin_project"]["const"] == 1


def _project_file(folder, *paths):
    doc = {"ydtwin_project": 1, "layers": [{"path": p} for p in paths]}
    path = folder / "shared.ydtwin.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _refused(path, *needles):
    with pytest.raises(ReadError) as err:
        load_project(path)
    text = str(err.value)
    assert "\n" not in text and path.name in text, text
    for needle in needles:
        assert needle in text, text
    return text


@pytest.mark.parametrize("layer", ["../../../etc/shadow", "data/../../secret.gpkg", "..", "./../x.gpkg"])
def test_relative_layer_paths_stay_inside_the_projects_folder(tmp_path, layer):
    """A project from someone else opened `../../../etc/shadow`: a relative layer path must stay inside the
    project's folder; one that leaves it is refused before anything is loaded, naming the project and the layer."""
    folder = tmp_path / "proj"
    folder.mkdir()
    (tmp_path / "secret.gpkg").write_bytes(b"")
    _refused(_project_file(folder, layer), "layers[0].path", repr(layer), "outside the project's folder")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_devices_fifos_and_folders_are_not_layers(tmp_path):
    """`/dev/zero` was opened as a layer (an endless read): a path that exists must be a regular file; a
    device, a FIFO or a folder is refused, and so is a symbolic link to one (resolved, then checked)."""
    _refused(_project_file(tmp_path, "/dev/zero"), "layers[0].path", "'/dev/zero'", "character device")
    (tmp_path / "sub").mkdir()
    _refused(_project_file(tmp_path, "sub"), "is a folder")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.geojson")
        _refused(_project_file(tmp_path, "ok.gpkg", "pipe.geojson"), "layers[1].path", "FIFO")
    (tmp_path / "zero.gpkg").symlink_to("/dev/zero")
    _refused(_project_file(tmp_path, str(tmp_path / "zero.gpkg")), "character device", "symbolic link to /dev/zero")
    _refused(_project_file(tmp_path, "zero.gpkg"), "outside the project's folder")


def test_a_symbolic_link_inside_the_folder_cannot_lead_out(tmp_path):
    """A relative path is checked after its symbolic links are resolved: a link in the project's folder that
    points outside it is refused like `..`; a link to a file inside the folder is followed."""
    outside = tmp_path / "elsewhere.gpkg"
    outside.write_bytes(b"")
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "escape.gpkg").symlink_to(outside)
    _refused(_project_file(folder, "escape.gpkg"), "layers[0].path", "outside the project's folder")
    (folder / "real.gpkg").write_bytes(b"")
    (folder / "alias.gpkg").symlink_to(folder / "real.gpkg")
    assert load_project(_project_file(folder, "alias.gpkg")).layers[0].path == str((folder / "real.gpkg").resolve())


def test_absolute_and_missing_files_load_and_outside_files_save_as_absolute(tmp_path):
    """A regular file given by its absolute path loads; a file not there yet is left to its reader (which
    says so); a layer outside the project's folder is saved with its absolute path, so the project reloads."""
    data = tmp_path / "data" / "blocks.gpkg"
    data.parent.mkdir()
    data.write_bytes(b"")
    folder = tmp_path / "proj"
    folder.mkdir()
    project = load_project(_project_file(folder, str(data), "later.gpkg"))
    assert project.layers[0].path == str(data) and project.layers[1].path == str(folder.resolve() / "later.gpkg")
    saved = save_project(Project(layers=[LayerEntry(str(data))]), folder / "p.ydtwin.json")
    assert json.loads(saved.read_text(encoding="utf-8"))["layers"][0]["path"] == str(data.resolve())
    assert load_project(saved).layers[0].path == str(data.resolve())


def _within(seconds, fn, *args):
    """fn(*args) in a thread → its exception (or None); fails if it has not returned in time (a blocked read)."""
    import threading

    outcome = []

    def run():
        try:
            fn(*args)
            outcome.append(None)
        except Exception as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"still blocked after {seconds} s"
    return outcome[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_the_project_file_itself_must_be_a_regular_file(tmp_path):
    """A FIFO given as the project blocked the open for ever, /dev/zero read without end: refused at once."""
    os.mkfifo(tmp_path / "p.ydtwin.json")
    err = _within(10, load_project, tmp_path / "p.ydtwin.json")
    assert isinstance(err, ReadError) and "FIFO" in str(err)
    if os.path.exists("/dev/zero"):
        err = _within(10, load_project, "/dev/zero")
        assert isinstance(err, ReadError) and "character device" in str(err)


def test_a_projects_basemap_is_saved_relative_and_checked_as_a_folder(tmp_path):
    folder = tmp_path / "yrd-basemap"
    folder.mkdir()
    project = _project(tmp_path)
    project.basemap = str(folder)
    path = save_project(project, tmp_path / "review.ydtwin.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["basemap"] == "yrd-basemap"
    assert load_project(path).basemap == str(folder.resolve())
    for bad, needle in (("../elsewhere", "outside the project"), ("review.ydtwin.json", "not a folder")):
        doc["basemap"] = bad
        path.write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(ReadError, match=needle) as info:
            load_project(path)
        assert "\n" not in str(info.value)
    (tmp_path / "out").symlink_to(tmp_path.parent)
    doc["basemap"] = "out"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ReadError, match="outside"):
        load_project(path)


def test_dems_sea_level_terrain_and_point_clouds_round_trip(tmp_path):
    """The DEMs imported (in order, relative to the project like layer files), the terrain's colouring, the sea
    level and a point cloud's classes hidden, point size and shading come back as saved."""
    dems = [tmp_path / "dem" / "survey.tif", tmp_path / "gebco.nc"]
    dems[0].parent.mkdir()
    for dem in dems:
        dem.write_bytes(b"")
    cloud = tmp_path / "survey.laz"
    cloud.write_bytes(b"")
    project = Project(layers=[LayerEntry(str(cloud), crs="EPSG:32651", color_by="elevation",
                                         points=PointsEntry([7, 18], 3.5, True))],
                      dems=[str(d) for d in dems], terrain_colouring="hillshade", sea_level=2.5)
    path = save_project(project, tmp_path / "p.ydtwin.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["dems"] == [os.path.join("dem", "survey.tif"), "gebco.nc"]
    assert doc["sea_level"] == 2.5 and doc["terrain_colouring"] == "hillshade"
    assert doc["layers"][0]["points"] == {"hidden_classes": [7, 18], "point_size": 3.5, "shaded": True}
    again = load_project(path)
    assert again.dems == [str(d.resolve()) for d in dems]
    assert again.layers[0].points == PointsEntry([7, 18], 3.5, True) and again.layers[0].crs == "EPSG:32651"
    assert (again.sea_level, again.terrain_colouring) == (2.5, "hillshade")


def test_a_project_from_before_the_terrain_and_point_cloud_members_loads(tmp_path):
    """A version 1 file written before dems, sea_level, terrain_colouring and a layer's points existed loads:
    nothing imported, the sea and the terrain left as they are, the cloud drawn by default."""
    path = tmp_path / "old.ydtwin.json"
    path.write_text(json.dumps({
        "ydtwin_project": 1, "region": None, "plan_year": 2035, "base_layers": {},
        "layers": [{"path": "survey.laz", "crs": None, "color_by": "classification", "visible": True,
                    "opacity": 1.0, "replaces": "area"}]}), encoding="utf-8")
    project = load_project(path)
    assert project.dems == [] and project.sea_level is None and project.terrain_colouring is None
    assert project.layers[0].points is None and project.plan_year == 2035


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_dem_paths_are_confined_like_layer_paths(tmp_path):
    """A DEM named by a project is checked like a layer file: a relative path may not leave the project's
    folder (by `..` or through a symbolic link), and what it names must be a regular file."""
    folder = tmp_path / "proj"
    folder.mkdir()
    (tmp_path / "secret.tif").write_bytes(b"")
    (folder / "escape.tif").symlink_to(tmp_path / "secret.tif")
    path = folder / "shared.ydtwin.json"
    for dems, needles in [(["../secret.tif"], ("dems[0]", "outside the project's folder")),
                          (["ok.tif", "escape.tif"], ("dems[1]", "symbolic link")),
                          (["/dev/zero"], ("dems[0]", "character device")),
                          ([str(folder)], ("dems[0]", "is a folder"))]:
        path.write_text(json.dumps({"ydtwin_project": 1, "dems": dems}), encoding="utf-8")
        _refused(path, *needles)


def test_bad_terrain_and_point_cloud_values_are_not_saved(tmp_path):
    """ydtwin never writes a sea level, colouring or class code it would refuse to read."""
    for project, needle in [(Project(sea_level=30.0), "sea_level"), (Project(terrain_colouring="rainbow"),
                                                                     "terrain_colouring"),
                            (Project(layers=[LayerEntry("a.laz", points=PointsEntry([300]))]),
                             r"layers\[0\].points.hidden_classes\[0\]")]:
        with pytest.raises(ValueError, match=needle):
            save_project(project, tmp_path / "p.ydtwin.json")
    assert not (tmp_path / "p.ydtwin.json").exists()
