"""The compare window under Xvfb: a caption over each side saying what it shows (plan year, cities, in the
interface's language), and in swipe mode a handle on the line that the mouse drags."""

import os

import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]

if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") != "xcb":
    pytest.skip("the Qt+VTK viewport needs an X server (Xvfb via pytest-xvfb)", allow_module_level=True)


def test_captions_and_a_swipe_handle_that_drags(make_window, qtbot, tmp_path):
    from PyQt6.QtCore import QPoint, Qt
    from PyQt6.QtTest import QTest

    window = make_window(view="Suzhou", size=(1200, 800))
    window.open_compare()
    qtbot.waitUntil(lambda: getattr(window, "compare_window", None) is not None, timeout=60_000)
    cmp_ = window.compare_window
    qtbot.waitExposed(cmp_)
    try:
        cap_a, cap_b = cmp_.captions
        cmp_.set_scenario(0, year=2020, plugins=["shanghai", "suzhou"])
        cmp_.set_scenario(1, year=None, plugins=None)
        qtbot.wait(50)
        assert cap_a.isVisible() and cap_b.isVisible()
        assert cap_a.text().startswith("A · plan year 2020 · ")
        assert "Shanghai" in cap_a.text() and "Suzhou" in cap_a.text() and "Ningbo" not in cap_a.text()
        assert cap_b.text().startswith("B · as planned · all ") and cap_b.text().endswith(" cities")
        # the caption follows the scenario, whoever changes it
        cmp_.scenes[1].plan_year = 2035
        assert cap_b.text().startswith("B · plan year 2035")
        # side by side each caption heads its view
        assert cap_a.geometry().right() < cmp_.viewports[1].mapTo(cmp_, QPoint(0, 0)).x() + 10

        handle = cmp_.stage.handle
        assert not handle.isVisible()  # no swipe line side by side
        cmp_.swipe_check.setChecked(True)
        qtbot.wait(50)
        stage_w = cmp_.stage.width()
        assert handle.isVisible() and handle.testAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        assert abs(handle.geometry().center().x() - stage_w * 0.5) <= 2
        assert handle.height() == cmp_.stage.height()

        # drag the grip to 30 % of the width: the line, A's width and the slider follow
        grip = handle.rect().center()
        QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grip)
        target_x = int(stage_w * 0.3)
        for k in range(1, 6):
            x = handle.geometry().center().x() + (target_x - handle.geometry().center().x()) * k // 5
            QTest.mouseMove(handle, handle.mapFromParent(QPoint(x, handle.geometry().center().y())))
            qtbot.wait(10)
        QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           handle.mapFromParent(QPoint(target_x, handle.geometry().center().y())))
        assert cmp_.stage.position == pytest.approx(0.3, abs=0.01)
        assert cmp_.swipe_slider.value() == 30
        assert abs(cmp_.viewports[0].width() - target_x) <= 2
        assert abs(handle.geometry().center().x() - target_x) <= 2
        assert abs(cmp_.viewports[0].renderer.GetActiveCamera().GetWindowCenter()[0] - (1 - 1 / 0.3)) < 0.02

        # the window as the screen shows it (the views are GL windows: grab the screen, not the widget)
        for vp in cmp_.viewports:
            vp.render()
        qtbot.wait(200)
        shot = cmp_.screen().grabWindow(cmp_.winId())
        assert shot.save(str(tmp_path / "compare_swipe.png"))
        img = shot.toImage()
        ratio = shot.devicePixelRatio()
        x = handle.mapTo(cmp_, handle.rect().center())
        # the grip is light, drawn over the scene
        assert QColor_light(img.pixelColor(int((x.x() - 6) * ratio), int(x.y() * ratio)))
        cmp_.swipe_check.setChecked(False)
        assert not handle.isVisible()
    finally:
        cmp_.close()
        window.set_plan_year(None)


def QColor_light(colour) -> bool:  # noqa: N802
    return min(colour.red(), colour.green(), colour.blue()) > 200
