"""Analysis ▸ Sunlight…: hours of direct sun over an area on a day (冬至 / 大寒 or any date), before and after a
plan. The panel turns its fields into a ``SunlightRequest`` and calls the workspace (the same ``Workspace.sunlight``
as ``ydtwin analyse sunlight``) in the background; the result is shown over the scene as coloured layers with a
legend in hours, summarised here and exported as GeoJSON or CSV."""

from __future__ import annotations

import datetime as dt

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QTime
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ydtwin.qt.analysis_panel import BackgroundRun

__all__ = ["SunlightPanel", "add_sunlight_action", "analysis_menu"]

#: the result layers' group and legend rows (``ydtwin.workspace.sunlight_output``), for the translation files: the
#: scene and the layers panel show them in the LayersPanel context
SCENE_NAMES = (
    QT_TRANSLATE_NOOP("LayersPanel", "Analysis"),
    QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 0–1 h"), QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 1–2 h"),
    QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 2–3 h"), QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 3–4 h"),
    QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 4–5 h"), QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 5–6 h"),
    QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 6–7 h"), QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 7–8 h"),
    QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 8–9 h"), QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 9–10 h"),
    QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 10–11 h"), QT_TRANSLATE_NOOP("LayersPanel", "Sunlight 11–12 h"),
    QT_TRANSLATE_NOOP("LayersPanel", "Loses under 1 h of sun"), QT_TRANSLATE_NOOP("LayersPanel", "Loses 1–2 h of sun"),
    QT_TRANSLATE_NOOP("LayersPanel", "Loses 2 h of sun or more"),
)

#: the side of the box taken around the view's centre when the view's corners do not all reach the ground (m)
VIEW_BOX_M = 1000.0


class SunlightPanel(BackgroundRun, QWidget):
    """Day, window, area, points and plan; Run (in the background), a summary, what the scene shows, Export."""

    def __init__(self, workspace, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.host = host
        self.result = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        self.day = QComboBox(self)
        self.day.setObjectName("sunlight-day")
        self.day.addItem(self.tr("冬至 Winter solstice"), "winter-solstice")
        self.day.addItem(self.tr("大寒 Major Cold"), "major-cold")
        self.day.addItem(self.tr("Another day"), "")
        self.date = QDateEdit(self)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        self.date.setDate(QDate.currentDate())
        row = QHBoxLayout()
        row.addWidget(self.day)
        row.addWidget(self.date)
        form.addRow(self.tr("Day"), row)

        self.start = QTimeEdit(QTime(9, 0), self)
        self.end = QTimeEdit(QTime(15, 0), self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("H:mm")
        self.basis = QComboBox(self)
        self.basis.addItem(self.tr("true solar time"), "true-solar")
        self.basis.addItem(self.tr("China Standard Time (UTC+8)"), "cst")
        self.basis.setToolTip(self.tr("The standards count sunlight in true solar time (真太阳时): 12:00 is when the "
                                      "sun crosses the meridian"))
        row = QHBoxLayout()
        row.addWidget(self.start)
        row.addWidget(QLabel("–", self))
        row.addWidget(self.end)
        row.addWidget(self.basis)
        form.addRow(self.tr("Window"), row)

        self.area = QLineEdit(self)
        self.area.setObjectName("sunlight-area")
        self.area.setPlaceholderText("lon_min,lat_min,lon_max,lat_max")
        self.area.setToolTip(self.tr("The area to analyse (WGS84), at most 10 km a side"))
        from_view = QPushButton(self.tr("From view"), self)
        from_view.setToolTip(self.tr("The ground the view shows (around its centre when it shows the sky)"))
        from_view.clicked.connect(self.area_from_view)
        row = QHBoxLayout()
        row.addWidget(self.area)
        row.addWidget(from_view)
        form.addRow(self.tr("Area"), row)

        self.spacing = _spin(self, 10.0, 0.0, 1000.0, " m", 1)
        self.spacing.setToolTip(self.tr("Ground points every so many metres (0: facades only)"))
        form.addRow(self.tr("Ground points every"), self.spacing)
        self.facades = QCheckBox(self.tr("Also on facades (every storey's window sill)"), self)
        form.addRow("", self.facades)
        self.step = _spin(self, 1.0, 0.1, 60.0, " min", 1)
        form.addRow(self.tr("Sun every"), self.step)
        self.min_hours = _spin(self, 2.0, 0.0, 24.0, " h", 1)
        self.min_hours.setToolTip(self.tr("Points with fewer hours are counted (the standards ask 2 or 3 hours)"))
        form.addRow(self.tr("Minimum"), self.min_hours)
        self.plan = QComboBox(self)
        self.plan.setObjectName("sunlight-plan")
        self.plan.setToolTip(self.tr("A buildings layer holding the planned buildings: hours without and with them"))
        form.addRow(self.tr("Plan"), self.plan)

        self.run_button = QPushButton(self.tr("Run"), self)
        self.run_button.setObjectName("sunlight-run")
        self.run_button.clicked.connect(self.run)
        self.show_what = QComboBox(self)
        self.show_what.addItem(self.tr("Hours of sun"), "sunlight-hours")
        self.show_what.addItem(self.tr("Sun lost to the plan"), "sunlight-loss")
        self.show_what.setEnabled(False)
        self.show_what.currentIndexChanged.connect(self._show_chosen)
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(lambda: self.export())
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.show_what)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self.summary = QLabel(self)
        self.summary.setObjectName("sunlight-summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addStretch(1)

        self.day.currentIndexChanged.connect(self._day_changed)
        self._day_changed()
        self.refresh_plans()
        workspace.scene.layers.events.inserted.connect(self._layers_changed)
        workspace.scene.layers.events.removed.connect(self._layers_changed)

    # ---- fields ------------------------------------------------------------------------------------------

    def _day_changed(self, *_args) -> None:
        """A reference day fixes the date (this year's) and the window the standards pair with it."""
        from ydtwin.geo.sun import DAYS, solar_term_date

        name = self.day.currentData()
        self.date.setEnabled(not name)
        if name:
            year = self.date.date().year() if self.date.date().isValid() else dt.date.today().year
            day = solar_term_date(year, name)
            self.date.setDate(QDate(day.year, day.month, day.day))
            w0, w1 = DAYS[name][3]
            self.start.setTime(QTime(w0 // 60, w0 % 60))
            self.end.setTime(QTime(w1 // 60, w1 % 60))

    def _layers_changed(self, *_args) -> None:
        try:
            self.refresh_plans()
        except RuntimeError:  # the panel's widgets are gone (the window closed)
            pass

    def refresh_plans(self) -> None:
        """The plan list: none, or any buildings layer that is not the procedural blocks or landmarks."""
        current = self.plan.currentData()
        self.plan.blockSignals(True)
        self.plan.clear()
        self.plan.addItem(self.tr("No plan"), None)
        for layer in self.workspace.scene.layers:
            if getattr(layer, "kind", "") == "buildings" and layer.provenance.nature not in ("procedural", "schematic"):
                self.plan.addItem(layer.name, layer.name)
        self.plan.setCurrentIndex(max(0, self.plan.findData(current)))
        self.plan.blockSignals(False)

    def area_from_view(self) -> bool:
        """The lon/lat box of the ground the view shows: its four corners (inset a little) when they all reach the
        ground, within 10 km; else a 1 km box around the ground at the view's centre → whether there was ground."""
        import math

        w, h = self.host.viewport_pixels()
        inset = 0.12
        corners = [self.host.world_at(int(w * fx), int(h * fy)) for fx in (inset, 1 - inset) for fy in (inset, 1 - inset)]
        centre = self.host.world_at(w // 2, h // 2)
        if all(corners):
            lons = [c[0] for c in corners]
            lats = [c[1] for c in corners]
            box = [min(lons), min(lats), max(lons), max(lats)]
        elif centre is not None:
            dlat = VIEW_BOX_M / 2 / 110_574
            dlon = VIEW_BOX_M / 2 / (111_320 * math.cos(math.radians(centre[1])))
            box = [centre[0] - dlon, centre[1] - dlat, centre[0] + dlon, centre[1] + dlat]
        else:
            self.summary.setText(self.tr("The view shows no ground: fly to the area first."))
            return False
        # at most 10 km a side, around the middle of what is shown
        mid_lon, mid_lat = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        half_lat = min(box[3] - box[1], 9_900 / 110_574) / 2
        half_lon = min(box[2] - box[0], 9_900 / (111_320 * math.cos(math.radians(mid_lat)))) / 2
        self.area.setText(f"{mid_lon - half_lon:.5f},{mid_lat - half_lat:.5f},{mid_lon + half_lon:.5f},"
                          f"{mid_lat + half_lat:.5f}")
        return True

    def request(self):
        """The fields as a SunlightRequest (a bad area is one YdtwinError line)."""
        from ydtwin.errors import YdtwinError
        from ydtwin.workspace.sunlight import SunlightRequest

        if not self.area.text().strip() and not self.area_from_view():
            raise YdtwinError(self.tr("The view shows no ground: fly to the area first."))
        try:
            area = tuple(float(v) for v in self.area.text().split(","))
        except ValueError:
            raise YdtwinError(self.tr("Area: four numbers lon_min,lat_min,lon_max,lat_max")) from None
        if len(area) != 4:
            raise YdtwinError(self.tr("Area: four numbers lon_min,lat_min,lon_max,lat_max"))
        name = self.day.currentData()
        date = f"{name}:{self.date.date().year()}" if name else self.date.date().toString("yyyy-MM-dd")
        window = f"{self.start.time().toString('H:mm')}-{self.end.time().toString('H:mm')}"
        return SunlightRequest(area=area, date=date, window=window, basis=self.basis.currentData(),
                               step_min=self.step.value(), spacing_m=self.spacing.value(),
                               facades=self.facades.isChecked(), min_hours=self.min_hours.value())

    # ---- running and showing -----------------------------------------------------------------------------

    def run(self) -> None:
        """Compute in the background through the workspace, then show the result."""
        plans = [self.plan.currentData()] if self.plan.currentData() else []
        self.failure = self.tr("Sunlight: {error}")
        self.compute_in_background(self.request, lambda request: self.workspace.sunlight(request, plans=plans),
                                   self.tr("Computing the sun's path and the shadows…"))

    def arrived(self, result) -> None:
        self.result = result
        self.workspace.show_sunlight(result)
        has_plan = result.hours_before is not None
        self.show_what.setEnabled(has_plan)
        self.show_what.setCurrentIndex(0)
        self.export_button.setEnabled(True)
        lines = result.summary()
        self.summary.setText("\n".join(lines))
        for line in lines:
            self.host.log(line)

    def _show_chosen(self, *_args) -> None:
        """Hours of sun or the sun lost to the plan: one of the two shown at a time."""
        role = self.show_what.currentData()
        for layer in self.workspace.scene.layers:
            if layer.role in ("sunlight-hours", "sunlight-loss"):
                layer.visible = layer.role == role

    def export(self, path: str | None = None) -> None:
        """Write the result as GeoJSON or CSV (a file dialog when no path is given)."""
        from ydtwin.qt.analysis_panel import export_result

        if self.result is not None:
            result = self.result
            export_result(self, self.host, lambda out: self.workspace.write_sunlight(result, out),
                          title=self.tr("Export sunlight"), default="sunlight.geojson",
                          filters=self.tr("GeoJSON (*.geojson);;CSV (*.csv)"), path=path)

    def close_panel(self) -> None:
        self.workspace.scene.layers.events.inserted.disconnect(self._layers_changed)
        self.workspace.scene.layers.events.removed.disconnect(self._layers_changed)


def _spin(parent, value: float, lo: float, hi: float, suffix: str, decimals: int) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(parent)
    spin.setRange(lo, hi)
    spin.setDecimals(decimals)
    spin.setSuffix(suffix)
    spin.setValue(value)
    return spin


def analysis_menu(window):
    """The window's Analysis menu (made before Help the first time it is asked for)."""
    from PyQt6.QtWidgets import QMenu

    bar = window.menuBar()
    for action in bar.actions():
        menu = action.menu()
        if menu is not None and menu.objectName() == "analysis-menu":
            return menu
    menu = QMenu(QCoreApplication.translate("SunlightPanel", "&Analysis"), window)
    menu.setObjectName("analysis-menu")
    help_action = next((a for a in bar.actions() if a.menu() is not None and a.menu().objectName() == "help-menu"),
                       bar.actions()[-1] if bar.actions() else None)
    bar.insertMenu(help_action, menu) if help_action is not None else bar.addMenu(menu)
    return menu


def add_sunlight_action(window) -> QAction:
    """Analysis ▸ Sunlight…: opens the panel in a right-hand dock beside Identify (made on first use)."""
    action = QAction(QCoreApplication.translate("SunlightPanel", "&Sunlight…"), window)
    action.setObjectName("sunlight-action")
    action.setToolTip(QCoreApplication.translate(
        "SunlightPanel", "Hours of direct sun on a day (冬至 / 大寒) over an area, before and after a plan"))

    def make(dock) -> SunlightPanel:
        panel = SunlightPanel(window.workspace, window.host, parent=dock)
        panel.area_from_view()
        return panel

    def open_panel() -> None:
        from ydtwin.qt.analysis_panel import show_panel_dock

        show_panel_dock(window, "sunlight", QCoreApplication.translate("SunlightPanel", "Sunlight"), make)

    action.triggered.connect(open_panel)
    analysis_menu(window).addAction(action)
    window.sunlight_action = action
    return action
