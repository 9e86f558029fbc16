"""The review panel: run the cross-border checks, filter the findings, fly to them, set their status.

The checks run in a worker thread over the plan layers on the scene (at the timeline's plan year); the
findings are pinned in the scene as labelled markers (a model layer, "Findings"), and kept in a review
session that can be saved (atomically, with its journal) and reported.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ydtwin.qt.projects_table import ALL, ProjectsTable, narrow
from ydtwin.review.session import FINDING_STATUSES
from ydtwin.workspace.paths import autosave_path

log = logging.getLogger("ydtwin")

__all__ = ["AUTOSAVE_S", "ReviewPanel", "autosave_path"]

#: seconds between autosaves of the review session
AUTOSAVE_S = 180


class ReviewPanel(QWidget):
    COLUMNS = 5

    def __init__(self, workspace, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.host = host
        self.running = False
        self._recoverable = workspace.start_autosave_session(autosave_path())
        self.run_button = QPushButton(self.tr("Run checks"), self)
        self.run_button.clicked.connect(self.run_checks)
        self.save_button = QPushButton(self.tr("Save session…"), self)
        self.save_button.clicked.connect(self._ask_save)
        self.open_button = QPushButton(self.tr("Open session…"), self)
        self.open_button.clicked.connect(self._ask_open)
        self.report_button = QPushButton(self.tr("Report…"), self)
        self.report_button.setToolTip(self.tr("The session as a report (HTML or PDF) with a still of each finding"))
        self.report_button.clicked.connect(self._ask_report)
        self.city_filter = QComboBox(self)
        self.kind_filter = QComboBox(self)
        self.status_filter = QComboBox(self)
        self.severity_filter = QComboBox(self)
        # the first entry names the filter: "all cities", "all kinds", …
        self._all = {self.city_filter: self.tr("all cities"), self.kind_filter: self.tr("all kinds"),
                     self.status_filter: self.tr("all statuses"), self.severity_filter: self.tr("all severities")}
        for combo in (self.city_filter, self.kind_filter, self.status_filter, self.severity_filter):
            combo.addItem(self._all[combo], ALL)
            combo.setToolTip(self._all[combo])
            combo.currentIndexChanged.connect(self.refresh)
        for status in FINDING_STATUSES:
            self.status_filter.addItem(self.status_label(status), status)
        for severity in ("error", "warning", "info"):
            self.severity_filter.addItem(self.severity_label(severity), severity)
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("Severity"), self.tr("Cities"),
                                              self.tr("Status"), self.tr("Finding")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.fly_to_row(row))
        self.set_status_combo = QComboBox(self)
        for status in FINDING_STATUSES:
            self.set_status_combo.addItem(self.status_label(status), status)
        self.apply_button = QPushButton(self.tr("Set status of selected"), self)
        self.apply_button.clicked.connect(self._apply_status)
        self.placing = False
        self.add_button = QPushButton(self.tr("Add finding…"), self)
        self.add_button.setToolTip(self.tr("Then click in the scene where the finding is"))
        self.add_button.setCheckable(True)
        self.add_button.toggled.connect(self._placing)
        self.view_button = QPushButton(self.tr("Save view for finding"), self)
        self.view_button.setToolTip(self.tr("The selected finding is shown from the current camera (fly-to, "
                                            "report still, review tour)"))
        self.view_button.clicked.connect(lambda: self.save_view(self.selected_ids()))
        self.recover_button = QPushButton(self.tr("Recover unsaved review"), self)
        self.recover_button.clicked.connect(self.recover)
        self.recover_button.setVisible(bool(self._recoverable))
        # buttons and filters in small grids: the panel must not squeeze the viewport
        top = QGridLayout()
        for i, b in enumerate((self.run_button, self.add_button, self.report_button, self.open_button, self.save_button,
                               self.recover_button)):
            top.addWidget(b, i // 3, i % 3)
        filters = QGridLayout()
        for i, combo in enumerate((self.city_filter, self.kind_filter, self.status_filter, self.severity_filter)):
            narrow(combo)
            filters.addWidget(combo, i // 2, i % 2)
        narrow(self.set_status_combo)
        bottom = QGridLayout()
        bottom.addWidget(self.set_status_combo, 0, 0)
        bottom.addWidget(self.apply_button, 0, 1)
        bottom.addWidget(self.view_button, 1, 0, 1, 2)
        # the selected finding: its details, status history and comment thread; who is writing (city)
        self.detail = QTextBrowser(self)
        self.detail.setMaximumHeight(170)
        self.my_city = QComboBox(self)
        self.my_city.addItem(self.tr("(my city)"), "")
        for city in workspace.scene.region.cities:
            self.my_city.addItem(city.label(), city.name)
        saved_city = host.settings.value("review/city", "")
        self.my_city.setCurrentIndex(max(self.my_city.findData(saved_city), 0))
        self.my_city.currentIndexChanged.connect(
            lambda _i: host.settings.setValue("review/city", self.my_city.currentData()))
        narrow(self.my_city)
        self.comment_edit = QLineEdit(self)
        self.comment_edit.setPlaceholderText(self.tr("Comment on the selected finding…"))
        self.comment_edit.returnPressed.connect(self.add_comment)
        self.comment_button = QPushButton(self.tr("Comment"), self)
        self.comment_button.clicked.connect(self.add_comment)
        thread = QGridLayout()
        thread.addWidget(self.my_city, 0, 0)
        thread.addWidget(self.comment_button, 0, 1)
        thread.addWidget(self.comment_edit, 1, 0, 1, 2)
        self.table.itemSelectionChanged.connect(self.show_detail)
        findings_page = QWidget(self)
        fl = QVBoxLayout(findings_page)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addLayout(filters)
        fl.addWidget(self.table)
        fl.addLayout(bottom)
        fl.addWidget(self.detail)
        fl.addLayout(thread)
        self.projects = ProjectsTable(workspace.scene, host, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(findings_page, self.tr("Findings"))
        self.tabs.addTab(self.projects, self.tr("Projects"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        self._rows: list[str] = []
        # the workspace says when its session or its findings change: the table, filters and pins follow
        workspace.events.session.connect(self.session_changed)
        workspace.events.findings.connect(self.session_changed)
        # autosave: the session file is written every few minutes (every edit is in its journal at once)
        from PyQt6.QtCore import QTimer

        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_S * 1000)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()
        if self._recoverable:
            host.log(self.tr("An unsaved review session was found ({0} edits): "
                                       "Review panel ▸ Recover unsaved review")
                               .format(self._recoverable))

    @property
    def session(self):
        """The workspace's review session (the panel holds none of its own)."""
        return self.workspace.session

    def _placing(self, on: bool) -> None:
        self.placing = on
        if on:
            self.host.status(self.tr("Click in the scene where the finding is"), 10000)

    def place_at(self, x: int, y: int, message: str | None = None):
        """A manual finding at display pixel (x, y): asks for its text (unless given) → its id, or None."""
        self.add_button.setChecked(False)
        point = self.host.world_at(x, y)
        if point is None:
            self.host.status(self.tr("No ground under the cursor"), 5000)
            return None
        if message is None:
            from PyQt6.QtWidgets import QInputDialog

            message, ok = QInputDialog.getText(self, self.tr("New finding"), self.tr("What was found here?"))
            if not ok or not message.strip():
                return None
        return self.add_manual_finding(point[0], point[1], message.strip())

    def add_manual_finding(self, lon: float, lat: float, message: str) -> str:
        fid = self.workspace.add_manual_finding(lon, lat, message)
        return fid

    def recover(self) -> int:
        """Restore the session a crash left behind (every edit, saved or only journalled) → edits restored."""
        n = self.workspace.recover_autosave(autosave_path())
        if n is None:
            return 0
        self._recoverable = 0
        self.recover_button.setVisible(False)
        torn = self.session.torn_message()
        if torn:
            self.host.log(torn, error=True)
        self.host.log(self.tr("Review session recovered: {0} findings").format(len(self.session.findings)))
        return n

    def autosave(self) -> None:
        if self.session.path is not None and self.session.findings:
            try:
                self.session.save()
            except OSError as exc:
                self.host.log(f"review autosave failed: {exc}", error=True)

    # --- checks ----------------------------------------------------------------------------------------

    def run_checks(self) -> None:
        """Every review rule (declarative and the plugins' code rules) over the visible plans as of the plan
        year: the workspace's ``run_review`` in a worker thread."""
        if self.running:
            return
        workspace = self.workspace
        year = workspace.scene.plan_year
        self.running = True
        self.run_button.setEnabled(False)
        self.host.run(lambda: workspace.run_review(year=year, visible_only=True), self._checked, self._failed)

    def _checked(self, result) -> None:
        self.running = False
        self.run_button.setEnabled(True)
        self.workspace.add_findings(result)
        self.host.log(self.tr("Review checks: {0} findings").format(len(result.reported())))

    def _failed(self, exc: BaseException) -> None:
        from ydtwin.errors import YdtwinError

        self.running = False
        self.run_button.setEnabled(True)
        text = str(exc) if isinstance(exc, YdtwinError) else f"review checks failed: {type(exc).__name__}: {exc}"
        self.host.log(text, error=True)

    def kind_label(self, kind: str) -> str:
        """A finding kind in the interface language (a plugin rule's own id as it is)."""
        labels = {"connected": self.tr("connected"), "offset": self.tr("offset at the border"),
                  "dangling": self.tr("dangling"), "class_mismatch": self.tr("class/capacity mismatch"),
                  "grade_mismatch": self.tr("grade mismatch"), "phase_mismatch": self.tr("phase mismatch"),
                  "datum_suspect": self.tr("suspected datum problem"), "conflict": self.tr("theme conflict"),
                  "manual": self.tr("manual")}
        return labels.get(kind, kind.replace("_", " "))

    def status_label(self, status: str) -> str:
        labels = {"open": self.tr("open"), "agreed": self.tr("agreed"), "deferred": self.tr("deferred"),
                  "resolved": self.tr("resolved")}
        return labels.get(status, status)

    def severity_label(self, severity: str) -> str:
        labels = {"error": self.tr("error"), "warning": self.tr("warning"), "info": self.tr("info")}
        return labels.get(severity, severity)

    def session_changed(self) -> None:
        """The session was replaced or findings were added: filters, table and pins anew."""
        self._fill_filters()
        self.refresh()
        self.pin_markers()

    def close_panel(self) -> None:
        """The window is closing: stop listening to the workspace."""
        self._autosave.stop()
        self.workspace.events.session.disconnect(self.session_changed)
        self.workspace.events.findings.disconnect(self.session_changed)

    def _fill_filters(self) -> None:
        cities = sorted({c for r in self.session.findings.values() for c in r["finding"].get("cities", [])})
        kinds = sorted({r["finding"]["kind"] for r in self.session.findings.values()})
        for combo, values in ((self.city_filter, cities), (self.kind_filter, kinds)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self._all[combo], ALL)
            for v in values:
                combo.addItem(self.kind_label(v) if combo is self.kind_filter else v, v)
            i = combo.findData(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

    def visible_ids(self) -> list[str]:
        city, kind, status, severity = (c.currentData() for c in (self.city_filter, self.kind_filter,
                                                                   self.status_filter, self.severity_filter))
        out = []
        for fid in sorted(self.session.findings):
            rec = self.session.findings[fid]
            f = rec["finding"]
            if city not in (None, ALL) and city not in f.get("cities", []):
                continue
            if kind not in (None, ALL) and f["kind"] != kind:
                continue
            if status not in (None, ALL) and rec["status"] != status:
                continue
            if severity not in (None, ALL) and f.get("severity") != severity:
                continue
            out.append(fid)
        return out

    def refresh(self) -> None:
        self._rows = self.visible_ids()
        self.table.setRowCount(len(self._rows))
        for row, fid in enumerate(self._rows):
            rec = self.session.findings[fid]
            f = rec["finding"]
            values = (self.kind_label(f["kind"]), self.severity_label(f.get("severity", "")),
                      ", ".join(f.get("cities", [])),
                      self.status_label(rec["status"]), f["message"])
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(f["message"])
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    def fly_to_row(self, row: int) -> None:
        """To the finding's own camera when one was saved, else to its box."""
        from ydtwin.model.project import Viewpoint

        rec = self.session.findings[self._rows[row]]
        vp = rec.get("viewpoint") or {}
        if vp.get("eye") and vp.get("target"):
            self.host.fly_to(Viewpoint(rec["finding"]["id"], tuple(vp["eye"]), tuple(vp["target"]),
                                         float(vp.get("view_angle", 30.0))))
        elif vp.get("view"):
            self.host.set_view(vp["view"])

    def save_view(self, ids: list[str]) -> None:
        """The current camera becomes the selected findings' viewpoint (an edit, journaled like any other)."""
        import getpass

        if self.session.read_only:
            self.host.log(self.tr("This review session is open read-only"), error=True)
            return
        if not ids:
            self.host.status(self.tr("Select a finding first"), 5000)
            return
        vp = self.host.viewpoint()
        for fid in ids:
            self.session.set_viewpoint(fid, {"eye": list(vp.eye), "target": list(vp.target),
                                             "view_angle": vp.view_angle}, author=getpass.getuser(),
                                    city=self.my_city.currentData() or "")
        self.host.log(self.tr("Saved the view for {0} finding(s)").format(len(ids)))

    def show_detail(self) -> None:
        """The selected finding: what, where, its status history and its comment thread."""
        import html

        ids = self.selected_ids()
        if len(ids) != 1 or ids[0] not in self.session.findings:
            self.detail.setHtml(f"<i>{html.escape(self.tr('Select one finding to see its thread'))}</i>"
                                if not ids else f"<i>{html.escape(self.tr('{0} findings selected').format(len(ids)))}</i>")
            return
        rec = self.session.findings[ids[0]]
        f = rec["finding"]
        esc = html.escape
        parts = [f"<b>{esc(self.kind_label(f['kind']))}</b> · {esc(self.severity_label(f.get('severity', '')))} · "
                 f"{esc(self.status_label(rec['status']))}<br>{esc(f['message'])}<br>"
                 f"<small>{esc(', '.join(f.get('projects', [])))}</small>"]
        for child in (f.get("details") or {}).get("children", []):  # e.g. the offsets a datum shift explains
            parts.append(f"<small>↳ {esc(str(child.get('message', '')))}</small>")
        for h in rec["history"]:
            who = esc(h.get("author") or "") + (f" ({esc(h['city'])})" if h.get("city") else "")
            parts.append(f"<small>{esc(h.get('time', '')[:16])} {who}: {esc(h.get('from', ''))} → "
                         f"{esc(h.get('to', ''))}</small>")
        for c in rec["comments"]:
            who = esc(c.get("author") or "") + (f" ({esc(c['city'])})" if c.get("city") else "")
            parts.append(f"<small>{esc(c.get('time', '')[:16])}</small> <b>{who}</b>: {esc(c.get('text', ''))}")
        self.detail.setHtml("<br>".join(parts))

    def add_comment(self) -> bool:
        """The comment box's text on the selected finding, by this user, from the chosen city."""
        import getpass

        text = self.comment_edit.text().strip()
        ids = self.selected_ids()
        if not text:
            return False
        if len(ids) != 1:
            self.host.status(self.tr("Select one finding to comment on"), 5000)
            return False
        if self.session.read_only:
            self.host.log(self.tr("This review session is open read-only"), error=True)
            return False
        self.session.comment(ids[0], text, author=getpass.getuser(), city=self.my_city.currentData() or "")
        self.comment_edit.clear()
        self.show_detail()
        return True

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self._rows[r] for r in rows if r < len(self._rows)]

    def set_status(self, ids: list[str], status: str) -> None:
        import getpass

        if self.session.read_only:
            self.host.log(self.tr("This review session is open read-only"), error=True)
            return
        for fid in ids:
            self.session.set_status(fid, status, author=getpass.getuser(), city=self.my_city.currentData() or "")
        self.refresh()
        self.show_detail()

    def _apply_status(self) -> None:
        self.set_status(self.selected_ids(), self.set_status_combo.currentData())

    # --- markers and session -----------------------------------------------------------------------------

    def pin_markers(self) -> None:
        """The findings as labelled pins in the scene (the workspace's pins layer, replaced on each change)."""
        from ydtwin.workspace.review import PINS_ROLE, finding_pins

        scene = self.workspace.scene
        for layer in [layer for layer in scene.layers if layer.role == PINS_ROLE]:
            scene.layers.remove(layer)
        layer = finding_pins(self.session, label=lambda f: self.kind_label(f["kind"]))
        if layer is not None:
            scene.add(layer)

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open review session"), "",
                                              self.tr("Review session") + " (*.ydreview *.json)")
        if path:
            self.open_session(path)

    def open_session(self, path, *, ask=None) -> bool:
        """Open a session file; when another planner holds it, say who and offer it read-only (``ask(text)``
        answers the question; by default a dialog)."""
        from ydtwin.errors import YdtwinError
        from ydtwin.review.session import SessionLocked

        try:
            session, n = self.workspace.open_session(path)
        except SessionLocked as exc:
            if ask is None:
                from PyQt6.QtWidgets import QMessageBox

                def ask(text):
                    return QMessageBox.question(self, self.tr("Session in use"), text) == \
                        QMessageBox.StandardButton.Yes
            if not ask(self.tr("{0}\n\nOpen it read-only?").format(exc)):
                return False
            session, n = self.workspace.open_session(path, read_only=True)
        except YdtwinError as exc:
            self.host.log(str(exc), error=True)
            return False
        torn = session.torn_message()  # a crash cut the journal's last record: say what was kept
        if torn:
            self.host.log(torn, error=True)
        ro = self.tr(" (read-only)") if session.read_only else ""
        self.host.log(self.tr("Review session opened: {0}{1}").format(path, ro)
                                + (f" — {n} journalled edits restored" if n else ""))
        return True

    def _ask_report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Write review report"), "",
                                              self.tr("Report") + " (*.html *.pdf);;"
                                              + self.tr("Report tables (CSV)") + " (*.csv)")
        if path:
            self.write_report(path)

    def write_report(self, path) -> Path | None:
        """The session's report, as `ydtwin review report` writes it (the workspace's write_report): the stills
        are drawn here, one at a time, with a progress dialog whose Cancel stops before anything is written."""
        from PyQt6.QtWidgets import QApplication, QProgressDialog

        from ydtwin.errors import YdtwinError
        from ydtwin.render.export import Cancelled
        from ydtwin.workspace.outputs import check_output

        total = len(self.session.findings)
        try:  # before any still is drawn: a folder that cannot be written, the session itself as the output …
            inputs = (self.session.path, self.session.journal_path) if self.session.path is not None else ()
            check_output(path, inputs=inputs)
        except YdtwinError as exc:
            self.host.log(str(exc), error=True)
            return None
        dialog = QProgressDialog(self.tr("Drawing the findings…"), self.tr("Cancel"), 0, max(total, 1), self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)

        def progress(done: int, n: int) -> None:
            dialog.setValue(done)
            QApplication.processEvents()  # the dialog (and Cancel) stay alive between stills
            if dialog.wasCanceled():
                raise Cancelled("report cancelled: nothing was written")

        try:
            out = self.workspace.write_report(path, progress=progress)
        except (YdtwinError, Cancelled, OSError) as exc:
            self.host.log(str(exc), error=not isinstance(exc, Cancelled))
            return None
        finally:
            dialog.close()
        self.host.log(self.tr("Review report written: {0} ({1} findings)").format(out, total))
        return Path(out)

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save review session"), "",
                                              self.tr("Review session") + " (*.ydreview *.json)")
        if path:
            self.save(path)

    def save(self, path) -> None:
        from ydtwin.errors import YdtwinError

        try:
            out = self.session.save(path)
        except (OSError, YdtwinError) as exc:
            self.host.log(f"{path}: could not save the session ({exc})", error=True)
            return
        self.host.log(self.tr("Review session saved: {0}").format(out))
