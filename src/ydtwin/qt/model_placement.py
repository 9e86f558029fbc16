"""The placement dialog of a 3D model: where its origin stands (lon, lat; a click in the view; a handle to drag),
its height above the ground or the sea, its heading (a second handle to drag round it) and scale — each change
moves the model in the view at once (the
workspace's ``place_model``: what it hides of the buildings follows it). OK keeps it there; Cancel puts it back
where it was (or takes away a model just opened). A place the model cannot stand (outside the region, too
wide) is one line in the dialog, and the model stays where it last stood."""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ModelPlacementDialog"]


class _PickTool:
    """A scene tool: a click in the view stands the model's origin on the ground point under it."""

    def __init__(self, dialog: ModelPlacementDialog) -> None:
        self.dialog = dialog

    def click_at(self, x: int, y: int) -> None:
        where = self.dialog.host.world_at(x, y)
        if where is not None:
            self.dialog.set_position(where[0], where[1])

    def hover(self, _where) -> None:
        pass

    def undo(self) -> None:
        pass

    def finish(self) -> None:
        self.dialog.pick_button.setChecked(False)

    def stop(self) -> None:
        self.dialog.pick_button.setChecked(False)


class ModelPlacementDialog(QDialog):
    def __init__(self, workspace, host, layer, *, created: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.host = host
        self.layer = layer
        self.created = created
        self.original = layer.anchor
        self.setWindowTitle(self.tr("Place {0}").format(layer.name))
        self.setModal(False)
        a = layer.anchor
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        def spin(lo: float, hi: float, value: float, decimals: int, step: float, suffix: str = "") -> QDoubleSpinBox:
            box = QDoubleSpinBox(self)
            box.setRange(lo, hi)
            box.setDecimals(decimals)
            box.setSingleStep(step)
            box.setValue(value)
            box.setSuffix(suffix)
            box.setKeyboardTracking(False)
            box.valueChanged.connect(self._changed)
            return box

        # a step of 0.00001° is about a metre
        self.lon = spin(-180.0, 180.0, a.lon, 7, 0.00001, " °E")
        self.lat = spin(-90.0, 90.0, a.lat, 7, 0.00001, " °N")
        self.height = spin(-500.0, 9000.0, a.height, 2, 1.0, " m")
        self.height_ref = QComboBox(self)
        self.height_ref.addItem(self.tr("above the ground"), "ground")
        self.height_ref.addItem(self.tr("above sea level"), "absolute")
        self.height_ref.setCurrentIndex(0 if a.height_ref == "ground" else 1)
        self.height_ref.currentIndexChanged.connect(self._changed)
        self.heading = spin(-360.0, 360.0, a.heading, 1, 1.0, " °")
        self.heading.setToolTip(self.tr("Clockwise from true north, about the model's origin"))
        self.scale = spin(0.000001, 1_000_000.0, a.scale, 6, 0.1)
        self.scale.setToolTip(self.tr("0.001 for a model drawn in millimetres, 0.01 in centimetres"))
        self.pick_button = QPushButton(self.tr("Click in the view to move it"), self)
        self.pick_button.setCheckable(True)
        self.pick_button.toggled.connect(self._pick)
        form.addRow(self.tr("Longitude"), self.lon)
        form.addRow(self.tr("Latitude"), self.lat)
        form.addRow(self.tr("Height"), self.height)
        form.addRow("", self.height_ref)
        form.addRow(self.tr("Heading"), self.heading)
        form.addRow(self.tr("Scale"), self.scale)
        form.addRow("", self.pick_button)
        self.handles_box = QCheckBox(self.tr("Handles in the view (drag: white moves, orange turns)"), self)
        self.handles_box.toggled.connect(self._show_handles)
        form.addRow("", self.handles_box)
        self._handles: list = []
        self.follow = QCheckBox(self.tr("Keep the model in view"), self)
        self.follow.setChecked(False)
        form.addRow("", self.follow)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # typing or spinning through values moves the model once the user pauses
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.apply)

    def anchor_text(self) -> str:
        parts = [f"{self.lon.value():.7f}", f"{self.lat.value():.7f}", f"{self.height.value():g}",
                 f"height={self.height_ref.currentData()}", f"heading={self.heading.value():g}",
                 f"scale={self.scale.value():g}"]
        return ",".join(parts)

    def set_position(self, lon: float, lat: float) -> None:
        for box, value in ((self.lon, lon), (self.lat, lat)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self.apply()

    def _changed(self, *_args) -> None:
        self._timer.start()

    def apply(self) -> bool:
        """Stand the model at the dialog's values now → whether it could."""
        from ydtwin.errors import YdtwinError
        from ydtwin.model.models import parse_anchor

        self._timer.stop()
        try:
            anchor, _up = parse_anchor(self.anchor_text())
            line = self.workspace.place_model(self.layer, anchor)
        except (YdtwinError, ValueError) as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet("color: #c0392b")
            return False
        self.message.setText(line)
        self.message.setStyleSheet("")
        if self.follow.isChecked():
            self.host.set_view(self.layer.name)
        if self._handles:  # where the model now stands
            for handle, point in zip(self._handles, self.handle_points(), strict=True):
                handle.SetCenter(*point)
        return True

    # --- handles: a sphere on the origin (drag to move), one on a circle round it (drag to turn) ----------

    def _reach(self) -> float:
        """Metres from the origin to the heading handle: about the model's size."""
        import numpy as np

        lo, hi = self.layer.data.bounds()
        return float(max(20.0, 0.75 * np.hypot(*(hi[:2] - lo[:2])) * self.layer.anchor.scale))

    def handle_points(self) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """Scene points of the move handle (the origin on the ground) and the heading handle."""
        from ydtwin.model.models import local_to_lonlat

        a = self.layer.anchor
        origin = self.host.ground_point(a.lon, a.lat)
        import math

        import numpy as np

        h = math.radians(a.heading)
        lon, lat = local_to_lonlat(a, np.array([[self._reach() * math.sin(h), self._reach() * math.cos(h)]]))
        turn = self.host.ground_point(float(lon[0]), float(lat[0]))
        return origin, turn

    def _show_handles(self, on: bool) -> None:
        for handle in self._handles:
            self.host.remove_handle(handle)
        self._handles = []
        if not on:
            return
        origin, turn = self.handle_points()
        radius = max(5.0, self._reach() / 4)
        self._handles = [self.host.add_handle(origin, radius, "white", self.moved_to),
                         self.host.add_handle(turn, radius, "orange", self.turned_to)]

    def moved_to(self, xyz) -> None:
        """The move handle was dropped at scene point ``xyz``: the origin stands there."""
        lon, lat = self.host.lonlat_of(xyz[0], xyz[1])
        self.set_position(lon, lat)

    def turned_to(self, xyz) -> None:
        """The heading handle was dropped at ``xyz``: the model faces it (its +Y towards it)."""
        from ydtwin.geo.geodesic import geod

        lon, lat = self.host.lonlat_of(xyz[0], xyz[1])
        a = self.layer.anchor
        azimuth = float(geod().inv(a.lon, a.lat, lon, lat)[0])
        self.heading.blockSignals(True)
        self.heading.setValue(round(azimuth, 1))
        self.heading.blockSignals(False)
        self.apply()

    def _pick(self, on: bool) -> None:
        self.host.set_scene_tool(_PickTool(self) if on else None)

    def accept(self) -> None:
        if self._timer.isActive() and not self.apply():
            return
        self.handles_box.setChecked(False)
        self.pick_button.setChecked(False)  # the view's clicks back
        self.host.log(f"{self.layer.name} stands at {self.layer.anchor_text()}")
        super().accept()

    def reject(self) -> None:
        self._timer.stop()
        self.handles_box.setChecked(False)
        self.pick_button.setChecked(False)
        if self.created:
            self.workspace.remove_layer(self.layer)
            self.host.log(f"{self.layer.name}: not placed, taken away")
        elif self.layer.anchor != self.original:
            self.workspace.place_model(self.layer, self.original)
        super().reject()
