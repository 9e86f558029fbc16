"""Compare two scenarios: two linked viewports, side by side or as a swipe.

Scenario A is the main window's scene; scenario B is a second scene of the same region with its own plan
layers (which cities' plans are shown) and its own plan year. The cameras are linked both ways. In swipe mode
both views cover the same rectangle: B fills it, A is drawn over it left of the swipe line, with its camera's
window centre shifted so that the two halves line up pixel for pixel.
"""

from __future__ import annotations

import logging

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("ydtwin")

__all__ = ["CompareWindow"]


class _Stage(QWidget):
    """Holds the two views; lays them out side by side or stacked for the swipe."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.a = None
        self.b = None
        self.swipe = False
        self.position = 0.5

    def set_views(self, a, b) -> None:
        self.a, self.b = a, b
        a.setParent(self)
        b.setParent(self)
        self.relayout()

    def relayout(self) -> None:
        if self.a is None:
            return
        w, h = self.width(), self.height()
        if self.swipe:
            self.b.setGeometry(0, 0, w, h)
            self.a.setGeometry(0, 0, max(1, int(w * self.position)), h)
            self.a.raise_()
        else:
            half = w // 2
            self.a.setGeometry(0, 0, half - 1, h)
            self.b.setGeometry(half + 1, 0, w - half - 1, h)
        self.a.show()
        self.b.show()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.relayout()


class CompareWindow(QWidget):
    """Two scenarios of the region, cameras linked. ``views``: (A, B) SceneViews."""

    def __init__(self, window, scene_b) -> None:
        super().__init__(None, Qt.WindowType.Window)
        from ydtwin.qt.viewport import Viewport
        from ydtwin.render.scene_view import SceneView

        self.main = window
        self.setWindowTitle(self.tr("Compare scenarios"))
        self.resize(1400, 760)
        self.scenes = (window.scene, scene_b)
        self.stage = _Stage(self)
        self.viewports = (Viewport(self.stage, auto_update=False, multi_samples=0),
                          Viewport(self.stage, auto_update=False, multi_samples=0))
        self.stage.set_views(*self.viewports)
        self.views = tuple(
            SceneView(scene, vp, request_render=vp.update, translate=window.scene_view._translate)
            for scene, vp in zip(self.scenes, self.viewports, strict=True))
        for vp in self.viewports:
            vp.enable_terrain_style(mouse_wheel_zooms=True)
        self._syncing = False
        self._last = [None, None]
        for i, vp in enumerate(self.viewports):
            vp.renderer.AddObserver("StartEvent", lambda *_a, i=i: self._link(i), 2.0)
        # controls
        bar = QHBoxLayout()
        self.controls = [self._scenario_controls(i, bar) for i in (0, 1)]
        self.swipe_check = QCheckBox(self.tr("Swipe"), self)
        self.swipe_check.toggled.connect(self.set_swipe)
        self.swipe_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.swipe_slider.setRange(5, 95)
        self.swipe_slider.setValue(50)
        self.swipe_slider.setEnabled(False)
        self.swipe_slider.valueChanged.connect(lambda v: self.set_swipe_position(v / 100))
        bar.addWidget(self.swipe_check)
        bar.addWidget(self.swipe_slider)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.stage, 1)
        cam = window.viewport.camera
        for vp in self.viewports:
            vp.camera.position, vp.camera.focal_point, vp.camera.up = cam.position, cam.focal_point, cam.up
            vp.camera.view_angle = cam.view_angle
            vp.reset_camera_clipping_range()

    # --- scenario controls -----------------------------------------------------------------------------

    def _scenario_controls(self, i: int, bar: QHBoxLayout) -> dict:
        from ydtwin.model.plans import PlansLayer

        scene = self.scenes[i]
        label = QLabel(f" {'AB'[i]}: ", self)
        plans = QToolButton(self)
        plans.setText(self.tr("Plans"))
        plans.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(plans)
        for layer in scene.layers:
            if isinstance(layer, PlansLayer):
                act = menu.addAction(layer.name)
                act.setCheckable(True)
                act.setChecked(layer.visible)
                act.toggled.connect(lambda on, lyr=layer: setattr(lyr, "visible", on))
        plans.setMenu(menu)
        year_on = QCheckBox(self.tr("year"), self)
        year = QSpinBox(self)
        year.setRange(2010, 2040)
        year.setValue(scene.plan_year or 2030)
        year.setEnabled(False)

        def apply(*_a):
            year.setEnabled(year_on.isChecked())
            scene.plan_year = year.value() if year_on.isChecked() else None

        year_on.toggled.connect(apply)
        year.valueChanged.connect(apply)
        for w in (label, plans, year_on, year):
            bar.addWidget(w)
        return {"plans": menu, "year_on": year_on, "year": year}

    def set_scenario(self, i: int, *, year: int | None = None, plugins: list[str] | None = None) -> None:
        """Scenario ``i`` (0: A, 1: B): its plan year (None: as planned) and which plugins' plans show."""

        c = self.controls[i]
        if year is not None:
            c["year"].setValue(year)
        c["year_on"].setChecked(year is not None)
        if plugins is not None:
            from ydtwin.plugins.manager import plugin_of

            wanted = {p if p.startswith("ydtwin-") else f"ydtwin-{p}" for p in plugins}
            for layer in self.scenes[i].layers:
                if plugin_of(layer):  # every layer a plugin brought: its plans and its styled layers
                    layer.visible = plugin_of(layer) in wanted
            for act in c["plans"].actions():
                layer = next(lyr for lyr in self.scenes[i].layers if lyr.name == act.text())
                act.setChecked(layer.visible)

    # --- swipe and linked cameras ---------------------------------------------------------------------

    def set_swipe(self, on: bool) -> None:
        self.swipe_slider.setEnabled(on)
        self.stage.swipe = on
        self.stage.relayout()
        self._centre_a()

    def set_swipe_position(self, fraction: float) -> None:
        self.stage.position = min(max(fraction, 0.05), 0.95)
        self.stage.relayout()
        self._centre_a()

    def _centre_a(self) -> None:
        """In swipe mode A is a narrower widget showing the left part of a full-width frame: shift its
        projection centre to where the full frame's centre falls (normalised viewport units)."""
        cam = self.viewports[0].renderer.GetActiveCamera()
        if self.stage.swipe:
            cam.SetWindowCenter(1.0 - 1.0 / self.stage.position, 0.0)
        else:
            cam.SetWindowCenter(0.0, 0.0)
        for vp in self.viewports:
            vp.update()

    def _link(self, i: int) -> None:
        """Before a frame of view ``i``: if its camera moved, the other view takes the same camera."""
        if self._syncing:
            return
        src = self.viewports[i].renderer.GetActiveCamera()
        state = (src.GetPosition(), src.GetFocalPoint(), src.GetViewUp(), src.GetViewAngle())
        if state == self._last[i]:
            return
        self._last[i] = state
        other = self.viewports[1 - i]
        dst = other.renderer.GetActiveCamera()
        self._syncing = True
        try:
            dst.SetPosition(state[0])
            dst.SetFocalPoint(state[1])
            dst.SetViewUp(state[2])
            dst.SetViewAngle(state[3])
            other.renderer.ResetCameraClippingRange()
            self._last[1 - i] = state
        finally:
            self._syncing = False
        other.update()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        for view in self.views:
            view.close()
        for vp in self.viewports:
            vp.close()
        super().closeEvent(event)
