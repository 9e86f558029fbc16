"""Analysis ▸ Profile…: the terrain, buildings and planned corridors along a line drawn in the view or along a
planned corridor, as a chart (matplotlib in the dock: the same drawing as ``ydtwin analyse profile --out
x.png``) with the corridor's grade, exported as PNG or CSV. The profile is ``Workspace.profile``'s, computed off
the UI thread; the line it follows is shown in the scene."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ydtwin.errors import YdtwinError
from ydtwin.qt.measure_tool import ScenePointer, annotations

__all__ = ["ProfilePanel"]


class ProfilePanel(QWidget):
    """Line or corridor, sampling step, the chart and its exports."""

    def __init__(self, workspace, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.workspace = workspace
        self.host = host
        self.pointer = ScenePointer(workspace, host)
        self.points: list = []
        self.cursor = None
        self.active = False
        self.result = None
        #: the request asked for last: a result for an older one that arrives late is dropped
        self._wanted = None
        controls = QGridLayout()
        self.mode = QButtonGroup(self)
        self.line_radio = QRadioButton(self.tr("Along a line drawn in the view"), self)
        self.corridor_radio = QRadioButton(self.tr("Along a planned corridor"), self)
        self.mode.addButton(self.line_radio, 0)
        self.mode.addButton(self.corridor_radio, 1)
        self.line_radio.setChecked(True)
        self.draw_button = QPushButton(self.tr("Draw line"), self)
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip(self.tr("Click the line's points in the view; Esc finishes and draws the profile"))
        self.draw_button.toggled.connect(lambda on: self.start() if on else self.finish())
        self.corridors = QComboBox(self)
        self.corridors.setMinimumContentsLength(24)
        self.corridors.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.corridors.activated.connect(lambda _i: (self.corridor_radio.setChecked(True), self.compute()))
        self.step = QDoubleSpinBox(self)
        self.step.setRange(1.0, 10_000.0)
        self.step.setDecimals(0)
        self.step.setValue(50.0)
        self.step.setSuffix(" m")
        self.step.setToolTip(self.tr("Samples along the line at most this far apart"))
        self.compute_button = QPushButton(self.tr("Draw profile"), self)
        self.compute_button.clicked.connect(lambda: self.compute())
        self.png_button = QPushButton(self.tr("Export PNG…"), self)
        self.png_button.clicked.connect(lambda: self.export(".png"))
        self.csv_button = QPushButton(self.tr("Export CSV…"), self)
        self.csv_button.clicked.connect(lambda: self.export(".csv"))
        controls.addWidget(self.line_radio, 0, 0)
        controls.addWidget(self.draw_button, 0, 1)
        controls.addWidget(self.corridor_radio, 1, 0)
        controls.addWidget(self.corridors, 1, 1)
        controls.addWidget(QLabel(self.tr("Step"), self), 2, 0)
        controls.addWidget(self.step, 2, 1)
        controls.addWidget(self.compute_button, 3, 0, 1, 2)
        controls.addWidget(self.png_button, 4, 0)
        controls.addWidget(self.csv_button, 4, 1)
        self.summary = QPlainTextEdit(self)
        self.summary.setReadOnly(True)
        self.summary.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.summary.setMinimumHeight(36)  # the dock shares the bottom with the log: it may be short
        controls.addWidget(self.summary, 5, 0, 1, 2)
        controls.setRowStretch(5, 1)
        left = QWidget(self)
        left.setLayout(controls)
        left.setMaximumWidth(420)
        self.figure = Figure(figsize=(8, 3.2), dpi=100, facecolor="white")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(160)
        row = QHBoxLayout()
        row.addWidget(left)
        row.addWidget(self.canvas, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        self.fill_corridors()
        self._enable()

    # ---- labels ------------------------------------------------------------------------------------------

    def chart_labels(self) -> dict[str, str]:
        """The chart's words in the interface language (keys of ``ydtwin.render.profile_chart.LABELS``)."""
        return {
            "distance": self.tr("Distance along the line (km)"),
            "elevation": self.tr("Elevation (m above sea level)"),
            "grade": self.tr("Grade (%)"),
            "terrain": self.tr("Terrain"),
            "buildings": self.tr("Buildings (ground to roof)"),
            "corridor_given": self.tr("Corridor (heights from the plan)"),
            "corridor_terrain": self.tr("Corridor (no heights in the plan: on the terrain)"),
            "crossing": self.tr("Corridor crossed"),
            "sea_level": self.tr("Sea level"),
            "steepest": self.tr("steepest {grade} at {at} km"),
            "summary": self.tr("{length} km · samples every {step} m at most · terrain: {source}"),
            "vertical": self.tr("vertical scale exaggerated"),
            "declared": self.tr("declared at its border: {grade}"),
        }

    def _title(self, result) -> str:
        from ydtwin.qt.layers_panel import chinese_interface

        if not result.corridor_id:
            return self.tr("Profile along a drawn line")
        if chinese_interface():
            found = {c["id"]: c for c in self._corridors}
            zh = found.get(result.corridor_id, {}).get("title_zh")
            if zh:
                return zh
        return result.title

    def fill_corridors(self) -> None:
        """The plans' corridors shown in the scene, in the combo box (id — title)."""
        from ydtwin.qt.layers_panel import chinese_interface
        from ydtwin.workspace.measure import corridors

        self._corridors = corridors(self.workspace.scene)
        current = self.corridors.currentData()
        self.corridors.clear()
        zh = chinese_interface()
        for c in sorted(self._corridors, key=lambda c: c["id"]):
            self.corridors.addItem(f"{c['id']} — {(c['title_zh'] if zh and c['title_zh'] else c['title'])}", c["id"])
        if current is not None and self.corridors.findData(current) >= 0:
            self.corridors.setCurrentIndex(self.corridors.findData(current))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.fill_corridors()  # plugins may have changed

    # ---- drawing the line ------------------------------------------------------------------------------

    def start(self) -> None:
        """Draw a line: the view's clicks come here until Esc, which draws the profile."""
        self.points, self.cursor = [], None
        self.active = True
        self.line_radio.setChecked(True)
        self.host.set_scene_tool(self)
        if not self.draw_button.isChecked():
            self.draw_button.blockSignals(True)
            self.draw_button.setChecked(True)
            self.draw_button.blockSignals(False)
        self.host.status(self.tr("Profile: click the line's points in the view · Esc finishes"), 10_000)
        self._draw()

    def stop(self) -> None:
        """Stop taking clicks without drawing a profile (another tool took the view)."""
        self.active = False
        self.cursor = None
        self.draw_button.blockSignals(True)
        self.draw_button.setChecked(False)
        self.draw_button.blockSignals(False)
        layer = annotations(self.workspace, create=False)
        if layer is not None:
            layer.set_draft(None)

    def finish(self) -> None:
        """Esc: the line is done; its profile is drawn when it has two points."""
        if self.active:
            self.host.set_scene_tool(None)
        self.stop()
        if len(self.points) >= 2:
            self.compute()

    def click_at(self, x: int, y: int):
        point = self.pointer.point_at(x, y)
        if point is None:
            self.host.status(self.tr("Outside the terrain"), 3000)
            return None
        self.points.append(point)
        self._draw()
        return point

    def undo(self) -> None:
        if self.points:
            self.points.pop()
            self._draw()

    def hover(self, where) -> None:
        if self.active and self.points:
            self.cursor = None if where is None else self.pointer.ground_at(where[0], where[1])
            self._draw()

    def _draw(self) -> None:
        from ydtwin.model.annotations import Annotation

        layer = annotations(self.workspace, create=bool(self.points))
        if layer is None:
            return
        pts = tuple(self.points) + ((self.cursor,) if self.cursor is not None else ())
        layer.set_draft(Annotation("profile", pts) if pts else None)
        self._enable()

    # ---- the profile -----------------------------------------------------------------------------------

    def request(self) -> dict:
        """What ``Workspace.profile`` is asked for: the drawn line or the chosen corridor, and the step."""
        if self.corridor_radio.isChecked():
            return {"line": None, "corridor": self.corridors.currentData(), "step_m": float(self.step.value())}
        return {"line": [(p.lon, p.lat) for p in self.points], "corridor": None, "step_m": float(self.step.value())}

    def compute(self, request: dict | None = None) -> None:
        """The profile through the workspace, in the background; the chart follows when it arrives."""
        request = request or self.request()
        if request["corridor"] is None and len(request["line"] or []) < 2:
            self.host.status(self.tr("Draw a line of two points or more, or choose a corridor"), 5000)
            return
        self._wanted = request
        self.summary.setPlainText(self.tr("Computing the profile…"))
        self.host.run(lambda: self.workspace.profile(**request), lambda r, q=request: self._arrived(r, q),
                      self._failed)

    def _arrived(self, result, request) -> None:
        if request is not self._wanted:
            return
        self.result = result
        self.workspace.show_profile(result)
        from ydtwin.render.profile_chart import draw_profile
        from ydtwin.workspace.measure import profile_text

        draw_profile(self.figure, result, labels=self.chart_labels(), title=self._title(result))
        self.canvas.draw_idle()
        self.summary.setPlainText(profile_text(result).strip())
        self._enable()

    def _failed(self, exc: BaseException) -> None:
        self.summary.setPlainText(str(exc))
        self.host.log(f"profile: {exc}", error=True)

    def _enable(self) -> None:
        for b in (self.png_button, self.csv_button):
            b.setEnabled(self.result is not None)

    def export(self, suffix: str, path: str | None = None) -> None:
        """The profile shown as a chart (.png) or its samples (.csv), written by the workspace in the background."""
        if self.result is None:
            return
        if path is None:
            filters = self.tr("PNG image (*.png)") if suffix == ".png" else self.tr("CSV table (*.csv)")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export profile"), f"profile{suffix}", filters)
            if not path:
                return
            if not path.lower().endswith(suffix):
                path += suffix
        from ydtwin.workspace.outputs import check_output

        try:
            out = check_output(path)
        except YdtwinError as exc:
            self.host.log(str(exc), error=True)
            return
        result, labels, title = self.result, self.chart_labels(), self._title(self.result)
        self.host.run(lambda: self.workspace.write_profile(result, out, labels=labels, title=title),
                      lambda written: self.host.log(self.tr("Profile written: {0}").format(written)),
                      lambda exc: self.host.log(f"profile: {exc}", error=True))
