"""The main window's navigation: views, fly-to by the clock, keyboard orbit, bookmarks, the cursor readout
and identify. ``self.tr`` runs on the MainWindow, so these strings keep its translation context."""

from __future__ import annotations

import time

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QTableWidgetItem

__all__ = ["NavigationMixin"]


class NavigationMixin:
    """Views, fly-to, orbit, bookmarks, cursor and identify (part of MainWindow)."""

    def _on_move(self, obj, _event) -> None:
        self._cursor_pos = tuple(obj.GetEventPosition())
        if not self._cursor_timer.isActive():
            self._cursor_timer.start()

    def _update_cursor(self) -> None:
        if self._cursor_pos is None or self._closed:
            return
        where = self.scene_view.world_at(*self._cursor_pos)
        if where is None:
            self._cursor.setText("")
            return
        lon, lat, z = where
        self._cursor.setText(f"{lon:.5f}°E {lat:.5f}°N  z {z:,.0f} m")

    def _on_press(self, obj, _event) -> None:
        self._press_pos = tuple(obj.GetEventPosition())

    def _on_release(self, obj, _event) -> None:
        pos = tuple(obj.GetEventPosition())
        if self._press_pos is not None and abs(pos[0] - self._press_pos[0]) + abs(pos[1] - self._press_pos[1]) <= 3:
            if getattr(self, "review_panel", None) is not None and self.review_panel.placing:
                self.review_panel.place_at(*pos)  # a manual finding where the planner clicked
            else:
                self.identify_at(*pos)
        self._press_pos = None

    def identify_at(self, x: int, y: int) -> dict | None:
        """Pick at display pixel (x, y) (VTK convention, origin bottom-left) and show what is there."""
        info = self.scene_view.pick(x, y)
        self.show_identify(info)
        return info

    def show_identify(self, info: dict | None) -> None:
        rows = list(info.items()) if info else [("", self.tr("nothing here (click a building)"))]
        self.identify_table.setRowCount(len(rows))
        for r, (k, v) in enumerate(rows):
            self.identify_table.setItem(r, 0, QTableWidgetItem(str(k)))
            self.identify_table.setItem(r, 1, QTableWidgetItem(str(v)))
        self.identify_table.resizeColumnToContents(0)

    # ---- views -----------------------------------------------------------------------------------

    def set_view(self, name: str) -> None:
        """Show a view at once: the workspace checks the name (the CLI's --view takes the same names)."""
        from ydtwin.errors import YdtwinError

        try:
            spec = self.scene_view.set_view(self.workspace.check_view(name))
        except (YdtwinError, KeyError) as exc:
            self.statusBar().showMessage(str(exc.args[0] if exc.args else exc), 8000)
            return
        self._sync_view_combo(spec.name)

    def _sync_view_combo(self, name: str) -> None:
        idx = self._views.findData(name)
        if idx >= 0 and idx != self._views.currentIndex():
            self._views.blockSignals(True)
            self._views.setCurrentIndex(idx)
            self._views.blockSignals(False)

    # ---- keyboard navigation ----------------------------------------------------------------------

    def _build_keyboard(self) -> None:
        """Arrows orbit and tilt, + and − zoom, while the viewport has the focus (panels keep their keys).

        An event filter on the viewport, not QShortcuts: the VTK widget claims every key it is given."""
        self._keys = {
            Qt.Key.Key_Left: {"azimuth": -10}, Qt.Key.Key_Right: {"azimuth": 10},
            Qt.Key.Key_Up: {"elevation": 5}, Qt.Key.Key_Down: {"elevation": -5},
            Qt.Key.Key_Plus: {"zoom": 1.25}, Qt.Key.Key_Equal: {"zoom": 1.25}, Qt.Key.Key_Minus: {"zoom": 0.8},
        }
        self.viewport.interactor.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        from PyQt6.QtCore import QEvent

        if event.type() == QEvent.Type.KeyPress and obj is self.viewport.interactor:
            move = self._keys.get(event.key())
            if move is not None:
                self.orbit(**move)
                return True
        return super().eventFilter(obj, event)

    def orbit(self, *, azimuth: float = 0.0, elevation: float = 0.0, zoom: float = 1.0) -> None:
        cam = self.viewport.camera
        if azimuth:
            cam.Azimuth(azimuth)
        if elevation:
            # keep between 5° and 89° above the horizon: no flip through the zenith, no view from below
            focal, pos = np.array(cam.focal_point), np.array(cam.position)
            d = pos - focal
            current = np.degrees(np.arcsin(d[2] / max(np.linalg.norm(d), 1e-9)))
            step = float(np.clip(current + elevation, 5.0, 89.0) - current)
            if step:
                cam.Elevation(step)
                cam.OrthogonalizeViewUp()
                cam.up = (0.0, 0.0, 1.0)
        if zoom != 1.0:
            cam.Dolly(zoom)
        self.viewport.renderer.ResetCameraClippingRange()
        self.request_render()

    # ---- fly-to, bookmarks -----------------------------------------------------------------------

    FLY_SECONDS = 0.9
    #: camera frames computed for a flight; the clock picks among them
    FLY_FRAMES = 60
    FLY_TICK_MS = 16

    def fly_to(self, target, *, seconds: float | None = None) -> None:
        """Animate the camera to a view name (region, city, layer, box) or a Viewpoint. The flight follows the
        clock: it takes ``seconds`` whatever the frame rate (a slow frame skips camera positions, it does not
        stretch the flight)."""
        from ydtwin.errors import YdtwinError
        from ydtwin.model.project import Viewpoint

        try:
            goal = target if isinstance(target, Viewpoint) else \
                self.scene_view.viewpoint_for(self.workspace.check_view(str(target)))
        except (YdtwinError, KeyError, ValueError) as exc:
            self.statusBar().showMessage(str(exc.args[0] if exc.args else exc), 8000)
            return
        if not isinstance(target, Viewpoint):
            self._sync_view_combo(str(target).strip())
        duration = self.FLY_SECONDS if seconds is None else max(float(seconds), 0.0)
        self._fly_timer.stop()
        self._fly_frames = self.scene_view.fly_frames(goal, self.FLY_FRAMES)
        self._fly_start = time.monotonic()
        self._fly_duration = duration
        self._fly_step()
        if self._fly_frames:
            self._fly_timer.start(self.FLY_TICK_MS)

    def _fly_step(self) -> None:
        if not self._fly_frames or self._closed:
            self._fly_timer.stop()
            self._fly_frames = []
            return
        t = 1.0 if self._fly_duration <= 0 else (time.monotonic() - self._fly_start) / self._fly_duration
        last = len(self._fly_frames) - 1
        focal, eye, angle = self._fly_frames[min(last, int(round(min(max(t, 0.0), 1.0) * last)))]
        self.scene_view.set_camera(focal, eye, angle)
        self.request_render()
        if t >= 1.0:
            self._fly_timer.stop()
            self._fly_frames = []

    @property
    def flying(self) -> bool:
        return self._fly_timer.isActive()

    def add_bookmark(self, name: str | None = None) -> None:
        from PyQt6.QtWidgets import QInputDialog

        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Add bookmark"), self.tr("Name of this view:"))
            if not ok or not name.strip():
                return
        self.workspace.add_bookmark(self.scene_view.viewpoint(name.strip()))

    def _fill_bookmarks_menu(self) -> None:
        menu = self._bookmarks_menu
        menu.clear()
        add = QAction(self.tr("&Add current view…"), self)
        add.setShortcut(QKeySequence("Ctrl+D"))
        add.triggered.connect(lambda: self.add_bookmark())
        menu.addAction(add)
        if self.workspace.bookmarks:
            menu.addSeparator()
        for vp in self.workspace.bookmarks:
            act = QAction(vp.name, self)
            act.triggered.connect(lambda _=False, v=vp: self.fly_to(v))
            menu.addAction(act)
