"""The main window's files: opening building files in the background, recent files, drag and drop, and
projects. The work is the workspace's (``read_layer``, ``add_loaded``, ``save_project``, ``open_project``);
this mixin adds the dialogs, the progress bar and the log lines.

``self.tr`` runs on the MainWindow, so these strings keep its translation context at run time;
packaging/update_translations.sh files the strings pylupdate6 collects under the mixins' names there too.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PyQt6.QtCore import QCoreApplication, QSettings, QTimer
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QFileDialog, QProgressBar, QToolButton

from ydtwin.io.footprint_sources import preload_readers
from ydtwin.qt.support import settle_heap
from ydtwin.qt.workers import LoadJob
from ydtwin.workspace import LayerRequest

__all__ = ["FilesMixin", "OPEN_FILTER"]

log = logging.getLogger("ydtwin")

#: what File ▸ Open offers (building footprints); the label in front is translated
OPEN_FILTER = (
    " (*.geojson *.json *.geojsonl *.geojsons *.gpkg *.shp *.fgb *.parquet *.geoparquet "
    "*.pbf *.city.json *.jsonl);;* (*)"
)
#: point clouds, offered after the footprints (the label in front is translated)
POINT_CLOUD_FILTER = " (*.las *.laz);;* (*)"
MAX_RECENT = 10


class FilesMixin:
    """Its strings are translated in the main window's context (``self.tr(…)``),
    as they were when these methods lived in MainWindow.

    File ▸ Open, Open with coordinate system, Open recent, drops, Save/Open project (part of MainWindow)."""

    def _build_progress(self) -> None:
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_loading)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

    def _open_filter(self) -> str:
        """Footprints first (the default), then point clouds, then any file."""
        from ydtwin.qt.window_models import MODEL_FILTER

        return (self.tr("Building footprints") + OPEN_FILTER.replace(";;* (*)", ";;")
                + self.tr("Point clouds (LAS, LAZ, COPC)") + POINT_CLOUD_FILTER.replace(";;* (*)", ";;")
                + self.tr("3D models (glTF, GLB, OBJ, PLY, STL, IFC)") + MODEL_FILTER)

    def open_dialog(self) -> None:
        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Open building footprints"), folder,
                                                self._open_filter())
        for path in paths:
            self.open_file(path)

    def open_with_crs_dialog(self) -> None:
        """Ask for a file, then its coordinate system (GCJ-02/BD-09 cannot be declared by any file format)."""
        from PyQt6.QtWidgets import QInputDialog

        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open building footprints"), folder,
                                              self._open_filter())
        if not path:
            return
        items = [self.tr("GCJ-02 (Amap, Tencent: China's offset lon/lat)"), self.tr("BD-09 (Baidu)"),
                 self.tr("EPSG:4326 (WGS 84 lon/lat)"), self.tr("EPSG:4490 (CGCS2000 lon/lat)"),
                 self.tr("EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E)"),
                 self.tr("EPSG:32651 (WGS 84 / UTM zone 51N)"), self.tr("EPSG:3857 (Web Mercator)")]
        text, ok = QInputDialog.getItem(self, self.tr("Coordinate system"),
                                        self.tr("Coordinate system of {0} (or type an EPSG code):").format(
                                            Path(path).name), items, 0, True)
        if ok and text.strip():
            self.open_file(path, crs=text.split(" (")[0].strip())

    def open_file(self, path: str | Path, *, crs: str | None = None, request: LayerRequest | None = None) -> LoadJob | None:
        """Read a file in the background (progress and Cancel in the status bar), then show it: the
        workspace's ``read_layer`` in a worker, its ``add_loaded`` here."""
        path = Path(path)
        request = request or LayerRequest(path, crs=crs)
        job = self._start_job(path, crs=request.crs)
        if job is None:
            return None
        progress = self.runner.progress_relay(self._progress)
        workspace = self.workspace
        from ydtwin.io.models import is_model

        centre = self.view_centre_anchor() if is_model(path) and request.anchor is None else None

        def work():
            from dataclasses import replace

            from ydtwin.workspace.layers import NeedsAnchor

            try:
                # small batches: each C call that holds the GIL stays short, so the UI thread keeps its turns
                return workspace.read_layer(request, progress=progress, cancel=job.cancelled.is_set,
                                            batch_size=4096)
            except NeedsAnchor:
                if centre is None:
                    raise
                # a model that does not say where it stands: in the middle of the view, then the dialog
                loaded = workspace.read_layer(replace(request, anchor=centre), progress=progress,
                                              cancel=job.cancelled.is_set)
                loaded.needs_placing = True
                return loaded

        self.runner.run(work, lambda loaded: self._loaded(job, loaded), lambda exc: self._load_failed(job, exc))
        return job

    def _start_job(self, path: Path, *, crs: str | None = None) -> LoadJob | None:
        """One background job at a time (a file, a basemap): its job, the progress bar and Cancel shown; None
        (and a log line) while another runs."""
        if self.job is not None:
            self.log_message(f"{path.name}: still loading {self.job.path.name}; try again when it is done", error=True)
            return None
        # the format libraries are imported here, on the UI thread (at once when already loaded): an import in
        # the reader thread would hold the interpreter for a few hundred milliseconds and stall the UI
        preload_readers()
        job = LoadJob(path, crs=crs)
        self.job = job
        self.store_setting("paths/last_folder", str(path.parent))
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"{path.name} %p%")
        self.progress.show()
        self.cancel_button.show()
        self.scene_view.set_host_busy(True)
        return job

    def cancel_loading(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.progress.setFormat(self.tr("cancelling…"))

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_progress < 0.25 and done < total:  # a few repaints a second are plenty
            return
        self._last_progress = now
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)

    def _finish_job(self) -> None:
        self.job = None
        self.scene_view.set_host_busy(False)
        self.progress.hide()
        self.cancel_button.hide()

    def _loaded(self, job: LoadJob, loaded) -> None:
        self._finish_job()
        line = self.workspace.add_loaded(loaded)
        settle_heap()
        self._remember_recent(job.path)
        self.log_message(line)
        kind = getattr(loaded.layer, "kind", "")
        if kind == "model":
            n = f"{loaded.layer.data.n_triangles:,}"
            done = self.tr("Loaded {0}: {1} triangles")
        else:
            n = f"{len(loaded.layer.data):,}"
            done = (self.tr("Loaded {0}: {1} points") if kind == "pointcloud"
                    else self.tr("Loaded {0}: {1} buildings"))
        self.statusBar().showMessage(done.format(job.path.name, n), 8000)
        if getattr(loaded, "needs_placing", False):
            self.log_message(f"{job.path.name}: the model does not say where it stands; it stands in the middle of "
                             "the view until placed")
            self.place_model_dialog(loaded.layer, created=True)
        QTimer.singleShot(0, self._next_project_layer)

    def _load_failed(self, job: LoadJob, exc: BaseException) -> None:
        from ydtwin.errors import YdtwinError
        from ydtwin.io.buildings import Cancelled

        self._finish_job()
        QTimer.singleShot(0, self._next_project_layer)
        from ydtwin.plugins.guard import PluginFailure

        if isinstance(exc, PluginFailure):  # the guard has reported it already (one line in the log)
            self.statusBar().showMessage(str(exc), 15000)
        elif isinstance(exc, Cancelled):
            self.log_message(f"{job.path.name}: loading cancelled")
            self.statusBar().showMessage(self.tr("Cancelled loading {0}").format(job.path.name), 8000)
        elif isinstance(exc, YdtwinError):
            self.log_message(str(exc), error=True)
        else:
            log.error("%s", getattr(exc, "__ydtwin_traceback__", exc))
            self.log_message(f"{job.path.name}: could not be read ({type(exc).__name__}: {exc})", error=True)

    def _remember_recent(self, path: Path) -> None:
        recent = [str(path), *(p for p in self.recent_files() if p != str(path))][:MAX_RECENT]
        self.store_setting("files/recent", recent)
        self._fill_recent_menu()

    def store_setting(self, key: str, value) -> None:
        """Remember a setting without the UI thread waiting for the disk: QSettings writes its file when it
        syncs (~0.1 s on a busy disk); a QSettings of the worker's own syncs there (distinct QSettings
        objects may share a file from different threads)."""
        self._pending_settings[key] = value

        def write() -> None:
            store = QSettings("ydtwin", "ydtwin")
            store.setValue(key, value)
            store.sync()

        self.runner.run(write, lambda _r: self._pending_settings.pop(key, None))

    def recent_files(self) -> list[str]:
        value = self._pending_settings.get("files/recent") or self.settings.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _fill_recent_menu(self) -> None:
        menu = getattr(self, "_recent_menu", None)
        if menu is None:
            return
        menu.clear()
        for path in self.recent_files():
            act = QAction(path, self)
            act.triggered.connect(lambda _=False, p=path: self.open_file(p))
            menu.addAction(act)
        menu.setEnabled(bool(self.recent_files()))

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt API)
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_file(url.toLocalFile())
        event.acceptProposedAction()

    # ---- projects ---------------------------------------------------------------------------------

    # ---- projects ---------------------------------------------------------------------------------

    def save_project(self, path: str | Path | None = None) -> Path | None:
        from ydtwin.model.project import SUFFIX

        if path is None:
            folder = str(self.settings.value("paths/last_project_folder", str(Path.home())))
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save project"), folder,
                                                  self.tr("ydtwin project") + f" (*{SUFFIX})")
            if not path:
                return None
            if not path.endswith(SUFFIX):
                path += SUFFIX
        try:
            saved = self.workspace.save_project(path)
        except OSError as exc:
            self.log_message(f"{path}: could not be saved ({exc})", error=True)
            return None
        self.settings.setValue("paths/last_project_folder", str(Path(path).parent))
        self.log_message(self.tr("Project saved: {0}").format(saved))
        return saved

    def open_project(self, path: str | Path | None = None) -> bool:
        from ydtwin.errors import YdtwinError
        from ydtwin.model.project import SUFFIX

        if path is None:
            folder = str(self.settings.value("paths/last_project_folder", str(Path.home())))
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Open project"), folder,
                                                  self.tr("ydtwin project") + f" (*{SUFFIX} *.json)")
            if not path:
                return False
        try:
            requests = self.workspace.open_project(path)
        except YdtwinError as exc:
            self.log_message(str(exc), error=True)
            return False
        self.set_plan_year(self.scene.plan_year)
        colouring = next((x.colouring for x in self.scene.layers if getattr(x, "kind", "") == "terrain"), "")
        self.hillshade_action.setChecked(colouring == "hillshade")
        self._restore_terrain()
        if self.workspace.project_basemap is not None:
            self.add_basemap(self.workspace.project_basemap)  # the project's files follow once it is shown
        self.open_files(requests)
        self.log_message(self.tr("Project opened: {0}").format(path))
        return True

    def _restore_terrain(self) -> None:
        """The project's DEMs, merged one after the other in a worker and then shown, and its sea level on that
        terrain (computed by the Sea level panel, off the UI thread): the workspace's ``read_dems``,
        ``add_terrain`` and scenario, as ``ydtwin --project`` uses them."""
        from ydtwin.qt.sea_level_panel import run_terrain_job

        workspace, panel = self.workspace, self.sea_level_panel
        dems, level = list(workspace.project_dems), workspace.project_sea_level or 0.0
        if not dems:  # after any terrain change still under way, like the level a project with DEMs sets
            run_terrain_job(self, lambda: None, lambda _none: panel.set_level(level))
            return

        def done(result) -> None:
            terrain, lines, errors = result
            if terrain is not None:
                workspace.add_terrain(terrain, rescenario=False)  # the panel computes the project's level on it
            for line in lines:
                self.log_message(line)
            for line in errors:
                self.log_message(f"{line} (skipped)", error=True)
            panel.set_level(level)

        def failed(exc: BaseException) -> None:
            self.log_message(str(exc), error=True)
            panel.set_level(level)

        reading = QCoreApplication.translate("SeaLevelPanel", "Reading DEM {name}…")  # File ▸ Open DEM…'s line
        self.log_message(reading.format(name=", ".join(str(dem) for dem in dems)))
        run_terrain_job(self, lambda: workspace.read_dems(dems), done, failed)

    def open_files(self, requests) -> None:
        """Load several files one after the other, in the background (a project's, the command line's)."""
        self._project_queue.extend(requests)
        self._next_project_layer()

    def _next_project_layer(self) -> None:
        if not self._project_queue or self.job is not None:
            return
        request = self._project_queue.pop(0)
        self.open_file(request.path, request=request)
