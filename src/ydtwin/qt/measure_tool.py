"""Analysis ▸ Measure: distances (geodesic and 3D), areas and heights by clicking in the view. Each click is
picked in the scene and snapped through the workspace (``Workspace.snap_point``: a footprint's corner within a
few pixels, a roof, the terrain, the water), the figures are ``Workspace.measure``'s — the same as
``ydtwin analyse measure`` prints —, and a line follows the cursor from the last point (the rubber band).
Esc finishes, Backspace takes back the last point. A result can be copied, kept in the scene as an annotation,
or attached to a review finding (a comment carrying it)."""

from __future__ import annotations

import math

import numpy as np
from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QGuiApplication
from PyQt6.QtWidgets import (
    QButtonGroup,
    QDockWidget,
    QGridLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ydtwin.errors import YdtwinError

__all__ = ["MeasurePanel", "ScenePointer", "add_measure_tools"]

#: a click this close (pixels) to a footprint's corner snaps to it
SNAP_PX = 12.0

#: names the Layers panel shows for the annotation layer and its group (translated in its context)
LAYER_NAMES = [QT_TRANSLATE_NOOP("LayersPanel", "Measurements"), QT_TRANSLATE_NOOP("LayersPanel", "Annotations")]


class ScenePointer:
    """A click at a display pixel → a snapped point (MeasurePoint) through the workspace, its uncertainty the
    ground a pixel covers there."""

    def __init__(self, workspace, host) -> None:
        self.workspace = workspace
        self.host = host

    def pixel_metres(self, xyz) -> float:
        """The ground one pixel covers at scene point ``xyz`` (m)."""
        _w, h = self.host.viewport_pixels()
        scale = self.host.map_scale()
        if scale is not None:
            return 2.0 * scale / h
        eye, _focal, _up, angle = self.host.camera_pose()
        d = float(np.linalg.norm(np.asarray(eye, dtype=float) - np.asarray(xyz, dtype=float)))
        return 2.0 * d * math.tan(math.radians(angle) / 2.0) / h

    def point_at(self, x: int, y: int):
        """The point under display pixel (x, y), snapped; None on the sky."""
        proj = self.workspace.scene.projection
        info = self.host.pick(x, y)
        building = None
        if info and isinstance(info.get("building"), int) and "picked_xyz" in info:
            xyz = info["picked_xyz"]
            lon, lat = (float(v) for v in proj.from_scene(xyz[0], xyz[1]))
            building = (str(info["layer"]), int(info["building"]))
        else:
            where = self.host.world_at(x, y)
            if where is None:
                return None
            lon, lat, z = where
            sx, sy = proj.to_scene(lon, lat)
            xyz = (float(sx), float(sy), float(z))
        metres = self.pixel_metres(xyz)
        try:
            return self.workspace.snap_point(lon, lat, building=building, radius_m=SNAP_PX * metres,
                                             uncertainty_m=max(metres, 0.1))
        except YdtwinError:  # outside the region
            return None

    def ground_at(self, lon: float, lat: float):
        """The point on the ground (terrain or water) at lon/lat, for the rubber band; None outside."""
        try:
            return self.workspace.snap_point(lon, lat)
        except YdtwinError:
            return None


def annotations(workspace, *, create: bool = True):
    from ydtwin.workspace.measure import annotation_layer

    return annotation_layer(workspace.scene, create=create)


class MeasurePanel(QWidget):
    """Kind of measurement, the figures of the one being made, copy / keep / attach, and the kept ones."""

    KINDS = ("distance", "area", "height")
    #: the scene's kept measurements changed (a project opened, a script kept one): the list follows
    kept_changed = pyqtSignal()

    def __init__(self, workspace, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.host = host
        self.pointer = ScenePointer(workspace, host)
        self.points: list = []
        self.cursor = None
        self.measurement = None
        self.active = False
        layout = QVBoxLayout(self)
        kinds = QGridLayout()
        self.kind_group = QButtonGroup(self)
        labels = {"distance": self.tr("Distance"), "area": self.tr("Area"), "height": self.tr("Height")}
        self.kind_buttons = {}
        for i, kind in enumerate(self.KINDS):
            button = QRadioButton(labels[kind], self)
            self.kind_group.addButton(button, i)
            kinds.addWidget(button, 0, i)
            self.kind_buttons[kind] = button
        self.kind_buttons["distance"].setChecked(True)
        self.kind_group.idToggled.connect(lambda _i, on: on and self._kind_changed())
        layout.addLayout(kinds)
        self.start_button = QPushButton(self.tr("Measure in the view"), self)
        self.start_button.setCheckable(True)
        self.start_button.setToolTip(self.tr("Click points in the view (corners of buildings, roofs and the ground "
                                             "snap); Esc finishes, Backspace takes back the last point"))
        self.start_button.toggled.connect(lambda on: self.start() if on else self.finish())
        layout.addWidget(self.start_button)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Figure"), self.tr("Value")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        buttons = QGridLayout()
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.clicked.connect(self.copy)
        self.keep_button = QPushButton(self.tr("Keep in the scene"), self)
        self.keep_button.clicked.connect(self.keep)
        self.attach_button = QPushButton(self.tr("Attach to finding…"), self)
        self.attach_button.clicked.connect(lambda: self.attach())
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.clicked.connect(self.clear)
        for i, b in enumerate((self.copy_button, self.keep_button, self.attach_button, self.clear_button)):
            buttons.addWidget(b, i // 2, i % 2)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("Kept measurements:"), self))
        self.kept = QListWidget(self)
        layout.addWidget(self.kept)
        self.remove_button = QPushButton(self.tr("Remove kept measurement"), self)
        self.remove_button.clicked.connect(self.remove_kept)
        layout.addWidget(self.remove_button)
        self._watched = None
        self.kept_changed.connect(self._fill_kept)  # queued when the change comes from a worker thread
        workspace.scene.layers.events.inserted.connect(self._watch_annotations)
        self._watch_annotations()
        self._show()

    def _watch_annotations(self, *_args) -> None:
        layer = annotations(self.workspace, create=False)
        if layer is not None and layer is not self._watched:
            self._watched = layer
            layer.events.data.connect(self._annotations_changed)
            self._annotations_changed()

    def _annotations_changed(self, *_args) -> None:
        try:
            self.kept_changed.emit()
        except RuntimeError:  # the panel is gone (its window closed) while the scene lives on
            pass

    # ---- labels ------------------------------------------------------------------------------------------

    def row_labels(self) -> dict[str, str]:
        """The figures' names in the interface language (keys of ``Measurement.rows``)."""
        return {"distance": self.tr("Distance (geodesic)"), "distance_3d": self.tr("3D distance"),
                "segments": self.tr("Segments"), "area": self.tr("Area (geodesic)"),
                "perimeter": self.tr("Perimeter"), "height": self.tr("Height"),
                "height_diff": self.tr("Height difference"), "slope": self.tr("Slope"),
                "precision": self.tr("Precision (position · heights)")}

    def source_label(self, source: str) -> str:
        return {"terrain": self.tr("terrain"), "roof": self.tr("roof"), "vertex": self.tr("corner, at its roof"),
                "water": self.tr("water"), "typed": self.tr("given"), "unknown": self.tr("no height")}.get(source,
                                                                                                     source)

    @property
    def kind(self) -> str:
        return self.KINDS[max(self.kind_group.checkedId(), 0)]

    # ---- the tool ----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start a new measurement: the view's clicks come here until Esc."""
        self.points, self.cursor, self.measurement = [], None, None
        self.active = True
        self.host.set_scene_tool(self)
        if not self.start_button.isChecked():
            self.start_button.blockSignals(True)
            self.start_button.setChecked(True)
            self.start_button.blockSignals(False)
        self.host.status(self.tr("Measure: click points in the view · Esc finishes · Backspace takes back a point"),
                         10_000)
        self._show()

    def finish(self) -> None:
        """Stop taking clicks (Esc); the measurement stays shown, to keep, copy or attach."""
        if self.active:
            self.active = False
            self.host.set_scene_tool(None)
        self.cursor = None
        if self.start_button.isChecked():
            self.start_button.blockSignals(True)
            self.start_button.setChecked(False)
            self.start_button.blockSignals(False)
        self._show()

    stop = finish

    def click_at(self, x: int, y: int):
        """A click in the view at display pixel (x, y): its snapped point joins the measurement → the point."""
        point = self.pointer.point_at(x, y)
        if point is None:
            self.host.status(self.tr("Nothing to measure there"), 3000)
            return None
        self.add_point(point)
        return point

    def add_point(self, point) -> None:
        self.points.append(point)
        self._measure()

    def undo(self) -> None:
        """Take back the last point."""
        if self.points:
            self.points.pop()
            self._measure()

    def hover(self, where) -> None:
        """The cursor moved to ``where`` (lon, lat, z) or left the ground: the rubber band follows it."""
        if not self.active or not self.points:
            return
        self.cursor = None if where is None else self.pointer.ground_at(where[0], where[1])
        self._draw()

    def _kind_changed(self) -> None:
        if self.points:
            self._measure()

    def _measure(self) -> None:
        from ydtwin.geo.measurement import KINDS

        self.measurement = None
        if len(self.points) >= KINDS[self.kind]:
            try:
                self.measurement = self.workspace.measure(self.points, self.kind)
            except YdtwinError as exc:
                self.host.status(str(exc), 5000)
        self._show()

    # ---- what is shown ---------------------------------------------------------------------------------

    def _draw(self) -> None:
        from ydtwin.model.annotations import Annotation
        from ydtwin.workspace.measure import annotation_of

        layer = annotations(self.workspace, create=bool(self.points))
        if layer is None:
            return
        if not self.points:
            layer.set_draft(None)
            return
        if self.measurement is not None and self.cursor is None:
            item = annotation_of(self.measurement)
        else:
            pts = tuple(self.points) + ((self.cursor,) if self.cursor is not None else ())
            item = Annotation(self.kind, pts, "", closed=self.kind == "area" and len(pts) > 2)
        layer.set_draft(item)

    def _show(self) -> None:
        self._draw()
        rows = []
        if self.measurement is not None:
            names = self.row_labels()
            rows = [(names.get(k, k), v) for k, v in self.measurement.rows()]
        elif self.points:
            rows = [(self.tr("Points"), str(len(self.points)))]
        for k, p in enumerate(self.points, 1):
            h = "—" if p.height is None else f"{p.height:,.1f} m"
            rows.append((self.tr("Point {0}").format(k),
                         f"{p.lon:.6f}, {p.lat:.6f} · {h} ({self.source_label(p.source)})"))
        self.table.setRowCount(len(rows))
        for r, (name, value) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 1, item)
        done = self.measurement is not None
        for b in (self.copy_button, self.keep_button, self.attach_button):
            b.setEnabled(done)
        self.clear_button.setEnabled(bool(self.points))
        from ydtwin.geo.measurement import KINDS

        need = KINDS[self.kind] - len(self.points)
        self.hint.setText(self.tr("Click {0} more point(s) in the view").format(need) if self.active and need > 0
                          else (self.tr("Esc finishes") if self.active else ""))
        self._fill_kept()

    def _fill_kept(self) -> None:
        layer = annotations(self.workspace, create=False)
        items = [] if layer is None else [i for i in layer.items if i.kind != "profile"]
        self.kept.clear()
        for item in items:
            self.kept.addItem(item.label)
        self.remove_button.setEnabled(bool(items))

    def text(self) -> str:
        """The measurement as lines "figure: value" in the interface language, with its points."""
        if self.measurement is None:
            return ""
        lines = [f"{name}: {value}" for name, value in
                 ((self.row_labels().get(k, k), v) for k, v in self.measurement.rows())]
        for k, p in enumerate(self.measurement.points, 1):
            h = "" if p.height is None else f", {p.height:.1f} m"
            lines.append(f"{self.tr('Point {0}').format(k)}: {p.lon:.6f}, {p.lat:.6f}{h}")
        return "\n".join(lines)

    # ---- actions ---------------------------------------------------------------------------------------

    def copy(self) -> str:
        """The figures with their units to the clipboard → the text copied."""
        text = self.text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.host.status(self.tr("Measurement copied"), 3000)
        return text

    def keep(self):
        """Keep the measurement in the scene as an annotation (through the workspace) → the annotation."""
        if self.measurement is None:
            return None
        item = self.workspace.keep_measurement(self.measurement)
        self.finish()
        self.points, self.measurement = [], None
        self._show()
        return item

    def remove_kept(self) -> None:
        layer = annotations(self.workspace, create=False)
        row = self.kept.currentRow()
        if layer is None or row < 0:
            return
        kept = [k for k, i in enumerate(layer.items) if i.kind != "profile"]
        if row < len(kept):
            layer.remove(kept[row])
        self._fill_kept()

    def clear(self) -> None:
        self.points, self.cursor, self.measurement = [], None, None
        self._show()

    def attach(self, finding_id: str | None = None) -> bool:
        """Attach the measurement to a finding of the review session (chosen from a list unless given)."""
        session = self.workspace.session
        if self.measurement is None:
            return False
        if session is None or not session.findings:
            self.host.status(self.tr("No findings to attach to: run the checks or open a review session"), 6000)
            return False
        if session.read_only:
            self.host.log(self.tr("This review session is open read-only"), error=True)
            return False
        if finding_id is None:
            ids = sorted(session.findings)
            choices = [f"{fid} — {session.findings[fid]['finding'].get('message', '')[:70]}" for fid in ids]
            chosen, ok = QInputDialog.getItem(self, self.tr("Attach to finding"), self.tr("Finding:"), choices, 0, False)
            if not ok:
                return False
            finding_id = ids[choices.index(chosen)]
        text = self.tr("Measurement") + ": " + "; ".join(
            f"{self.row_labels().get(k, k)} {v}" for k, v in self.measurement.rows() if k != "precision")
        try:
            self.workspace.attach_measurement(finding_id, self.measurement, city=str(
                self.host.settings.value("review/city", "") or ""), text=text)
        except (YdtwinError, ValueError, KeyError) as exc:
            self.host.log(str(exc), error=True)
            return False
        self.host.log(self.tr("Measurement attached to {0}").format(finding_id))
        return True


def add_measure_tools(window) -> None:
    """Analysis ▸ Measure and Analysis ▸ Profile…: their panels in docks (Measure beside Identify, Profile at the
    bottom beside the log, where a chart has room)."""
    from ydtwin.qt.profile_panel import ProfilePanel
    from ydtwin.qt.sunlight_panel import analysis_menu

    window.measure_dock = window._tab_with_identify(QCoreApplication.translate("MeasurePanel", "Measure"), "measure-dock")
    window.measure_panel = MeasurePanel(window.workspace, window.host, parent=window.measure_dock)
    window.measure_dock.setWidget(window.measure_panel)
    dock = QDockWidget(QCoreApplication.translate("ProfilePanel", "Profile"), window)
    dock.setObjectName("profile-dock")
    window.profile_panel = ProfilePanel(window.workspace, window.host, parent=dock)
    dock.setWidget(window.profile_panel)
    dock.hide()
    window.profile_dock = dock
    menu = analysis_menu(window)
    measure = QAction(QCoreApplication.translate("MeasurePanel", "&Measure"), window)
    measure.setObjectName("measure-action")
    measure.setToolTip(QCoreApplication.translate("MeasurePanel", "Distances, areas and heights by clicking in the view"))
    measure.triggered.connect(lambda: (window.measure_dock.show(), window.measure_dock.raise_(),
                                       window.measure_panel.start()))
    menu.addAction(measure)
    profile = QAction(QCoreApplication.translate("ProfilePanel", "&Profile…"), window)
    profile.setObjectName("profile-action")
    profile.setToolTip(QCoreApplication.translate(
        "ProfilePanel", "Terrain, buildings and corridors along a line or a planned corridor, with its grade"))
    profile.triggered.connect(lambda: show_profile_dock(window))
    menu.addAction(profile)
    window.measure_action, window.profile_action = measure, profile


def show_profile_dock(window) -> None:
    """The Profile dock in front, at the bottom beside the log; placed there the first time it is shown (tabbed
    before the window is laid out, Qt leaves a stale copy of the tab bar over the dock)."""
    dock = window.profile_dock
    if window.dockWidgetArea(dock) == Qt.DockWidgetArea.NoDockWidgetArea:
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        window.tabifyDockWidget(window.log_dock, dock)
    dock.show()
    dock.raise_()
