"""Exports in the app: the image dialog (preview, export) and the Flythrough panel (keyframes, scrubbing,
paths as JSON, video export with Cancel)."""

import json
import os

import numpy as np
import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]

if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") != "xcb":
    pytest.skip("the Qt+VTK viewport needs an X server (Xvfb via pytest-xvfb)", allow_module_level=True)


@pytest.fixture
def window(make_window):
    return make_window(view="Suzhou", size=(1100, 700))


def test_export_image_dialog_previews_and_writes_the_view(window, qtbot, tmp_path):
    from PIL import Image

    dialog = window.export_image()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=60_000)
    assert dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull()
    dialog.size_combo.setCurrentIndex(dialog.size_combo.count() - 1)  # custom
    dialog.width_spin.setValue(640)
    dialog.height_spin.setValue(360)
    dialog.title_edit.setText("苏州 Suzhou")
    out = tmp_path / "导出.png"
    assert dialog.export(str(out)) == out
    with Image.open(out) as im:
        assert im.size == (640, 360)
        rgb = np.asarray(im.convert("RGB"))
    assert rgb.std() > 20
    assert "导出.png" in window.log_view.toPlainText()
    dialog.reject()
    assert dialog.host.exporter is None  # closed with the dialog


def test_flythrough_panel_keyframes_scrub_save_and_open(window, qtbot, tmp_path):
    panel = window.flythrough_panel
    panel.add_current_view()
    start = np.array(window.scene_view.camera_pose()[0])
    window.scene_view.set_view("Shanghai")
    panel.add_current_view()
    assert panel.table.rowCount() == 2 and panel.path.duration == pytest.approx(4.0)
    panel.scrub(panel.slider.maximum())
    end = np.array(window.scene_view.camera_pose()[0])
    panel.scrub(panel.slider.maximum() // 2)
    middle = np.array(window.scene_view.camera_pose()[0])
    assert np.linalg.norm(middle - start) > 1000 and np.linalg.norm(middle - end) > 1000
    # edit a duration in the table: the path follows
    panel.table.item(0, 1).setText("6")
    assert panel.path.duration == pytest.approx(6.0)
    saved = panel.save_dialog(str(tmp_path / "路径.json"))
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["format"] == "ydtwin-flightpath/1" and len(doc["keyframes"]) == 2
    panel.table.selectRow(0)
    panel.remove_selected()
    assert panel.table.rowCount() == 1
    assert panel.open_dialog(str(saved)) and panel.table.rowCount() == 2
    # a keyframe's plan year and caption are table cells
    panel.table.item(1, 4).setText("2035")
    panel.table.item(1, 5).setText("上海 Shanghai 2035")
    assert panel.path.keyframes[1].plan_year == 2035
    panel.scrub(panel.slider.maximum())
    assert window.scene.plan_year == 2035 and panel.caption_label.text() == "上海 Shanghai 2035"
    panel.table.item(1, 4).setText("year two")  # not a year: refused, nothing changes
    assert panel.path.keyframes[1].plan_year == 2035
    # layers from a keyframe on: hide the city boundaries at the second keyframe; scrubbing back shows them
    boundaries = next(layer for layer in window.scene.layers if layer.role == "city-boundaries")
    panel.scrub(0)
    boundaries.visible = False
    panel.table.selectRow(1)
    assert panel.record_layers()
    boundaries.visible = True
    panel.scrub(panel.slider.maximum())
    assert not boundaries.visible
    panel.scrub(0)
    assert boundaries.visible
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert not panel.open_dialog(str(bad))
    assert "bad.json: not valid JSON" in window.log_view.toPlainText() and panel.table.rowCount() == 2


def test_corridor_flight_follows_a_planned_line(window):
    panel = window.flythrough_panel
    assert panel.corridor_flight("suzhou.hsr")
    assert panel.path.keyframes[0].caption == "" and "railway" in panel.path.title
    assert panel.path.tracks.captions and panel.path.duration > 10
    assert not panel.corridor_flight("atlantis.canal")


def test_flythrough_export_and_cancel(window, qtbot, tmp_path):
    import imageio.v3 as iio

    panel = window.flythrough_panel
    panel.city_tour()
    assert panel.table.rowCount() == len(window.scene.region.cities)
    # a short path: the first two stops, one second each
    keys = panel.path.keyframes[:2]
    panel._rebuild([keys[0].model_copy(update={"seconds": 1.0, "hold": 0.0}),
                    keys[1].model_copy(update={"hold": 0.0, "seconds": 0.0})])
    out = tmp_path / "tour.gif"
    panel.export_dialog(str(out), size=(320, 180), fps=5)
    qtbot.waitUntil(lambda: getattr(panel, "last_export", "x") != "x" and panel.export_job is None, timeout=120_000)
    assert panel.last_export is not None and out.is_file()
    assert iio.imread(out, index=None).shape == (6, 180, 320, 3)

    # cancelled after a frame or two: nothing at the target
    del panel.last_export
    cut = tmp_path / "cut.mp4"
    panel.export_dialog(str(cut), size=(320, 180), fps=5)
    qtbot.waitUntil(lambda: getattr(panel, "export_job", None) is not None and panel.export_job.done >= 1,
                    timeout=120_000)
    panel.export_progress.cancel()
    qtbot.waitUntil(lambda: getattr(panel, "last_export", "x") != "x", timeout=60_000)
    assert panel.last_export is None
    assert list(tmp_path.glob("*cut*")) == [] and list(tmp_path.glob(".*")) == []
    assert "cancelled" in window.log_view.toPlainText()
