"""Sight lines and viewsheds through the workspace, over a synthetic block in Pudong (the procedural blocks switched
off): a 100 m tower blocks a line across it — the blocker is named with its layer, index, name and height, the
metres by which it blocks match the line's geometry, and the target raised by the figure the result gives is seen;
the tower's own roof does not hide a target on it; a viewshed hides the ground behind the tower, writes GeoJSON
that states its CRS, observer and curvature, and is shown as a layer with a legend; ``ydtwin analyse viewshed`` and
``ydtwin analyse sightline`` are the same workspace calls, and bad input is one line, exit status 2."""

import json
import math

import numpy as np
import pytest

from sun_synth import SW, bare_workspace, buildings_layer


def _lonlat(ws, east, north):
    """The lon/lat of a point ``east``/``north`` metres from the block's south-west corner."""
    proj = ws.scene.projection
    ox, oy = proj.to_scene(np.array([SW[0]]), np.array([SW[1]]))
    lon, lat = proj.from_scene(ox[0] + east, oy[0] + north)
    return float(lon), float(lat)


@pytest.fixture(scope="module")
def ws():
    w = bare_workspace()
    tower = buildings_layer(w, "tower", [(180, 180, 220, 220)], [100.0])
    tower.data.attributes["name"] = np.array(["Test Tower"], dtype=object)
    w.scene.add(tower)
    return w


def test_a_tower_blocks_the_line_across_it_and_is_named(ws):
    """Eye 1.7 m above the ground 200 m west of the tower's centre, a target on the ground 200 m east of it: the
    line meets the tower's west face 180 m out; the tower rises above it by its roof less the line's height
    where the line is lowest over it."""
    from ydtwin.workspace.viewshed import SightLineRequest

    req = SightLineRequest(_lonlat(ws, 0, 200.5), _lonlat(ws, 400, 200.5))
    r = ws.sight_line(req)
    assert not r.visible and len(r.blockers) == 1
    b = r.blockers[0]
    assert (b.kind, b.layer, b.index, b.name) == ("building", "tower", 0, "Test Tower")
    assert b.height_m == pytest.approx(100.0)
    assert b.distance_m == pytest.approx(180.0, abs=1.5)
    # it rises highest above the line at its near or far face, where the line is lowest over it
    _ox, _oy, oz = r.observer_xyz
    tz = r.target_xyz[2]
    deepest = r.profile.obstructions[0].at_m
    assert deepest == pytest.approx(180.0 if tz > oz else 220.0, abs=1.5)
    assert b.excess_m == pytest.approx(b.surface_m - (oz + (tz - oz) * deepest / r.length_m), abs=0.05)
    assert 90 < b.excess_m < 105
    assert r.observer_on == "ground" and r.target_on == "ground"
    # raised, the line must pass over the near face's top: (roof − the line there) · L / 180 m
    near = b.distance_m
    assert r.raise_target_m == pytest.approx((b.surface_m - (oz + (tz - oz) * near / r.length_m)) * r.length_m / near,
                                             rel=0.01)
    text = "\n".join(r.summary())
    assert "BLOCKED by building Test Tower (tower, synthetic #0), 100 m tall" in text and "m higher" in text
    # raised by the figure given (and a little), the target is seen over the roof; a little less, it is not
    seen = ws.sight_line(SightLineRequest(req.observer, req.target, target_m=r.raise_target_m + 0.3))
    assert seen.visible and "VISIBLE" in "\n".join(seen.summary())
    assert 0 < seen.clearance[0] < 0.3 and 179 < seen.clearance[1] < 182
    assert not ws.sight_line(SightLineRequest(req.observer, req.target, target_m=r.raise_target_m - 0.3)).visible


def test_a_target_on_the_tower_is_not_hidden_by_the_tower_itself(ws):
    """A point on the tower's roof, seen from the ground 200 m away: nothing else stands between; an observer on
    the roof sees past its edge only from near it."""
    from ydtwin.workspace.viewshed import SightLineRequest

    r = ws.sight_line(SightLineRequest(_lonlat(ws, 0, 200.5), _lonlat(ws, 205, 205)))
    assert r.visible and r.target_on.startswith("roof of Test Tower")
    assert r.target_xyz[2] == pytest.approx(r.observer_xyz[2] - 1.7 + 100, abs=3)  # the roof over similar ground
    # on the tower's roof (the eye 1.7 m above it) 2 m from its north edge, the ground 280 m north is seen over the
    # edge; from the middle of the roof, 20 m from the edge, the roof itself hides it (the line drops 100 m in 300)
    edge = ws.sight_line(SightLineRequest(_lonlat(ws, 200, 218), _lonlat(ws, 200, 500)))
    assert edge.visible and edge.observer_on.startswith("roof of Test Tower")
    middle = ws.sight_line(SightLineRequest(_lonlat(ws, 200, 200), _lonlat(ws, 200, 500)))
    assert not middle.visible and middle.blockers[0].name == "Test Tower"
    # the line falls below the roof once it has dropped the eye's 1.7 m
    drop_per_m = (middle.observer_xyz[2] - middle.target_xyz[2]) / middle.length_m
    assert middle.blockers[0].distance_m == pytest.approx(1.7 / drop_per_m, abs=1.5)


@pytest.fixture(scope="module")
def view(ws):
    from ydtwin.workspace.viewshed import ViewshedRequest

    return ws.viewshed(ViewshedRequest(_lonlat(ws, 0, 200.5), radius_m=400.0, cell_m=2.0))


def test_the_viewshed_hides_the_ground_behind_the_tower(ws, view):
    """Behind the tower (east of it, within its angular width) the ground is hidden; the ground south-west of the
    observer is seen; the tower's roof is not seen from the ground; the share seen is of the disc's cells."""
    r = view
    ny, nx = r.state.shape
    xc = r.x0 + (np.arange(nx) + 0.5) * r.cell
    yc = r.y1 - (np.arange(ny) + 0.5) * r.cell
    ox, oy, _oz = r.observer_xyz
    xx, yy = np.meshgrid(xc - ox, yc - oy)
    behind = (xx > 230) & (xx < 390) & (np.abs(yy) < 15) & ~r.roof
    assert behind.sum() > 500 and (r.state[behind] == 0).all()
    ahead = (xx < -20) & (xx > -300) & (np.abs(yy) < 100)
    assert r.roof.sum() == 400  # the 40 × 40 m roof in 2 m cells
    # the roof is not seen from the ground but for its edge facing the eye (the cells' own halves hide nothing)
    seen_roof = r.roof & (r.state == 1)
    assert seen_roof.sum() <= 20 and (xx[seen_roof] < 182).all()
    assert (r.state[np.hypot(xx, yy) > 400] == -1).all()
    c = r.counts()
    assert c["visible"] + c["hidden"] == (r.state >= 0).sum()
    assert c["hidden_roof"] >= 380 and 0 < r.visible_fraction < 1
    vis, hid = r.area_m2
    assert vis + hid == pytest.approx(math.pi * 400 ** 2, rel=0.01)
    assert "visible:" in "\n".join(r.summary()) and "curvature" in "\n".join(r.summary())
    assert (r.state[ahead] == 1).mean() > 0.5


def test_viewshed_written_as_geojson_and_shown_with_a_legend(ws, view, tmp_path):
    from ydtwin.errors import YdtwinError
    from ydtwin.model.layer import VectorLayer

    path = ws.write_viewshed(view, tmp_path / "view.geojson")
    doc = json.loads(path.read_text(encoding="utf-8"))
    meta = doc["metadata"]
    assert meta["crs"].startswith("EPSG:4326") and "k = 0.13" in meta["curvature"]
    assert meta["observer_eye_m"] == 1.7 and meta["radius_m"] == 400.0 and meta["cell_m"] == 2.0
    kinds = {(f["properties"]["visibility"], f["properties"]["surface"]) for f in doc["features"]}
    assert ("hidden", "roof") in kinds and ("visible", "ground") in kinds and ("hidden", "ground") in kinds
    area = sum(f["properties"]["area_m2"] for f in doc["features"])
    assert area == pytest.approx(sum(view.area_m2), rel=1e-6)
    lon, lat = doc["features"][0]["geometry"]["coordinates"][0][0]
    assert 121.5 < lon < 121.7 and 31.1 < lat < 31.3
    with pytest.raises(YdtwinError, match="geojson"):
        ws.write_viewshed(view, tmp_path / "view.csv")
    ws.show_viewshed(view)
    layers = ws.show_viewshed(view)  # in place of the last one
    shown = [layer for layer in ws.scene.layers if layer.role in ("viewshed", "viewshed-observer")]
    assert len(shown) == 2 and all(layer in shown for layer in layers)
    vector = next(layer for layer in shown if isinstance(layer, VectorLayer))
    assert [c[0] for c in vector.style.classes] == ["Visible from the observer", "Hidden from the observer"]
    assert set(vector.data.attributes["view"]) == {"Visible from the observer", "Hidden from the observer"}
    ws.show_viewshed(None)
    assert not [layer for layer in ws.scene.layers if layer.role in ("viewshed", "viewshed-observer")]


def test_the_scene_draws_the_ground_cells_in_small_pieces(view):
    """The layer's pieces cover exactly the visible and hidden ground cells (roofs and the cells beyond the radius
    left out), each within one square of the piece size, so that the fills follow the terrain."""
    import shapely

    from ydtwin.workspace.viewshed_output import ground_pieces, piece_m

    geoms, kinds = ground_pieces(view)
    side = piece_m(view.cell)
    assert side == 50.0 and set(kinds) == {"visible", "hidden"}
    c = view.counts()
    area = {k: sum(g.area for g, kk in zip(geoms, kinds, strict=True) if kk == k) for k in ("visible", "hidden")}
    assert area["visible"] == pytest.approx(c["visible_ground"] * view.cell ** 2, rel=1e-9)
    assert area["hidden"] == pytest.approx(c["hidden_ground"] * view.cell ** 2, rel=1e-9)
    b = shapely.bounds(np.array(geoms, dtype=object))
    assert (b[:, 2] - b[:, 0] <= side + 1e-6).all() and (b[:, 3] - b[:, 1] <= side + 1e-6).all()
    assert piece_m(10.0) == 250.0 and piece_m(30.0) == 500.0


def test_sight_line_shown_green_then_red_and_written(ws, tmp_path):
    from ydtwin.workspace.viewshed import SightLineRequest

    r = ws.sight_line(SightLineRequest(_lonlat(ws, 0, 200.5), _lonlat(ws, 400, 200.5)))
    layers = ws.show_sight_line(r)
    assert [layer.role for layer in layers] == ["sightline-clear", "sightline-blocked"]
    clear, blocked = (layer.items[0] for layer in layers)
    assert clear.points[-1] == blocked.points[0]  # they meet at the blocker
    assert layers[0].style.color[1] > 0.8 and layers[1].style.color[0] > 0.8
    assert "Test Tower" in blocked.label
    doc = json.loads(ws.write_viewshed(r, tmp_path / "line.geojson").read_text(encoding="utf-8"))
    parts = [f["properties"]["part"] for f in doc["features"]]
    assert parts == ["seen", "blocked", "blocker"] and doc["metadata"]["visible"] is False
    assert doc["features"][2]["properties"]["name"] == "Test Tower"
    ws.show_sight_line(None)
    assert not [layer for layer in ws.scene.layers if layer.role.startswith("sightline")]


def test_the_command_line_is_the_workspaces_viewshed_and_sight_line(tmp_path, monkeypatch, capsys):
    """`ydtwin analyse viewshed` / `sightline` call Workspace.viewshed / sight_line with what they were given and
    print and write what they return."""
    from ydtwin.cli import main
    from ydtwin.workspace import Workspace

    calls = []
    for name in ("viewshed", "sight_line"):
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name, lambda self, request, _real=real, _name=name, **kw: calls.append(
            (_name, request)) or _real(self, request, **kw))
    out = tmp_path / "bund.geojson"
    assert main(["analyse", "viewshed", "--from", "121.4905,31.2402,30", "--radius", "300", "--cell", "3",
                 "--flat-earth", "--out", str(out)]) == 0
    (name, request), = calls
    assert name == "viewshed" and request.eye_m == 30 and request.radius_m == 300 and request.cell_m == 3
    assert request.curvature is False and request.observer == (121.4905, 31.2402)
    printed = capsys.readouterr().out
    assert "visible:" in printed and f"wrote {out}" in printed
    assert json.loads(out.read_text(encoding="utf-8"))["metadata"]["curvature"].startswith("none")
    assert main(["analyse", "sightline", "--from", "121.4905,31.2402", "--to", "121.50105,31.2355",
                 "--no-procedural"]) == 0
    name, request = calls[-1]
    assert name == "sight_line" and request.eye_m == 1.7 and request.target_m == 0.0 and request.curvature
    printed = capsys.readouterr().out
    assert "sight line 121.490500,31.240200" in printed and "VISIBLE" in printed


@pytest.mark.parametrize(("args", "message"), [
    (["viewshed", "--from", "121.49"], "LON,LAT"),
    (["viewshed", "--from", "130,31"], "outside the region"),
    (["viewshed", "--from", "121.49,31.24", "--radius", "60000"], "between 10 and 50000"),
    (["viewshed", "--from", "121.49,31.24", "--radius", "5000", "--cell", "1"], "at most 4,000,000"),
    (["viewshed", "--from", "121.49,31.24", "--out", "x.csv"], ".geojson"),
    (["viewshed", "--from", "121.49,31.24,-3"], "between 0 and 1000"),
    (["sightline", "--from", "121.49,31.24", "--to", "121.49,31.24"], "same point"),
    (["sightline", "--from", "121.49,31.24", "--to", "abc"], "LON,LAT"),
    (["sightline", "--from", "121.49,31.24"], "--to"),
])
def test_bad_input_is_one_line_exit_2(args, message, capsys, tmp_path, monkeypatch):
    from analysis_helpers import exit_status, one_error_line

    monkeypatch.chdir(tmp_path)
    assert exit_status(["analyse", *args]) == 2
    err = one_error_line(capsys)
    assert message in err and "Traceback" not in err


@pytest.mark.slow
def test_the_viewshed_image(tmp_path):
    """--image renders the viewshed over the scene at the size asked: much of it the visible ground's green."""
    from PIL import Image

    from analysis_helpers import exit_status

    png = tmp_path / "bund.png"
    assert exit_status(["analyse", "viewshed", "--from", "121.4905,31.2402", "--target-height", "1.7", "--radius",
                        "600", "--cell", "3", "--no-procedural", "--image", str(png), "--size", "640x400"]) == 0
    img = np.asarray(Image.open(png).convert("RGB")).astype(int)
    assert img.shape == (400, 640, 3)
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    assert ((g > r + 40) & (g > b + 40)).mean() > 0.15  # the overlays cover much of a small image
