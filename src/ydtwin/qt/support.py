"""What the app sets up around its windows: interface languages, log files, crash handlers."""

from __future__ import annotations

import faulthandler
import gc
import logging
import sys
import threading
import traceback
from pathlib import Path

from PyQt6.QtWidgets import QApplication, QDockWidget, QMainWindow, QScrollArea, QWidget

log = logging.getLogger("ydtwin")

#: interface languages: settings value → name shown (each in its own language)
LANGUAGES = {"auto": "Automatic · 自动", "en": "English", "zh_CN": "简体中文"}
I18N_DIR = Path(__file__).resolve().parent / "i18n"


class ScrollingDock(QDockWidget):
    """A dock whose panel sits in a scroll area: its minimum width is a scroll bar's, not the panel's form's,
    so several panels tabbed in one area leave the view its room. ``panel()`` is the widget given. Brought to
    the front, the dock widens to its panel's width where the view keeps at least half the window."""

    def __init__(self, title: str, parent: QMainWindow) -> None:
        super().__init__(title, parent)
        self.visibilityChanged.connect(self._fit)

    def _fit(self, visible: bool) -> None:
        window, panel = self.parent(), self.panel()
        if not visible or panel is None or not isinstance(window, QMainWindow) or window.centralWidget() is None:
            return
        from PyQt6.QtCore import Qt

        if window.dockWidgetArea(self) not in (Qt.DockWidgetArea.LeftDockWidgetArea,
                                               Qt.DockWidgetArea.RightDockWidgetArea):
            return
        want = panel.sizeHint().width() + self.widget().verticalScrollBar().sizeHint().width() + 4
        room = self.width() + window.centralWidget().width() - window.width() // 2
        target = min(want, room)
        if target > self.width():
            window.resizeDocks([self], [target], Qt.Orientation.Horizontal)

    def setWidget(self, widget: QWidget | None) -> None:  # noqa: N802 (Qt API)
        if widget is None:
            super().setWidget(None)
            return
        area = QScrollArea(self)
        area.setObjectName(f"{self.objectName()}-scroll")
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(widget)
        area.setMinimumWidth(120)
        super().setWidget(area)

    def panel(self) -> QWidget | None:
        area = self.widget()
        return area.widget() if isinstance(area, QScrollArea) else area


def install_translators(app: QApplication, language: str = "auto") -> list:
    """Qt's own Chinese (qtbase_zh_CN) and ydtwin's translations for ``language`` ("auto": the system's)."""
    from PyQt6.QtCore import QLibraryInfo, QLocale, QTranslator

    if language == "auto":
        language = "zh_CN" if QLocale.system().name().startswith("zh") else "en"
    if language == "en":
        return []
    installed = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in ((f"qtbase_{language}", qt_dir), (f"ydtwin_{language}", str(I18N_DIR))):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("no translation %s in %s", name, folder)
    return installed


def remove_translators(app: QApplication, translators: list) -> None:
    for translator in translators:
        app.removeTranslator(translator)


_crash_file = None


def install_exception_hooks() -> None:
    """Unhandled exceptions are logged and shown in the status bar; they never abort the process. A native
    crash leaves the Python stacks of every thread in crash.log; the session's log goes to ydtwin.log."""
    from ydtwin.workspace.paths import log_folder

    global _crash_file
    folder = log_folder()
    if _crash_file is None:
        _crash_file = open(folder / "crash.log", "a", encoding="utf-8")  # noqa: SIM115 - open for the process
    faulthandler.enable(file=_crash_file, all_threads=True)
    if not any(isinstance(h, logging.FileHandler) for h in log.handlers):
        handler = logging.FileHandler(folder / "ydtwin.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)

    def hook(exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled exception:\n%s", text)
        print(text, file=sys.stderr)
        app = QApplication.instance()
        for w in app.topLevelWidgets() if app else []:
            if isinstance(w, QMainWindow):
                w.statusBar().showMessage(f"Error: {exc_type.__name__}: {exc}", 15000)

    sys.excepthook = hook
    threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)


def settle_heap() -> None:
    """Move every object alive now out of the cyclic garbage collector's sight (``gc.freeze``).

    The app's long-lived heap (Qt, VTK and pyvista wrappers, the scene) is large; a full collection walks all
    of it while holding the GIL, ~60–100 ms on a modest machine, and readers that create many short-lived
    objects trigger such collections while the UI wants to draw. Frozen objects are still freed by reference
    counting; only reference cycles among them stay until exit.
    """
    gc.freeze()


#: seconds a thread running Python may keep the GIL while another waits for it (Python's default: 5 ms)
GIL_SWITCH_INTERVAL_S = 0.001


def share_the_interpreter() -> None:
    """Hand the GIL over faster while readers run in worker threads.

    A frame calls back into Python a dozen times (level of detail, the GL widget's context callbacks); each
    callback waits until a worker gives up the GIL, up to the switch interval. At Python's default of 5 ms
    that adds tens of milliseconds to a frame drawn while a file loads.
    """
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


class FrameSeparatedQueue:
    """Work the UI thread does in pieces (tile actors, legends) on later event-loop turns, one piece per
    turn, never in the same turn as a frame.

    With ``QTimer.singleShot(0, …)`` a piece and the frame it asked for run back to back (the timer and the
    repaint are both due in one pass of the event loop), so the UI does not answer for the sum of both. Here
    a piece waits ``GAP_MS`` after the previous one and after a frame: input and other timers run in between.
    A frame that never comes (a hidden window) holds the queue at most ``FRAME_WAIT_S``.
    """

    GAP_MS = 6
    FRAME_WAIT_S = 0.25

    def __init__(self, parent, frame_pending) -> None:
        from PyQt6.QtCore import QTimer

        self._jobs: list = []
        self._frame_pending = frame_pending
        self._waiting_since: float | None = None
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run_one)

    def __len__(self) -> int:
        return len(self._jobs)

    def defer(self, fn) -> None:
        self._jobs.append(fn)
        if not self._timer.isActive():
            self._timer.start(self.GAP_MS)

    def clear(self) -> None:
        """Drop the pieces not run yet (the window is closing)."""
        self._jobs.clear()
        self._timer.stop()

    def frame_done(self) -> None:
        """The viewport drew a frame: the next piece runs a gap after it."""
        self._waiting_since = None
        if self._jobs:
            self._timer.start(self.GAP_MS)

    def _run_one(self) -> None:
        import time

        if not self._jobs:
            return
        if self._frame_pending():
            now = time.perf_counter()
            if self._waiting_since is None:
                self._waiting_since = now
            if now - self._waiting_since < self.FRAME_WAIT_S:
                self._timer.start(self.GAP_MS)  # ``frame_done`` restarts it sooner
                return
        self._waiting_since = None
        fn = self._jobs.pop(0)
        try:
            fn()
        finally:
            if self._jobs and not self._timer.isActive():
                self._timer.start(self.GAP_MS)
