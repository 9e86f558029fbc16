"""The main window's standard exports: File ▸ Export plans…, Export review findings…, Export view as 3D
model….

Each is the workspace's use case (``export_plans``, ``export_findings``, ``export_scene``), as ``ydtwin
export`` runs it; this mixin adds the file dialogs and the log lines. The 3D model of the view is written in
the background (a city's box can take a few seconds). Its strings keep the MainWindow translation context
(see window_files.py).
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QFileDialog

__all__ = ["ExchangeMixin"]


class ExchangeMixin:
    """File ▸ Export plans / findings (GeoPackage, KML) and the view as a 3D model (glTF, OBJ)."""

    def _save_name(self, title: str, name: str, filters: str) -> Path | None:
        folder = Path(str(self.settings.value("paths/last_folder", str(Path.home()))))
        path, chosen = QFileDialog.getSaveFileName(self, title, str(folder / name), filters)
        if not path:
            return None
        path = Path(path)
        if not path.suffix:  # the dialog's filter gives the suffix a planner left out
            path = path.with_suffix(".kml" if "kml" in chosen.lower() else ".obj" if "obj" in chosen.lower()
                                    else ".gpkg" if "gpkg" in chosen.lower() else ".glb")
        return path

    def export_plans_dialog(self) -> None:
        path = self._save_name(self.tr("Export plans"), "plans.gpkg",
                               self.tr("GeoPackage") + " (*.gpkg);;KML (*.kml)")
        if path is not None:
            self.export_plans(path)

    def export_plans(self, out: str | Path):
        """The shown plans (status in the scene's plan year) → GeoPackage or KML; a line in the log."""
        return self._export(lambda: self.workspace.export_plans(out))

    def export_findings_dialog(self) -> None:
        path = self._save_name(self.tr("Export review findings"), "findings.gpkg",
                               self.tr("GeoPackage") + " (*.gpkg);;KML (*.kml)")
        if path is not None:
            self.export_findings(path)

    def export_findings(self, out: str | Path):
        """The open review session's findings and border gaps → GeoPackage or KML."""
        return self._export(lambda: self.workspace.export_findings(out))

    def _export(self, work):
        """A quick export on the UI thread: its summary, or its one error line, in the log → the report or None.
        (The workspace refuses an output that is a link, a session or a file it has read.)"""
        from ydtwin.errors import YdtwinError

        try:
            report = work()
        except (YdtwinError, OSError) as exc:
            self.log_message(str(exc), error=True)
            return None
        self.log_message(report.summary())
        return report

    def export_view_model_dialog(self) -> None:
        path = self._save_name(self.tr("Export view as 3D model"), "view.glb",
                               self.tr("glTF binary") + " (*.glb);;OBJ (*.obj)")
        if path is not None:
            self.export_view_model(path)

    def export_view_model(self, out: str | Path, box=None):
        """The ground the view shows (at most 54 km a side around its centre), or ``box``, as a glTF binary or
        OBJ model, written in the background; the summary goes to the log."""
        from ydtwin.errors import YdtwinError
        from ydtwin.workspace.exchange import MAX_MODEL_SIDE_KM, model_format
        from ydtwin.workspace.outputs import check_output

        out = Path(out)
        try:  # said at once, before the work goes to the background
            model_format(out)
            check_output(out, inputs=self.workspace.input_paths())
        except YdtwinError as exc:
            self.log_message(str(exc), error=True)
            return None
        if box is None:
            box = self.scene_view.view_ground_box(max_side_km=0.9 * MAX_MODEL_SIDE_KM)
        job = self._start_job(out)
        if job is None:
            return None
        workspace = self.workspace

        def done(report) -> None:
            self._finish_job()
            self.log_message(report.summary())
            self.statusBar().showMessage(self.tr("3D model written: {0}").format(str(out)), 8000)

        def failed(exc: BaseException) -> None:
            self._finish_job()
            if isinstance(exc, YdtwinError):
                self.log_message(str(exc), error=True)
            else:
                self.log_message(f"{out.name}: 3D model export failed ({type(exc).__name__}: {exc})", error=True)

        self.runner.run(lambda: workspace.export_scene(out, box), done, failed)
        return job
