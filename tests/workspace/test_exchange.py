"""Standard exports: plans and findings as GeoPackage and KML (read back through GDAL), the report's tables as
CSV, a box of the scene as glTF binary and OBJ (read back with trimesh and pygltflib, a landmark in its place),
hostile names and outputs refused; the CLI goes through the workspace's use cases."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shapely

LUJIAZUI = (121.47, 31.21, 121.53, 31.26)


@pytest.fixture(scope="module")
def ws():
    from ydtwin.workspace import Workspace

    return Workspace.open()


@pytest.fixture(scope="module")
def records(ws):
    result = ws.run_review()
    assert result.findings
    return [{"finding": f.to_json(), "status": "open"} for f in result.findings]


def _plan_counts(ws) -> dict[str, int]:
    from ydtwin.workspace.exchange import _plan_layers

    counts = {"corridors": 0, "zones": 0, "facilities": 0}
    for layer in _plan_layers(ws.scene):
        t = shapely.get_type_id(layer.data.geometries)
        counts["corridors"] += int(np.isin(t, (1, 5)).sum())
        counts["zones"] += int(np.isin(t, (3, 6)).sum())
        counts["facilities"] += int(np.isin(t, (0, 4)).sum())
    return counts


def test_plans_as_geopackage_read_back_by_gdal(ws, tmp_path):
    import pyogrio

    out = tmp_path / "plans.gpkg"
    report = ws.export_plans(out, year=2030)
    expect = _plan_counts(ws)
    assert report.counts == {k: v for k, v in expect.items() if v}
    layers = dict(pyogrio.list_layers(out))
    assert layers == {"plans_corridors": "MultiLineString", "plans_zones": "MultiPolygon",
                      "plans_facilities": "MultiPoint"}
    info = pyogrio.read_info(out, layer="plans_corridors")
    assert info["crs"] == "EPSG:4326" and info["features"] == expect["corridors"]
    assert {"id", "title", "title_zh", "theme", "status", "plugin", "year", "colour"} <= set(info["fields"])
    # every project's geometry is where the plugin put it (WGS 84 lon/lat), its Chinese title intact
    from pyogrio.raw import read

    from ydtwin.geo.projection import to_wgs84
    from ydtwin.workspace.exchange import _plan_layers

    _meta, _fids, wkb, fields = read(out, layer="plans_corridors", columns=["id", "title_zh", "status", "year"])
    got = dict(zip(fields[0], shapely.from_wkb(wkb), strict=True))
    zh = dict(zip(fields[0], fields[1], strict=True))
    layer = _plan_layers(ws.scene)[0]
    for i in np.flatnonzero(np.isin(shapely.get_type_id(layer.data.geometries), (1, 5)))[:5]:
        pid = str(layer.data.attributes["id"][i])
        xy = shapely.get_coordinates(layer.data.geometries[i])
        lon, lat = to_wgs84(xy[:, 0], xy[:, 1], layer.data.crs)
        assert np.allclose(shapely.get_coordinates(got[pid]), np.column_stack([lon, lat]), atol=1e-9)
        assert zh[pid] == str(layer.data.attributes["title_zh"][i])
    assert set(fields[3]) == {2030}
    assert set(fields[2]) <= {"planned", "under_construction", "built"}


def test_plans_as_kml_with_styles_read_back_by_gdal(ws, tmp_path):
    import pyogrio

    out = tmp_path / "plans.kml"
    ws.export_plans(out)
    expect = _plan_counts(ws)
    counts = {name: pyogrio.read_info(out, layer=name)["features"] for name, _t in pyogrio.list_layers(out)}
    assert counts == {"Planned corridors 规划廊道": expect["corridors"], "Planned zones 规划区域": expect["zones"],
                      "Planned facilities 规划设施": expect["facilities"]}
    root = ET.parse(out).getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    styles = {s.get("id"): s for s in root.iterfind(".//k:Style", ns)}
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == sum(expect.values())
    for pm in marks:  # each placemark named (Chinese titles), styled in its theme's colour
        assert pm.find("k:name", ns).text
        assert pm.find("k:styleUrl", ns).text[1:] in styles


def test_kml_escapes_hostile_text(tmp_path):
    """Names with markup and quotes stay text: the file parses and gives them back unchanged."""
    from ydtwin.io.exchange import FeatureTable, write_kml

    nasty = '</name><script>alert("x")</script>&amp; ]]> 上海 "\'<'
    t = FeatureTable("t", np.array([shapely.Point(121.5, 31.2)], dtype=object), {"name": [nasty], "n": [1.5]},
                     label_field="name", colours=[(1.0, 0.0, 0.0)])
    out = write_kml(tmp_path / "x.kml", [t], title=nasty)
    root = ET.parse(out).getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    assert root.find("k:Document/k:name", ns).text == nasty
    assert root.find(".//k:Placemark/k:name", ns).text == nasty
    assert "<script>" not in out.read_text(encoding="utf-8")


def test_findings_and_their_gaps_as_geopackage_and_kml(ws, records, tmp_path):
    import pyogrio

    from ydtwin.review.report import finding_links
    from ydtwin.review.session import Session
    from ydtwin.workspace.exchange import export_findings

    gaps = sum(len(finding_links(r["finding"])) for r in records)
    report = export_findings(records, tmp_path / "f.gpkg")
    assert report.counts == {"findings": len(records), **({"gaps": gaps} if gaps else {})}
    assert pyogrio.read_info(tmp_path / "f.gpkg", layer="findings")["features"] == len(records)
    from pyogrio.raw import read

    _m, _f, wkb, fields = read(tmp_path / "f.gpkg", layer="findings", columns=["id", "status"])
    loc = {r["finding"]["id"]: r["finding"]["location"] for r in records}
    for fid, g in zip(fields[0], shapely.from_wkb(wkb), strict=True):
        assert np.allclose(shapely.get_coordinates(g)[0], loc[fid])
    # a session's state travels: a finding agreed in the session is "agreed" in the file
    path = tmp_path / "s.json"
    session = Session(path=path, title="t")
    for r in records[:3]:
        session.add_finding(r["finding"])
    first = records[0]["finding"]["id"]
    session.set_status(first, "agreed", author="王", city="Suzhou")
    session.comment(first, "=HYPERLINK(\"http://x\")", author="王", city="Suzhou")
    session.save()
    ws.export_findings(tmp_path / "f.kml", source=path)
    root = ET.parse(tmp_path / "f.kml").getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    for pm in root.iterfind(".//k:Placemark", ns):
        data = {d.get("name"): d.find("k:value", ns).text for d in pm.iterfind(".//k:Data", ns)}
        if data.get("id") == first:
            assert data["status"] == "agreed" and data["comments"] == "1"
            break
    else:
        pytest.fail("the agreed finding is not in the KML")


def test_report_tables_as_csv_for_spreadsheets(ws, records, tmp_path):
    import csv

    from ydtwin.review.session import Session

    path = tmp_path / "s.json"
    session = Session(path=path, title="t")
    for r in records:
        session.add_finding(r["finding"])
    first = sorted(session.findings)[0]
    session.comment(first, "=cmd|' /C calc'!A0", author="李", city="上海")
    session.save()
    out = ws.write_report(tmp_path / "report.csv", session=session)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 that Excel on Chinese Windows reads as such
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:4] == ["n", "id", "kind", "severity"] and len(rows) == 1 + len(records)
    cells = [c for row in rows for c in row]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)  # no formula a spreadsheet would run
    assert any("=cmd|" in c for c in cells)  # the comment is there, as text
    from ydtwin.io.exchange import csv_text

    lines = csv_text(["v"], [["=1+1"], [-3.5], ["-x"], ["@SUM(A1)"], ["上海"]]).splitlines()
    assert lines == ["v", "'=1+1", "-3.5", "'-x", "'@SUM(A1)", "上海"]
    lon = rows[0].index("lon")
    assert all(-180 <= float(r[lon]) <= 180 for r in rows[1:])  # numbers stay numbers
    summary = list(csv.reader((tmp_path / "report-summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert summary[0] == ["cities", "open", "agreed", "deferred", "resolved", "total"]
    assert sum(int(r[-1]) for r in summary[1:]) == len(records)


def _geometry(scene, name):
    return next(g for key, g in scene.geometry.items() if key.startswith(name))


def test_a_box_of_the_scene_as_gltf_and_obj(ws, tmp_path):
    """Lujiazui as a model: buildings, terrain and water; the Shanghai Tower 632 m tall at its place (its
    footprint's corners within 0.1 m), the origin in the file; the OBJ holds the same geometry."""
    import pygltflib
    import trimesh

    from ydtwin.geo.geodesic import geod

    report = ws.export_scene(tmp_path / "lj.glb", LUJIAZUI)
    assert report.counts["buildings"] > 1000 and report.counts["triangles"] > 10_000
    gltf = pygltflib.GLTF2().load(tmp_path / "lj.glb")
    meta = gltf.scenes[0].extras["ydtwin"]
    assert meta["box_lonlat"] == list(LUJIAZUI) and "y up" in meta["axes"]
    model = trimesh.load(tmp_path / "lj.glb")
    assert {"buildings: City blocks", "buildings: Landmarks", "terrain"} <= set(model.geometry)
    marks = _geometry(model, "buildings: Landmarks")
    ox, oy = meta["origin_scene_m"]
    v = np.asarray(marks.vertices)
    lon, lat = ws.scene.projection.from_scene(ox + v[:, 0], oy - v[:, 2])
    data = ws.scene.layer("landmarks").data
    k = list(data.attributes["name"]).index("Shanghai Tower")
    ring = data.xy[data.ring_offsets[k]:data.ring_offsets[k + 1]]
    near = geod().inv(np.full(len(lon), ring[0, 0]), np.full(len(lat), ring[0, 1]), lon, lat)[2] < 100
    tower = v[near]
    assert tower[:, 1].max() - tower[:, 1].min() == pytest.approx(632.0, abs=0.05)
    for c_lon, c_lat in ring:
        d = geod().inv(np.full(len(lon), c_lon), np.full(len(lat), c_lat), lon, lat)[2]
        assert d.min() < 0.1

    obj = ws.export_scene(tmp_path / "lj.obj", LUJIAZUI)
    assert obj.counts == report.counts
    head = (tmp_path / "lj.obj").read_text(encoding="utf-8").splitlines()[:12]
    assert any(line.startswith("# origin_lonlat") for line in head)
    back = trimesh.load(tmp_path / "lj.obj", force="scene", process=False)
    assert sum(len(g.faces) for g in back.geometry.values()) == report.counts["triangles"]


def test_water_lies_over_the_lake_bed(ws, tmp_path):
    """Tai Lake in a model is flat water that covers the coarse terrain under it (no land poking through)."""
    import trimesh

    ws.export_scene(tmp_path / "tai.glb", (120.1, 31.0, 120.5, 31.35), plans=False)
    model = trimesh.load(tmp_path / "tai.glb")
    water = _geometry(model, "water: Lakes")
    terrain = _geometry(model, "terrain")
    level = np.asarray(water.vertices)[:, 1]
    assert np.ptp(level) < 1e-6  # one level
    # the terrain vertices under the lake's area lie below the water
    from shapely import contains_xy

    outline = shapely.unary_union([shapely.Polygon(np.asarray(water.vertices)[f][:, [0, 2]])
                                   for f in np.asarray(water.faces)])
    tv = np.asarray(terrain.vertices)
    under = contains_xy(outline.buffer(-1000), tv[:, 0], tv[:, 2])
    assert under.sum() > 20 and (tv[under, 1] < level[0]).all()


@pytest.mark.render
def test_the_exported_model_renders(ws, tmp_path):
    """The glTF opened in VTK (pyvista) draws the city: not a blank or one-colour image."""
    import pyvista as pv
    import trimesh

    ws.export_scene(tmp_path / "lj.glb", LUJIAZUI)
    model = trimesh.load(tmp_path / "lj.glb")
    pl = pv.Plotter(off_screen=True, window_size=(480, 320))
    try:
        for g in model.geometry.values():
            mesh = pv.wrap(g)
            mesh["rgb"] = np.asarray(g.visual.vertex_colors)[:, :3]
            pl.add_mesh(mesh, scalars="rgb", rgb=True)
        pl.camera_position = [(-300, 2200, 4200), (0, 0, 0), (0, 1, 0)]
        img = pl.screenshot(return_img=True)
    finally:
        pl.close()
    grey = (np.abs(img[..., 0].astype(int) - img[..., 2].astype(int)) < 12) & (img[..., 0] > 50) & (img[..., 0] < 235)
    green = (img[..., 1].astype(int) > img[..., 0] + 15) & (img[..., 1].astype(int) > img[..., 2] + 15)
    assert grey.mean() > 0.15 and green.mean() > 0.02  # buildings and the ground both drawn


def test_refusals_are_one_line_and_write_nothing(ws, tmp_path):
    from ydtwin.atomic import LinkRefused
    from ydtwin.errors import YdtwinError
    from ydtwin.workspace.exchange import export_findings

    with pytest.raises(YdtwinError, match="unsupported vector format"):
        ws.export_plans(tmp_path / "p.shp")
    with pytest.raises(YdtwinError, match="unsupported 3D model format"):
        ws.export_scene(tmp_path / "p.fbx", LUJIAZUI)
    with pytest.raises(YdtwinError, match="outside the region"):
        ws.export_scene(tmp_path / "p.glb", (10.0, 10.0, 10.1, 10.1))
    with pytest.raises(YdtwinError, match="at most 60 km"):
        ws.export_scene(tmp_path / "p.glb", (120.0, 30.0, 121.5, 31.5))
    with pytest.raises(YdtwinError, match="no findings"):
        export_findings([], tmp_path / "f.gpkg")
    # a link at the output's name is neither followed nor replaced
    target = tmp_path / "victim.txt"
    target.write_text("keep")
    for name in ("l.gpkg", "l.kml", "l.glb"):
        os.symlink(target, tmp_path / name)
        with pytest.raises((YdtwinError, LinkRefused)):
            if name.endswith(".glb"):
                ws.export_scene(tmp_path / name, LUJIAZUI)
            else:
                ws.export_plans(tmp_path / name)
        assert (tmp_path / name).is_symlink()
    assert target.read_text() == "keep"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_the_cli_goes_through_the_workspace(tmp_path, monkeypatch, capsys):
    from analysis_helpers import spy_on
    from ydtwin.cli import main
    from ydtwin.workspace import Workspace

    plans = spy_on(monkeypatch, Workspace, "export_plans")
    scene = spy_on(monkeypatch, Workspace, "export_scene")
    found = spy_on(monkeypatch, Workspace, "export_findings")
    assert main(["export", "plans", "--out", str(tmp_path / "p.kml"), "--plugins", "suzhou"]) == 0
    assert main(["export", "scene", "--box", ",".join(map(str, LUJIAZUI)), "--out", str(tmp_path / "m.glb")]) == 0
    findings = tmp_path / "findings.json"
    assert main(["review", "check", "--out", str(findings)]) == 0
    assert main(["export", "findings", str(findings), "--out", str(tmp_path / "f.gpkg")]) == 0
    assert len(plans) == len(scene) == len(found) == 1
    out = capsys.readouterr().out
    assert "plans as KML" in out and "as GLB" in out and "findings as GeoPackage" in out
    doc = json.loads(findings.read_text())
    assert f"{len(doc['findings'])} findings" in out
    # bad input: one line, exit 2
    assert main(["export", "scene", "--box", "1,2,3", "--out", str(tmp_path / "x.obj")]) == 2
    assert main(["export", "plans", "--out", str(tmp_path / "x.shp")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("ydtwin: ") for line in err)


def test_an_export_never_replaces_a_file_the_workspace_read(tmp_path):
    """Exporting plans over the GeoPackage of a loaded footprint layer is one line; the file is kept."""
    from pyogrio.raw import write

    from ydtwin.errors import YdtwinError
    from ydtwin.workspace import LayerRequest, Workspace

    src = tmp_path / "mine.gpkg"
    ring = shapely.Polygon([(121.5, 31.2), (121.5005, 31.2), (121.5005, 31.2005), (121.5, 31.2005)])
    write(str(src), shapely.to_wkb(np.array([ring], dtype=object)), field_data=[np.array([30.0])],
          fields=["height"], geometry_type="Polygon", crs="EPSG:4326", driver="GPKG")
    before = src.read_bytes()
    ws = Workspace.open(plugin_names=[])
    ws.open_layer(LayerRequest(src))
    assert src in ws.input_paths()
    with pytest.raises(YdtwinError):
        ws.export_plans(src)
    with pytest.raises(YdtwinError):
        ws.export_findings(src, source=src)
    assert src.read_bytes() == before
