"""Sea-level scenarios through the workspace: the command line uses the workspace's function, with the same
numbers; bad levels are one line, exit 2."""

from __future__ import annotations

import csv
import json

import pytest

from ydtwin.cli import main
from ydtwin.workspace import Workspace


@pytest.fixture(scope="module")
def ws():
    return Workspace.open(plugin_names=[])


def test_scenario_on_the_bundled_region(ws):
    """+2 m floods coastal land in Shanghai (Chongming, the islands) but none in hilly Huzhou; the sea is
    raised and the flooded land becomes one layer, replaced by the next scenario and removed at 0 m."""
    result = ws.set_sea_level(2.0)
    by_name = {r.name: r for r in result.rows}
    assert by_name["Shanghai"].flooded_km2 > 50
    assert by_name["Huzhou"].flooded_km2 == 0
    assert 6000 < by_name["Shanghai"].land_km2 < 6800  # Shanghai is ~6,340 km²
    # land the bundled DEM has no height for (filled at 2 m) is under +2 m: reported apart, not hidden
    assert 0 < result.unknown_km2 < result.total_km2
    assert ws.inundation(1.5).unknown_km2 == 0
    assert ws.scene.sea_level == 2.0
    layers = [layer for layer in ws.scene.layers if layer.role == "inundation"]
    assert len(layers) == 1 and layers[0].level_m == 2.0
    higher = ws.set_sea_level(3.0)
    assert higher.total_km2 > result.total_km2
    assert [layer.level_m for layer in ws.scene.layers if layer.role == "inundation"] == [3.0]
    ws.set_sea_level(0.0)
    assert ws.scene.sea_level == 0.0
    assert not [layer for layer in ws.scene.layers if layer.role == "inundation"]


def test_cli_table_comes_from_the_workspace(tmp_path, monkeypatch, capsys):
    """`ydtwin analyse inundation` calls Workspace.inundation with the level and writes its table."""
    calls = []
    real = Workspace.inundation

    def spy(self, level_m, **kw):
        calls.append(level_m)
        return real(self, level_m, **kw)

    monkeypatch.setattr(Workspace, "inundation", spy)
    out = tmp_path / "flood.csv"
    assert main(["analyse", "inundation", "--level", "2", "--out", str(out)]) == 0
    assert calls == [2.0]
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["city"] == "Shanghai" and float(rows[0]["flooded_km2"]) > 50
    assert rows[-1]["city"] == "total"
    out_json = tmp_path / "flood.json"
    assert main(["analyse", "inundation", "--level", "2", "--out", str(out_json)]) == 0
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    assert doc["level_m"] == 2.0 and doc["cities"][-1]["flooded_km2"] == pytest.approx(float(rows[-1]["flooded_km2"]))


@pytest.mark.parametrize("args", [["--level", "25"], ["--level", "nan"], ["--level", "-11"], ["--level", "x"]])
def test_cli_bad_level_is_one_line_exit_2(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["analyse", "inundation", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--level" in err


def test_cli_bad_table_extension(tmp_path, capsys):
    assert main(["analyse", "inundation", "--level", "2", "--out", str(tmp_path / "t.xlsx")]) == 2
    assert ".csv or .json" in capsys.readouterr().err


@pytest.mark.parametrize("args, words", [
    (["snapshot", "--out", "x.png", "--sea-level", "30"], "--sea-level"),
    (["snapshot", "--out", "x.png", "--sea-level", "inf"], "--sea-level"),
    (["analyse", "inundation", "--level", "1e309"], "--level"),
])
def test_cli_bad_numbers_exit_2(args, words, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err


def test_cli_missing_or_bad_dem_is_one_line(tmp_path, capsys):
    """A DEM that is missing or not a raster stops the command with one line naming it, exit 2."""
    assert main(["analyse", "inundation", "--level", "1", "--dem", str(tmp_path / "none.tif")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "none.tif" in err
    bad = tmp_path / "bad.nc"
    bad.write_bytes(b"CDF\x01 truncated")
    assert main(["analyse", "inundation", "--level", "1", "--dem", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.nc" in err


def test_terrain_colouring_is_checked(ws):
    """The workspace switches the terrain between elevation tints and hillshade; anything else is one line."""
    from ydtwin.errors import YdtwinError

    ws.set_terrain_colouring("hillshade")
    assert ws.scene.layer("terrain").colouring == "hillshade"
    with pytest.raises(YdtwinError, match="elevation, hillshade"):
        ws.set_terrain_colouring("rainbow")
    ws.set_terrain_colouring("elevation")
    assert ws.scene.layer("terrain").colouring == "elevation"
