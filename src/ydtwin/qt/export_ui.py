"""Exports in the app: File ▸ Export image (with a preview), and the export view both it and the Flythrough
panel (``ydtwin.qt.flythrough_panel``) render with.

Exports render with their own offscreen view of the same scene (:class:`ydtwin.render.export.Exporter`):
buildings are prepared in the background first, and nothing is captured until every layer is ready. The
frames themselves are drawn on the UI thread one at a time (GL contexts live there), so the window answers
between frames and Cancel takes effect at the next one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PyQt6.QtCore import QCoreApplication, Qt, QTimer
from PyQt6.QtGui import QImage, QPixmap
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QVBoxLayout,
)

#: still sizes offered (label, (w, h)); "window" and "custom" are added in the dialog
STILL_SIZES = [("Full HD 1920 × 1080", (1920, 1080)), ("4K 3840 × 2160", (3840, 2160)),
               ("8K 7680 × 4320", (7680, 4320)), ("16K 16384 × 9216", (16384, 9216)),
               ("A0 poster 14043 × 9933 (300 dpi)", (14043, 9933))]
VIDEO_SIZES = [("720p 1280 × 720", (1280, 720)), ("1080p 1920 × 1080", (1920, 1080)),
               ("1440p 2560 × 1440", (2560, 1440)), ("4K 3840 × 2160", (3840, 2160))]


def _to_pixmap(rgb: np.ndarray) -> QPixmap:
    rgb = np.ascontiguousarray(rgb[..., :3])
    h, w = rgb.shape[:2]
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image.copy())


class ExporterHost:
    """Builds the window's export view on demand (buildings prepared in the background) and hands it to a
    callback once every layer is ready."""

    def __init__(self, scene, host) -> None:
        self.scene = scene
        self.host = host
        self.exporter = None
        self._waiting: list = []
        self._timer = QTimer(host.widget)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)

    def when_ready(self, fn) -> None:
        from ydtwin.render.export import Exporter

        if self.exporter is None:
            self.host.status(QCoreApplication.translate("ExporterHost", "Preparing the export view…"), 0)
            self.exporter = Exporter(self.scene, run_in_background=self.host.run, defer=self.host.defer)
        self._waiting.append(fn)
        self._timer.start()
        self._poll()

    def _poll(self) -> None:
        if self.exporter is None or self.exporter.pending:
            return
        self._timer.stop()
        waiting, self._waiting = self._waiting, []
        for fn in waiting:
            fn(self.exporter)

    def copy_camera(self) -> None:
        """The export view looks where the window's viewport looks (the 2D map as a map: the same place and
        the same height of ground in the frame)."""
        from ydtwin.geo.camera import Pose

        eye, focal, up, angle = self.host.camera_pose()
        self.exporter.set_pose(Pose(eye, focal, up, angle))
        scale = self.host.map_scale()
        if scale is not None:
            self.exporter.view.set_map(True, scale=scale)

    def close(self) -> None:
        self._timer.stop()
        self._waiting = []
        if self.exporter is not None:
            self.exporter.close()
            self.exporter = None


class ExportImageDialog(QDialog):
    """File ▸ Export image: size up to 16K, overlays, transparency, a preview of the framing."""

    def __init__(self, workspace, services) -> None:
        super().__init__(services.widget)
        #: the window's services (log, settings, camera), never the window itself
        self.services = services
        self.setWindowTitle(self.tr("Export image"))
        self.host = ExporterHost(workspace.scene, services)
        form = QFormLayout()
        self.size_combo = QComboBox()
        self._window_size = services.viewport_pixels()
        self.size_combo.addItem(self.tr("Viewport {0} × {1}").format(*self._window_size), self._window_size)
        for label, size in STILL_SIZES:
            self.size_combo.addItem(label, size)
        self.size_combo.addItem(self.tr("Custom"), None)
        self.size_combo.setCurrentIndex(1)
        self.width_spin, self.height_spin = QSpinBox(), QSpinBox()
        for spin in (self.width_spin, self.height_spin):
            spin.setRange(16, 16384)
        self.width_spin.setValue(1920)
        self.height_spin.setValue(1080)
        custom = QHBoxLayout()
        custom.addWidget(self.width_spin)
        custom.addWidget(QLabel("×"))
        custom.addWidget(self.height_spin)
        self.size_combo.currentIndexChanged.connect(self._size_changed)
        form.addRow(self.tr("Size"), self.size_combo)
        form.addRow("", custom)
        self.title_edit = QLineEdit()
        self.caption_edit = QLineEdit()
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Caption"), self.caption_edit)
        checks = QGridLayout()
        self.checks = {}
        for k, (key, text) in enumerate((("legend", self.tr("Legend")), ("scale_bar", self.tr("Scale bar")),
                                         ("north_arrow", self.tr("North arrow")), ("labels", self.tr("Place labels")),
                                         ("attribution", self.tr("Data sources")), ("date", self.tr("Date")))):
            box = QCheckBox(text)
            box.setChecked(True)
            box.toggled.connect(lambda _on: self._schedule_preview())
            self.checks[key] = box
            checks.addWidget(box, k // 3, k % 3)
        form.addRow(self.tr("Overlays"), checks)
        self.transparent = QCheckBox(self.tr("Transparent background (PNG, TIFF)"))
        form.addRow("", self.transparent)
        self.preview = QLabel(self.tr("Preparing the preview…"))
        self.preview.setMinimumSize(480, 270)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #15171c; color: #ccc;")
        self.info = QLabel()
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton(self.tr("Export…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setEnabled(False)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.info)
        layout.addWidget(buttons)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(300)
        self._preview_timer.timeout.connect(self.update_preview)
        for edit in (self.title_edit, self.caption_edit):
            edit.textChanged.connect(lambda _t: self._schedule_preview())
        for spin in (self.width_spin, self.height_spin):
            spin.valueChanged.connect(lambda _v: self._schedule_preview())
        self._size_changed()
        self.host.when_ready(lambda _ex: (self.export_button.setEnabled(True), self.update_preview()))

    def _size_changed(self) -> None:
        size = self.size_combo.currentData()
        custom = size is None
        self.width_spin.setEnabled(custom)
        self.height_spin.setEnabled(custom)
        if size is not None:
            self.width_spin.setValue(size[0])
            self.height_spin.setValue(size[1])
        self._schedule_preview()

    def _schedule_preview(self) -> None:
        self._preview_timer.start()

    def output_size(self) -> tuple[int, int]:
        return self.width_spin.value(), self.height_spin.value()

    def options(self):
        from ydtwin.render.export import today
        from ydtwin.render.overlay import OverlayOptions

        c = self.checks
        return OverlayOptions(title=self.title_edit.text(), caption=self.caption_edit.text(),
                              legend=c["legend"].isChecked(), scale_bar=c["scale_bar"].isChecked(),
                              north_arrow=c["north_arrow"].isChecked(), labels=c["labels"].isChecked(),
                              attribution=c["attribution"].isChecked(), date=today() if c["date"].isChecked() else "")

    def update_preview(self) -> None:
        """The framing and overlays at the output's proportions, 480 pixels wide."""
        ex = self.host.exporter
        if ex is None or ex.pending:
            return
        w, h = self.output_size()
        pw = 480
        ph = max(16, round(pw * h / w))
        self.host.copy_camera()
        rgb, _ = ex.image((pw, ph), self.options(), output_height=h)
        self.preview.setPixmap(_to_pixmap(rgb))
        tiles = ex.tiles_for((w, h))
        megapixels = w * h / 1e6
        self.info.setText(self.tr("{0} × {1} pixels ({2:.1f} MP), rendered in about {3} tile(s)").format(
            w, h, megapixels, max(tiles, 1)))

    def export(self, path: str | None = None) -> Path | None:
        from ydtwin.render.export import Cancelled, ExportError

        ex = self.host.exporter
        if ex is None or ex.pending:
            return None
        if path is None:
            folder = self.services.settings.value("export/folder", str(Path.home()))
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export image"), str(Path(folder) / "ydtwin.png"),
                                                  self.tr("Images (*.png *.jpg *.jpeg *.tif *.tiff)"))
            if not path:
                return None
        target = Path(path)
        progress = QProgressDialog(self.tr("Rendering {0}…").format(target.name), self.tr("Cancel"), 0, 100, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)

        def tick(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)
            from PyQt6.QtWidgets import QApplication

            QApplication.processEvents()
            if progress.wasCanceled():
                raise Cancelled("export cancelled")

        self.host.copy_camera()
        try:
            result = ex.still(target, self.output_size(), self.options(), transparent=self.transparent.isChecked(),
                              progress=tick)
        except Cancelled:
            self.services.log(self.tr("Export cancelled: nothing was written"))
            return None
        except (ExportError, OSError) as exc:
            self.services.log(self.tr("Export failed: {0}").format(exc), error=True)
            QMessageBox.warning(self, self.tr("Export image"), str(exc))
            return None
        finally:
            progress.close()
        self.services.settings.setValue("export/folder", str(target.parent))
        self.services.log(self.tr("Exported {0} ({1} × {2}, {3} tiles, {4:.1f} s)").format(
            target, *result.size, result.tiles, result.seconds))
        return target

    def done(self, r: int) -> None:  # noqa: D401 - Qt API
        self.host.close()
        super().done(r)
