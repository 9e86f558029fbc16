"""The desktop app: a main window that holds the 3D viewport (composition, not inheritance)."""

from __future__ import annotations

import logging
import sys
import time

from PyQt6.QtCore import QCoreApplication, QSettings, Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)

from ydtwin import __version__
from ydtwin.io.footprint_sources import preload_readers
from ydtwin.qt.host import Host
from ydtwin.qt.support import (
    FrameSeparatedQueue,
    install_exception_hooks,
    install_translators,
    settle_heap,
    share_the_interpreter,
)
from ydtwin.qt.viewport import Viewport
from ydtwin.qt.window_basemap import BasemapMixin
from ydtwin.qt.window_exchange import ExchangeMixin
from ydtwin.qt.window_files import FilesMixin
from ydtwin.qt.window_menus import MenusMixin
from ydtwin.qt.window_models import ModelsMixin
from ydtwin.qt.window_tiles import TilesMixin
from ydtwin.qt.window_view import NavigationMixin
from ydtwin.qt.workers import BackgroundRunner, LoadJob
from ydtwin.render.backend import gl_info
from ydtwin.render.scene_view import SceneView
from ydtwin.workspace import LayerRequest, Workspace

log = logging.getLogger("ydtwin")


class MainWindow(FilesMixin, BasemapMixin, TilesMixin, ExchangeMixin, ModelsMixin, NavigationMixin, MenusMixin,
                 QMainWindow):
    """Main window over a workspace: the viewport in the centre, docks for the layers, plugins, review and
    flythrough, a view chooser, the render backend in the status bar. The use cases are the workspace's."""

    #: a plugin failed somewhere (any thread): (plugin, one line) → the log panel
    plugin_problem = pyqtSignal(str, str)

    def __init__(self, workspace: Workspace, *, view: str = "region", started: float | None = None) -> None:
        super().__init__()
        share_the_interpreter()
        self.workspace = workspace
        self.safe_mode = workspace.safe_mode
        self._closed = False
        self._started = started
        #: the launch time, from the first frame until the frame that shows every visual
        self._launched: float | None = None
        #: launch to the whole scene drawn (ms), once it has been
        self.launch_ms: float | None = None
        self.scene = scene = workspace.scene
        region = scene.region
        self.setWindowTitle(f"ydtwin — {region.title_zh} {region.title}".strip())
        self.resize(1400, 900)
        # the window HOLDS the interactor; no render timer: redraws are requested by model events
        self.viewport = Viewport(self, auto_update=False, multi_samples=0)
        self.viewport.hold_frames = True  # until the start view is set (``_first_view``)
        self.setCentralWidget(self.viewport.interactor)
        # redraw requests are coalesced into one repaint, which runs from a timer: the event loop handles input
        # (and other timers) between the work that asked for the frame and the frame itself
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(1)
        self._render_timer.timeout.connect(self._render_now)
        #: a repaint was asked of the viewport and has not been drawn yet
        self._frame_asked = False
        # deferred work waits for the first frame too (the start view is set, then drawn)
        self._work = FrameSeparatedQueue(self, lambda: self._frame_asked or self._render_timer.isActive()
                                         or self.viewport.hold_frames)
        self.viewport.painted = self._painted
        self._project_queue: list[LayerRequest] = []
        self._fly_timer = QTimer(self)
        self._fly_timer.timeout.connect(self._fly_step)
        self._fly_frames: list = []
        self._fly_start = self._fly_duration = 0.0
        self.runner = BackgroundRunner(self)
        #: what panels may ask of the window (they never get the window itself)
        self.host = Host(self)
        self.settings = QSettings("ydtwin", "ydtwin")
        # plugins: found without running their code; their plans and layers join the scene as model layers
        self._plugin_messages: list[tuple[str, str]] = []
        #: settings being written by a worker (read back from here until the write is done)
        self._pending_settings: dict[str, object] = {}
        self.plugin_problem.connect(self._plugin_failed)
        self.plugins = workspace.plugins
        self.plugins.guard.on_failure = lambda name, text: self.plugin_problem.emit(name, text)
        self._plugin_hosts: dict[str, object] = {}
        self._plugin_docks: dict[str, QDockWidget] = {}
        self.sync_plugin_layers()
        self.scene_view = SceneView(scene, self.viewport, request_render=self.request_render,
                                    run_in_background=self.runner.run,
                                    defer=self._work.defer,
                                    translate=lambda text: QCoreApplication.translate("LayersPanel", text))
        self.viewport.enable_terrain_style(mouse_wheel_zooms=True)
        # north (+y: grid north of the scene projection, within 1.3° of true north across the region) and a
        # scale bar true at the focal distance
        self.viewport.add_north_arrow_widget(viewport=(0.93, 0.0, 1.0, 0.1), color="#E8E8E8")
        from ydtwin.render.decorations import ScaleBar

        self.scale_bar = ScaleBar(self.viewport.renderer, keep_clear_of=lambda: self.scene_view.bottom_boxes())
        self.viewport.enable_anti_aliasing("fxaa")
        self._build_toolbar()
        self._build_menus()
        workspace.events.bookmarks.connect(self._fill_bookmarks_menu)
        self._backend = QLabel("")
        self._tris = QLabel(f"{self.scene_view.triangles():,} triangles")
        self._cursor = QLabel("")
        self._cursor.setMinimumWidth(260)
        self.statusBar().addPermanentWidget(self._cursor)
        self.statusBar().addPermanentWidget(self._tris)
        self.statusBar().addPermanentWidget(self._backend)
        self.statusBar().showMessage(
            self.tr("Drag: rotate · Shift-drag or middle: pan · wheel: zoom · click: identify · R: home view"), 0
        )
        self._initial_view = view
        self._shown_once = False
        #: frames drawn before the start view is set do not count as the first frame
        self._frame_asked_before_view = True
        if not self.safe_mode:
            geometry = self.settings.value("window/geometry")
            if geometry is not None:
                self.restoreGeometry(geometry)
        self._build_layers()
        self._build_keyboard()
        self._build_identify()
        self._build_log()
        self._build_plugins()
        self._build_review()
        self._build_flythrough()
        from ydtwin.qt.sea_level_panel import add_sea_level_dock

        add_sea_level_dock(self)
        from ydtwin.qt.measure_tool import add_measure_tools

        add_measure_tools(self)  # Analysis ▸ Measure, Profile…
        from ydtwin.qt.sunlight_panel import add_sunlight_action

        add_sunlight_action(self)  # Analysis ▸ Sunlight…
        from ydtwin.qt.viewshed_panel import add_viewshed_actions

        add_viewshed_actions(self)  # Analysis ▸ Viewshed…, Sight line
        from ydtwin.qt.figures_panel import add_figures_actions

        add_figures_actions(self)  # Analysis ▸ Scenario figures…, Height limits
        self._build_progress()
        self.setAcceptDrops(True)
        self.job: LoadJob | None = None
        self._last_progress = 0.0
        self._press_pos: tuple[int, int] | None = None
        iren = self.viewport.iren.interactor
        iren.AddObserver("LeftButtonPressEvent", self._on_press, 10.0)
        iren.AddObserver("MouseMoveEvent", self._on_move, 10.0)
        self._cursor_timer = QTimer(self)
        self._cursor_timer.setSingleShot(True)
        self._cursor_timer.setInterval(60)  # at most ~16 depth reads a second
        self._cursor_timer.timeout.connect(self._update_cursor)
        self._cursor_pos: tuple[int, int] | None = None
        self._watch_style()
        # the 2D map stays straight down and north up, before the visuals choose their detail (priority)
        self.viewport.renderer.AddObserver("StartEvent", lambda *_: self._keep_map(), 2.0)
        # status after every frame, including those the mouse drives
        self.viewport.renderer.AddObserver("EndEvent", lambda *_: self._update_status())

    # ---- layers ----------------------------------------------------------------------------------

    def _build_layers(self) -> None:
        from ydtwin.qt.layers_panel import LayersPanel

        dock = QDockWidget(self.tr("Layers"), self)
        dock.setObjectName("layers-dock")
        self.layers_panel = LayersPanel(self.scene, zoom_to=self.zoom_to_layer, parent=dock)
        dock.setWidget(self.layers_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.layers_dock = dock

    # ---- plugins ---------------------------------------------------------------------------------

    def _build_plugins(self) -> None:
        from ydtwin.qt.plugins_panel import PluginsPanel, make_dock

        self.plugins_panel = PluginsPanel(self.plugins, changed=self.sync_plugin_layers,
                                          open_panel=self.open_plugin_panel, install=self.install_plugin)
        self.plugins_dock = make_dock(self, self.plugins_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.plugins_dock)
        self.tabifyDockWidget(self.layers_dock, self.plugins_dock)
        self.layers_dock.raise_()
        for name, text in self._plugin_messages:
            self.log_message(f"plugin {name}: {text}", error=True)
        self._plugin_messages = []

    def _build_review(self) -> None:
        from ydtwin.qt.review_panel import ReviewPanel

        self.review_dock = self._tab_with_identify(self.tr("Review"), "review-dock")
        self.review_panel = ReviewPanel(self.workspace, self.host, parent=self.review_dock)
        self.review_dock.setWidget(self.review_panel)

    def _tab_with_identify(self, title: str, name: str) -> QDockWidget:
        """A right-hand dock in a tab beside Identify (which stays in front). Its panel scrolls: the widest
        panel's form must not set the width of the whole right-hand area and squeeze the view."""
        from ydtwin.qt.support import ScrollingDock

        dock = ScrollingDock(title, self)
        dock.setObjectName(name)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.tabifyDockWidget(self.identify_dock, dock)
        self.identify_dock.raise_()
        return dock

    def _build_flythrough(self) -> None:
        from ydtwin.qt.flythrough_panel import FlythroughPanel

        self.flythrough_dock = self._tab_with_identify(self.tr("Flythrough"), "flythrough-dock")
        self.flythrough_panel = FlythroughPanel(self.workspace, self.host, parent=self.flythrough_dock)
        self.flythrough_dock.setWidget(self.flythrough_panel)

    def show_flythrough(self) -> None:
        """The Flythrough panel: keyframes, timeline, presets and the video export."""
        self.flythrough_dock.show()
        self.flythrough_dock.raise_()

    def export_image(self):
        """File ▸ Export image: size up to 16K, overlays, preview."""
        from ydtwin.qt.export_ui import ExportImageDialog

        dialog = ExportImageDialog(self.workspace, self.host)
        self.export_image_dialog = dialog
        dialog.show()
        return dialog

    def open_compare(self) -> None:
        """Two linked viewports: this scene (A) and a second scenario (B) built in the background."""
        from ydtwin.qt.compare import CompareWindow

        if getattr(self, "compare_window", None) is not None and self.compare_window.isVisible():
            self.compare_window.raise_()
            return
        self.compare_window = None
        self.statusBar().showMessage(self.tr("Preparing the second scenario…"), 5000)

        def ready(scene_b) -> None:
            self.compare_window = CompareWindow(self, scene_b)
            self.compare_window.show()

        self.runner.run(self.workspace.scenario_scene, ready,
                        lambda exc: self.log_message(f"compare: {type(exc).__name__}: {exc}", error=True))

    def _plugin_failed(self, name: str, text: str) -> None:
        if not hasattr(self, "log_view"):  # before the log panel exists: shown when it does
            self._plugin_messages.append((name, text))
            return
        self.log_message(f"plugin {name}: {text}", error=True)
        if hasattr(self, "plugins_panel"):
            self.plugins_panel.refresh()

    def sync_plugin_layers(self) -> None:
        """The scene holds exactly the active plugins' plans and layers (after enabling, disabling, trusting)."""
        self.workspace.sync_plugin_layers()
        active = {d.name for d in self.plugins.active()}
        for name in list(self._plugin_hosts):
            if name not in active:
                self._plugin_hosts.pop(name).dispose()
                prefix = name.removeprefix("ydtwin-") + "."
                for panel_id in [k for k in self._plugin_docks if k.startswith(prefix)]:
                    self._plugin_docks.pop(panel_id).close()

    def open_plugin_panel(self, panel_id: str):
        """Create a plugin's panel (imported now, through the guard) in a dock → the dock, or None."""
        from ydtwin.plugins.guard import PluginFailure
        from ydtwin.qt.plugins_panel import PluginHost

        if panel_id in self._plugin_docks:
            self._plugin_docks[panel_id].show()
            self._plugin_docks[panel_id].raise_()
            return self._plugin_docks[panel_id]
        try:
            entry, factory = self.plugins.panel_factory(panel_id)
            host = self._plugin_hosts.setdefault(entry.plugin, PluginHost(entry.plugin, self.workspace, self.host))
            widget = self.plugins.guard.call(entry.plugin, f"panel {panel_id}", factory, host)
            if not isinstance(widget, QWidget):
                raise PluginFailure(entry.plugin, f"panel {panel_id}",
                                    f"returned {type(widget).__name__}, not a QWidget")
        except (PluginFailure, KeyError) as exc:
            if isinstance(exc, KeyError):
                self.log_message(f"no plugin panel {panel_id}", error=True)
            self.plugins_panel.refresh()
            return None
        dock = QDockWidget(entry.contribution.title, self)
        dock.setObjectName(f"plugin-panel-{panel_id}")
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self._plugin_docks[panel_id] = dock
        return dock

    def install_plugin(self, path: str) -> bool:
        from ydtwin.errors import YdtwinError

        try:
            folder = self.workspace.install_plugin(path)
        except YdtwinError as exc:
            self.log_message(str(exc), error=True)
            return False
        self.log_message(self.tr("Plugin installed: {0}").format(folder.name))
        self.sync_plugin_layers()
        self.plugins_panel.refresh()
        return True

    def zoom_to_layer(self, layer) -> None:
        from ydtwin.qt.layers_panel import layer_bounds_wgs84

        box = layer_bounds_wgs84(layer)
        if box is None:
            self.statusBar().showMessage(self.tr("{0}: nothing to zoom to").format(layer.name), 5000)
            return
        x0, y0, x1, y1 = box
        # a little margin, and never closer than ~500 m across
        pad_x = max((x1 - x0) * 0.05, 0.003)
        pad_y = max((y1 - y0) * 0.05, 0.003)
        self.set_view(f"{x0 - pad_x},{y0 - pad_y},{x1 + pad_x},{y1 + pad_y}")

    # ---- identify --------------------------------------------------------------------------------

    def _build_identify(self) -> None:
        dock = QDockWidget(self.tr("Identify"), self)
        dock.setObjectName("identify-dock")
        self.identify_table = QTableWidget(0, 2, dock)
        self.identify_table.setHorizontalHeaderLabels([self.tr("Attribute"), self.tr("Value")])
        self.identify_table.horizontalHeader().setStretchLastSection(True)
        self.identify_table.verticalHeader().setVisible(False)
        dock.setWidget(self.identify_table)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.identify_dock = dock

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if not self.safe_mode:
                state = self.settings.value("window/state")
                if state is not None:
                    self.restoreState(state)
                else:  # first start: side panels a fifth of the window each, the view the rest
                    side = max(200, min(360, self.width() // 5))
                    self.resizeDocks([self.layers_dock, self.identify_dock], [side, side], Qt.Orientation.Horizontal)
            if self.windowHandle() is not None:
                self.windowHandle().screenChanged.connect(lambda _screen: self.pixel_ratio_changed())
            # the camera fit needs the viewport's real size: set the first view once the window is laid out
            QTimer.singleShot(0, self._first_view)

    def pixel_ratio_changed(self) -> None:
        """The window moved to a screen with another scaling: give VTK the new device-pixel size.

        The Qt VTK widget sizes its render window from the pixel ratio only when the widget's logical size
        changes, but scales mouse events with the current ratio; after a move between a 100 % and a 150 %
        screen the two disagree and every pick lands in the wrong place until the window is resized.
        """
        widget = self.viewport.interactor
        widget.resizeGL(widget.width(), widget.height())
        self.request_render()

    def _first_view(self) -> None:
        if self._closed:  # closed before the event loop got here
            return
        from ydtwin.errors import YdtwinError

        try:
            self.workspace.check_view(self._initial_view)
        except (YdtwinError, KeyError) as exc:  # one line, and the whole region instead
            self.log_message(str(exc.args[0] if exc.args else exc), error=True)
            self._initial_view = "region"
        # every view sets the whole camera: pyvista's reset of a camera not set yet would draw the scene once
        # more, for nothing, before the first frame
        self.viewport.renderer.camera.is_set = True
        self.set_view(self._initial_view)
        self._frame_asked_before_view = False
        self.viewport.hold_frames = False
        self.request_render()
        self._show_backend()
        settle_heap()  # the start-up heap stays: full garbage collections later need not walk it


    def _build_log(self) -> None:
        dock = QDockWidget(self.tr("Log"), self)
        dock.setObjectName("log-dock")
        self.log_view = QPlainTextEdit(dock)
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(2000)
        dock.setWidget(self.log_view)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.resizeDocks([dock], [110], Qt.Orientation.Vertical)
        self.log_dock = dock

    def log_message(self, text: str, *, error: bool = False) -> None:
        """One line in the log panel; errors also show (non-blocking) in the status bar."""
        line = ("ERROR " if error else "") + text.replace("\n", " ")
        self.log_view.appendPlainText(line)
        (log.error if error else log.info)(text)
        if error:
            self.statusBar().showMessage(text, 15000)

    # ---- rendering -------------------------------------------------------------------------------

    def request_render(self) -> None:
        """Coalesce redraw requests from model events into one frame, drawn on a later turn of the event loop."""
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _render_now(self) -> None:
        if not self._closed:
            # a repaint of the GL widget renders once; ``viewport.render()`` would render, then the widget's
            # repaint that the finished frame schedules would render the same frame a second time
            # a hidden or minimised window draws nothing: deferred work must not wait for its frames
            self._frame_asked = self.viewport.isVisible() and not self.isMinimized()
            self.viewport.update()

    def _painted(self) -> None:
        if self._started is not None and self._shown_once and not self._frame_asked_before_view:
            ms = (time.perf_counter() - self._started) * 1000
            self._launched, self._started = self._started, None
            self.log_message(self.tr("Launch to first frame: {0} ms").format(f"{ms:,.0f}"))
            self._work.defer(preload_readers)  # after the first frame, and before any file is read
        if self._launched is not None and self.scene_view.pending == 0:
            # the buildings are made in the background and follow the first frame
            ms = (time.perf_counter() - self._launched) * 1000
            self._launched = None
            self.launch_ms = ms
            self.log_message(self.tr("Launch to the whole scene drawn: {0} ms").format(f"{ms:,.0f}"))
        self._frame_asked = False
        self._work.frame_done()

    def _update_status(self) -> None:
        ms = self.scene_view.last_frame_s * 1000
        self._tris.setText(self.tr("{0} triangles · {1} ms/frame").format(f"{self.scene_view.triangles():,}", f"{ms:.0f}"))

    def _show_backend(self) -> None:
        try:
            info = gl_info(self.viewport.render_window)
            self._backend.setText(info.label())
        except Exception as exc:  # capability report unavailable: say so rather than guess
            self._backend.setText(f"OpenGL: unknown ({type(exc).__name__})")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._closed:
            super().closeEvent(event)
            return
        self._closed = True
        self._work.clear()
        placing = getattr(self, "_placement_dialog", None)
        if placing is not None:  # its handles go before the view does
            placing.handles_box.setChecked(False)
        panel = getattr(self, "flythrough_panel", None)
        if panel is not None:
            panel.close_exports()
        if getattr(self, "export_image_dialog", None) is not None:
            self.export_image_dialog.host.close()
        self._cursor_timer.stop()
        self._fly_timer.stop()
        self.scale_bar.remove()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        if self.job is not None:
            self.job.cancel()
        self.runner.wait(10_000)
        self.workspace.events.bookmarks.disconnect(self._fill_bookmarks_menu)
        for signal, slot in self._model_slots:
            signal.disconnect(slot)
        self._model_slots = []
        self.layers_panel.close_panel()
        self.review_panel.close_panel()
        self.scene_view.close()
        self.viewport.close()
        super().closeEvent(event)


def run(*, region: str | None = None, boundaries: str = "corrected", view: str = "region",
        layers: list[LayerRequest] | None = None, plugin_names: list[str] | None = None, safe_mode: bool = False,
        reset_settings: bool = False, language: str | None = None, basemaps: list | None = None,
        dems: list | None = None, sea_level: float | None = None, terrain_colour: str | None = None,
        project: str | None = None, screenshot: str | None = None) -> int:
    """Open the window on a workspace (region, plugins), open ``project`` (if any) and load ``basemaps`` and
    ``layers`` in the background. ``screenshot``: once the whole scene is drawn, save the viewport to that PNG
    and quit (exit 0; 1 when the scene is not drawn within two minutes): the installer's smoke test."""
    from ydtwin.clock import process_age_s

    # launch = the process's start (interpreter and imports included), on the perf_counter clock
    started = time.perf_counter() - process_age_s()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ydtwin")
    app.setOrganizationName("ydtwin")
    app.setOrganizationDomain("ydtwin.invalid")
    install_exception_hooks()
    if reset_settings:
        QSettings("ydtwin", "ydtwin").clear()
    install_translators(app, language or str(QSettings("ydtwin", "ydtwin").value("ui/language", "auto")))
    app.setApplicationVersion(__version__)
    from ydtwin.printing import html_to_pdf

    workspace = Workspace.open(region, boundaries=boundaries, plugin_names=plugin_names, safe_mode=safe_mode,
                               print_pdf=html_to_pdf)
    window = MainWindow(workspace, view=view, started=started)
    window.show()
    if project is not None:
        window.open_project(project)  # a file it cannot open is one line in the log
    for dem in dems or []:
        window.open_dem(dem)  # merged in the background; a scenario shown then follows the new terrain
    if sea_level is not None:  # after the project's and the command line's DEMs, in that order
        from ydtwin.qt.sea_level_panel import run_terrain_job

        run_terrain_job(window, lambda: None, lambda _none: window.sea_level_panel.set_level(sea_level))
    if terrain_colour is not None:
        window.hillshade_action.setChecked(terrain_colour == "hillshade")
    for folder in basemaps or []:
        window.add_basemap(folder)  # one at a time: layers follow once it is shown
    if layers:
        window.open_files(layers)
    if screenshot is not None:
        _screenshot_when_drawn(app, window, screenshot)
    return app.exec()


def _screenshot_when_drawn(app, window: MainWindow, out: str, *, timeout_s: float = 120.0) -> None:
    """Poll until the whole scene is drawn (no job, nothing pending), then save the viewport and quit."""
    from PyQt6.QtCore import QTimer

    t0 = time.perf_counter()
    timer = QTimer(window)

    def check() -> None:
        drawn = window.launch_ms is not None and window.scene_view.pending == 0 and window.job is None
        if drawn:
            timer.stop()
            window.request_render()
            QApplication.processEvents()
            window.viewport.render()
            image = window.viewport.screenshot(out, return_img=True)
            print(f"wrote {out} ({image.shape[1]}x{image.shape[0]}, the whole scene drawn "
                  f"{window.launch_ms:,.0f} ms after launch)", flush=True)
            app.exit(0)
        elif time.perf_counter() - t0 > timeout_s:
            timer.stop()
            print(f"ydtwin: the scene was not drawn within {timeout_s:.0f} s; no screenshot", file=sys.stderr,
                  flush=True)
            app.exit(1)

    timer.timeout.connect(check)
    timer.start(200)
