"""Analysis ▸ Scenario figures… and Analysis ▸ Height limits.

Scenario figures: building count, footprint, coverage, floor area and FAR per city, per district or per drawn area
(clicked in the view, or typed as lon/lat), for the scene as it stands or as of the plan year (it follows the
window's plan-year slider). The panel calls the workspace (the same ``Workspace.figures`` as ``ydtwin analyse
figures``) in the background and shows the table; Export CSV…, Copy, and Add to report (the review report
tabulates it).

Height limits: ``Workspace.height_check`` (as ``ydtwin analyse heights-check``) as of the plan year, in the
background; the zones are drawn with their limits and the part of each building above a limit in red, and the
findings (kind height_limit) go into the review session, listed in the Review panel and pinned in the scene."""

from __future__ import annotations

from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PyQt6.QtGui import QAction, QGuiApplication
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ydtwin.qt.analysis_panel import BackgroundRun

__all__ = ["AreaTool", "FiguresPanel", "add_figures_actions", "follow_plan_year", "run_height_check"]

#: the height-limit layers' names (``ydtwin.workspace.height_limits``), for the translation files
SCENE_NAMES = (
    QT_TRANSLATE_NOOP("LayersPanel", "Height limits"), QT_TRANSLATE_NOOP("LayersPanel", "Height limit labels"),
    QT_TRANSLATE_NOOP("LayersPanel", "Above the height limit"), QT_TRANSLATE_NOOP("LayersPanel", "FAR under 0.1"),
    QT_TRANSLATE_NOOP("LayersPanel", "FAR 0.1–0.5"), QT_TRANSLATE_NOOP("LayersPanel", "FAR 0.5–1"),
    QT_TRANSLATE_NOOP("LayersPanel", "FAR 1–2"), QT_TRANSLATE_NOOP("LayersPanel", "FAR 2 or more"),
)
#: the table's columns: (CSV column, header)
COLUMNS = (
    ("unit", QT_TRANSLATE_NOOP("FiguresPanel", "Unit")),
    ("area_km2", QT_TRANSLATE_NOOP("FiguresPanel", "Area (km²)")),
    ("buildings", QT_TRANSLATE_NOOP("FiguresPanel", "Buildings")),
    ("procedural_buildings", QT_TRANSLATE_NOOP("FiguresPanel", "of them procedural")),
    ("planned_buildings", QT_TRANSLATE_NOOP("FiguresPanel", "planned")),
    ("footprint_m2", QT_TRANSLATE_NOOP("FiguresPanel", "Footprint (m²)")),
    ("coverage_pct", QT_TRANSLATE_NOOP("FiguresPanel", "Coverage (%)")),
    ("floor_area_m2", QT_TRANSLATE_NOOP("FiguresPanel", "Floor area (m²)")),
    ("far", QT_TRANSLATE_NOOP("FiguresPanel", "FAR")),
)


class AreaTool:
    """A scene tool: each click in the view adds the ground point under it to the panel's area; Esc finishes,
    Backspace takes back the last point."""

    def __init__(self, panel: FiguresPanel) -> None:
        self.panel = panel

    def click_at(self, x: int, y: int) -> None:
        where = self.panel.host.world_at(x, y)
        if where is not None:
            self.panel.add_point(where[0], where[1])

    def hover(self, _where) -> None:
        pass

    def undo(self) -> None:
        self.panel.remove_point()

    def finish(self) -> None:
        self.panel.draw_button.setChecked(False)  # gives the view's clicks back
        self.panel.run()

    def stop(self) -> None:
        """Another tool took the view's clicks."""
        self.panel._tool = None
        self.panel.draw_button.setChecked(False)


class FiguresPanel(BackgroundRun, QWidget):
    """By city, district or drawn area; the plan year; Compute (in the background); the table; Export, Copy."""

    def __init__(self, workspace, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.host = host
        self.result = None
        self._tool: AreaTool | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.by = QComboBox(self)
        self.by.setObjectName("figures-by")
        self.by.addItem(self.tr("City"), "city")
        self.by.addItem(self.tr("District"), "district")
        self.by.addItem(self.tr("Drawn area"), "area")
        form.addRow(self.tr("By"), self.by)
        self.area = QLineEdit(self)
        self.area.setPlaceholderText(self.tr("LON,LAT LON,LAT LON,LAT …"))
        self.draw_button = QPushButton(self.tr("Draw"), self)
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip(self.tr("Click the area's corners in the view; Esc finishes, Backspace takes "
                                            "back a point"))
        row = QHBoxLayout()
        row.addWidget(self.area)
        row.addWidget(self.draw_button)
        form.addRow(self.tr("Area"), row)
        self.use_year = QCheckBox(self.tr("as of"), self)
        self.year = QSpinBox(self)
        self.year.setRange(1900, 2200)
        self.year.setValue(2035)
        row = QHBoxLayout()
        row.addWidget(self.use_year)
        row.addWidget(self.year)
        form.addRow(self.tr("Plan year"), row)
        self._plan_year(workspace.scene.plan_year)

        buttons = QHBoxLayout()
        self.run_button = QPushButton(self.tr("Compute"), self)
        self.export_button = QPushButton(self.tr("Export CSV…"), self)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.report_button = QPushButton(self.tr("Add to report"), self)
        for b in (self.run_button, self.export_button, self.copy_button, self.report_button):
            buttons.addWidget(b)
        for b in (self.export_button, self.copy_button, self.report_button):
            b.setEnabled(False)
        layout.addLayout(buttons)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("FiguresPanel", h) for _k, h in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.run_button.clicked.connect(self.run)
        self.export_button.clicked.connect(lambda: self.export())
        self.copy_button.clicked.connect(self.copy)
        self.report_button.clicked.connect(self.add_to_report)
        self.draw_button.toggled.connect(self._drawing)
        workspace.scene.events.plan_year.connect(self._plan_year)

    # ---- the fields ---------------------------------------------------------------------------------------

    def _plan_year(self, year) -> None:
        """Follow the window's plan year (a table shown is computed again for it)."""
        self.use_year.setChecked(year is not None)
        if year is not None:
            self.year.setValue(int(year))
        if self.result is not None and not self._running:
            self.run()

    def _drawing(self, on: bool) -> None:
        if on:
            self.area.clear()
            self.by.setCurrentIndex(self.by.findData("area"))
            self._tool = AreaTool(self)
            self.host.set_scene_tool(self._tool)
            self.summary.setText(self.tr("Click the area's corners in the view; Esc finishes."))
        elif self._tool is not None:
            self._tool = None
            self.host.set_scene_tool(None)

    def add_point(self, lon: float, lat: float) -> None:
        self.area.setText((self.area.text() + f" {lon:.6f},{lat:.6f}").strip())

    def remove_point(self) -> None:
        self.area.setText(" ".join(self.area.text().split()[:-1]))

    def request(self):
        """The fields as a FiguresRequest (a bad area is one YdtwinError line)."""
        from ydtwin.workspace.figures import FiguresRequest, parse_area

        by = self.by.currentData()
        areas = [parse_area(self.area.text().split())] if by == "area" else []
        return FiguresRequest(by=by, areas=areas, year=self.year.value() if self.use_year.isChecked() else None)

    # ---- running and showing -----------------------------------------------------------------------------

    def run(self) -> None:
        """Compute in the background through the workspace, then fill the table."""
        self.failure = self.tr("Scenario figures: {error}")
        self.compute_in_background(self.request, self.workspace.figures, self.tr("Counting the buildings…"))

    def arrived(self, result) -> None:
        from ydtwin.workspace.figures import CSV_COLUMNS

        self.result = result
        self.workspace.show_figures(result)  # the units filled by their floor area ratio
        rows = result.table()
        at = [CSV_COLUMNS.index(k) for k, _h in COLUMNS]
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, k in enumerate(at):
                self.table.setItem(r, c, QTableWidgetItem(row[k]))
        self.table.resizeColumnsToContents()
        for b in (self.export_button, self.copy_button, self.report_button):
            b.setEnabled(True)
        self.summary.setText("\n".join(result.method()))
        self.host.log(self.tr("Scenario figures: {n} rows").format(n=len(rows)))

    def copy(self) -> None:
        """The table (with its method) on the clipboard as CSV text."""
        from ydtwin.workspace.figures import figures_csv

        if self.result is not None:
            QGuiApplication.clipboard().setText(figures_csv(self.result))

    def add_to_report(self) -> None:
        """The review report tabulates this table (a table of the same units and year replaces its older one)."""
        if self.result is None:
            return
        r = self.result.request
        kept = [f for f in self.workspace.report_figures if (f.request.by, f.request.year) != (r.by, r.year)
                or r.by == "area"]
        self.workspace.report_figures = [*kept, self.result]
        self.host.log(self.tr("The review report will show these figures"))

    def export(self, path: str | None = None) -> None:
        """Write the table as CSV (a file dialog when no path is given)."""
        from ydtwin.qt.analysis_panel import export_result

        if self.result is not None:
            result = self.result
            export_result(self, self.host, lambda out: self.workspace.write_figures(result, out),
                          title=self.tr("Export scenario figures"), default="figures.csv",
                          filters=self.tr("CSV (*.csv)"), path=path)

    def close_panel(self) -> None:
        self.draw_button.setChecked(False)
        self.workspace.scene.events.plan_year.disconnect(self._plan_year)


def follow_plan_year(window, shown: dict) -> None:
    """Once the height check has been run (``shown["check"]`` set), moving the plan year shows the check as of
    the new year (the zones in force, the buildings built by then), a moment after the slider stops; findings
    are added only by the menu action. A result for a year already left behind is dropped."""
    from PyQt6.QtCore import QTimer

    timer = QTimer(window)
    timer.setSingleShot(True)
    timer.setInterval(300)
    workspace, host = window.workspace, window.host

    def rerun() -> None:
        if not shown.get("check"):
            return
        year = workspace.scene.plan_year

        def arrived(result) -> None:
            if workspace.scene.plan_year == year and shown.get("check"):
                workspace.show_height_check(result)
                host.log(QCoreApplication.translate("FiguresPanel", "Height limits as of {year}: {n} findings")
                         .format(year=year if year is not None else "—", n=len(result.findings)))

        def failed(exc: BaseException) -> None:
            host.log(QCoreApplication.translate("FiguresPanel", "Height limits: {error}").format(error=exc),
                     error=True)

        host.run(lambda: workspace.height_check(year=year), arrived, failed)

    def moved(_year) -> None:
        try:
            timer.start()
        except RuntimeError:  # the window is gone while the scene lives on
            pass

    timer.timeout.connect(rerun)
    workspace.scene.events.plan_year.connect(moved)
    window.destroyed.connect(lambda *_: workspace.scene.events.plan_year.disconnect(moved, missing_ok=True))


def run_height_check(workspace, host, *, done=None) -> None:
    """The height check as of the plan year, in the background: the zones and the excess shown, the findings into
    the review session, the summary in the log."""
    year = workspace.scene.plan_year

    def arrived(result) -> None:
        workspace.show_height_check(result)
        added = workspace.add_findings(result) if workspace.session is not None else 0
        for line in result.summary():
            host.log(line)
        host.log(QCoreApplication.translate("FiguresPanel", "Height limits: {n} findings, {new} new in the review")
                 .format(n=len(result.findings), new=added))
        if done is not None:
            done(result)

    def failed(exc: BaseException) -> None:
        host.log(QCoreApplication.translate("FiguresPanel", "Height limits: {error}").format(error=exc), error=True)

    host.run(lambda: workspace.height_check(year=year), arrived, failed)


def add_figures_actions(window) -> tuple[QAction, QAction]:
    """Analysis ▸ Scenario figures… (a panel beside Identify, made on first use) and Analysis ▸ Height limits."""
    from ydtwin.qt.sunlight_panel import analysis_menu

    figures = QAction(QCoreApplication.translate("FiguresPanel", "Scenario &figures…"), window)
    figures.setObjectName("figures-action")
    figures.setToolTip(QCoreApplication.translate(
        "FiguresPanel", "Buildings, footprint, coverage, floor area and FAR per city, district or drawn area"))

    def open_panel() -> None:
        from ydtwin.qt.analysis_panel import show_panel_dock

        show_panel_dock(window, "figures", QCoreApplication.translate("FiguresPanel", "Scenario figures"),
                        lambda dock: FiguresPanel(window.workspace, window.host, parent=dock))

    figures.triggered.connect(open_panel)
    heights = QAction(QCoreApplication.translate("FiguresPanel", "&Height limits"), window)
    heights.setObjectName("height-limits-action")
    heights.setToolTip(QCoreApplication.translate(
        "FiguresPanel", "Buildings above the height limits of plan zones: shown in the scene, listed as review findings"))
    shown = {"check": False}  # set once the check has been shown: the plan year is followed from then on
    heights.triggered.connect(lambda: run_height_check(window.workspace, window.host,
                                                       done=lambda _result: shown.update(check=True)))
    menu = analysis_menu(window)
    menu.addAction(figures)
    menu.addAction(heights)
    window.figures_action, window.height_limits_action = figures, heights
    follow_plan_year(window, shown)
    return figures, heights
