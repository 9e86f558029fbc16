"""Scenario figures through the workspace: in a drawn 400 m square, two 20 × 50 m buildings of 30 m and 10 m are
2 buildings, 2,000 m² of footprint and 13,000 m² of floor (10 + 3 storeys of 3 m); the square's area is the
geodesic one; a levels attribute wins over the height; a completion year counts from that year; by city the units
and the total add up; the table goes to CSV and into the review report; ``ydtwin analyse figures`` is the same
workspace call and bad input is one line."""

import csv
import json

import numpy as np
import pytest

from analysis_helpers import square
from sun_synth import bare_workspace, buildings_layer


def with_attributes(layer, **attrs):
    from ydtwin.model.buildings import BuildingsData

    d = layer.data
    layer.data = BuildingsData(d.xy, d.ring_offsets, d.part_offsets, d.part_building, d.height, d.min_height,
                               d.height_rule, d.flags, d.crs, {k: np.asarray(v) for k, v in attrs.items()})
    return layer


@pytest.fixture
def ws():
    ws = bare_workspace()
    ws.scene.add(buildings_layer(ws, "pair", [(100, 100, 120, 150), (200, 100, 220, 150)], [30.0, 10.0],
                                 nature="real"))
    return ws


def geodesic_area(points):
    from pyproj import Geod

    lon, lat = zip(*points, strict=True)
    return abs(Geod(ellps="GRS80").polygon_area_perimeter(lon, lat)[0])


def test_a_drawn_square_with_two_buildings(ws):
    """2 buildings, 2,000 m² of footprint, 13,000 m² of floor (30 m / 3 m = 10 storeys, 10 m / 3 m → 3); the area
    is the geodesic area of the drawn points; coverage and FAR follow."""
    from ydtwin.workspace.figures import FiguresRequest

    pts = square(ws, 0, 0, 400, 400)
    result = ws.figures(FiguresRequest(by="area", areas=[pts]))
    (row,) = result.rows
    assert row.unit == "Area 1" and row.buildings == 2 and row.procedural == 0
    assert row.area_m2 == pytest.approx(geodesic_area(pts), rel=1e-5)
    assert row.area_m2 == pytest.approx(160_000, rel=1e-3)  # the scene's transverse Mercator: scale within 0.06 %
    assert row.footprint_m2 == pytest.approx(2000.0, rel=1e-3)
    assert row.floor_area_m2 == pytest.approx(13_000.0, rel=1e-3)
    assert row.coverage == pytest.approx(row.footprint_m2 / row.area_m2)
    assert row.far == pytest.approx(row.floor_area_m2 / row.area_m2)
    assert result.layers == {"pair": 2}
    # shown: the square filled by its floor area ratio's class (13,000 / 160,000 = 0.08: under 0.1), named with it
    fill, labels = ws.show_figures(result)
    assert list(fill.data.attributes["far_class"]) == ["FAR under 0.1"]
    assert labels.texts() == [f"区域1 {row.far:.2f}"] and labels.texts() == ["区域1 0.08"]
    ws.show_figures(None)
    assert not [layer for layer in ws.scene.layers if layer.role == "scenario-figures"]
    outside = ws.figures(FiguresRequest(by="area", areas=[square(ws, 500, 500, 900, 900)])).rows[0]
    assert outside.buildings == 0 and outside.floor_area_m2 == 0


def test_levels_years_and_plans(ws):
    """A levels attribute gives the storeys (5, not 30 m / 3 m); a building with a completion year counts from it;
    a planned layer's buildings and floor area are counted apart too."""
    from ydtwin.workspace.figures import FiguresRequest

    pts = square(ws, 0, 0, 400, 400)
    with_attributes(ws.scene.layer("pair"), levels=np.array(["5", ""], dtype=object))
    tower = with_attributes(buildings_layer(ws, "tower", [(300, 300, 340, 340)], [60.0], nature="real"),
                            year=np.array([2030]))
    ws.scene.add(tower)
    now = ws.figures(FiguresRequest(by="area", areas=[pts])).rows[0]
    assert now.buildings == 3 and now.floor_area_m2 == pytest.approx(1000 * 5 + 1000 * 3 + 1600 * 20, rel=1e-3)
    before = ws.figures(FiguresRequest(by="area", areas=[pts], year=2029)).rows[0]
    assert before.buildings == 2 and before.floor_area_m2 == pytest.approx(8000, rel=1e-3)
    result = ws.figures(FiguresRequest(by="area", areas=[pts], year=2030), plans=["tower"])
    row = result.rows[0]
    assert row.planned == 1 and row.planned_floor_area_m2 == pytest.approx(32_000, rel=1e-3)
    assert result.from_levels == 1


def test_by_city_the_units_add_up(ws):
    """By city: a row per city and their total; the pair stands in Shanghai; the cities' areas are equal-area."""
    from ydtwin.workspace.figures import FiguresRequest

    result = ws.figures(FiguresRequest(by="city"))
    rows = {r.unit: r for r in result.rows}
    assert len(rows) == 9 and rows["Shanghai"].buildings == 2 and rows["Total"].buildings == 2
    assert rows["Total"].area_m2 == pytest.approx(sum(r.area_m2 for r in result.rows[:-1]))
    assert 6_000e6 < rows["Shanghai"].area_m2 < 9_000e6
    districts = ws.figures(FiguresRequest(by="district")).rows
    assert sum(r.buildings for r in districts[:-1]) == 2 and districts[-1].unit == "Total"


def test_csv_and_the_report(ws, tmp_path):
    """The CSV states its method and has a row per unit; the review report tabulates the figures."""
    from ydtwin.review.report import report_html
    from ydtwin.review.session import Session
    from ydtwin.workspace.figures import CSV_COLUMNS, FiguresRequest

    result = ws.figures(FiguresRequest(by="area", areas=[square(ws, 0, 0, 400, 400)]))
    text = ws.write_figures(result, tmp_path / "f.csv").read_text(encoding="utf-8")
    assert "Albers equal-area" in text and "3 m" in text
    rows = list(csv.reader(line for line in text.splitlines() if not line.startswith("#")))
    assert tuple(rows[0]) == CSV_COLUMNS and rows[1][:2] == ["Area 1", "区域1"] and rows[1][5] == "2"
    html = report_html(Session(path=tmp_path / "s.json", title="t", scenario={}), {}, figures=[result.to_report()])
    assert "Scenario figures by drawn area" in html and "<td>Area 1</td>" in html and "Albers" in html
    from ydtwin.errors import YdtwinError

    with pytest.raises(YdtwinError, match="as .csv"):
        ws.write_figures(result, tmp_path / "f.xlsx")


@pytest.mark.parametrize("areas, message", [
    ([[(121.6, 31.2), (121.61, 31.2)]], "3 to"),
    ([[(125.0, 31.2), (125.01, 31.2), (125.0, 31.21)]], "outside the region"),
    ([[(121.6, 31.2), (121.61, 31.2), (121.62, 31.2)]], "enclose no area"),
])
def test_bad_areas_are_one_line(ws, areas, message):
    from ydtwin.errors import YdtwinError
    from ydtwin.workspace.figures import FiguresRequest

    with pytest.raises(YdtwinError, match=message):
        ws.figures(FiguresRequest(by="area", areas=areas))


def test_the_command_line_calls_the_workspace(tmp_path, monkeypatch, capsys):
    """`ydtwin analyse figures --area … --year --out` runs Workspace.figures with that request and writes its rows."""
    from analysis_helpers import GUSU_RING, spy_on
    from ydtwin.cli import main
    from ydtwin.workspace import Workspace

    calls = spy_on(monkeypatch, Workspace, "figures")
    fp = tmp_path / "fp.geojson"
    fp.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "height": 24}, "geometry": {"type": "Polygon", "coordinates": [GUSU_RING]}}]}))
    out = tmp_path / "f.csv"
    assert main(["analyse", "figures", "--plugins", "none", "--no-procedural", "--layer", str(fp), "--year", "2030",
                 "--area", "120.619,31.309", "120.622,31.309", "120.622,31.312", "120.619,31.312",
                 "--out", str(out)]) == 0
    ((request,), _kw, result), = calls
    assert request.by == "area" and request.year == 2030 and len(request.areas) == 1 and request.storey_m == 3.0
    rows = [r for r in csv.reader(out.read_text(encoding="utf-8").splitlines()) if not r[0].startswith("#")]
    assert rows[1:] == [list(t) for t in result.table()]
    assert rows[1][3] == "2030" and rows[1][5] == "1"
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--area", "120.6,31.3", "120.61,31.3"], ["--area", "120.6;31.3", "1,2", "3,4"],
                                  ["--out", "f.txt"], ["--by", "county"], ["--plan", "missing.geojson"]])
def test_bad_arguments_exit_2_with_one_line(args, capsys, tmp_path, monkeypatch):
    from analysis_helpers import exit_status, one_error_line

    monkeypatch.chdir(tmp_path)
    assert exit_status(["analyse", "figures", "--plugins", "none", *args]) == 2
    one_error_line(capsys)


@pytest.mark.slow
def test_images_of_both_tools(tmp_path):
    """--image renders the units by floor area ratio, and the height limits, over the scene at the size asked."""
    from PIL import Image

    from analysis_helpers import exit_status

    far, limits = tmp_path / "far.png", tmp_path / "limits.png"
    assert exit_status(["analyse", "figures", "--by", "district", "--plugins", "none", "--view",
                        "121.40,31.18,121.55,31.28", "--image", str(far), "--size", "320x200"]) == 0
    assert exit_status(["analyse", "heights-check", "--plugins", "suzhou", "--image", str(limits),
                        "--size", "320x200"]) == 0
    for png in (far, limits):
        assert Image.open(png).size == (320, 200)
