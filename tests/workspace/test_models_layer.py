"""3D models as layers of the workspace: placed by an anchor (a known corner at a known lon/lat within 0.1 m,
turned and scaled), hiding the buildings that stand in their ground plan, moved and kept in a project, drawn
(a still shows the model), and refused with one line (no place, outside the region, kilometres wide)."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

import model_synth as ms
from conftest import run_cli

ANCHOR = (121.5035, 31.2375)  # Lujiazui, beside the landmarks
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def ws():
    from ydtwin.workspace import Workspace

    return Workspace.open(plugin_names=[])


def _corner_error(ws, layer, local: tuple[float, float, float], az_dist: tuple[float, float]) -> float:
    """Metres between where the model's local vertex ``local`` stands and the point ``az_dist`` (azimuth,
    distance) from the anchor along the ellipsoid."""
    from ydtwin.model.models import place

    placed = place(layer.data, layer.anchor, ws.scene.projection)
    part = layer.data.parts[0]
    k = int(np.argmin(np.linalg.norm(part.vertices - np.array(local), axis=1)))
    assert np.allclose(part.vertices[k], local, atol=1e-6)
    lon, lat = ws.scene.projection.from_scene(placed[0][k:k + 1, 0], placed[0][k:k + 1, 1])
    elon, elat, _ = GEOD.fwd(ANCHOR[0], ANCHOR[1], az_dist[0], az_dist[1])
    return float(GEOD.inv(float(lon[0]), float(lat[0]), elon, elat)[2])


@pytest.mark.parametrize("name", ["tower.glb", "tower.gltf", "tower.obj", "tower.stl"])
def test_a_known_corner_stands_at_its_lon_lat(ws, tmp_path, name):
    from ydtwin.model.models import ModelLayer
    from ydtwin.workspace import LayerRequest

    path = ms.write(tmp_path / name, ms.tower(textured=name == "tower.gltf"), up="z" if name == "tower.stl" else "y")
    for heading, scale in ((0.0, 1.0), (30.0, 1.0), (-75.0, 2.5)):
        text = f"{path}@{ANCHOR[0]},{ANCHOR[1]},0,heading={heading},scale={scale}"
        loaded = ws.read_layer(LayerRequest.from_text(text))
        layer = loaded.layer
        assert isinstance(layer, ModelLayer) and layer.data.n_triangles == 12
        # the east corner: 40 m along the heading turned a quarter east; the north one: 30 m along the heading
        assert _corner_error(ws, layer, (40.0, 0.0, 0.0), (heading + 90.0, 40.0 * scale)) < 0.1
        assert _corner_error(ws, layer, (0.0, 30.0, 120.0), (heading, 30.0 * scale)) < 0.1
        assert _corner_error(ws, layer, (0.0, 0.0, 0.0), (0.0, 0.0)) < 0.1
    assert "GLB model, 12 triangles" in ws.add_loaded(loaded) if name == "tower.glb" else True


def test_heights_stand_on_the_ground_and_absolute(ws, tmp_path):
    from ydtwin.model.models import Anchor, place

    path = ms.write(tmp_path / "t.glb")
    from ydtwin.io.models import read_model

    data = read_model(path)
    on_ground = place(data, Anchor(*ANCHOR, 5.0), ws.scene.projection, ground_z=12.0, exaggeration=6.0)[0]
    assert on_ground[:, 2].min() == pytest.approx(17.0) and on_ground[:, 2].max() == pytest.approx(137.0)
    absolute = place(data, Anchor(*ANCHOR, 4.0, "absolute"), ws.scene.projection, ground_z=12.0, exaggeration=6.0)[0]
    # 4 m above sea level on the ×6 ground: at 24; the model itself at true size
    assert absolute[:, 2].min() == pytest.approx(24.0) and absolute[:, 2].max() == pytest.approx(144.0)


def test_a_model_hides_what_stands_in_its_ground_plan_and_can_be_moved(tmp_path):
    import shapely

    from ydtwin.model.project import load_project, save_project
    from ydtwin.workspace import LayerRequest, Workspace
    from ydtwin.workspace.projects import current_project

    ws = Workspace.open(plugin_names=[])
    blocks = [layer for layer in ws.scene.layers if getattr(layer, "kind", "") == "buildings"
              and layer.provenance.nature == "procedural"]
    before = {b.id: b.hidden.copy() for b in blocks}
    big = ms.tower()
    big.apply_scale(3.0)  # 120 × 90 m at its foot: some procedural blocks stand there
    path = ms.write(tmp_path / "big.glb", big)
    ws.add_loaded(ws.read_layer(LayerRequest.from_text(f"{path}@{ANCHOR[0]},{ANCHOR[1]}")))
    model = ws.scene.layer("big")
    plan = shapely.buffer(model.footprint(ws.scene.projection), ws.scene.MODEL_MARGIN_M)

    def standing_in_plan(layer, plan) -> np.ndarray:
        def to_scene(c):
            return np.column_stack(ws.scene.projection.to_scene(c[:, 0], c[:, 1], layer.data.crs))

        return shapely.intersects(shapely.transform(layer.data.geometries(), to_scene), plan)

    inside = sum(int(standing_in_plan(b, plan).sum()) for b in blocks)
    assert inside > 0
    for b in blocks:
        assert b.hidden[standing_in_plan(b, plan)].all()  # nothing stands inside the model

    # moved 2 km east: what it hid there comes back, what stands in its new place goes
    line = ws.place_model(model, f"{ANCHOR[0] + 0.02},{ANCHOR[1]},0,heading=15")
    assert "stands at" in line and model.anchor.heading == 15.0
    moved = shapely.buffer(model.footprint(ws.scene.projection), ws.scene.MODEL_MARGIN_M)
    for b in blocks:
        assert b.hidden[standing_in_plan(b, moved)].all()
        left = standing_in_plan(b, plan) & ~standing_in_plan(b, moved)
        assert np.array_equal(b.hidden[left], before[b.id][left])  # as they were before the model came
    # the new place goes with the project
    project = save_project(current_project(ws), tmp_path / "p.ydtwin.json")
    entry = next(e for e in load_project(project).layers if e.path.endswith("big.glb"))
    assert entry.anchor.startswith(f"{ANCHOR[0] + 0.02:.7f},{ANCHOR[1]:.7f},0") and "heading=15" in entry.anchor
    from ydtwin.workspace.projects import open_project

    requests = open_project(Workspace.open(plugin_names=[]), project)
    assert any(r.anchor == entry.anchor for r in requests)
    # a bad new place: one line, and the model stays
    from ydtwin.errors import YdtwinError

    with pytest.raises(YdtwinError, match="outside the region"):
        ws.place_model(model, "10,10")
    assert model.anchor.heading == 15.0


def test_the_cli_draws_the_model_and_refuses_in_one_line(tmp_path):
    from PIL import Image

    path = ms.write(tmp_path / "tower.glb")
    out = tmp_path / "still.png"
    r = run_cli("snapshot", "--out", str(out), "--size", "800x600", "--view", "121.498,31.233,121.509,31.242",
                "--layer", f"{path}@{ANCHOR[0]},{ANCHOR[1]},0,heading=20")
    assert r.returncode == 0, r.stderr
    assert "tower.glb: GLB model, 12 triangles" in r.stdout
    rgb = np.asarray(Image.open(out).convert("RGB")).astype(int)
    red = (rgb[..., 0] > 120) & (rgb[..., 0] > 2 * rgb[..., 1]) & (rgb[..., 0] > 2 * rgb[..., 2])
    assert red.sum() > 300  # the tower's walls, in its colour

    wide = ms.tower()
    wide.apply_scale(1000.0)  # millimetres read as metres: 40 km
    far = ms.write(tmp_path / "mm.glb", wide)
    for layer, words in ((str(path), "does not say where it stands"),
                         (f"{path}@10,10", "outside the region"),
                         (f"{far}@{ANCHOR[0]},{ANCHOR[1]}", "not a building"),
                         (f"{path}@{ANCHOR[0]}", "give lon,lat"),
                         (f"{path}@{ANCHOR[0]},{ANCHOR[1]},0,tilt=3", "unknown option tilt")):
        r = run_cli("snapshot", "--out", str(tmp_path / "x.png"), "--layer", layer)
        assert r.returncode == 2 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    # the same file at a thousandth of its size stands
    r = run_cli("snapshot", "--out", str(tmp_path / "y.png"), "--size", "400x300",
                "--layer", f"{far}@{ANCHOR[0]},{ANCHOR[1]},0,scale=0.001")
    assert r.returncode == 0, r.stderr


def test_a_landmark_is_replaced_by_a_model_in_one_action(tmp_path):
    import shapely

    from ydtwin.errors import YdtwinError
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=[])
    landmarks = ws.scene.layer("landmarks")
    names = list(landmarks.data.attributes["name"])
    k = names.index("Jin Mao Tower")
    path = ms.write(tmp_path / "jinmao.glb")  # origin at a corner: the action centres its plan on the landmark
    line = ws.replace_landmark("金茂大厦", path)
    assert "the place of the landmark Jin Mao Tower" in line
    model = ws.scene.layer("jinmao")
    assert landmarks.hidden[k] and landmarks.hidden.sum() == 1  # only Jin Mao's schematic outline goes
    centre = shapely.centroid(model.footprint(ws.scene.projection))
    lon, lat = ws.scene.projection.from_scene([centre.x], [centre.y])
    expect = landmarks.data.centres()[k]
    assert GEOD.inv(float(lon[0]), float(lat[0]), float(expect[0]), float(expect[1]))[2] < 0.5
    with pytest.raises(YdtwinError, match="no landmark named 'Eiffel Tower'.*Shanghai Tower"):
        ws.replace_landmark("Eiffel Tower", path)
    # the command line's way: the same use case
    out = tmp_path / "still.png"
    r = run_cli("snapshot", "--out", str(out), "--size", "320x200", "--view", "121.495,31.23,121.51,31.245",
                "--layer", f"{path}@landmark=Jin Mao Tower")
    assert r.returncode == 0 and "the place of the landmark Jin Mao Tower" in r.stdout, r.stderr


def test_a_still_from_a_projects_viewpoint_shows_the_example_model(tmp_path):
    from pathlib import Path

    from PIL import Image

    project = Path(__file__).resolve().parents[2] / "assets" / "models" / "lujiazui_planned_tower.ydtwin.json"
    out = tmp_path / "lj.png"
    r = run_cli("snapshot", "--project", str(project), "--view", "Lujiazui from the south-west", "--out", str(out),
                "--size", "640x400", "--plugins", "none")
    assert r.returncode == 0, r.stderr
    assert "view Lujiazui from the south-west" in r.stdout and "planned_tower_illustrative.glb: GLB model" in r.stdout
    rgb = np.asarray(Image.open(out).convert("RGB")).astype(int)
    glass = (rgb[..., 2] > rgb[..., 0] + 40) & (rgb[..., 2] > 90) & (rgb[..., 1] < 150)
    assert glass.sum() > 400  # the tower's blue glass stands in the frame
    r = run_cli("snapshot", "--project", str(project), "--view", "viewpoint:Nowhere", "--out", str(out))
    assert r.returncode == 2 and "Lujiazui from the south-west" in r.stderr


def test_a_model_goes_into_the_scene_export_at_true_size(tmp_path):
    import trimesh

    from ydtwin.workspace import LayerRequest, Workspace

    ws = Workspace.open(plugin_names=[])
    path = ms.write(tmp_path / "tower.glb")
    ws.add_loaded(ws.read_layer(LayerRequest.from_text(f"{path}@{ANCHOR[0]},{ANCHOR[1]},0,heading=30")))
    report = ws.export_scene(tmp_path / "box.glb", (121.500, 31.235, 121.507, 31.240), terrain=False)
    assert report.counts["3D models"] == 1
    scene = trimesh.load(tmp_path / "box.glb", force="scene")
    name = next(n for n in scene.geometry if n.startswith("model: tower"))
    mesh = scene.geometry[name]
    assert len(mesh.faces) == 12
    heights = mesh.vertices[:, 1]  # y up
    assert heights.max() - heights.min() == pytest.approx(120.0, abs=0.01)  # true size, not exaggerated
    # its corners 40 m and 30 m apart on the ground, as in the file
    ground = mesh.vertices[np.isclose(heights, heights.min())]
    d = np.linalg.norm(ground[:, None, [0, 2]] - ground[None, :, [0, 2]], axis=2)
    assert np.isclose(d.max(), 50.0, atol=0.05)  # the ground plan's diagonal
