"""The Sea level panel: a slider for sea-level / storm-surge scenarios (+0 to +5 m) with the flooded area per
city, and File ▸ Open DEM…. Both call the workspace (the same functions as ``ydtwin analyse inundation`` and
``--dem``); the panel only turns the slider into a level and the result into a table."""

from __future__ import annotations

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PyQt6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["SeaLevelPanel", "add_sea_level_dock", "open_dem_dialog", "run_terrain_job"]

#: text the flooded land's visual (ydtwin.render.water, Qt-free) translates through the Layers panel's context:
#: named here so that the translation tools collect it
RENDER_TEXTS = [QT_TRANSLATE_NOOP("LayersPanel", "Flooded land at {level} m (connected to the sea)")]

#: slider steps of 0.5 m from 0 to +5 m
STEP_M = 0.5
MAX_STEPS = 10


class SeaLevelPanel(QWidget):
    """Sea level slider, a line on what is shown, and the per-city table of flooded land."""

    def __init__(self, workspace, parent: QWidget | None = None, *, run_in_background=None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.result = None
        #: ``run(work, done, error)``: the scenario is computed off the UI thread (the first one on a terrain takes
        #: about a second); None: at once
        self._run = run_in_background
        #: the level asked for last: a result for an older level that arrives late is dropped
        self._wanted: float | None = None
        layout = QVBoxLayout(self)
        self.level_label = QLabel(self)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("sea-level-slider")
        self.slider.setRange(0, MAX_STEPS)
        self.slider.setPageStep(2)
        self.slider.setTickInterval(2)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setToolTip(self.tr("Sea level or storm surge above today's mean sea level"))
        note = QLabel(self.tr("Land at or below the level that the sea reaches is shown as water; low land "
                              "inland that it cannot reach stays dry. Sea walls and tides are not modelled."), self)
        note.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("City"), self.tr("Flooded (km²)"), self.tr("Share of land")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.unknown_label = QLabel(self)
        self.unknown_label.setWordWrap(True)
        for w in (self.level_label, self.slider, note, self.table, self.unknown_label):
            layout.addWidget(w)
        # dragging recomputes once the slider rests (each scenario takes a fraction of a second)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.apply)
        self.slider.valueChanged.connect(lambda _v: (self._show_level(), self._timer.start()))
        self._show_level()

    def level(self) -> float:
        return self.slider.value() * STEP_M

    def set_level(self, level_m: float) -> None:
        """Show the scenario at ``level_m``, any level the workspace accepts (the slider moves to its nearest step)."""
        self.slider.blockSignals(True)
        self.slider.setValue(round(level_m / STEP_M))
        self.slider.blockSignals(False)
        self.apply(float(level_m))

    def _show_level(self, level: float | None = None) -> None:
        level = self.level() if level is None else level
        self.level_label.setText(self.tr("Sea level: {level} m").format(level=f"{level:+.1f}"))

    def apply(self, level: float | None = None) -> None:
        """The scenario at ``level`` (default: the slider's), through the workspace: in the scene and the table."""
        level = self.level() if level is None else level
        self._show_level(level)
        self._wanted = level
        if level == 0:
            self._show(None)
        elif self._run is None:
            self._show(self.workspace.inundation(level))
        else:
            self._run(lambda: self.workspace.inundation(level), self._arrived, self._failed)

    def _arrived(self, result) -> None:
        if result.level_m == self._wanted:
            self._show(result)

    def _failed(self, exc: BaseException) -> None:
        self.unknown_label.setText(str(exc))

    def _show(self, result) -> None:
        self.result = result
        self.workspace.show_inundation(result)
        self._fill_table()

    def _fill_table(self) -> None:
        unknown = 0.0 if self.result is None else self.result.unknown_km2
        self.unknown_label.setText(self.tr("{area} km² of the flooded land has no height in the DEM (a default height "
                                           "is used): open a DEM that covers it for a reliable figure.").format(
            area=f"{unknown:,.1f}") if unknown else "")
        rows = [] if self.result is None else self.result.table()
        self.table.setRowCount(len(rows))
        for k, r in enumerate(rows):
            if r["city"] == "outside the cities":
                name = self.tr("Elsewhere in the region")
            elif r["city"] == "total":
                name = self.tr("Total")
            else:
                name = f"{r['city_zh']} {r['city']}".strip()
            share = "" if r["flooded_share"] is None else f"{100 * r['flooded_share']:.1f} %"
            for col, text in enumerate((name, f"{r['flooded_km2']:,.1f}", share)):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(k, col, item)


def add_sea_level_dock(window) -> SeaLevelPanel:
    """The panel in a right-hand dock beside Identify."""
    dock = window._tab_with_identify(QCoreApplication.translate("SeaLevelPanel", "Sea level"), "sea-level-dock")
    panel = SeaLevelPanel(window.workspace, parent=dock, run_in_background=window.runner.run)
    dock.setWidget(panel)
    window.sea_level_dock, window.sea_level_panel = dock, panel
    return panel


def open_dem_dialog(window, path: str | None = None) -> None:
    """File ▸ Open DEM…: a GeoTIFF or NetCDF merged over the terrain in the background, then shown; a file that
    cannot be used is one line in the log."""
    if path is None:
        title = QCoreApplication.translate("SeaLevelPanel", "Open DEM")
        kinds = QCoreApplication.translate("SeaLevelPanel", "DEM (*.tif *.tiff *.nc *.nc4 *.grd);;All files (*)")
        path, _ = QFileDialog.getOpenFileName(window, title, "", kinds)
        if not path:
            return
    workspace = window.workspace

    def done(result) -> None:
        layer, line = result
        panel = getattr(window, "sea_level_panel", None)
        scenario = panel is not None and panel._wanted
        # a scenario shown is computed again on the new terrain by the panel, off the UI thread
        workspace.add_terrain(layer, rescenario=not scenario)
        window.log_message(line)
        if scenario:
            panel.apply(panel._wanted)

    def failed(exc: BaseException) -> None:
        window.log_message(str(exc), error=True)

    window.log_message(QCoreApplication.translate("SeaLevelPanel", "Reading DEM {name}…").format(name=path))
    run_terrain_job(window, lambda: workspace.read_dem(path), done, failed)


def run_terrain_job(window, work, done, failed=None) -> None:
    """Changes of the terrain (DEMs merged, a project's terrain and sea level) one after the other, each in the
    background: a DEM is merged onto the terrain the one before it left, so two opened in quick succession (or
    a project's and the command line's) both count, in order. ``done(result)`` / ``failed(exc)`` run on the UI
    thread before the next job starts."""
    queue = window.__dict__.setdefault("_terrain_jobs", [])
    queue.append((work, done, failed))
    if len(queue) == 1:
        _next_terrain_job(window)


def _next_terrain_job(window) -> None:
    queue = window._terrain_jobs
    if not queue:
        return
    work, done, failed = queue[0]

    def finish(callback, value) -> None:
        try:
            if callback is not None:
                callback(value)
            elif isinstance(value, BaseException):
                window.log_message(str(value), error=True)
        finally:
            queue.pop(0)
            _next_terrain_job(window)

    window.runner.run(work, lambda result: finish(done, result), lambda exc: finish(failed, exc))
