"""Projects: JSON round trip, relative paths, atomic save, hostile files."""

import json
import os

import pytest

from ydtwin.errors import ReadError
from ydtwin.model.project import LayerEntry, Project, Viewpoint, load_project, save_project


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
    ],
)
def test_hostile_projects_give_one_line(tmp_path, text, needle):
    path = tmp_path / "bad.ydtwin.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError) as err:
        load_project(path)
    assert needle in str(err.value) and "\n" not in str(err.value) and "bad.ydtwin.json" in str(err.value)
