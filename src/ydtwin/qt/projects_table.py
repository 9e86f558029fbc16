"""The Review panel's Projects tab: every city's planned projects, their theme, kind, status in the plan year
and phase; double-click flies to one."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ALL", "ProjectsTable", "narrow"]

#: a filter's "everything" entry
ALL = "*"


def narrow(combo: QComboBox) -> None:
    """A combo box that does not widen its panel to its longest entry."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)


class ProjectsTable(QWidget):
    """Every planned project on the scene, filtered by city, theme, status (at the plan year) and phase."""

    def __init__(self, scene, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.host = host
        self.city = QComboBox(self)
        self.theme = QComboBox(self)
        self.status = QComboBox(self)
        self.opens_by = QComboBox(self)
        self._all = {self.city: self.tr("all cities"), self.theme: self.tr("all themes"),
                     self.status: self.tr("all statuses"), self.opens_by: self.tr("any opening year")}
        for combo in (self.city, self.theme, self.status, self.opens_by):
            combo.addItem(self._all[combo], ALL)
            combo.setToolTip(self._all[combo])
        for status in ("planned", "under_construction", "built"):
            self.status.addItem(self.tr(status.replace("_", " ")), status)
        for year in range(2015, 2041, 5):
            self.opens_by.addItem(self.tr("opens by {0}").format(year), year)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([self.tr("Project"), self.tr("City"), self.tr("Theme"),
                                              self.tr("Kind"), self.tr("Status"), self.tr("Phase")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.cellDoubleClicked.connect(self._fly)
        row = QGridLayout()
        for i, combo in enumerate((self.city, self.theme, self.status, self.opens_by)):
            combo.currentIndexChanged.connect(self.refresh)
            narrow(combo)
            row.addWidget(combo, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self._rows: list[tuple] = []
        scene.layers.events.inserted.connect(self._layer_changed)
        scene.layers.events.removed.connect(self._layer_changed)
        scene.events.plan_year.connect(lambda *_: self.refresh())
        self.fill()

    def _layer_changed(self, _index: int, layer) -> None:
        """Plans added or removed: refill (another layer, e.g. a large building file, changes nothing here)."""
        from ydtwin.model.plans import PlansLayer

        if isinstance(layer, PlansLayer):
            self.fill()

    def _layers(self):
        from ydtwin.model.plans import PlansLayer

        return [layer for layer in self.scene.layers if isinstance(layer, PlansLayer)]

    def fill(self) -> None:
        cities = sorted({layer.city for layer in self._layers() if layer.city})
        themes = sorted({str(t) for layer in self._layers() for t in layer.data.attributes["theme"]})
        for combo, values in ((self.city, cities), (self.theme, themes)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self._all[combo], ALL)
            for v in values:
                combo.addItem(v, v)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        year = self.scene.plan_year
        city, theme, status, by = (c.currentData() for c in (self.city, self.theme, self.status, self.opens_by))
        rows = []
        for layer in self._layers():
            a = layer.data.attributes
            statuses = layer.status_at(year)
            for i in range(len(layer.data)):
                if city not in (None, ALL) and layer.city != city:
                    continue
                if theme not in (None, ALL) and str(a["theme"][i]) != theme:
                    continue
                if status not in (None, ALL) and statuses[i] != status:
                    continue
                if by not in (None, ALL) and int(a["end"][i]) > by:
                    continue
                rows.append((layer, i, str(statuses[i])))
        self._rows = rows
        self.table.setRowCount(len(rows))
        for r, (layer, i, st) in enumerate(rows):
            a = layer.data.attributes
            style = layer.themes.get(str(a["theme"][i]))
            values = (str(a["title"][i]), layer.city or layer.plugin, style.title if style else str(a["theme"][i]),
                      str(a["kind"][i]), self.tr(st.replace("_", " ")), f"{a['start'][i]}–{a['end'][i]}")
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))
        self.table.resizeColumnsToContents()

    def _fly(self, row: int, _col: int = 0) -> None:
        layer, i, _st = self._rows[row]
        x0, y0, x1, y1 = layer.data.geometries[i].bounds
        pad = max(x1 - x0, y1 - y0) * 0.3 + 0.01
        self.host.set_view(f"{x0 - pad},{y0 - pad},{x1 + pad},{y1 + pad}")
