"""``ydtwin tiles build`` partitions point clouds and the basemap of OpenStreetMap extracts by tile, on the same
Dask graph as the footprints: the pack's points are the file's points (every one, in the right place), read
back evenly thinned when there are too many; its basemap is the basemap ``ydtwin basemap build`` makes of the
same extract, without the copies that overlapping extracts share; the same bytes whatever ran the build."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    from las_synth import write_cloud
    from osm_extract import write_extract

    folder = tmp_path_factory.mktemp("src")
    return {"cloud": write_cloud(folder / "block.laz", n_ground=120_000, rgb=True),
            "extract": write_extract(folder / "jinji.osm.pbf")}


@pytest.fixture
def small_chunks(monkeypatch):
    from ydtwin.tiling import points

    monkeypatch.setattr(points, "CHUNK_POINTS", 40_000)  # several partition tasks per file


def _region():
    from ydtwin.io.region import read_region_file

    return read_region_file().region


def _build(inputs, out, **kwargs):
    from ydtwin.workspace.tiles import build_tiles

    return build_tiles([(str(p), None) for p in inputs], out, region=_region(), **kwargs)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_points_are_the_files_points_in_the_right_place(sources, tmp_path, small_chunks):
    from ydtwin.io.pointcloud_read import read_point_cloud
    from ydtwin.tiling.points import read_pack_points

    region = _region()
    report = _build([sources["cloud"]], tmp_path / "pack", scheduler="sync", point_tile_size_m=100.0)
    assert report.ok, report.failed
    direct, _ = read_point_cloud(sources["cloud"], projection=region.projection, region_bbox=region.bbox)
    assert report.points == len(direct) and report.point_tiles >= 9  # a 300 m block on 100 m tiles
    doc = json.loads((tmp_path / "pack" / "tiles.json").read_text())
    assert sum(t["points"] for t in doc["points"]["tiles"]) == len(direct)
    assert doc["tiles"] == [] and "UTM zone 51N" in doc["points"]["source_crs"]

    data, _doc = read_pack_points(tmp_path / "pack" / "points", region.projection)
    assert len(data) == len(direct) and data.file_points == len(direct) and not data.note

    # float32 within a tile of 100 m: every point within a millimetre of where the file puts it (sorted
    # coordinates of two matched sets differ by at most the largest pointwise difference)
    for axis in range(3):
        assert np.abs(np.sort(data.xyz[:, axis]) - np.sort(direct.xyz[:, axis])).max() <= 1e-3
    for code in direct.classes():
        mine, theirs = data.classification == code, direct.classification == code
        assert np.abs(data.xyz[mine].mean(axis=0) - direct.xyz[theirs].mean(axis=0)).max() <= 1e-3

    def rows(d):
        table = np.column_stack([d.classification, d.intensity, d.return_number, d.rgb]).astype(np.int64)
        return table[np.lexsort(table.T[::-1])]

    assert np.array_equal(rows(data), rows(direct))
    # every point lies in the tile it is filed under
    for t in doc["points"]["tiles"]:
        raw = np.load(tmp_path / "pack" / "points" / f"{t['i']}_{t['j']}.npz")
        xyz = raw["xyz"].astype(np.float64) + raw["tile:origin"]
        assert (np.floor(xyz[:, 0] / 100.0) == t["i"]).all() and (np.floor(xyz[:, 1] / 100.0) == t["j"]).all()

    # too many to keep: the same share of every tile, so every class keeps its share
    thin, _ = read_pack_points(tmp_path / "pack", region.projection, max_points=len(direct) // 4)
    assert abs(len(thin) - len(direct) / 4) <= report.point_tiles and "thinned evenly" in thin.note
    for code, n in direct.classes().items():
        assert abs(thin.classes().get(code, 0) / len(thin) - n / len(direct)) < 0.01


def test_the_basemap_is_the_extracts_and_overlapping_extracts_are_merged(sources, tmp_path):
    from ydtwin.io.basemap import read_basemap
    from ydtwin.workspace.basemap import build_basemap

    region = _region()
    alone = build_basemap(sources["extract"], tmp_path / "alone", region_bbox=region.bbox)
    copy = tmp_path / "copy.osm.pbf"
    copy.write_bytes(sources["extract"].read_bytes())
    report = _build([sources["extract"], copy], tmp_path / "pack", scheduler="sync")
    assert report.ok, report.failed
    # the same extract twice: every feature once
    assert report.basemap_features == alone.total and report.basemap_duplicates == alone.total
    assert report.buildings == 0  # the extract holds no buildings: its basemap is what it gives
    a_layers, _ = read_basemap(tmp_path / "alone")
    p_layers, manifest = read_basemap(tmp_path / "pack" / "basemap")
    assert manifest["skipped"]["duplicate"] == alone.total and "jinji.osm.pbf, copy.osm.pbf" in manifest["source"]["file"]

    def content(layers):
        return {layer.name: sorted(zip(layer.data.attributes["osm_id"].tolist(),
                                       [g.wkb for g in layer.data.geometries], strict=True)) for layer in layers}

    assert content(p_layers) == content(a_layers)
    # parts lie in the pack's basemap tiles (10 km in the scene projection) by their box's centre
    for parts in manifest["parts"].values():
        for part in parts:
            assert part["file"].split("/")[1].count("_") == 1

    # --no-basemap: the extract gives its buildings only, and it holds none: one line
    report = _build([sources["extract"]], tmp_path / "nob", scheduler="sync", basemap=False, retries=0)
    assert not report.ok and "no features in the file" in report.failed[0][1]
    # the pack built again from other inputs: the earlier build's basemap goes
    report = _build([sources["cloud"]], tmp_path / "pack", scheduler="sync")
    assert report.ok and report.basemap_tiles == 0 and not (tmp_path / "pack" / "basemap").exists()


def test_sync_and_local_cluster_write_the_same_points_and_basemap(sources, tmp_path, small_chunks):
    a = _build([sources["cloud"], sources["extract"]], tmp_path / "sync", scheduler="sync")
    b = _build([sources["cloud"], sources["extract"]], tmp_path / "local", scheduler="local", workers=2)
    assert a.ok and b.ok and b.scheduler == "local (2 workers)"
    ta, tb = _tree(tmp_path / "sync"), _tree(tmp_path / "local")
    assert any(k.startswith("points/") for k in ta) and any(k.startswith("basemap/roads/") for k in ta)
    assert ta.keys() == tb.keys()
    for key in ta:
        if key != "tiles.json":  # it names its own folder's inputs: the same here, and the same build key
            assert ta[key] == tb[key], key
    assert json.loads(ta["tiles.json"]) == json.loads(tb["tiles.json"])


def test_a_lost_point_tile_is_rebuilt_the_same_and_bad_clouds_are_one_line(sources, tmp_path, small_chunks):
    out = tmp_path / "pack"
    first = _build([sources["cloud"]], out, scheduler="sync")
    assert first.ok
    tiles = sorted((out / "points").glob("*.npz"))
    before = tiles[0].read_bytes()
    tiles[0].unlink()
    again = _build([sources["cloud"]], out, scheduler="sync")
    assert again.ok and again.built == 1 and again.skipped == first.built - 1
    assert tiles[0].read_bytes() == before

    # no CRS: the task's one line, nothing passed off as a finished pack; cut short: refused before any work
    from las_synth import write_cloud
    from ydtwin.errors import ReadError

    bare = write_cloud(tmp_path / "bare.las", n_ground=5_000, crs=None)
    report = _build([bare], tmp_path / "bad", scheduler="sync", retries=0)
    assert not report.ok and not (tmp_path / "bad" / "tiles.json").exists()
    assert len(report.failed) == 1 and "has no CRS" in report.failed[0][1]
    assert len(report.failed[0][1].splitlines()) == 1
    cut = tmp_path / "cut.laz"
    cut.write_bytes(sources["cloud"].read_bytes()[: sources["cloud"].stat().st_size // 2])
    with pytest.raises(ReadError, match="truncated"):
        _build([cut], tmp_path / "cut", scheduler="sync")
    assert not (tmp_path / "cut" / "tiles.json").exists()


def test_the_cli_and_the_workspace_open_the_packs_points_and_basemap(sources, tmp_path):
    from ydtwin.model.pointcloud import PointCloudLayer
    from ydtwin.workspace import LayerRequest, Workspace

    out = tmp_path / "pack"
    r = run_cli("tiles", "build", str(sources["cloud"]), str(sources["extract"]), "--out", str(out),
                "--scheduler", "sync", "--point-tile-size", "250")
    assert r.returncode == 0, r.stderr
    assert "points in" in r.stdout and "basemap features" in r.stdout
    info = run_cli("tiles", "info", str(out))
    assert info.returncode == 0 and "points:" in info.stdout and "basemap:" in info.stdout
    assert f"--layer {out / 'points'}" in info.stdout

    ws = Workspace.open(plugin_names=[])
    line = ws.add_loaded(ws.read_layer(LayerRequest(out / "points")))
    layer = next(layer for layer in ws.scene.layers if isinstance(layer, PointCloudLayer))
    assert "tile pack" in line and layer.name == "pack points" and len(layer.data) > 100_000
    assert "OpenStreetMap" in ws.open_basemap(out)  # the pack's folder: its basemap
    assert ws.basemaps == [out / "basemap"]
    # the pack holds no buildings: its folder as a layer is its points
    assert isinstance(ws.read_layer(LayerRequest(out)).layer, PointCloudLayer)
    r = run_cli("tiles", "build", str(sources["cloud"]), "--out", str(tmp_path / "p2"), "--point-tile-size", "10")
    assert r.returncode == 2 and "--point-tile-size" in r.stderr
