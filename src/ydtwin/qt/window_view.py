"""The main window's navigation: views, the 2D map, fly-to by the clock, keyboard orbit, bookmarks, the cursor
readout and identify. ``self.tr`` runs on the MainWindow, so these strings keep its translation context."""

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
        lon, lat, _z = where
        ground = self.scene_view.ground_elevation(lon, lat)
        text = f"{lon:.5f}°E {lat:.5f}°N"
        if ground is not None:  # the DEM's elevation, not the drawn (exaggerated) height
            text += "  " + self.tr("ground {0} m").format(f"{ground:,.0f}")
        self._cursor.setText(text)
        if getattr(self, "scene_tool", None) is not None:
            self.scene_tool.hover(where)  # the measuring tool's rubber band

    def _on_press(self, obj, _event) -> None:
        self._press_pos = tuple(obj.GetEventPosition())

    def _on_release(self, obj, _event) -> None:
        pos = tuple(obj.GetEventPosition())
        if self._press_pos is not None and abs(pos[0] - self._press_pos[0]) + abs(pos[1] - self._press_pos[1]) <= 3:
            if getattr(self, "scene_tool", None) is not None:
                self.scene_tool.click_at(*pos)  # a point of a measurement or a profile line
            elif getattr(self, "review_panel", None) is not None and self.review_panel.placing:
                self.review_panel.place_at(*pos)  # a manual finding where the planner clicked
            else:
                self.identify_at(*pos)
        self._press_pos = None

    def set_scene_tool(self, tool) -> None:
        """The tool that takes the view's clicks (Measure, Profile), or None for identify; the one it replaces
        stops."""
        old = getattr(self, "scene_tool", None)
        self.scene_tool = tool
        if old is not None and old is not tool:
            old.stop()

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
        """Show a view at once: the workspace checks the name (the CLI's --view takes the same names); in the
        2D map, as a map of that view."""
        from ydtwin.errors import YdtwinError

        try:
            checked = self.workspace.check_view(name)
            if self.scene_view.map_mode:
                spec = self.scene_view.set_map(True, checked)
            else:
                spec = self.scene_view.set_view(checked)
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

    # ---- the 2D map ------------------------------------------------------------------------------

    def set_map_mode(self, on: bool) -> None:
        """View ▸ 2D map: the scene view's ``set_map`` (what `ydtwin snapshot --map` uses) on the place the
        viewport shows, at its scale; the mouse pans (left or middle button) and zooms (wheel, right button)
        instead of rotating, and the view stays straight down, north up (see ``_keep_map``)."""
        on = bool(on)
        self._fly_timer.stop()
        self._fly_frames = []
        if on != self.scene_view.map_mode:
            self.scene_view.set_map(on)
        self._map_navigation(on)
        action = getattr(self, "map_action", None)
        if action is not None and action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
        self.request_render()

    def _map_navigation(self, on: bool) -> None:
        if on == getattr(self, "_map_style", False):
            return
        if on:
            self.viewport.enable_custom_trackball_style(left="pan", shift_left="pan", control_left="pan",
                                                        middle="pan", shift_middle="pan", control_middle="pan",
                                                        right="dolly", shift_right="dolly", control_right="dolly")
        else:
            self.viewport.enable_terrain_style(mouse_wheel_zooms=True)
        self._map_style = on
        self._watch_style()

    def _watch_style(self) -> None:
        """A click (press and release without a drag) identifies: the navigation style grabs the mouse
        between press and release, so the release is seen as the end of its interaction."""
        iren = self.viewport.iren.interactor
        style = iren.GetInteractorStyle()
        style.AddObserver("EndInteractionEvent", lambda *_: self._on_release(iren, None))
        # while the camera moves, point clouds draw lighter frames; the frame after it stops draws them whole
        style.AddObserver("StartInteractionEvent", lambda *_: self._set_moving(True))
        style.AddObserver("EndInteractionEvent", lambda *_: self._set_moving(False))

    def _set_moving(self, moving: bool) -> None:
        if not self._closed:
            self.scene_view.set_interacting(moving)

    def _keep_map(self) -> None:
        """Before each frame: the 2D map back to straight down and north up (a spin or a rotation the mouse
        made) and its eye at the height levels of detail expect."""
        if not self._closed:
            self.scene_view.keep_map()

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
            tool = getattr(self, "scene_tool", None)
            if tool is not None and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Backspace):
                tool.finish() if event.key() == Qt.Key.Key_Escape else tool.undo()
                return True
            move = self._keys.get(event.key())
            if move is not None:
                self.orbit(**move)
                return True
        return super().eventFilter(obj, event)

    def orbit(self, *, azimuth: float = 0.0, elevation: float = 0.0, zoom: float = 1.0) -> None:
        """Arrows orbit and tilt, + and − zoom; in the 2D map the arrows pan (a tenth of the view a step)."""
        cam = self.viewport.camera
        if self.scene_view.map_mode:
            half = cam.GetParallelScale()
            w, h = self.viewport.renderer.GetSize()
            step = np.array([np.sign(azimuth) * half * w / max(h, 1), np.sign(elevation) * half, 0.0]) * 0.2
            cam.focal_point = tuple(np.array(cam.focal_point) + step)
            cam.position = tuple(np.array(cam.position) + step)
            if zoom != 1.0:
                cam.Zoom(zoom)  # a parallel projection zooms by its scale
            self.scene_view.keep_map()
            self.request_render()
            return
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

        if self.scene_view.map_mode:
            if not isinstance(target, Viewpoint):
                self.set_view(str(target))  # the map of that view, at once
                return
            self.set_map_mode(False)  # a bookmark is a perspective viewpoint
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
