"""The layers panel: a tree of the scene's layers by group. It edits the model; the view follows the model.

No actor is touched here: visibility, opacity, colour-by and removal are model changes (psygnal events),
and zoom-to asks the window to move the camera to the layer's WGS84 box.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PyQt6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ydtwin.model.buildings import BuildingsLayer
from ydtwin.model.layer import LabelLayer, Layer, TerrainLayer, VectorLayer
from ydtwin.model.pointcloud import PointCloudLayer
from ydtwin.model.scene import Scene

LAYER_ROLE = Qt.ItemDataRole.UserRole
#: on a point cloud's class rows: the ASPRS class code the row shows or hides
CLASS_ROLE = Qt.ItemDataRole.UserRole + 1
OTHER_GROUP = "Other"

#: names of the bundled region's groups and layers, for the translation files (shown translated; the model
#: keeps its English names)
_NAMES = [
    QT_TRANSLATE_NOOP("LayersPanel", "Other"),
    QT_TRANSLATE_NOOP("LayersPanel", "Base region"),
    QT_TRANSLATE_NOOP("LayersPanel", "Cities"),
    QT_TRANSLATE_NOOP("LayersPanel", "Buildings"),
    QT_TRANSLATE_NOOP("LayersPanel", "Terrain"),
    QT_TRANSLATE_NOOP("LayersPanel", "Coastline and islands"),
    QT_TRANSLATE_NOOP("LayersPanel", "Lakes"),
    QT_TRANSLATE_NOOP("LayersPanel", "Rivers"),
    QT_TRANSLATE_NOOP("LayersPanel", "District boundaries"),
    QT_TRANSLATE_NOOP("LayersPanel", "City boundaries"),
    QT_TRANSLATE_NOOP("LayersPanel", "City names"),
    QT_TRANSLATE_NOOP("LayersPanel", "City blocks"),
    QT_TRANSLATE_NOOP("LayersPanel", "Landmarks"),
    QT_TRANSLATE_NOOP("LayersPanel", "procedural"),
    QT_TRANSLATE_NOOP("LayersPanel", "schematic"),
    QT_TRANSLATE_NOOP("LayersPanel", "synthetic"),
    QT_TRANSLATE_NOOP("LayersPanel", "illustrative"),
    QT_TRANSLATE_NOOP("LayersPanel", "Plans"),
    QT_TRANSLATE_NOOP("LayersPanel", "Plugins"),
    QT_TRANSLATE_NOOP("LayersPanel", "Review"),
    QT_TRANSLATE_NOOP("LayersPanel", "Findings"),
    QT_TRANSLATE_NOOP("LayersPanel", "planned"),
    QT_TRANSLATE_NOOP("LayersPanel", "under construction"),
    QT_TRANSLATE_NOOP("LayersPanel", "built"),
    # a basemap's groups, layers and classes (ydtwin.io.basemap: legend rows are the classes)
    QT_TRANSLATE_NOOP("LayersPanel", "Basemap (OpenStreetMap)"),
    QT_TRANSLATE_NOOP("LayersPanel", "Land use"),
    QT_TRANSLATE_NOOP("LayersPanel", "Water areas"),
    QT_TRANSLATE_NOOP("LayersPanel", "Rivers and canals (lines)"),
    QT_TRANSLATE_NOOP("LayersPanel", "Tunnels"),
    QT_TRANSLATE_NOOP("LayersPanel", "Power lines"),
    QT_TRANSLATE_NOOP("LayersPanel", "Railways"),
    QT_TRANSLATE_NOOP("LayersPanel", "Roads"),
    QT_TRANSLATE_NOOP("LayersPanel", "motorway"),
    QT_TRANSLATE_NOOP("LayersPanel", "trunk road"),
    QT_TRANSLATE_NOOP("LayersPanel", "primary road"),
    QT_TRANSLATE_NOOP("LayersPanel", "secondary road"),
    QT_TRANSLATE_NOOP("LayersPanel", "tertiary road"),
    QT_TRANSLATE_NOOP("LayersPanel", "railway"),
    QT_TRANSLATE_NOOP("LayersPanel", "high-speed railway"),
    QT_TRANSLATE_NOOP("LayersPanel", "metro"),
    QT_TRANSLATE_NOOP("LayersPanel", "light rail"),
    QT_TRANSLATE_NOOP("LayersPanel", "tram"),
    QT_TRANSLATE_NOOP("LayersPanel", "power line"),
    QT_TRANSLATE_NOOP("LayersPanel", "minor power line"),
    QT_TRANSLATE_NOOP("LayersPanel", "river"),
    QT_TRANSLATE_NOOP("LayersPanel", "canal"),
    QT_TRANSLATE_NOOP("LayersPanel", "residential"),
    QT_TRANSLATE_NOOP("LayersPanel", "commercial"),
    QT_TRANSLATE_NOOP("LayersPanel", "industrial"),
    QT_TRANSLATE_NOOP("LayersPanel", "construction"),
    QT_TRANSLATE_NOOP("LayersPanel", "agriculture"),
    QT_TRANSLATE_NOOP("LayersPanel", "green"),
    # the attribution line of the view (ydtwin.render.scene_view.SceneView.attribution)
    QT_TRANSLATE_NOOP("LayersPanel", "terrain ×{factor} vertical"),
    QT_TRANSLATE_NOOP("LayersPanel", "sea floor: {nature} (not measured)"),
    QT_TRANSLATE_NOOP("LayersPanel", "Data: {sources}"),
    QT_TRANSLATE_NOOP("LayersPanel", "{count} plan layers: {nature}"),
    QT_TRANSLATE_NOOP("LayersPanel", "plugins {names}"),
    # point clouds: their group, the ASPRS classes and the other colourings (ydtwin.render.points: legend rows)
    QT_TRANSLATE_NOOP("LayersPanel", "Point clouds"),
    QT_TRANSLATE_NOOP("LayersPanel", "never classified"),
    QT_TRANSLATE_NOOP("LayersPanel", "unclassified"),
    QT_TRANSLATE_NOOP("LayersPanel", "ground"),
    QT_TRANSLATE_NOOP("LayersPanel", "low vegetation"),
    QT_TRANSLATE_NOOP("LayersPanel", "medium vegetation"),
    QT_TRANSLATE_NOOP("LayersPanel", "high vegetation"),
    QT_TRANSLATE_NOOP("LayersPanel", "building"),
    QT_TRANSLATE_NOOP("LayersPanel", "low noise"),
    QT_TRANSLATE_NOOP("LayersPanel", "model key point"),
    QT_TRANSLATE_NOOP("LayersPanel", "water"),
    QT_TRANSLATE_NOOP("LayersPanel", "rail"),
    QT_TRANSLATE_NOOP("LayersPanel", "road surface"),
    QT_TRANSLATE_NOOP("LayersPanel", "overlap"),
    QT_TRANSLATE_NOOP("LayersPanel", "wire guard"),
    QT_TRANSLATE_NOOP("LayersPanel", "wire conductor"),
    QT_TRANSLATE_NOOP("LayersPanel", "transmission tower"),
    QT_TRANSLATE_NOOP("LayersPanel", "wire connector"),
    QT_TRANSLATE_NOOP("LayersPanel", "bridge deck"),
    QT_TRANSLATE_NOOP("LayersPanel", "high noise"),
    QT_TRANSLATE_NOOP("LayersPanel", "return {0}"),
    QT_TRANSLATE_NOOP("LayersPanel", "elevation (m)"),
    QT_TRANSLATE_NOOP("LayersPanel", "intensity"),
]


def _t(text: str) -> str:
    return QCoreApplication.translate("LayersPanel", text)


def chinese_interface() -> bool:
    """Whether the interface speaks Chinese (ydtwin's Chinese translations are installed)."""
    return _t("Base region") != "Base region"


def display_name(layer: Layer) -> str:
    """The layer's name in the interface language, with its nature when it is not real data."""
    raw = layer.provenance.label()
    name = _t(layer.name)
    if name == layer.name and getattr(layer, "name_zh", "") and chinese_interface():
        name = layer.name_zh  # a plugin's own Chinese name
    tag = _t(raw) if raw else ""
    if not tag or tag in name or raw in name:
        return name  # the name says it already ("… (theme, illustrative)")
    return f"{name} ({tag})"


def layer_bounds_wgs84(layer: Layer) -> tuple[float, float, float, float] | None:
    """lon_min, lat_min, lon_max, lat_max of a layer's data, or None when it has none."""
    from ydtwin.geo.projection import to_wgs84

    if isinstance(layer, BuildingsLayer):
        if not len(layer.data):
            return None
        b = layer.data.bounds()
        x0, y0, x1, y1 = np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
        crs = layer.data.crs
    elif isinstance(layer, VectorLayer):
        import shapely

        if not len(layer.data):
            return None
        x0, y0, x1, y1 = shapely.total_bounds(layer.data.geometries)
        crs = layer.data.crs
    elif isinstance(layer, LabelLayer):
        if not len(layer.data):
            return None
        x0, x1 = float(np.min(layer.data.x)), float(np.max(layer.data.x))
        y0, y1 = float(np.min(layer.data.y)), float(np.max(layer.data.y))
        crs = layer.data.crs
    elif isinstance(layer, PointCloudLayer):
        if not len(layer.data):
            return None
        x0, y0 = layer.data.xyz[:, :2].min(axis=0)
        x1, y1 = layer.data.xyz[:, :2].max(axis=0)
        crs = layer.data.crs
    elif isinstance(layer, TerrainLayer):
        lon, lat = layer.elevation.axes()
        return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())
    else:
        return None
    lon, lat = to_wgs84(np.array([x0, x1, x0, x1]), np.array([y0, y0, y1, y1]), crs)
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


class LayersPanel(QWidget):
    """Groups → layers with a visibility check box; opacity, colour-by, zoom-to and remove for the selection."""

    def __init__(self, scene: Scene, *, zoom_to: Callable[[Layer], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.zoom_to = zoom_to
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity.setRange(0, 100)
        self.color_by = QComboBox(self)
        self.zoom_button = QPushButton(self.tr("Zoom to"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        form = QFormLayout()
        form.addRow(self.tr("Opacity"), self.opacity)
        form.addRow(self.tr("Colour by"), self.color_by)
        buttons = QHBoxLayout()
        buttons.addWidget(self.zoom_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self._items: dict[int, QTreeWidgetItem] = {}
        self._slots: list = []
        self._updating = False
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.opacity.valueChanged.connect(self._opacity_changed)
        self.color_by.currentIndexChanged.connect(self._color_by_changed)
        self.zoom_button.clicked.connect(self._zoom)
        self.remove_button.clicked.connect(self._remove)
        scene.layers.events.inserted.connect(self._rebuild)
        scene.layers.events.removed.connect(self._rebuild)
        self._rebuild()

    # --- model → panel --------------------------------------------------------------------------------

    def _disconnect_layers(self) -> None:
        for signal, slot in self._slots:
            signal.disconnect(slot)
        self._slots = []

    def _rebuild(self, *_args) -> None:
        current = self.current_layer()
        self._updating = True
        self._disconnect_layers()
        self.tree.clear()
        self._items = {}
        groups: dict[str, QTreeWidgetItem] = {}
        # topmost drawn first in the list: the last added layer is on top
        for layer in reversed(list(self.scene.layers)):
            name = layer.group or OTHER_GROUP
            group = groups.get(name)
            if group is None:
                group = QTreeWidgetItem(self.tree, [_t(name)])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.setExpanded(True)
                groups[name] = group
            item = QTreeWidgetItem(group, [display_name(layer)])
            item.setData(0, LAYER_ROLE, layer.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            prov = layer.provenance
            tip = f"{prov.source}\nlicence: {prov.licence}\nnature: {prov.nature}\nCRS: {_short_crs(layer)}"
            item.setToolTip(0, tip)
            self._items[layer.id] = item
            if isinstance(layer, PointCloudLayer):
                self._add_class_rows(item, layer)
                slot_c = lambda _v, it=item, ly=layer: self._sync_class_rows(it, ly)  # noqa: E731
                layer.events.data.connect(slot_c)
                self._slots.append((layer.events.data, slot_c))
            slot_v = lambda on, it=item: self._set_check(it, on)  # noqa: E731
            slot_o = lambda _v, lid=layer.id: self._refresh_controls(lid)  # noqa: E731
            layer.events.visible.connect(slot_v)
            layer.events.opacity.connect(slot_o)
            layer.events.style.connect(slot_o)
            self._slots += [(layer.events.visible, slot_v), (layer.events.opacity, slot_o), (layer.events.style, slot_o)]
        self.tree.expandAll()
        self._updating = False
        if current is not None and current.id in self._items:
            self.tree.setCurrentItem(self._items[current.id])
        self._selection_changed()

    def _add_class_rows(self, item: QTreeWidgetItem, layer: PointCloudLayer) -> None:
        """A check box per ASPRS class present in a point cloud (name, points): unchecked hides the class."""
        for code, name, count in layer.classes_present():
            row = QTreeWidgetItem(item, [f"{code} {_t(name)} ({count:,})"])
            row.setData(0, LAYER_ROLE, layer.id)
            row.setData(0, CLASS_ROLE, code)
            row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            hidden = code in layer.hidden_classes
            row.setCheckState(0, Qt.CheckState.Unchecked if hidden else Qt.CheckState.Checked)

    def _sync_class_rows(self, item: QTreeWidgetItem, layer: PointCloudLayer) -> None:
        """Classes shown or hidden elsewhere (the workspace, a script): the rows follow."""
        self._updating = True
        for k in range(item.childCount()):
            row = item.child(k)
            hidden = int(row.data(0, CLASS_ROLE)) in layer.hidden_classes
            row.setCheckState(0, Qt.CheckState.Unchecked if hidden else Qt.CheckState.Checked)
        self._updating = False

    def _set_check(self, item: QTreeWidgetItem, on: bool) -> None:
        self._updating = True
        item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self._updating = False

    def _refresh_controls(self, layer_id: int) -> None:
        layer = self.current_layer()
        if layer is not None and layer.id == layer_id:
            self._selection_changed()

    def _selection_changed(self) -> None:
        layer = self.current_layer()
        self._updating = True
        enabled = layer is not None
        for widget in (self.opacity, self.zoom_button, self.remove_button):
            widget.setEnabled(enabled)
        self.color_by.clear()
        if layer is not None:
            self.opacity.setValue(round(layer.opacity * 100))
        if isinstance(layer, BuildingsLayer | PointCloudLayer):
            if isinstance(layer, BuildingsLayer):
                self.color_by.addItem(self.tr("(single colour)"), "")
            for name in layer.colorable():
                self.color_by.addItem(name, name)
            self.color_by.setCurrentIndex(max(self.color_by.findData(layer.color_by), 0))
            self.color_by.setEnabled(True)
        else:
            self.color_by.setEnabled(False)
        self._updating = False

    # --- panel → model --------------------------------------------------------------------------------

    def current_layer(self) -> Layer | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return self._layer_by_id(item.data(0, LAYER_ROLE))

    def _layer_by_id(self, layer_id) -> Layer | None:
        if layer_id is None:
            return None
        return next((layer for layer in self.scene.layers if layer.id == layer_id), None)

    def select(self, layer: Layer) -> None:
        self.tree.setCurrentItem(self._items[layer.id])

    def _item_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        if self._updating:
            return
        layer = self._layer_by_id(item.data(0, LAYER_ROLE))
        code = item.data(0, CLASS_ROLE)
        if isinstance(layer, PointCloudLayer) and code is not None:  # a class row of a point cloud
            layer.set_class_visible(int(code), item.checkState(0) == Qt.CheckState.Checked)
        elif layer is not None:
            layer.visible = item.checkState(0) == Qt.CheckState.Checked

    def _opacity_changed(self, value: int) -> None:
        layer = self.current_layer()
        if layer is not None and not self._updating:
            layer.opacity = value / 100

    def _color_by_changed(self, _index: int) -> None:
        layer = self.current_layer()
        if isinstance(layer, BuildingsLayer | PointCloudLayer) and not self._updating:
            layer.color_by = self.color_by.currentData() or ""

    def _zoom(self) -> None:
        layer = self.current_layer()
        if layer is not None and self.zoom_to is not None:
            self.zoom_to(layer)

    def _remove(self) -> None:
        layer = self.current_layer()
        if layer is not None:
            self.scene.layers.remove(layer)

    def close_panel(self) -> None:
        self._disconnect_layers()
        self.scene.layers.events.inserted.disconnect(self._rebuild)
        self.scene.layers.events.removed.disconnect(self._rebuild)


def _short_crs(layer: Layer) -> str:
    try:
        crs = layer.crs
    except NotImplementedError:
        return "?"
    return crs if len(crs) < 60 else "WKT (" + crs.split('"')[1] + ")" if '"' in crs else crs[:60]
