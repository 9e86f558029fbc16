"""The desktop app: a main window that holds the 3D viewport (composition, not inheritance)."""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
import traceback

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
)
from pyvistaqt import QtInteractor

from ydtwin import __version__
from ydtwin.io.region import open_scene
from ydtwin.model.scene import Scene
from ydtwin.render.backend import gl_info
from ydtwin.render.scene_view import SceneView

log = logging.getLogger("ydtwin")


class MainWindow(QMainWindow):
    """Main window: the viewport in the centre, a view chooser, the render backend in the status bar."""

    def __init__(self, scene: Scene, *, view: str = "region") -> None:
        super().__init__()
        self.scene = scene
        region = scene.region
        self.setWindowTitle(f"ydtwin — {region.title_zh} {region.title}".strip())
        self.resize(1400, 900)
        # the window HOLDS the interactor; no render timer: redraws are requested by model events
        self.viewport = QtInteractor(self, auto_update=False, multi_samples=0)
        self.setCentralWidget(self.viewport.interactor)
        self._render_pending = False
        self.scene_view = SceneView(scene, self.viewport, request_render=self.request_render)
        self.viewport.enable_terrain_style(mouse_wheel_zooms=True)
        self.viewport.enable_anti_aliasing("fxaa")
        self._build_toolbar()
        self._build_menus()
        self._backend = QLabel("")
        self._tris = QLabel(f"{self.scene_view.triangles():,} triangles")
        self.statusBar().addPermanentWidget(self._tris)
        self.statusBar().addPermanentWidget(self._backend)
        self.statusBar().showMessage(
            "Drag: rotate · Shift-drag or middle: pan · wheel: zoom · click: identify · R: home view", 0
        )
        self._initial_view = view
        self._shown_once = False
        self._build_identify()
        self._press_pos: tuple[int, int] | None = None
        iren = self.viewport.iren.interactor
        iren.AddObserver("LeftButtonPressEvent", self._on_press, 10.0)
        # the navigation style grabs the mouse between press and release, so the release is seen as the
        # end of its interaction
        iren.GetInteractorStyle().AddObserver("EndInteractionEvent", lambda *_: self._on_release(iren, None))
        # status after every frame, including those the mouse drives
        self.viewport.renderer.AddObserver("EndEvent", lambda *_: self._update_status())

    # ---- identify --------------------------------------------------------------------------------

    def _build_identify(self) -> None:
        dock = QDockWidget("Identify · 属性", self)
        dock.setObjectName("identify-dock")
        self.identify_table = QTableWidget(0, 2, dock)
        self.identify_table.setHorizontalHeaderLabels(["Attribute", "Value"])
        self.identify_table.horizontalHeader().setStretchLastSection(True)
        self.identify_table.verticalHeader().setVisible(False)
        dock.setWidget(self.identify_table)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.identify_dock = dock

    def _on_press(self, obj, _event) -> None:
        self._press_pos = tuple(obj.GetEventPosition())

    def _on_release(self, obj, _event) -> None:
        pos = tuple(obj.GetEventPosition())
        if self._press_pos is not None and abs(pos[0] - self._press_pos[0]) + abs(pos[1] - self._press_pos[1]) <= 3:
            self.identify_at(*pos)
        self._press_pos = None

    def identify_at(self, x: int, y: int) -> dict | None:
        """Pick at display pixel (x, y) (VTK convention, origin bottom-left) and show what is there."""
        info = self.scene_view.pick(x, y)
        self.show_identify(info)
        return info

    def show_identify(self, info: dict | None) -> None:
        rows = list(info.items()) if info else [("", "nothing here (click a building)")]
        self.identify_table.setRowCount(len(rows))
        for r, (k, v) in enumerate(rows):
            self.identify_table.setItem(r, 0, QTableWidgetItem(str(k)))
            self.identify_table.setItem(r, 1, QTableWidgetItem(str(v)))
        self.identify_table.resizeColumnToContents(0)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # the camera fit needs the viewport's real size: set the first view once the window is laid out
            QTimer.singleShot(0, lambda: (self.set_view(self._initial_view), self._show_backend()))

    # ---- rendering -------------------------------------------------------------------------------

    def request_render(self) -> None:
        """Coalesce redraw requests from model events into one render per event-loop turn."""
        if not self._render_pending:
            self._render_pending = True
            QTimer.singleShot(0, self._render_now)

    def _render_now(self) -> None:
        self._render_pending = False
        self.viewport.render()

    def _update_status(self) -> None:
        ms = self.scene_view.last_frame_s * 1000
        self._tris.setText(f"{self.scene_view.triangles():,} triangles · {ms:.0f} ms/frame")

    def _show_backend(self) -> None:
        try:
            info = gl_info(self.viewport.render_window)
            self._backend.setText(info.label())
        except Exception as exc:  # capability report unavailable: say so rather than guess
            self._backend.setText(f"OpenGL: unknown ({type(exc).__name__})")

    # ---- views -----------------------------------------------------------------------------------

    def set_view(self, name: str) -> None:
        try:
            spec = self.scene_view.set_view(name)
        except KeyError as exc:
            self.statusBar().showMessage(str(exc.args[0]), 8000)
            return
        idx = self._views.findData(spec.name)
        if idx >= 0 and idx != self._views.currentIndex():
            self._views.blockSignals(True)
            self._views.setCurrentIndex(idx)
            self._views.blockSignals(False)

    def _build_toolbar(self) -> None:
        bar = QToolBar("View", self)
        bar.setObjectName("view-toolbar")
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self._views = QComboBox(bar)
        self._views.addItem("Whole region · 全域", "region")
        for city in self.scene.region.cities:
            self._views.addItem(city.label(), city.name)
        self._views.currentIndexChanged.connect(lambda i: self.set_view(self._views.itemData(i)))
        bar.addWidget(QLabel(" View: ", bar))
        bar.addWidget(self._views)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        home = QAction("&Home (whole region)", self)
        home.setShortcuts([QKeySequence("Home"), QKeySequence("R")])
        home.triggered.connect(lambda: self.set_view("region"))
        view_menu.addAction(home)
        cities = view_menu.addMenu("&City")
        for city in self.scene.region.cities:
            act = QAction(city.label(), self)
            act.triggered.connect(lambda _=False, n=city.name: self.set_view(n))
            cities.addAction(act)
        view_menu.addSeparator()
        layers_menu = view_menu.addMenu("&Layers")
        self._model_slots = []
        for layer in self.scene.layers:
            act = QAction(layer.display_name(), self, checkable=True)
            act.setChecked(layer.visible)
            # the menu edits the model; the view follows the model's event
            act.toggled.connect(lambda on, lyr=layer: setattr(lyr, "visible", on))
            slot = lambda on, a=act: a.setChecked(on)  # noqa: E731
            layer.events.visible.connect(slot)
            self._model_slots.append((layer.events.visible, slot))
            layers_menu.addAction(act)

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About ydtwin", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About ydtwin",
            f"<b>ydtwin {__version__}</b><br>3D digital twin of the Yangtze River Delta for joint review of "
            "city plans.<br><br>Licence: GPL-3.0-or-later.<br><br><small>"
            + self.scene_view.attribution().replace("\n", "<br>")
            + "</small>",
        )

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        for signal, slot in self._model_slots:
            signal.disconnect(slot)
        self._model_slots = []
        self.scene_view.close()
        self.viewport.close()
        super().closeEvent(event)


def install_exception_hooks() -> None:
    """Unhandled exceptions are logged and shown in the status bar; they never abort the process."""
    faulthandler.enable()

    def hook(exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled exception:\n%s", text)
        print(text, file=sys.stderr)
        app = QApplication.instance()
        for w in app.topLevelWidgets() if app else []:
            if isinstance(w, MainWindow):
                w.statusBar().showMessage(f"Error: {exc_type.__name__}: {exc}", 15000)

    sys.excepthook = hook
    threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)


def run(*, region: str | None = None, boundaries: str = "corrected", view: str = "region", args=None) -> int:
    install_exception_hooks()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ydtwin")
    app.setOrganizationName("ydtwin")
    app.setApplicationVersion(__version__)
    scene = open_scene(region, boundaries=boundaries)  # type: ignore[arg-type]
    if args is not None and getattr(args, "layer", None):
        from ydtwin.cli import load_layers

        load_layers(scene, args)
    window = MainWindow(scene, view=view)
    window.show()
    return app.exec()
