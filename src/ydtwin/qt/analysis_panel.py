"""What the analysis panels share: their dock beside Identify (made on first use), running the workspace call in
the background from the panel's fields (bad input a line in the panel), and writing the result through the
workspace (a file dialog when no path is given, the file written named in the log, a path that cannot be written
one line in the log)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QCoreApplication
from PyQt6.QtWidgets import QFileDialog, QWidget

__all__ = ["BackgroundRun", "export_result", "show_panel_dock"]


def export_result(widget: QWidget, host, write: Callable[[str], Path], *, title: str, default: str, filters: str,
                  path: str | None = None) -> Path | None:
    """``write(path)`` (a workspace method bound to the result) to ``path`` or one chosen in a dialog → the file
    written, or None (cancelled, or the failure logged)."""
    if path is None:
        path, _ = QFileDialog.getSaveFileName(widget, title, default, filters)
        if not path:
            return None
    try:
        written = write(path)
    except Exception as exc:  # noqa: BLE001 - a path that cannot be written is one line in the log
        host.log(str(exc), error=True)
        return None
    host.log(QCoreApplication.translate("SunlightPanel", "Wrote {path}").format(path=written))
    return written


class BackgroundRun:
    """A panel (with ``host``, ``summary``, ``run_button``) whose Run computes in the background:
    ``compute_in_background`` takes its fields as a request, the work runs in a worker, ``arrived(result)`` shows it
    on the UI thread and a failure is a line in the panel and the log (``failure`` says it: "…{error}")."""

    _running = False
    failure = "{error}"

    def compute_in_background(self, make_request: Callable, work: Callable, busy: str) -> None:
        from ydtwin.errors import YdtwinError

        if self._running:
            return
        try:
            request = make_request()
        except YdtwinError as exc:
            self.summary.setText(str(exc))
            return
        self._running = True
        self.run_button.setEnabled(False)
        self.summary.setText(busy)
        self.host.run(lambda: work(request), self._finished, self._failed)

    def _finished(self, result) -> None:
        self._running = False
        self.run_button.setEnabled(True)
        self.arrived(result)

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        self.run_button.setEnabled(True)
        self.summary.setText(str(exc))
        self.host.log(self.failure.format(error=exc), error=True)

    def arrived(self, result) -> None:
        raise NotImplementedError


def show_panel_dock(window, key: str, title: str, make: Callable[[QWidget], QWidget]) -> QWidget:
    """The panel ``window.<key>_panel`` in its right-hand dock ``window.<key>_dock`` beside Identify — made on first
    use by ``make(dock)`` — brought to the front → the panel."""
    if getattr(window, f"{key}_dock", None) is None:
        dock = window._tab_with_identify(title, f"{key}-dock")
        panel = make(dock)
        dock.setWidget(panel)
        setattr(window, f"{key}_dock", dock)
        setattr(window, f"{key}_panel", panel)
    dock = getattr(window, f"{key}_dock")
    dock.show()
    dock.raise_()
    return getattr(window, f"{key}_panel")
