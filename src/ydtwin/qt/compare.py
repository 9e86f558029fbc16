"""Compare two scenarios: two linked viewports, side by side or as a swipe.

Scenario A is the main window's scene; scenario B is a second scene of the same region with its own plan
layers (which cities' plans are shown) and its own plan year. The cameras are linked both ways (the 2D map
too). In swipe mode both views cover the same rectangle: B fills it, A is drawn over it left of the swipe line,
with its camera's window centre shifted so that the two halves line up pixel for pixel; a handle on the line
(a bar with a grip) drags it. A caption over each side says what it shows: its plan year and cities.
"""

from __future__ import annotations

import logging

from PyQt6.QtCore import QRect, Qt
from PyQt6.QtGui import QColor, QPainter, QPainterPath, QPen, QRegion
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


class SwipeHandle(QWidget):
    """The swipe line drawn over the views: a thin light bar the height of the stage with a grip in its middle;
    dragging it (or the bar) moves the line. A native window shaped to the bar and the grip (the views are
    native GL windows: only a native sibling stacks above them), so the scene shows on both sides of it."""

    WIDTH = 26
    BAR = 4
    GRIP = (26, 64)

    def __init__(self, parent: QWidget, moved) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.setCursor(Qt.CursorShape.SplitHCursor)
        self.setToolTip(self.tr("Drag to move the swipe line"))
        self._moved = moved
        self._dragging = False
        self.hide()

    def _grip_rect(self) -> QRect:
        gw, gh = self.GRIP
        return QRect((self.width() - gw) // 2, (self.height() - gh) // 2, gw, gh)

    def _grip_path(self) -> QPainterPath:
        grip = self._grip_rect()
        path = QPainterPath()
        path.addRoundedRect(grip.x() + 0.5, grip.y() + 0.5, grip.width() - 1.0, grip.height() - 1.0, 12, 12)
        return path

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        bar = QRect((self.width() - self.BAR) // 2, 0, self.BAR, self.height())
        grip = QRegion(self._grip_path().toFillPolygon().toPolygon()).united(QRegion(self._grip_rect().adjusted(
            2, 2, -2, -2)))
        self.setMask(QRegion(bar).united(grip))

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        light, dark = QColor(240, 240, 240), QColor(30, 34, 42)
        p.fillRect(QRect((self.width() - self.BAR) // 2, 0, self.BAR, self.height()), light)
        p.fillRect(QRect(self.width() // 2, 0, 1, self.height()), dark)
        grip = self._grip_rect()
        path = self._grip_path()
        p.fillPath(path, light)
        p.setPen(QPen(dark, 1.5))
        p.drawPath(path)
        cx, cy = grip.center().x(), grip.center().y()
        for dx in (-3, 0, 3):  # ridges of the grip
            p.drawLine(cx + dx, cy - 9, cx + dx, cy + 9)
        for y in (cy - 20, cy + 20):  # ‹ › above and below the ridges: it moves sideways
            for sign in (-1, 1):
                p.drawLine(cx + sign * 3, y - 4, cx + sign * 7, y)
                p.drawLine(cx + sign * 7, y, cx + sign * 3, y + 4)
        p.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._dragging:
            x = self.mapToParent(event.position().toPoint()).x()
            self._moved(x / max(self.parentWidget().width(), 1))
            event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._dragging = False
        event.accept()


class _Stage(QWidget):
    """Holds the two views; lays them out side by side or stacked for the swipe, with the swipe's handle."""

    def __init__(self, parent: QWidget, moved) -> None:
        super().__init__(parent)
        self.a = None
        self.b = None
        self.swipe = False
        self.position = 0.5
        self.handle = SwipeHandle(self, moved)

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
            x = max(1, int(w * self.position))
            self.b.setGeometry(0, 0, w, h)
            self.a.setGeometry(0, 0, x, h)
            self.a.raise_()
            self.handle.setGeometry(x - SwipeHandle.WIDTH // 2, 0, SwipeHandle.WIDTH, h)
            self.handle.show()
            self.handle.raise_()
        else:
            half = w // 2
            self.a.setGeometry(0, 0, half - 1, h)
            self.b.setGeometry(half + 1, 0, w - half - 1, h)
            self.handle.hide()
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
        self.stage = _Stage(self, self._dragged)
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
        # what each side shows, over it: "A · plan year 2020 · Shanghai, Suzhou"
        captions = QHBoxLayout()
        self.captions = (QLabel(self), QLabel(self))
        for label, colour in zip(self.captions, ("#2b6cb0", "#b7791f"), strict=True):
            label.setStyleSheet(f"QLabel {{ background: {colour}; color: white; font-weight: bold; "
                                "padding: 3px 8px; border-radius: 3px; }")
            label.setObjectName("compare-caption")
            captions.addWidget(label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addLayout(captions)
        layout.addWidget(self.stage, 1)
        self._caption_slots = []
        for scene in self.scenes:
            self._watch(scene.events.plan_year)
            for layer in scene.layers:
                if getattr(layer, "plugin", ""):
                    self._watch(layer.events.visible)
        self.update_captions()
        cam = window.viewport.camera
        for vp in self.viewports:
            vp.camera.position, vp.camera.focal_point, vp.camera.up = cam.position, cam.focal_point, cam.up
            vp.camera.view_angle = cam.view_angle
            vp.camera.SetParallelProjection(cam.GetParallelProjection())  # the 2D map stays a map
            vp.camera.SetParallelScale(cam.GetParallelScale())
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

    # --- captions ------------------------------------------------------------------------------------

    def _watch(self, signal) -> None:
        slot = lambda *_a: self.update_captions()  # noqa: E731
        signal.connect(slot)
        self._caption_slots.append((signal, slot))

    def caption(self, i: int) -> str:
        """What scenario ``i`` shows: its letter, its plan year (or "as planned") and the cities whose plans
        are visible."""
        from ydtwin.model.plans import PlansLayer

        scene = self.scenes[i]
        year = (self.tr("plan year {year}").format(year=scene.plan_year) if scene.plan_year is not None
                else self.tr("as planned"))
        plans = [layer for layer in scene.layers if isinstance(layer, PlansLayer) and layer.city]
        shown = list(dict.fromkeys(layer.city for layer in plans if layer.visible))
        every = list(dict.fromkeys(layer.city for layer in plans))
        if not shown:
            cities = self.tr("no city plans")
        elif len(shown) == len(every) and len(every) > 2:
            cities = self.tr("all {count} cities").format(count=len(every))
        else:
            region = scene.region
            names = []
            for name in shown:
                try:
                    names.append(region.city(name).label())
                except KeyError:
                    names.append(name)
            cities = self.tr(", ").join(names)
        return f"{'AB'[i]} · {year} · {cities}"

    def update_captions(self) -> None:
        for i, label in enumerate(self.captions):
            label.setText(self.caption(i))
        # side by side each caption heads its half; in the swipe, A reads from the left edge, B from the right
        self.captions[1].setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter if self.stage.swipe
                                      else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    # --- swipe and linked cameras ---------------------------------------------------------------------

    def set_swipe(self, on: bool) -> None:
        self.swipe_slider.setEnabled(on)
        self.stage.swipe = on
        self.stage.relayout()
        self.update_captions()
        self._centre_a()

    def set_swipe_position(self, fraction: float) -> None:
        self.stage.position = min(max(fraction, 0.05), 0.95)
        self.stage.relayout()
        self._centre_a()

    def _dragged(self, fraction: float) -> None:
        """The handle was dragged: the line follows, and the slider with it."""
        self.set_swipe_position(fraction)
        self.swipe_slider.blockSignals(True)
        self.swipe_slider.setValue(round(self.stage.position * 100))
        self.swipe_slider.blockSignals(False)

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
        state = (src.GetPosition(), src.GetFocalPoint(), src.GetViewUp(), src.GetViewAngle(),
                 src.GetParallelProjection(), src.GetParallelScale())
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
            dst.SetParallelProjection(state[4])
            dst.SetParallelScale(state[5])
            other.renderer.ResetCameraClippingRange()
            self._last[1 - i] = state
        finally:
            self._syncing = False
        other.update()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        for signal, slot in self._caption_slots:  # scenario A is the main window's scene: it outlives this
            signal.disconnect(slot)
        self._caption_slots = []
        for view in self.views:
            view.close()
        for vp in self.viewports:
            vp.close()
        super().closeEvent(event)
