"""The main window's tile packs: File ▸ Build tile pack… (footprints, point clouds, OpenStreetMap extracts).

The work is the workspace's (``build_tiles`` in a worker thread, on worker processes of a local Dask
cluster, as ``ydtwin tiles build`` runs it); the pack is then opened like any file (``open_files``). This mixin
adds the dialogs, the progress bar with Cancel and the log lines. Its strings keep the MainWindow translation
context (see window_files.py).
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QFileDialog

from ydtwin.qt.workers import LoadJob

__all__ = ["TilesMixin"]


class TilesMixin:
    """File ▸ Build tile pack…, File ▸ Export 3D Tiles… (part of MainWindow)."""

    def export_3dtiles_dialog(self) -> None:
        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        parent = QFileDialog.getExistingDirectory(self, self.tr("Folder to put the 3D Tiles in"), folder)
        if parent:
            self.export_3dtiles(Path(parent) / "ydtwin-3dtiles")

    def export_3dtiles(self, out: str | Path, *, terrain: bool = True) -> LoadJob | None:
        """Write the scene's buildings and terrain as 3D Tiles 1.1 in the background (the workspace's
        ``export_3dtiles``, as ``ydtwin tiles export`` runs it); the summary goes to the log."""
        out = Path(out)
        job = self._start_job(out)
        if job is None:
            return None
        relay = self.runner.progress_relay(self._progress)
        workspace = self.workspace

        def done(report) -> None:
            self._finish_job()
            self.log_message(report.summary())
            self.statusBar().showMessage(self.tr("3D Tiles written: {0}").format(str(out / "tileset.json")), 8000)

        def failed(exc: BaseException) -> None:
            from ydtwin.errors import YdtwinError

            self._finish_job()
            if isinstance(exc, YdtwinError):
                self.log_message(str(exc), error=True)
            else:
                self.log_message(f"{out.name}: 3D Tiles export failed ({type(exc).__name__}: {exc})", error=True)

        self.runner.run(lambda: workspace.export_3dtiles(out, terrain=terrain,
                                                         progress=lambda _stage, d, n: relay(d, n)), done, failed)
        return job

    def build_tiles_dialog(self) -> None:
        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Build tile pack"), folder,
            self.tr("Footprints, point clouds, OpenStreetMap extracts") + " (*.parquet *.geoparquet *.gpkg *.shp "
            "*.fgb *.geojson *.json *.geojsonl *.osm.pbf *.pbf *.jsonl *.las *.laz);;* (*)")
        if not files:
            return
        parent = QFileDialog.getExistingDirectory(self, self.tr("Folder to put the tile pack in"),
                                                  str(Path(files[0]).parent))
        if parent:
            name = Path(files[0]).name.split(".")[0] + "-tiles"
            self.build_tile_pack(files, Path(parent) / name)

    def build_tile_pack(self, inputs: list[str | Path], out: str | Path, *, scheduler: str = "local",
                        workers: int | None = None) -> LoadJob | None:
        """Build (or resume) a tile pack in the background (progress and Cancel in the status bar), then open
        what it holds: its buildings and its points as layers, its basemap."""
        from ydtwin.workspace import LayerRequest

        inputs, out = [Path(p) for p in inputs], Path(out)
        job = self._start_job(inputs[0])
        if job is None:
            return None
        relay = self.runner.progress_relay(self._progress)
        workspace = self.workspace
        stages = {"partition": 0, "tiles": 1}

        def progress(stage: str, done: int, total: int) -> None:
            # two stages on one bar: reading and splitting the inputs, then the tiles
            relay(stages.get(stage, 1) * 1000 + int(1000 * done / max(total, 1)), 2000)

        def work():
            return workspace.build_tiles([(str(p), None) for p in inputs], out, scheduler=scheduler,
                                         workers=workers, progress=progress, cancel=job.cancelled.is_set)

        def built(report) -> None:
            from PyQt6.QtCore import QTimer

            from ydtwin.workspace.tiles import tiles_summary

            self._finish_job()
            self.log_message(tiles_summary(report).replace("\n", " "), error=not report.ok)
            if report.ok:
                from ydtwin.tiling.points import POINTS

                if report.buildings:
                    self._project_queue.append(LayerRequest(out))
                if report.points:
                    self._project_queue.append(LayerRequest(out / POINTS))
                if report.basemap_tiles:
                    self.add_basemap(out)  # the layers follow once it is shown
                else:
                    self._next_project_layer()
            else:
                QTimer.singleShot(0, self._next_project_layer)  # files queued behind it

        def failed(exc: BaseException) -> None:
            from PyQt6.QtCore import QTimer

            from ydtwin.errors import YdtwinError

            self._finish_job()
            QTimer.singleShot(0, self._next_project_layer)
            if isinstance(exc, YdtwinError):
                self.log_message(str(exc), error=True)
            else:
                self.log_message(f"{out.name}: tile build failed ({type(exc).__name__}: {exc})", error=True)

        self.runner.run(work, built, failed)
        return job
