"""Tile packs built on Dask: the same bytes from every scheduler, a real cluster that loses a worker, reruns
that resume, failures reported, hostile packs refused, and the pack opened as a layer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def footprints(tmp_path_factory) -> Path:
    from ydtwin.io.synthetic import write_synthetic_geoparquet

    return write_synthetic_geoparquet(tmp_path_factory.mktemp("fp") / "suzhou.parquet", 60_000)


@pytest.fixture
def small_chunks(monkeypatch):
    from ydtwin.tiling import build

    monkeypatch.setattr(build, "CHUNK_ROWS", 20_000)  # three partition tasks (row groups of 20 000)


def _region():
    from ydtwin.io.region import read_region_file

    return read_region_file().region


def _build(inputs, out, **kwargs):
    from ydtwin.workspace.tiles import build_tiles

    return build_tiles([(str(p), None) for p in inputs], out, region=_region(), **kwargs)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "tiles").glob("*.npz"))}


def test_sync_and_local_cluster_write_the_same_tiles(footprints, tmp_path, small_chunks):
    a = _build([footprints], tmp_path / "sync", scheduler="sync")
    b = _build([footprints], tmp_path / "local", scheduler="local", workers=2)
    assert a.ok and b.ok and b.scheduler == "local (2 workers)"
    assert a.tiles == b.tiles > 20 and a.buildings == b.buildings == 60_000
    fa, fb = _files(tmp_path / "sync"), _files(tmp_path / "local")
    assert fa.keys() == fb.keys() and all(fa[k] == fb[k] for k in fa)
    ma = json.loads((tmp_path / "sync" / "tiles.json").read_text())
    mb = json.loads((tmp_path / "local" / "tiles.json").read_text())
    assert ma["tiles"] == mb["tiles"] and ma["build_key"] == mb["build_key"]
    assert not (tmp_path / "sync" / ".work").exists()  # the work folder goes once the pack is complete


def test_tiles_hold_the_footprints_and_the_apps_extrusion(footprints, tmp_path, small_chunks):
    from ydtwin.geo.extrude import extrude
    from ydtwin.io.buildings import read_buildings
    from ydtwin.tiling.pack import read_pack, read_tile, tile_file

    report = _build([footprints], tmp_path / "p", scheduler="sync")
    data, doc = read_pack(tmp_path / "p")
    whole, _ = read_buildings(footprints)
    assert len(data) == len(whole) == doc["buildings"]
    # every footprint once, with its height (order: by tile, then as in the file)
    assert np.isclose(np.sort(data.height), np.sort(whole.height)).all()
    assert np.isclose(data.xy.sum(axis=0), whole.xy.sum(axis=0)).all()
    size = doc["tile_size_m"]
    region = _region()
    total = 0
    for entry in doc["tiles"][:5]:
        tile = read_tile(tile_file(tmp_path / "p", entry["i"], entry["j"]))
        geom = tile.buildings.scene_geometry(region.projection)
        # each building's centre lies in its tile
        assert (np.floor(geom.centre[:, 0] / size) == entry["i"]).all()
        assert (np.floor(geom.centre[:, 1] / size) == entry["j"]).all()
        # the mesh is the app's kernel's, relative to the tile's float64 origin
        ref = extrude(geom.xy - tile.origin[:2], geom.ring_offsets, geom.part_offsets,
                      geom.base_z[geom.part_building], geom.top_z[geom.part_building])
        assert np.array_equal(ref.vertices, tile.vertices) and np.array_equal(ref.triangles, tile.triangles)
        assert np.abs(tile.vertices[:, :2]).max() <= size  # local coordinates stay small
        total += len(tile.triangles)
    assert total > 0 and report.triangles == doc["triangles"]


def test_a_real_cluster_that_loses_a_worker_loses_no_tiles(footprints, tmp_path, small_chunks):
    """A scheduler and two workers as separate processes on localhost; one worker is killed while tiles are
    being built; the build finishes through the other, with every tile, the same bytes as a sync build."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2] / "src"),
                                                       os.environ.get("PYTHONPATH", "")]))
    sched_file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--dashboard-address", ":0", "--scheduler-file", str(sched_file)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.time() + 60
        while not sched_file.exists() and time.time() < deadline:
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        for _ in range(2):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1", "--nthreads", "1",
                 "--no-nanny", "--no-dashboard"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        out = tmp_path / "cluster"
        killed = []

        def kill_when_tiles_appear() -> None:
            end = time.time() + 120
            while time.time() < end:
                if len(list((out / "tiles").glob("*.npz"))) >= 5:
                    procs[1].send_signal(signal.SIGKILL)
                    killed.append(len(list((out / "tiles").glob("*.npz"))))
                    return
                time.sleep(0.02)

        watcher = threading.Thread(target=kill_when_tiles_appear)
        watcher.start()
        # small tiles: a few hundred tasks, so that the kill lands mid-run
        report = _build([footprints], out, scheduler=address, tile_size_m=500.0)
        watcher.join()
        assert killed, "the worker was not killed during the build"
        assert procs[1].wait(10) == -signal.SIGKILL
        assert report.ok, report.failed
        assert report.scheduler == f"cluster at {address}"
        ref = _build([footprints], tmp_path / "ref", scheduler="sync", tile_size_m=500.0)
        assert report.tiles == ref.tiles > killed[0]
        fa, fb = _files(out), _files(tmp_path / "ref")
        assert fa.keys() == fb.keys() and all(fa[k] == fb[k] for k in fa)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_a_failed_tile_is_reported_and_a_rerun_resumes(footprints, tmp_path, small_chunks, monkeypatch):
    from ydtwin.tiling import build

    out = tmp_path / "p"
    ref = _build([footprints], tmp_path / "ref", scheduler="sync")
    names = sorted(_files(tmp_path / "ref"))
    # a folder planted where one tile's file goes: its writes fail, every retry
    (out / "tiles" / names[3]).mkdir(parents=True)
    calls = []
    real = build.build_tile
    monkeypatch.setattr(build, "build_tile", lambda job, key, shards: calls.append(key) or real(job, key, shards))
    report = _build([footprints], out, scheduler="sync", retries=1)
    assert not report.ok and len(report.failed) == 1
    task, line = report.failed[0]
    assert task == f"tile {names[3][:-4]}" and "\n" not in line
    assert calls.count(names[3][:-4]) == 2  # tried, then retried once
    assert not (out / "tiles.json").exists()  # not a finished pack
    assert (out / ".work").is_dir()  # kept for the rerun
    (out / "tiles" / names[3]).rmdir()
    calls.clear()
    again = _build([footprints], out, scheduler="sync")
    assert again.ok and again.built == 1 and again.skipped == ref.tiles - 1
    assert _files(out) == _files(tmp_path / "ref")
    # a third run finds the pack complete and does nothing
    third = _build([footprints], out, scheduler="sync")
    assert third.ok and third.built == 0 and third.skipped == ref.tiles


def test_a_changed_input_is_built_again(footprints, tmp_path, small_chunks):
    import shutil

    src = tmp_path / "in.parquet"
    shutil.copy(footprints, src)
    first = _build([src], tmp_path / "p", scheduler="sync")
    os.utime(src, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    second = _build([src], tmp_path / "p", scheduler="sync")
    assert first.ok and second.ok and second.built == second.tiles == first.tiles


def test_the_cli_builds_reports_and_refuses(footprints, tmp_path):
    out = tmp_path / "pack"
    r = run_cli("tiles", "build", str(footprints), "--out", str(out), "--scheduler", "sync")
    assert r.returncode == 0, r.stderr
    assert "wrote tile pack" in r.stdout and "60,000 buildings" in r.stdout
    info = run_cli("tiles", "info", str(out))
    assert info.returncode == 0 and "60,000 buildings" in info.stdout
    # a folder holding other things, a link, a missing input, a bad scheduler: one line, exit 2
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    link = tmp_path / "link"
    link.symlink_to(out)
    for args, words in (
        (("--out", str(other)), "holds other files"),
        (("--out", str(link)), "symbolic link"),
        (("--out", str(tmp_path / "x"), "--scheduler", "mars"), "--scheduler"),
    ):
        r = run_cli("tiles", "build", str(footprints), *args)
        assert r.returncode == 2 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = run_cli("tiles", "build", str(tmp_path / "missing.parquet"), "--out", str(tmp_path / "y"))
    assert r.returncode == 2 and "file not found" in r.stderr
    assert (other / "notes.txt").read_text() == "mine"
    r = run_cli("tiles", "info", str(other))
    assert r.returncode == 2 and "not a tile pack" in r.stderr


def test_the_pack_opens_as_a_buildings_layer_and_bad_tiles_are_refused(footprints, tmp_path, small_chunks):
    from ydtwin.errors import YdtwinError
    from ydtwin.workspace import LayerRequest, Workspace

    _build([footprints], tmp_path / "p", scheduler="sync")
    ws = Workspace.open(plugin_names=[])
    for path in (tmp_path / "p", tmp_path / "p" / "tiles.json"):
        loaded = ws.read_layer(LayerRequest(path))
        assert len(loaded.layer.data) == 60_000 and "tile pack p" in loaded.layer.provenance.source
    tiles = sorted((tmp_path / "p" / "tiles").glob("*.npz"))
    # a tile swapped for another one: the manifest's checksum catches it
    saved = tiles[0].read_bytes()
    tiles[0].write_bytes(tiles[1].read_bytes())
    with pytest.raises(YdtwinError, match="checksum"):
        ws.read_layer(LayerRequest(tmp_path / "p"))
    # a link in a tile's place is never followed
    tiles[0].unlink()
    tiles[0].symlink_to(tiles[1])
    with pytest.raises(YdtwinError, match="symbolic link"):
        ws.read_layer(LayerRequest(tmp_path / "p"))
    tiles[0].unlink()
    tiles[0].write_bytes(saved[: len(saved) // 2])  # torn
    with pytest.raises(YdtwinError, match=tiles[0].stem):
        ws.read_layer(LayerRequest(tmp_path / "p"))
    # a manifest from elsewhere
    (tmp_path / "p" / "tiles.json").write_text(json.dumps({"format": "something", "tiles": []}))
    with pytest.raises(YdtwinError, match="not a ydtwin-tiles manifest"):
        ws.read_layer(LayerRequest(tmp_path / "p"))


def test_mixed_attributes_are_kept_as_text(tmp_path):
    """A file whose property mixes numbers, text, lists and nulls (OpenStreetMap exports do) is built; the
    values travel as text, a missing one as ""."""
    from ydtwin.workspace import LayerRequest, Workspace

    feats = []
    for k, value in enumerate([12, "twelve", None, [1, 2], True]):
        x = 120.62 + 0.001 * k
        ring = [[x, 31.3], [x + 0.0004, 31.3], [x + 0.0004, 31.3004], [x, 31.3004], [x, 31.3]]
        feats.append({"type": "Feature", "properties": {"levels": value, "name": f"b{k}", "height": 20 + k},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    src = tmp_path / "mixed.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    report = _build([src], tmp_path / "p", scheduler="sync")
    assert report.ok and report.buildings == 5
    layer = Workspace.open(plugin_names=[]).read_layer(LayerRequest(tmp_path / "p")).layer
    levels = sorted(str(v) for v in layer.data.attributes["levels"])
    assert "twelve" in levels and "12" in levels and "" in levels
