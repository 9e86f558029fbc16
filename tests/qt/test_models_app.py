"""3D models in the window: File ▸ Open 3D model places a model that says where it stands, stands one that
does not in the middle of the view and opens the placement dialog (its changes move the model through the
workspace's ``place_model``; Cancel takes a just-opened model away); a landmark is replaced in one action."""

from __future__ import annotations

import pytest

import model_synth as ms

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def test_a_model_without_a_place_is_placed_in_the_dialog(make_window, qtbot, tmp_path, monkeypatch):
    from ydtwin.model.models import ModelLayer
    from ydtwin.workspace import Workspace

    calls = []
    for name in ("read_layer", "place_model"):
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name, lambda self, *a, _r=real, _n=name, **k: calls.append(_n) or _r(self, *a, **k))
    path = ms.write(tmp_path / "tower.glb")
    window = make_window(view="Shanghai", size=(900, 600))
    window.open_file(path)
    qtbot.waitUntil(lambda: window.job is None and getattr(window, "_placement_dialog", None) is not None,
                    timeout=60_000)
    dialog = window._placement_dialog
    layer = dialog.layer
    assert isinstance(layer, ModelLayer) and layer in window.scene.layers and dialog.created
    assert "does not say where it stands" in window.log_view.toPlainText()
    # the fields move the model (through the workspace)
    dialog.lon.setValue(121.5047)
    dialog.lat.setValue(31.2336)
    dialog.heading.setValue(20.0)
    assert dialog.apply()
    assert "place_model" in calls and (layer.anchor.lon, layer.anchor.lat, layer.anchor.heading) == (121.5047, 31.2336, 20.0)
    assert "stands at" in dialog.message.text()
    # a place it cannot stand: one line in the dialog, the model stays
    dialog.lat.setValue(10.0)
    assert not dialog.apply() and "outside the region" in dialog.message.text()
    assert layer.anchor.lat == 31.2336
    dialog.lat.setValue(31.2336)
    dialog.accept()
    assert layer in window.scene.layers and "tower stands at 121.5047000,31.2336000" in window.log_view.toPlainText()

    # opened again and cancelled: taken away
    window.open_file(ms.write(tmp_path / "other.glb"))
    qtbot.waitUntil(lambda: window.job is None and window._placement_dialog is not dialog, timeout=60_000)
    second = window._placement_dialog
    assert second.layer in window.scene.layers
    second.reject()
    assert second.layer not in window.scene.layers


def test_a_landmark_replaced_in_one_action(make_window, qtbot, tmp_path):
    from pathlib import Path

    from ydtwin.workspace.layers import LANDMARK, LayerRequest

    path = ms.write(tmp_path / "pearl.glb")
    window = make_window(view="Shanghai", size=(900, 600))
    window.open_file(path, request=LayerRequest(Path(path), anchor=LANDMARK + "东方明珠广播电视塔"))
    qtbot.waitUntil(lambda: window.job is None and any(x.name == "pearl" for x in window.scene.layers),
                    timeout=60_000)
    landmarks = window.scene.layer("landmarks")
    names = list(landmarks.data.attributes["name"])
    assert landmarks.hidden[names.index("Oriental Pearl Tower")] and landmarks.hidden.sum() == 1
    assert "the place of the landmark Oriental Pearl Tower" in window.log_view.toPlainText()
    assert getattr(window, "_placement_dialog", None) is None  # it says where it stands: no dialog


def test_the_handles_move_and_turn_the_model(make_window, qtbot, tmp_path):
    from pyproj import Geod

    path = ms.write(tmp_path / "tower.glb")
    window = make_window(view="Shanghai", size=(900, 600))
    window.open_file(path)
    qtbot.waitUntil(lambda: window.job is None and getattr(window, "_placement_dialog", None) is not None,
                    timeout=60_000)
    dialog = window._placement_dialog
    dialog.set_position(121.5047, 31.2336)
    dialog.handles_box.setChecked(True)
    assert len(dialog._handles) == 2 and all(h.GetEnabled() for h in dialog._handles)
    origin, turn = dialog.handle_points()
    assert dialog._handles[0].GetCenter() == pytest.approx(origin)
    # the move handle dropped 100 m east (scene metres, about true ones here): the origin follows
    dialog.moved_to((origin[0] + 100.0, origin[1], origin[2]))
    a = dialog.layer.anchor
    d = Geod(ellps="WGS84").inv(121.5047, 31.2336, a.lon, a.lat)
    assert 95 < d[2] < 105 and 85 < d[0] < 95  # about 100 m, about east
    # the heading handle dropped due east of the origin: the model turns to face east
    origin, _turn = dialog.handle_points()
    assert dialog._handles[0].GetCenter() == pytest.approx(origin)
    dialog.turned_to((origin[0] + 80.0, origin[1], origin[2]))
    assert 88 < dialog.layer.anchor.heading < 92 and dialog.heading.value() == pytest.approx(dialog.layer.anchor.heading)
    dialog.accept()
    assert not dialog._handles
