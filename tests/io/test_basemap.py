"""Basemaps from OpenStreetMap extracts: the build (streamed, tiled, atomic, cancellable), the reader (hostile
folders), and what the layers do to the procedural blocks (none stands in water or across a road)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import shapely

from conftest import run_cli
from osm_extract import BOX, ISLAND, LAKE, write_extract
from ydtwin.errors import ReadError, YdtwinError
from ydtwin.io.basemap import read_basemap, read_manifest
from ydtwin.io.osm_basemap import BasemapCancelled, build_basemap, classify_area, classify_way
from ydtwin.io.outputs import OutputError


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> Path:
    return write_extract(tmp_path_factory.mktemp("osm") / "jinji.osm.pbf")


@pytest.fixture(scope="module")
def basemap(extract, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bm") / "jinji-basemap"
    build_basemap(extract, out, bbox=(119.0, 28.8, 123.2, 32.8))
    return out


def test_classification_follows_the_osm_tags():
    assert classify_way({"highway": "motorway_link"}) == ("roads", "motorway")
    assert classify_way({"highway": "primary", "tunnel": "yes"}) == ("tunnels", "primary road")
    assert classify_way({"highway": "residential"}) is None  # below tertiary: not in a regional basemap
    assert classify_way({"railway": "rail", "highspeed": "yes"}) == ("rail", "high-speed railway")
    assert classify_way({"railway": "subway", "layer": "-2"}) == ("tunnels", "metro")
    assert classify_way({"railway": "abandoned"}) is None
    assert classify_way({"power": "line"}) == ("power", "power line")
    assert classify_area({"natural": "water", "water": "river"}) == ("water", "river")
    assert classify_area({"waterway": "riverbank"}) == ("water", "river")
    assert classify_area({"landuse": "reservoir"}) == ("water", "reservoir")
    assert classify_area({"natural": "water"}) == ("water", "lake")
    assert classify_area({"leisure": "park"}) == ("landuse", "green")
    assert classify_area({"building": "yes"}) is None


def test_build_writes_every_category_with_classes_bridges_and_holes(basemap):
    m = read_manifest(basemap)
    assert m["features"] == {"roads": 4, "rail": 1, "power": 1, "waterways": 0, "tunnels": 2, "water": 2,
                             "landuse": 1}
    assert m["source"]["osm_timestamp"].startswith("2026-11-30")
    assert "OpenStreetMap" in m["source"]["licence"]
    layers, _ = read_basemap(basemap)
    by_role = {layer.role: layer for layer in layers}
    roads = by_role["basemap-roads"].data
    classes = sorted(np.asarray(roads.attributes["class"], dtype=str).tolist())
    assert classes == ["motorway", "primary road", "secondary road", "trunk road"]
    deck = dict(zip(np.asarray(roads.attributes["class"], dtype=str), roads.attributes["deck_m"], strict=True))
    assert deck["secondary road"] == 12.0 and deck["motorway"] == 0.0  # bridge=yes, layer=2: two 6 m steps
    tunnels = by_role["basemap-tunnels"]
    assert not tunnels.visible  # tunnels are hidden until asked for
    assert sorted(np.asarray(tunnels.data.attributes["class"], dtype=str)) == ["metro", "tertiary road"]
    water = by_role["basemap-water"].data
    lake = water.geometries[np.asarray(water.attributes["class"], dtype=str) == "lake"][0]
    assert lake.geom_type == "MultiPolygon"
    assert len(lake.geoms[0].interiors) == 1  # the island is a hole, not water
    assert lake.area == pytest.approx(shapely.Polygon(LAKE).area - shapely.Polygon(ISLAND).area, rel=1e-6)
    assert water.attributes["name_zh"][np.asarray(water.attributes["class"], dtype=str) == "lake"][0] == "金鸡湖"
    # the trunk road cut by the extract's edge keeps the part the extract holds
    trunk = roads.geometries[np.asarray(roads.attributes["class"], dtype=str) == "trunk road"][0]
    assert shapely.get_num_points(trunk) == 2
    assert all(layer.provenance.nature == "real" for layer in layers)
    # what the attribution line of an image keeps of a source (up to its first " ("): the licence, file, date
    credit = layers[0].provenance.source.split(" (")[0]
    assert "© OpenStreetMap contributors" in credit and "ODbL" in credit
    assert "jinji.osm.pbf" in credit and "2026-11-30" in credit


def test_parts_are_tiled_with_their_bounds(basemap):
    m = read_manifest(basemap)
    for cat, items in m["parts"].items():
        for item in items:
            path = basemap / item["file"]
            assert path.is_file() and path.parent.name == cat
            b = item["bounds"]
            assert BOX[0] - 0.01 <= b[0] <= b[2] <= BOX[2] + 0.01
    # only the parts of a box are read
    layers, _ = read_basemap(basemap, bbox=(121.0, 31.0, 121.1, 31.1))
    assert layers == []


def test_a_real_extract_gives_roads_by_class_and_rail(shared_fixtures, tmp_path):
    pbf = shared_fixtures / "pbf" / "test.osm.pbf"
    stats = build_basemap(pbf, tmp_path / "bm", bbox=(26.0, 60.0, 28.0, 61.0))
    assert stats.features["roads"] >= 40 and stats.features["rail"] == 1 and stats.features["landuse"] >= 40
    layers, _ = read_basemap(tmp_path / "bm")
    roads = next(layer for layer in layers if layer.role == "basemap-roads").data
    assert {"motorway", "secondary road", "tertiary road"} <= set(np.asarray(roads.attributes["class"], dtype=str))


def test_cancel_leaves_nothing(extract, tmp_path):
    with pytest.raises(BasemapCancelled):
        build_basemap(extract, tmp_path / "bm", bbox=BOX, cancel=lambda: True)
    assert os.listdir(tmp_path) == []


def test_progress_reaches_the_end(extract, tmp_path):
    seen = []
    build_basemap(extract, tmp_path / "bm", bbox=BOX, progress=lambda f, n: seen.append((f, n)))
    assert seen[-1] == (1.0, 11)
    assert all(0.0 <= f <= 1.0 for f, _n in seen)


def test_outputs_that_cannot_be_written_are_refused_before_work(extract, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep")
    with pytest.raises(OutputError, match="not empty"):
        build_basemap(extract, tmp_path / "full", bbox=BOX)
    (tmp_path / "file").write_text("keep")
    with pytest.raises(OutputError):
        build_basemap(extract, tmp_path / "file", bbox=BOX)
    (tmp_path / "link").symlink_to(tmp_path / "full")
    with pytest.raises(OutputError, match="symbolic link"):
        build_basemap(extract, tmp_path / "link", bbox=BOX)
    assert (tmp_path / "full" / "x").read_text() == "keep" and (tmp_path / "file").read_text() == "keep"
    # an empty folder is fine, and becomes the basemap
    (tmp_path / "empty").mkdir()
    build_basemap(extract, tmp_path / "empty", bbox=BOX)
    assert (tmp_path / "empty" / "basemap.json").is_file()
    assert not [p for p in os.listdir(tmp_path) if "incomplete" in p]


def _copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


@pytest.mark.parametrize("attack", ["manifest-link", "part-escape", "part-link", "folder-link", "garbage",
                                    "version", "too-many", "missing-part", "not-a-basemap", "nan-bounds"])
def test_hostile_basemap_folders_are_one_error_line(basemap, tmp_path, attack):
    bm = _copy(basemap, tmp_path / "bm")
    manifest = bm / "basemap.json"
    m = json.loads(manifest.read_text())
    first = m["parts"]["roads"][0]
    if attack == "manifest-link":
        (tmp_path / "elsewhere.json").write_text(manifest.read_text())
        manifest.unlink()
        manifest.symlink_to(tmp_path / "elsewhere.json")
    elif attack == "part-escape":
        first["file"] = "roads/../../elsewhere.ydv.npz"
    elif attack == "part-link":
        target = bm / first["file"]
        (tmp_path / "p.ydv.npz").write_bytes(target.read_bytes())
        target.unlink()
        target.symlink_to(tmp_path / "p.ydv.npz")
    elif attack == "folder-link":
        os.rename(bm / "roads", tmp_path / "roads")
        (bm / "roads").symlink_to(tmp_path / "roads")
    elif attack == "garbage":
        manifest.write_bytes(b"{\x00\xff not json")
    elif attack == "version":
        m["version"] = 99
    elif attack == "too-many":
        first["features"] = 10**9
    elif attack == "missing-part":
        (bm / first["file"]).unlink()
    elif attack == "not-a-basemap":
        manifest.unlink()
    elif attack == "nan-bounds":
        first["bounds"] = [float("nan"), 0, 1, 1]
    if attack in ("part-escape", "version", "too-many", "nan-bounds"):
        manifest.write_text(json.dumps(m))
    with pytest.raises(ReadError) as info:
        read_basemap(bm)
    assert "\n" not in str(info.value)


def test_blocks_never_stand_in_water_or_across_roads(basemap):
    from ydtwin.geo.clearance import blocked, obstacle_geometries
    from ydtwin.io.region import open_scene
    from ydtwin.workspace import Workspace

    ws = Workspace(open_scene(), plugin_names=[])
    blocks = ws.scene.layer("procedural-blocks")
    x0, y0, x1, y1 = BOX
    c = blocks.data.centres()
    near = (c[:, 0] > x0) & (c[:, 0] < x1) & (c[:, 1] > y0) & (c[:, 1] < y1)
    assert near.sum() > 200  # Suzhou's blocks around Jinji Lake are there to be cut
    hidden_before = blocks.hidden.copy()
    ws.add_basemap(ws.read_basemap(basemap))
    proj = ws.scene.projection

    def to_scene(cc, crs):
        return np.column_stack(proj.to_scene(cc[:, 0], cc[:, 1], crs))

    footprints = shapely.transform(blocks.data.geometries(), lambda cc: to_scene(cc, blocks.data.crs))
    obstacles = obstacle_geometries([ws.scene.layer("basemap-water"), ws.scene.layer("basemap-roads"),
                                     ws.scene.layer("basemap-rail")], to_scene)
    clash = blocked(footprints, obstacles)
    visible = ~blocks.hidden
    assert clash.sum() > 20  # the lake, the river and the roads did cross generated blocks
    assert not (clash & visible).any()
    assert (blocks.hidden & ~hidden_before).sum() == clash.sum()
    # the whole lake area is free of blocks, the island may keep some
    lake = shapely.Polygon(LAKE).difference(shapely.Polygon(ISLAND))
    pts = shapely.points(c[visible])
    assert not shapely.contains(lake, pts).any()


def test_cli_build_and_errors(extract, tmp_path):
    out = tmp_path / "bm"
    r = run_cli("basemap", "build", str(extract), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "11 features" in r.stdout and (out / "basemap.json").is_file()
    r = run_cli("basemap", "info", str(out))
    assert r.returncode == 0 and "roads" in r.stdout and "OpenStreetMap" in r.stdout
    for args in (["basemap", "build", str(tmp_path / "missing.osm.pbf"), "--out", str(tmp_path / "x")],
                 ["basemap", "build", str(extract), "--out", str(out)],  # not empty now
                 ["basemap", "build", str(extract), "--out", str(tmp_path / "y"), "--bbox", "1,2,3"],
                 ["basemap", "info", str(tmp_path)],
                 ["snapshot", "--out", str(tmp_path / "s.png"), "--basemap", str(tmp_path / "nothing")]):
        r = run_cli(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_an_extract_outside_the_region_is_refused_before_work(shared_fixtures, tmp_path):
    r = run_cli("basemap", "build", str(shared_fixtures / "pbf" / "test.osm.pbf"), "--out", str(tmp_path / "bm"))
    assert r.returncode == 2 and "outside the box" in r.stderr
    assert not (tmp_path / "bm").exists()


def test_both_front_ends_use_the_workspace(monkeypatch, basemap):
    """The command line's --basemap goes through Workspace.read_basemap/add_basemap (as the window does)."""
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.cli.parser import build_parser
    from ydtwin.workspace import Workspace

    calls = []
    real_read, real_add = Workspace.read_basemap, Workspace.add_basemap
    monkeypatch.setattr(Workspace, "read_basemap", lambda self, f: calls.append("read") or real_read(self, f))
    monkeypatch.setattr(Workspace, "add_basemap", lambda self, b: calls.append("add") or real_add(self, b))
    args = build_parser().parse_args(["snapshot", "--out", "x.png", "--basemap", str(basemap), "--plugins", "none"])
    ws = workspace_from_args(args)
    assert calls == ["read", "add"]
    assert ws.scene.layer("basemap-water") is not None
    with pytest.raises(YdtwinError):
        ws.read_basemap(basemap.parent / "nothing-here")


def test_a_project_remembers_the_basemap_shown(basemap, tmp_path):
    from ydtwin.io.region import open_scene
    from ydtwin.workspace import Workspace

    ws = Workspace(open_scene(), plugin_names=[])
    ws.open_basemap(basemap)
    path = ws.save_project(tmp_path / "p.ydtwin.json")
    again = Workspace(open_scene(), plugin_names=[])
    assert again.open_project(path) == []
    assert again.project_basemap == basemap.resolve()
    # no basemap shown: none saved
    bare = Workspace(open_scene(), plugin_names=[])
    bare.save_project(tmp_path / "q.ydtwin.json")
    again.open_project(tmp_path / "q.ydtwin.json")
    assert again.project_basemap is None


def test_features_whose_centre_lies_outside_the_box_are_kept_under_an_edge_tile(extract, tmp_path):
    """A box cutting through the features: those that reach into it are kept (filed under the nearest
    tile, with their true bounds in the manifest), those wholly outside are not."""
    box = (120.70, 31.30, 120.72, 31.32)  # inside the lake, crossed by the motorway
    build_basemap(extract, tmp_path / "bm", bbox=box)
    m = read_manifest(tmp_path / "bm")
    assert m["features"]["roads"] == 1 and m["features"]["water"] == 1  # the motorway, the lake
    assert all(p["file"].split("/")[1].startswith("0_0-") for items in m["parts"].values() for p in items)
    layers, _ = read_basemap(tmp_path / "bm", bbox=box)
    roads = next(layer for layer in layers if layer.role == "basemap-roads").data
    assert shapely.bounds(roads.geometries)[0][0] < box[0]  # the whole road, not clipped
