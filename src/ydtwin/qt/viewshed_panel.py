"""Analysis ▸ Viewshed… and Analysis ▸ Sight line: what an observer sees, and whether one line of sight reaches its
target and what blocks it. The observer (and the target) are clicked in the view — picked and snapped through the
workspace as the Measure tool's points are (``ScenePointer``: a roof, a footprint's corner, the terrain) — or typed;
the panel turns its fields into the workspace's ``viewshed`` / ``sight_line`` call (the ones ``ydtwin analyse
viewshed`` / ``sightline`` make), in the background, and shows the result over the scene (visible and hidden
ground with a legend; the sight line green to its first blocker, red beyond), summarises it and exports it."""

from __future__ import annotations

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ydtwin.errors import YdtwinError
from ydtwin.qt.analysis_panel import BackgroundRun
from ydtwin.qt.sunlight_panel import _spin

__all__ = ["ViewshedPanel", "add_viewshed_actions"]

#: the result layers' names and legend rows (``ydtwin.workspace.viewshed_output``), for the translation files: the
#: scene and the layers panel show them in the LayersPanel context
SCENE_NAMES = (
    QT_TRANSLATE_NOOP("LayersPanel", "Visible from the observer"),
    QT_TRANSLATE_NOOP("LayersPanel", "Hidden from the observer"),
    QT_TRANSLATE_NOOP("LayersPanel", "Viewshed"), QT_TRANSLATE_NOOP("LayersPanel", "Observer"),
    QT_TRANSLATE_NOOP("LayersPanel", "Sight line: seen"), QT_TRANSLATE_NOOP("LayersPanel", "Sight line: blocked"),
)


class ViewshedPanel(BackgroundRun, QWidget):
    """Viewshed or sight line; observer and target (clicked or typed), heights, radius, cell; Run, the summary,
    Export, Clear."""

    MODES = ("viewshed", "sightline")

    def __init__(self, workspace, host, parent: QWidget | None = None) -> None:
        from ydtwin.qt.measure_tool import ScenePointer

        super().__init__(parent)
        self.workspace = workspace
        self.host = host
        self.pointer = ScenePointer(workspace, host)
        self.result = None
        self.active = False
        self._picking = ""  # "observer" or "target" while clicks come here
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        self.mode = QComboBox(self)
        self.mode.setObjectName("viewshed-mode")
        self.mode.addItem(self.tr("Viewshed: what the observer sees around"), "viewshed")
        self.mode.addItem(self.tr("Sight line: observer to target"), "sightline")
        form.addRow(self.tr("Analysis"), self.mode)

        self.observer = QLineEdit(self)
        self.observer.setObjectName("viewshed-observer")
        self.observer.setPlaceholderText("lon,lat")
        self.target = QLineEdit(self)
        self.target.setObjectName("viewshed-target")
        self.target.setPlaceholderText("lon,lat")
        self.pick_button = QPushButton(self.tr("Pick in the view"), self)
        self.pick_button.setCheckable(True)
        self.pick_button.setToolTip(self.tr("Click the observer in the view (and then the target for a sight line); "
                                            "on a building it stands on the roof. Esc stops"))
        self.pick_button.toggled.connect(lambda on: self.start() if on else self.finish())
        form.addRow(self.tr("Observer"), self.observer)
        self.target_label = QLabel(self.tr("Target"), self)
        form.addRow(self.target_label, self.target)
        form.addRow("", self.pick_button)

        self.eye = _spin(self, 1.7, 0.0, 1000.0, " m", 1)
        self.eye.setToolTip(self.tr("The eye above the ground, or above the roof the observer stands on"))
        form.addRow(self.tr("Eye height"), self.eye)
        self.target_h = _spin(self, 0.0, 0.0, 1000.0, " m", 1)
        self.target_h.setToolTip(self.tr("A point this high above the ground or roof is looked for (0: the "
                                         "surface itself)"))
        form.addRow(self.tr("Target height"), self.target_h)
        self.radius = _spin(self, 1000.0, 10.0, 50_000.0, " m", 0)
        self.radius.setSingleStep(100.0)
        self.radius_label = QLabel(self.tr("Radius"), self)
        form.addRow(self.radius_label, self.radius)
        self.cell = _spin(self, 0.0, 0.0, 500.0, " m", 2)
        self.cell.setSpecialValueText(self.tr("automatic"))
        self.cell.setToolTip(self.tr("The height field's cell: 1 m up to 1 km, coarser beyond (at most 4 million cells)"))
        form.addRow(self.tr("Cell"), self.cell)
        self.curvature = QCheckBox(self.tr("Earth curvature and refraction (k = 0.13)"), self)
        self.curvature.setChecked(True)
        form.addRow("", self.curvature)

        self.run_button = QPushButton(self.tr("Run"), self)
        self.run_button.setObjectName("viewshed-run")
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(lambda: self.export())
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.clicked.connect(self.clear)
        row = QHBoxLayout()
        for b in (self.run_button, self.export_button, self.clear_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.summary = QLabel(self)
        self.summary.setObjectName("viewshed-summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self._mode_changed()

    @property
    def kind(self) -> str:
        return self.mode.currentData()

    def set_mode(self, kind: str) -> None:
        self.mode.setCurrentIndex(self.MODES.index(kind))

    def _mode_changed(self, *_args) -> None:
        line = self.kind == "sightline"
        for w in (self.target, self.target_label):
            w.setVisible(line)
        for w in (self.radius, self.radius_label):
            w.setVisible(not line)

    # ---- clicking the observer and the target --------------------------------------------------------------

    def start(self) -> None:
        """Take the view's clicks: the observer, then (for a sight line) the target."""
        self.active = True
        self._picking = "observer"
        self.host.set_scene_tool(self)
        self._set_checked(True)
        self.host.status(self.tr("Click the observer in the view · Esc stops"), 10_000)

    def finish(self) -> None:
        if self.active:
            self.active = False
            self.host.set_scene_tool(None)
        self._picking = ""
        self._set_checked(False)

    stop = finish

    def _set_checked(self, on: bool) -> None:
        if self.pick_button.isChecked() != on:
            self.pick_button.blockSignals(True)
            self.pick_button.setChecked(on)
            self.pick_button.blockSignals(False)

    def undo(self) -> None:
        """Backspace: back to clicking the observer."""
        if self.active:
            self._picking = "observer"

    def hover(self, _where) -> None:
        """The cursor moves: nothing follows it."""

    def click_at(self, x: int, y: int):
        """A click in the view at display pixel (x, y): the observer, then the target; the analysis runs once it has
        what it needs → the snapped point (None on the sky)."""
        point = self.pointer.point_at(x, y)
        if point is None:
            self.host.status(self.tr("Nothing there: click the ground or a building"), 3000)
            return None
        self.set_point(self._picking or "observer", point.lon, point.lat)
        if self._picking == "observer" and self.kind == "sightline":
            self._picking = "target"
            self.host.status(self.tr("Now click the target · Esc stops"), 10_000)
        else:
            self.finish()
            self.run()
        return point

    def set_point(self, which: str, lon: float, lat: float) -> None:
        (self.observer if which == "observer" else self.target).setText(f"{lon:.7f},{lat:.7f}")

    # ---- running and showing -----------------------------------------------------------------------------

    def _place(self, edit: QLineEdit, what: str) -> tuple[float, float]:
        from ydtwin.workspace.viewshed import parse_place

        text = edit.text().strip()
        if not text:
            raise YdtwinError(self.tr("{what}: click it in the view or type lon,lat").format(what=what))
        lon, lat, _h = parse_place(text, what)
        return lon, lat

    def request(self):
        """The fields as a ViewshedRequest or a SightLineRequest (bad input is one YdtwinError line)."""
        from ydtwin.workspace.viewshed import SightLineRequest, ViewshedRequest

        observer = self._place(self.observer, self.tr("Observer"))
        cell = self.cell.value() or None
        common = {"eye_m": self.eye.value(), "target_m": self.target_h.value(), "cell_m": cell,
                  "curvature": self.curvature.isChecked()}
        if self.kind == "sightline":
            return SightLineRequest(observer, self._place(self.target, self.tr("Target")), **common)
        return ViewshedRequest(observer, radius_m=self.radius.value(), **common)

    def run(self) -> None:
        """Compute in the background through the workspace, then show the result."""
        self.failure = self.tr("Viewshed: {error}")
        self.compute_in_background(self.request, self._work, self.tr("Drawing the lines of sight…"))

    def _work(self, request):
        """In the worker: the analysis, and for a viewshed the pieces the scene will draw (made once, kept with
        the result: showing it on the UI thread then only adds the layer)."""
        from ydtwin.workspace.viewshed import SightLineRequest
        from ydtwin.workspace.viewshed_output import ground_pieces

        if isinstance(request, SightLineRequest):
            return self.workspace.sight_line(request)
        result = self.workspace.viewshed(request)
        ground_pieces(result)
        return result

    def arrived(self, result) -> None:
        from ydtwin.workspace.viewshed import SightLineResult

        self.result = result
        if isinstance(result, SightLineResult):
            self.workspace.show_sight_line(result)
        else:
            self.workspace.show_viewshed(result)
        self.export_button.setEnabled(True)
        lines = result.summary()
        self.summary.setText("\n".join(lines))
        for line in lines:
            self.host.log(line)

    def clear(self) -> None:
        """Take the results off the scene."""
        self.workspace.show_viewshed(None)
        self.workspace.show_sight_line(None)
        self.result = None
        self.export_button.setEnabled(False)
        self.summary.setText("")

    def export(self, path: str | None = None) -> None:
        """Write the result as GeoJSON (a file dialog when no path is given)."""
        from ydtwin.qt.analysis_panel import export_result

        if self.result is not None:
            result = self.result
            export_result(self, self.host, lambda out: self.workspace.write_viewshed(result, out),
                          title=self.tr("Export"), default=f"{self.kind}.geojson",
                          filters=self.tr("GeoJSON (*.geojson)"), path=path)


def add_viewshed_actions(window) -> tuple[QAction, QAction]:
    """Analysis ▸ Viewshed… and Analysis ▸ Sight line: the panel in a right-hand dock beside Identify (made on
    first use), in the mode chosen, taking the view's clicks."""
    from ydtwin.qt.sunlight_panel import analysis_menu

    def open_panel(kind: str) -> None:
        if getattr(window, "viewshed_dock", None) is None:
            dock = window._tab_with_identify(QCoreApplication.translate("ViewshedPanel", "Viewshed"), "viewshed-dock")
            panel = ViewshedPanel(window.workspace, window.host, parent=dock)
            dock.setWidget(panel)
            window.viewshed_dock, window.viewshed_panel = dock, panel
        window.viewshed_dock.show()
        window.viewshed_dock.raise_()
        window.viewshed_panel.set_mode(kind)
        window.viewshed_panel.start()

    menu = analysis_menu(window)
    actions = []
    for kind, text, tip in (
            ("viewshed", QCoreApplication.translate("ViewshedPanel", "&Viewshed…"),
             QCoreApplication.translate("ViewshedPanel", "What an observer sees of the terrain and the buildings "
                                                         "around")),
            ("sightline", QCoreApplication.translate("ViewshedPanel", "Sight &line"),
             QCoreApplication.translate("ViewshedPanel", "Whether an observer sees a point, and what blocks the "
                                                         "view"))):
        action = QAction(text, window)
        action.setObjectName(f"{kind}-action")
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False, k=kind: open_panel(k))
        menu.addAction(action)
        actions.append(action)
    window.viewshed_action, window.sightline_action = actions
    return actions[0], actions[1]
