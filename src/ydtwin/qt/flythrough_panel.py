"""The Flythrough panel: keyframes (from the view, bookmarks, findings or presets), a timeline to scrub and
play in the viewport, flight paths saved as JSON, and the video export with progress, ETA and Cancel.

It gets the workspace (scene, review session, corridors, tour findings) and the window's services (``Host``),
never the window. Videos render with their own offscreen view (``ExporterHost``), one frame at a time on the
UI thread, so the window answers between frames and Cancel takes effect at the next one.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ydtwin.flythrough.path import (
    EASES,
    PATH_FORMAT,
    FlightPath,
    Keyframe,
    PathError,
    Sampler,
    Tracks,
    apply_tracks,
)
from ydtwin.qt.export_ui import VIDEO_SIZES, ExporterHost

__all__ = ["FlythroughPanel"]


class FlythroughPanel(QWidget):
    """The path editor: keyframes (from the view, bookmarks, findings or presets), a timeline to scrub and
    play in the viewport, paths saved as JSON, and the video export."""

    COLUMNS = ("name", "seconds", "hold", "ease", "plan_year", "caption")

    def __init__(self, workspace, host, parent=None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.host = host
        #: the path being edited (while it has no keyframe yet, an unvalidated empty one)
        self.path = FlightPath.model_construct(keyframes=[], tracks=Tracks(), fps=30, size=[1920, 1080], title="",
                                               closed=False, format=PATH_FORMAT)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr("Keyframe"), self.tr("Seconds"), self.tr("Hold"), self.tr("Ease"),
                                              self.tr("Plan year"), self.tr("Caption")])
        self.table.setToolTip(self.tr("Double-click a row to go there. Plan year: the plans as of that year from this "
                                      "keyframe on. Caption: shown until the next keyframe."))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(self._item_changed)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.go_to_key(row))
        grid = QGridLayout()
        buttons = [
            (self.tr("Add view"), self.add_current_view, self.tr("Add the viewport's current view as a keyframe")),
            (self.tr("Bookmarks"), self.add_bookmarks, self.tr("Add every saved viewpoint")),
            (self.tr("Review tour"), self.review_tour, self.tr("One stop per open finding, with its caption")),
            (self.tr("Orbit"), self.orbit_here, self.tr("A full turn around the point the view looks at")),
            (self.tr("City tour"), self.city_tour, self.tr("From city to city across the region")),
            (self.tr("Corridor"), self.corridor_flight, self.tr("Along a planned road, railway, pipe or green corridor")),
            (self.tr("Layers here"), self.record_layers,
             self.tr("From the selected keyframe on, show and hide the layers as they are now")),
            (self.tr("Remove"), self.remove_selected, ""),
            (self.tr("Up"), lambda: self.move_selected(-1), ""),
            (self.tr("Down"), lambda: self.move_selected(1), ""),
            (self.tr("Open…"), self.open_dialog, self.tr("Open a flight path (JSON)")),
            (self.tr("Save…"), self.save_dialog, self.tr("Save the flight path (JSON)")),
        ]
        self.buttons = {}
        for k, (text, fn, tip) in enumerate(buttons):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(lambda _=False, f=fn: f())
            grid.addWidget(b, k // 4, k % 4)
            self.buttons[text] = b
        self.closed_check = QCheckBox(self.tr("Loop back to the first keyframe"))
        self.closed_check.toggled.connect(self._closed_changed)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.valueChanged.connect(self.scrub)
        self.time_label = QLabel("0.0 s")
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._play)
        timeline = QHBoxLayout()
        timeline.addWidget(self.play_button)
        timeline.addWidget(self.slider, 1)
        timeline.addWidget(self.time_label)
        self.caption_label = QLabel()
        self.caption_label.setWordWrap(True)
        self.export_button = QPushButton(self.tr("Export video…"))
        self.export_button.clicked.connect(lambda: self.export_dialog())
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.closed_check)
        layout.addLayout(timeline)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.export_button)
        self._play_timer = QTimer(self)
        self._play_timer.timeout.connect(self._play_step)
        self._sampler: Sampler | None = None
        #: (plan year, layer visibility) before the preview changed them (None: not previewing)
        self._base: tuple | None = None
        self._refresh()

    # --- keyframes --------------------------------------------------------------------------------------

    def _key_from_view(self, name: str = "") -> Keyframe:
        vp = self.host.viewpoint(name)
        return Keyframe(name=name or self.tr("View {0}").format(len(self.path.keyframes) + 1),
                        eye=list(vp.eye), target=list(vp.target), view_angle=vp.view_angle)

    def set_path(self, path: FlightPath) -> None:
        self.path = path
        self._base = None
        self._refresh()

    def _keys(self) -> list[Keyframe]:
        return list(self.path.keyframes)

    def _rebuild(self, keys: list[Keyframe], **changes) -> None:
        data = self.path.model_dump()
        data["keyframes"] = [k.model_dump() for k in keys]
        data.update(changes)
        if keys:
            self.path = FlightPath.model_validate(data)
        else:
            self.path = FlightPath.model_construct(**{**data, "keyframes": []})
        self._refresh()

    def add_current_view(self) -> None:
        self._rebuild([*self._keys(), self._key_from_view()])

    def add_bookmarks(self) -> None:
        keys = self._keys()
        for vp in self.workspace.bookmarks:
            keys.append(Keyframe(name=vp.name, eye=list(vp.eye), target=list(vp.target), view_angle=vp.view_angle,
                                 hold=1.0))
        if len(keys) == len(self._keys()):
            self.host.status(self.tr("No bookmarks yet: View ▸ Bookmarks ▸ Add"), 6000)
            return
        self._rebuild(keys)

    def review_tour(self) -> None:
        """One stop per open finding of the review session (the workspace's tour findings)."""
        from ydtwin.flythrough.presets import review

        findings = self.workspace.session_tour_findings()
        if not findings:
            self.host.status(self.tr("No open findings: run the checks in the Review panel"), 6000)
            return
        self.set_path(review(self.workspace.scene.projection, findings, size=tuple(self.path.size),
                             fps=self.path.fps))

    def orbit_here(self) -> None:
        from ydtwin.flythrough.presets import orbit

        vp = self.host.viewpoint()
        eye = np.array(self.host.scene_xyz(vp.eye))
        target = np.array(self.host.scene_xyz(vp.target))
        radius = max(float(np.hypot(*(eye - target)[:2])), 500.0)
        pitch = math.degrees(math.atan2(eye[2] - target[2], radius))
        self.set_path(orbit(self.workspace.scene.projection, vp.target[0], vp.target[1], seconds=20.0, radius_m=radius,
                            pitch_deg=max(5.0, min(pitch, 80.0)), size=tuple(self.path.size), fps=self.path.fps))

    def city_tour(self) -> None:
        from ydtwin.flythrough.presets import tour

        stops = [self.workspace.place(c.name) for c in self.workspace.scene.region.cities]  # as `ydtwin path preset tour`
        self.set_path(tour(self.workspace.scene.projection, stops, size=tuple(self.path.size), fps=self.path.fps))

    def corridor_flight(self, project: str | None = None) -> bool:
        """Fly along a planned linear project (chosen from the plans in the scene)."""
        from PyQt6.QtWidgets import QInputDialog

        from ydtwin.errors import YdtwinError

        lines = self.workspace.corridor_lines()
        if not lines:
            self.host.status(self.tr("No linear planned projects in the scene"), 6000)
            return False
        if project is None:
            labels = [f"{title} ({pid})" for pid, title, _c in lines]
            label, ok = QInputDialog.getItem(self, self.tr("Corridor flight"), self.tr("Fly along"), labels, 0, False)
            if not ok:
                return False
            project = lines[labels.index(label)][0]
        try:
            path = self.workspace.corridor_path(project, size=tuple(self.path.size), fps=self.path.fps)
        except YdtwinError as exc:
            self.host.log(str(exc), error=True)
            return False
        self.set_path(path)
        return True

    def record_layers(self) -> bool:
        """The selected keyframe shows and hides the layers as the Layers panel has them now."""
        rows = self._selected_rows()
        if len(rows) != 1:
            self.host.status(self.tr("Select one keyframe first"), 5000)
            return False
        keys = self._keys()
        self._base = None  # the layers as the planner set them now are the new starting point
        state = {layer.name: bool(layer.visible) for layer in self.workspace.scene.layers}
        keys[rows[0]] = keys[rows[0]].model_copy(update={"layers": state})
        self._rebuild(keys)
        self.table.selectRow(rows[0])
        hidden = sum(not on for on in state.values())
        self.host.status(
            self.tr("From keyframe {0} on: {1} layers shown, {2} hidden").format(rows[0] + 1, len(state) - hidden,
                                                                                 hidden), 6000)
        return True

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectedIndexes()})

    def remove_selected(self) -> None:
        rows = set(self._selected_rows())
        self._rebuild([k for i, k in enumerate(self._keys()) if i not in rows])

    def move_selected(self, delta: int) -> None:
        rows = self._selected_rows()
        if len(rows) != 1:
            return
        keys = self._keys()
        i, j = rows[0], rows[0] + delta
        if 0 <= j < len(keys):
            keys[i], keys[j] = keys[j], keys[i]
            self._rebuild(keys)
            self.table.selectRow(j)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if getattr(self, "_filling", False):
            return
        keys = self._keys()
        row, col = item.row(), item.column()
        if row >= len(keys):
            return
        data = keys[row].model_dump()
        key = self.COLUMNS[col]
        text = item.text().strip()
        try:
            if key in ("name", "caption"):
                data[key] = item.text()
            elif key == "plan_year":
                data[key] = int(text) if text else None
            else:
                data[key] = float(text)
            keys[row] = Keyframe.model_validate(data)
        except ValueError:
            self.host.status(self.tr("Not a valid {0}: {1}").format(key, item.text()), 6000)
        self._rebuild(keys)

    def _ease_changed(self, row: int, ease: str) -> None:
        keys = self._keys()
        if row < len(keys):
            keys[row] = keys[row].model_copy(update={"ease": ease})
            self._rebuild(keys)

    def _closed_changed(self, on: bool) -> None:
        if on != self.path.closed:
            self._rebuild(self._keys(), closed=on)

    def _refresh(self) -> None:
        self._filling = True
        try:
            keys = self._keys()
            self.table.setRowCount(len(keys))
            for row, k in enumerate(keys):
                for col, value in enumerate((k.name, f"{k.seconds:g}", f"{k.hold:g}")):
                    self.table.setItem(row, col, QTableWidgetItem(value))
                if k.layers:
                    hidden = [name for name, on in k.layers.items() if not on]
                    self.table.item(row, 0).setToolTip(self.tr("Layers from here on — hidden: {0}").format(
                        ", ".join(hidden) or self.tr("none")))
                self.table.setItem(row, 4, QTableWidgetItem("" if k.plan_year is None else str(k.plan_year)))
                self.table.setItem(row, 5, QTableWidgetItem(k.caption))
                combo = QComboBox()
                combo.addItems(list(EASES))
                combo.setCurrentText(k.ease)
                combo.currentTextChanged.connect(lambda text, r=row: self._ease_changed(r, text))
                self.table.setCellWidget(row, 3, combo)
            self.closed_check.setChecked(bool(self.path.closed))
        finally:
            self._filling = False
        self._sampler = Sampler(self.path, self.workspace.scene.projection) if keys else None
        frames = self.path.frame_count() if keys else 1
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(frames - 1, 0))
        self.slider.blockSignals(False)
        self.time_label.setText(self.tr("{0:.1f} s of {1:.1f} s").format(0.0, self.path.duration if keys else 0.0))
        ok = len(keys) >= 1
        self.export_button.setEnabled(ok)
        self.buttons[self.tr("Save…")].setEnabled(ok)
        self.play_button.setEnabled(len(keys) >= 2)

    # --- preview ------------------------------------------------------------------------------------------

    def go_to_key(self, row: int) -> None:
        keys = self._keys()
        if 0 <= row < len(keys):
            t = sum(k.hold + k.seconds for k in keys[:row])
            self.slider.setValue(round(t * self.path.fps))

    def scrub(self, frame: int) -> None:
        """Show the path's frame in the viewport (camera, plan year, layers, caption)."""
        if self._sampler is None:
            return
        t = frame / self.path.fps
        state = self._sampler.state(t)
        scene = self.workspace.scene
        if self._base is None:  # how the scene was before the preview: what the tracks do not set yet
            self._base = (scene.plan_year, {layer.id: layer.visible for layer in scene.layers})
        apply_tracks(scene, state, self._base)
        p = state.pose
        self.host.set_pose(p.eye, p.focal, p.up, p.view_angle)
        self.time_label.setText(self.tr("{0:.1f} s of {1:.1f} s").format(t, self._sampler.duration))
        self.caption_label.setText(state.caption)

    def _play(self, on: bool) -> None:
        if on:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)
            self._play_timer.start(round(1000 / self.path.fps))
        else:
            self._play_timer.stop()

    def _play_step(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.play_button.setChecked(False)
            return
        self.slider.setValue(self.slider.value() + 1)

    # --- files --------------------------------------------------------------------------------------------

    def save_dialog(self, path: str | None = None) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save flight path"), "flight.json",
                                                  self.tr("Flight paths (*.json)"))
            if not path:
                return None
        try:
            out = self.path.save(path)
        except (OSError, ValueError) as exc:
            self.host.log(self.tr("Cannot save {0}: {1}").format(path, exc), error=True)
            return None
        self.host.log(self.tr("Saved flight path {0}").format(out))
        return out

    def open_dialog(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Open flight path"), "", self.tr("Flight paths (*.json)"))
            if not path:
                return False
        try:
            loaded = FlightPath.load(path)
        except PathError as exc:
            self.host.log(str(exc), error=True)
            return False
        self.set_path(loaded)
        self.host.log(self.tr("Opened flight path {0} ({1} keyframes, {2:.1f} s)").format(
            path, len(loaded.keyframes), loaded.duration))
        return True

    # --- export --------------------------------------------------------------------------------------------

    def close_exports(self) -> None:
        """The window is closing: a video being written is abandoned (its partial file removed)."""
        self._play_timer.stop()
        job = getattr(self, "export_job", None)
        if job is not None:
            job.abort()
            self.export_job = None
        host = getattr(self, "_export_host", None)
        if host is not None:
            host.close()

    def export_dialog(self, out: str | None = None, size: tuple[int, int] | None = None, fps: int | None = None,
                      quality: str = "standard"):
        """Ask for the file, size, frame rate and quality (unless given), then render with progress, ETA and
        Cancel."""
        if not self.path.keyframes:
            self.host.log(self.tr("Nothing to export: add keyframes to the path first"), error=True)
            return None
        if out is None:
            dlg = QDialog(self)
            dlg.setWindowTitle(self.tr("Export video"))
            form = QFormLayout(dlg)
            size_combo = QComboBox()
            for label, s in VIDEO_SIZES:
                size_combo.addItem(label, s)
            size_combo.setCurrentIndex(1)
            fps_spin = QSpinBox()
            fps_spin.setRange(1, 120)
            fps_spin.setValue(self.path.fps)
            quality_combo = QComboBox()
            for name, label in (("draft", self.tr("Draft (≤ 4 Mbit/s at 1080p)")),
                                ("standard", self.tr("Standard (≤ 8 Mbit/s at 1080p)")),
                                ("high", self.tr("High (≤ 16 Mbit/s at 1080p)"))):
                quality_combo.addItem(label, name)
            quality_combo.setCurrentIndex(max(0, quality_combo.findData(quality)))
            form.addRow(self.tr("Size"), size_combo)
            form.addRow(self.tr("Frames per second"), fps_spin)
            form.addRow(self.tr("Quality (MP4)"), quality_combo)
            bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
            bb.accepted.connect(dlg.accept)
            bb.rejected.connect(dlg.reject)
            form.addRow(bb)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            out, _ = QFileDialog.getSaveFileName(self, self.tr("Export video"), "flythrough.mp4",
                                                 self.tr("MP4 video (*.mp4);;GIF (*.gif);;PNG frames (folder) (*)"))
            if not out:
                return None
            size, fps, quality = size_combo.currentData(), fps_spin.value(), quality_combo.currentData()
        host = ExporterHost(self.workspace.scene, self.host)
        self._export_host = host
        host.when_ready(lambda ex: self._start_export(host, ex, out, size, fps, quality))
        return host

    def _start_export(self, host: ExporterHost, ex, out, size, fps, quality: str = "standard") -> None:
        from ydtwin.render.export import ExportError, VideoExport

        try:
            job = VideoExport(ex, self.path, out, size=size, fps=fps, quality=quality)
        except (ExportError, OSError) as exc:
            self.host.log(self.tr("Export failed: {0}").format(exc), error=True)
            host.close()
            return
        progress = QProgressDialog(self.tr("Rendering {0}…").format(Path(out).name), self.tr("Cancel"), 0, job.total,
                                   self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        self.export_job, self.export_progress = job, progress
        timer = QTimer(self)
        timer.setSingleShot(True)

        def step() -> None:
            if progress.wasCanceled():
                job.abort()
                self.host.log(self.tr("Video export cancelled after {0} of {1} frames: nothing was written")
                                        .format(job.done, job.total))
                return finish(None)
            try:
                more = job.step()
            except (ExportError, OSError) as exc:
                self.host.log(self.tr("Export failed: {0}").format(exc), error=True)
                return finish(None)
            progress.setValue(job.done)
            eta = job.eta_s
            progress.setLabelText(self.tr("Frame {0} of {1} · about {2:.0f} s left").format(
                job.done, job.total, 0 if math.isnan(eta) else eta))
            if more:
                timer.start(0)
                return
            try:
                result = job.finish()
            except (ExportError, OSError) as exc:
                self.host.log(self.tr("Export failed: {0}").format(exc), error=True)
                return finish(None)
            self.host.log(self.tr("Exported {0} ({1} frames, {2} × {3} at {4} fps, {5:.0f} s)").format(
                result.path, result.frames, *result.size, result.fps, result.seconds))
            finish(result)

        def finish(result) -> None:
            progress.close()
            host.close()
            self.export_job = None
            self.last_export = result

        timer.timeout.connect(step)
        timer.start(0)
