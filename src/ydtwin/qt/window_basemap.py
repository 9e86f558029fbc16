"""The main window's basemaps: File ▸ Add basemap… and File ▸ Build basemap from OpenStreetMap extract….

The work is the workspace's (``build_basemap``, ``read_basemap`` in a worker thread, ``add_basemap`` here);
this mixin adds the dialogs, the progress bar with Cancel, and the log lines. Its strings keep the
MainWindow translation context (see window_files.py).
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QFileDialog

from ydtwin.qt.workers import LoadJob

__all__ = ["BasemapMixin"]


class BasemapMixin:
    """Its strings are translated in the main window's context (``self.tr(…)``).

    File ▸ Add basemap…, File ▸ Build basemap from OpenStreetMap extract… (part of MainWindow)."""

    def add_basemap_dialog(self) -> None:
        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        path = QFileDialog.getExistingDirectory(self, self.tr("Add basemap (a folder built from OpenStreetMap)"),
                                                folder)
        if path:
            self.add_basemap(path)

    def build_basemap_dialog(self) -> None:
        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        extract, _ = QFileDialog.getOpenFileName(self, self.tr("Build basemap from OpenStreetMap extract"), folder,
                                                 self.tr("OpenStreetMap extracts") + " (*.osm.pbf *.pbf);;* (*)")
        if not extract:
            return
        parent = QFileDialog.getExistingDirectory(self, self.tr("Folder to put the basemap in"),
                                                  str(Path(extract).parent))
        if parent:
            name = Path(extract).name.split(".")[0] + "-basemap"
            self.build_basemap(extract, Path(parent) / name)

    def build_basemap(self, extract: str | Path, out: str | Path) -> LoadJob | None:
        """Build a basemap in the background (progress and Cancel in the status bar), then show it."""
        extract, out = Path(extract), Path(out)
        job = self._start_job(extract)
        if job is None:
            return None
        relay = self.runner.progress_relay(self._progress)
        workspace = self.workspace

        def work():
            stats = workspace.build_basemap(extract, out, cancel=job.cancelled.is_set,
                                            progress=lambda f, _n: relay(int(f * 1000), 1000))
            return stats, workspace.read_basemap(stats.out)

        self.runner.run(work, lambda result: self._basemap_built(job, *result),
                        lambda exc: self._basemap_failed(job, exc))
        return job

    def add_basemap(self, folder: str | Path) -> LoadJob | None:
        """Read a basemap folder in the background, then show it (a basemap shown before is replaced)."""
        folder = Path(folder)
        job = self._start_job(folder)
        if job is None:
            return None
        workspace = self.workspace
        self.runner.run(lambda: workspace.read_basemap(folder), lambda loaded: self._basemap_loaded(job, loaded),
                        lambda exc: self._basemap_failed(job, exc))
        return job

    def _basemap_built(self, job: LoadJob, stats, loaded) -> None:
        from ydtwin.workspace.basemap import build_summary

        self.log_message(build_summary(stats))
        self._basemap_loaded(job, loaded)

    def _basemap_loaded(self, job: LoadJob, loaded) -> None:
        from PyQt6.QtCore import QTimer

        self._finish_job()
        QTimer.singleShot(0, self._next_project_layer)  # files queued behind it (command line, project)
        line = self.workspace.add_basemap(loaded)
        self.log_message("loaded " + line)
        self.statusBar().showMessage(self.tr("Basemap {0} shown: existing roads, railways and water from "
                                             "OpenStreetMap").format(loaded.folder.name), 8000)

    def _basemap_failed(self, job: LoadJob, exc: BaseException) -> None:
        from ydtwin.errors import YdtwinError
        from ydtwin.io.osm_basemap import BasemapCancelled

        self._finish_job()
        from PyQt6.QtCore import QTimer

        QTimer.singleShot(0, self._next_project_layer)
        if isinstance(exc, BasemapCancelled):
            self.log_message(str(exc))
            self.statusBar().showMessage(self.tr("Basemap build cancelled; nothing was written"), 8000)
        elif isinstance(exc, YdtwinError):
            self.log_message(str(exc), error=True)
        else:
            self.log_message(f"{job.path.name}: basemap failed ({type(exc).__name__}: {exc})", error=True)
