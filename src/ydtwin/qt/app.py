"""The desktop app: a main window that holds the 3D viewport (composition, not inheritance)."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QCoreApplication, QSettings, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QToolButton,
    QWidget,
)

from ydtwin import __version__
from ydtwin.io.region import open_scene
from ydtwin.model.scene import Scene
from ydtwin.qt.support import (
    LANGUAGES,
    FrameSeparatedQueue,
    install_exception_hooks,
    install_translators,
    settle_heap,
    share_the_interpreter,
)
from ydtwin.qt.viewport import Viewport
from ydtwin.qt.workers import BackgroundRunner, LoadJob
from ydtwin.render.backend import gl_info
from ydtwin.render.scene_view import SceneView

#: what File ▸ Open offers (building footprints); the label in front is translated
OPEN_FILTER = (
    " (*.geojson *.json *.geojsonl *.geojsons *.gpkg *.shp *.fgb *.parquet *.geoparquet "
    "*.pbf *.city.json *.jsonl);;* (*)"
)
MAX_RECENT = 10
#: the plan-year slider's range
YEAR_RANGE = (2010, 2040)

log = logging.getLogger("ydtwin")


class MainWindow(QMainWindow):
    """Main window: the viewport in the centre, a view chooser, the render backend in the status bar."""

    #: a plugin failed somewhere (any thread): (plugin, one line) → the log panel
    plugin_problem = pyqtSignal(str, str)

    def __init__(self, scene: Scene, *, view: str = "region", safe_mode: bool = False, plugins=None,
                 plugin_names: list[str] | None = None) -> None:
        super().__init__()
        from ydtwin.io.footprint_sources import preload_readers

        preload_readers()  # here, not in the first reader thread (an import there would stall the UI)
        share_the_interpreter()
        self.safe_mode = safe_mode
        self._closed = False
        self.scene = scene
        region = scene.region
        self.setWindowTitle(f"ydtwin — {region.title_zh} {region.title}".strip())
        self.resize(1400, 900)
        # the window HOLDS the interactor; no render timer: redraws are requested by model events
        self.viewport = Viewport(self, auto_update=False, multi_samples=0)
        self.setCentralWidget(self.viewport.interactor)
        # redraw requests are coalesced into one repaint, which runs from a timer: the event loop handles input
        # (and other timers) between the work that asked for the frame and the frame itself
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(1)
        self._render_timer.timeout.connect(self._render_now)
        #: a repaint was asked of the viewport and has not been drawn yet
        self._frame_asked = False
        self._work = FrameSeparatedQueue(self, lambda: self._frame_asked or self._render_timer.isActive())
        self.viewport.painted = self._painted
        self.bookmarks: list = []
        self._layer_sources: dict[int, tuple[Path, str | None]] = {}
        self._project_queue: list = []
        self._fly_timer = QTimer(self)
        self._fly_timer.timeout.connect(self._fly_step)
        self._fly_frames: list = []
        self.runner = BackgroundRunner(self)
        self.settings = QSettings("ydtwin", "ydtwin")
        # plugins: found without running their code; their plans and layers join the scene as model layers
        from ydtwin.plugins.manager import PluginManager

        self._plugin_messages: list[tuple[str, str]] = []
        #: settings being written by a worker (read back from here until the write is done)
        self._pending_settings: dict[str, object] = {}
        self.plugin_problem.connect(self._plugin_failed)
        self.plugins = plugins or PluginManager(safe_mode=safe_mode,
                                                on_failure=lambda name, text: self.plugin_problem.emit(name, text))
        if plugins is not None:
            plugins.guard.on_failure = lambda name, text: self.plugin_problem.emit(name, text)
        self._plugin_names = plugin_names
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

        self.scale_bar = ScaleBar(self.viewport.renderer)
        self.viewport.enable_anti_aliasing("fxaa")
        self._build_toolbar()
        self._build_menus()
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
        if not safe_mode:
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
        # the navigation style grabs the mouse between press and release, so the release is seen as the
        # end of its interaction
        iren.GetInteractorStyle().AddObserver("EndInteractionEvent", lambda *_: self._on_release(iren, None))
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
        self.review_panel = ReviewPanel(self, parent=self.review_dock)
        self.review_dock.setWidget(self.review_panel)

    def _tab_with_identify(self, title: str, name: str) -> QDockWidget:
        """A right-hand dock in a tab beside Identify (which stays in front)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.tabifyDockWidget(self.identify_dock, dock)
        self.identify_dock.raise_()
        return dock

    def _build_flythrough(self) -> None:
        from ydtwin.qt.export_ui import FlythroughPanel

        self.flythrough_dock = self._tab_with_identify(self.tr("Flythrough"), "flythrough-dock")
        self.flythrough_panel = FlythroughPanel(self, parent=self.flythrough_dock)
        self.flythrough_dock.setWidget(self.flythrough_panel)

    def show_flythrough(self) -> None:
        """The Flythrough panel: keyframes, timeline, presets and the video export."""
        self.flythrough_dock.show()
        self.flythrough_dock.raise_()

    def export_image(self):
        """File ▸ Export image: size up to 16K, overlays, preview."""
        from ydtwin.qt.export_ui import ExportImageDialog

        dialog = ExportImageDialog(self)
        self.export_image_dialog = dialog
        dialog.show()
        return dialog

    def open_compare(self) -> None:
        """Two linked viewports: this scene (A) and a second scenario (B) built in the background."""
        from ydtwin.qt.compare import CompareWindow, second_scene

        if getattr(self, "compare_window", None) is not None and self.compare_window.isVisible():
            self.compare_window.raise_()
            return
        self.compare_window = None
        self.statusBar().showMessage(self.tr("Preparing the second scenario…"), 5000)

        def ready(scene_b) -> None:
            self.compare_window = CompareWindow(self, scene_b)
            self.compare_window.show()

        self.runner.run(lambda: second_scene(self), ready,
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
        from ydtwin.plugins.manager import plugin_of

        wanted = self.plugins.layers(self._plugin_names)
        keep = {id(layer) for layer in wanted}
        for layer in list(self.scene.layers):
            if plugin_of(layer) and id(layer) not in keep:
                self.scene.layers.remove(layer)
        present = {id(layer) for layer in self.scene.layers}
        for layer in wanted:
            if id(layer) not in present:
                self.scene.add(layer)
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
            host = self._plugin_hosts.setdefault(entry.plugin, PluginHost(entry.plugin, self))
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
        from ydtwin.plugins.install import install

        try:
            folder = install(path)
        except YdtwinError as exc:
            self.log_message(str(exc), error=True)
            return False
        self.log_message(self.tr("Plugin installed: {0}").format(folder.name))
        self.plugins.rescan()
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

    # ---- log, progress, opening files ------------------------------------------------------------

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

    def open_dialog(self) -> None:
        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Open building footprints"), folder,
                                                self.tr("Building footprints") + OPEN_FILTER)
        for path in paths:
            self.open_file(path)

    def open_with_crs_dialog(self) -> None:
        """Ask for a file, then its coordinate system (GCJ-02/BD-09 cannot be declared by any file format)."""
        from PyQt6.QtWidgets import QInputDialog

        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open building footprints"), folder,
                                              self.tr("Building footprints") + OPEN_FILTER)
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

    def open_file(self, path: str | Path, *, crs: str | None = None, replaces: str | None = None) -> LoadJob | None:
        """Read a building file in the background (progress and Cancel in the status bar), then add it."""
        from ydtwin.io.buildings import read_buildings
        from ydtwin.model.buildings import BuildingsLayer
        from ydtwin.model.layer import Provenance

        path = Path(path)
        if self.job is not None:
            self.log_message(f"{path.name}: still loading {self.job.path.name}; try again when it is done", error=True)
            return None
        job = LoadJob(path, crs=crs)
        self.job = job
        self.store_setting("paths/last_folder", str(path.parent))
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"{path.name} %p%")
        self.progress.show()
        self.cancel_button.show()
        self.scene_view.set_host_busy(True)
        progress = self.runner.progress_relay(self._progress)
        region_bbox = self.scene.region.bbox

        scene = self.scene

        reader = self.plugins.reader_for(path)
        plugins = self.plugins

        def work():
            if reader is not None and not reader.builtin:  # a plugin's reader: guarded, with a time limit
                return self._read_with_plugin(plugins, reader, path)
            # the built-in reader (through the same guard when the built-in plugin is active); small batches:
            # each C call that holds the GIL stays short, so the UI thread keeps its turns
            options = dict(crs=crs, region_bbox=region_bbox, progress=progress, cancel=job.cancelled.is_set,
                           batch_size=4096)
            if reader is not None:
                data, report = plugins.read(reader, path, **options)
            else:
                data, report = read_buildings(path, **options)
            layer = BuildingsLayer(
                path.name.split(".")[0], data, group="Buildings",
                provenance=Provenance(source=f"{path.name} ({report.format})", licence="as supplied by its owner"),
            )
            if replaces is not None:  # the project's setting, known before the layer is added
                layer.replaces = replaces
            # what adding the layer hides of the generated buildings: computed here, applied on the UI thread
            scene.building_centres(layer)
            scene.prepare_replacements(layer)
            return layer, report

        self.runner.run(work, lambda result: self._loaded(job, result), lambda exc: self._load_failed(job, exc))
        return job

    @staticmethod
    def _read_with_plugin(plugins, reader, path: Path):
        """(layer, None) from a plugin's reader (worker thread)."""
        from ydtwin.model.buildings import BuildingsData, BuildingsLayer
        from ydtwin.model.layer import Provenance, VectorLayer

        result = plugins.read(reader, path)
        data = result[0] if isinstance(result, tuple) else result
        provenance = Provenance(source=f"{path.name} (plugin {reader.plugin} reader {reader.contribution.id})",
                                licence="as supplied by its owner")
        name = path.name.split(".")[0]
        if isinstance(data, BuildingsData):
            return BuildingsLayer(name, data, group="Buildings", provenance=provenance), None
        return VectorLayer(name, data, group="Plugins", provenance=provenance), None

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

    def _loaded(self, job: LoadJob, result) -> None:
        self._finish_job()
        from ydtwin.model.buildings import BuildingsLayer

        layer, report = result
        entry = getattr(job, "entry", None)
        if entry is not None and isinstance(layer, BuildingsLayer):  # opened from a project: its style
            layer.replaces = entry.replaces
            layer.visible = entry.visible
            layer.opacity = entry.opacity
            if entry.color_by in layer.colorable():
                layer.color_by = entry.color_by
        self._layer_sources[layer.id] = (job.path, job.crs)
        self.scene.add(layer)
        settle_heap()
        self._remember_recent(job.path)
        if report is None:  # read by a plugin
            self.log_message(f"{job.path.name}: {len(layer.data):,} features ({layer.provenance.source})")
        else:
            rejected = f"; set aside: {report.summary()}" if report.n_rejected else ""
            rules = ", ".join(f"{k} {v:,}" for k, v in report.rules.items())
            self.log_message(f"{job.path.name}: {len(layer.data):,} buildings (heights: {rules}){rejected}")
        self.statusBar().showMessage(self.tr("Loaded {0}: {1} buildings").format(job.path.name, f"{len(layer.data):,}"),
                                     8000)
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

    def _on_move(self, obj, _event) -> None:
        self._cursor_pos = tuple(obj.GetEventPosition())
        if not self._cursor_timer.isActive():
            self._cursor_timer.start()

    def _update_cursor(self) -> None:
        if self._cursor_pos is None or self._closed:
            return
        where = self.scene_view.world_at(*self._cursor_pos)
        if where is None:
            self._cursor.setText("")
            return
        lon, lat, z = where
        self._cursor.setText(f"{lon:.5f}°E {lat:.5f}°N  z {z:,.0f} m")

    def _on_press(self, obj, _event) -> None:
        self._press_pos = tuple(obj.GetEventPosition())

    def _on_release(self, obj, _event) -> None:
        pos = tuple(obj.GetEventPosition())
        if self._press_pos is not None and abs(pos[0] - self._press_pos[0]) + abs(pos[1] - self._press_pos[1]) <= 3:
            if getattr(self, "review_panel", None) is not None and self.review_panel.placing:
                self.review_panel.place_at(*pos)  # a manual finding where the planner clicked
            else:
                self.identify_at(*pos)
        self._press_pos = None

    def identify_at(self, x: int, y: int) -> dict | None:
        """Pick at display pixel (x, y) (VTK convention, origin bottom-left) and show what is there."""
        info = self.scene_view.pick(x, y)
        self.show_identify(info)
        return info

    def show_identify(self, info: dict | None) -> None:
        rows = list(info.items()) if info else [("", self.tr("nothing here (click a building)"))]
        self.identify_table.setRowCount(len(rows))
        for r, (k, v) in enumerate(rows):
            self.identify_table.setItem(r, 0, QTableWidgetItem(str(k)))
            self.identify_table.setItem(r, 1, QTableWidgetItem(str(v)))
        self.identify_table.resizeColumnToContents(0)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if not self.safe_mode:
                state = self.settings.value("window/state")
                if state is not None:
                    self.restoreState(state)
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
        self.set_view(self._initial_view)
        self._show_backend()
        settle_heap()  # the start-up heap stays: full garbage collections later need not walk it

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

    # ---- keyboard navigation ----------------------------------------------------------------------

    def _build_keyboard(self) -> None:
        """Arrows orbit and tilt, + and − zoom, while the viewport has the focus (panels keep their keys).

        An event filter on the viewport, not QShortcuts: the VTK widget claims every key it is given."""
        self._keys = {
            Qt.Key.Key_Left: {"azimuth": -10}, Qt.Key.Key_Right: {"azimuth": 10},
            Qt.Key.Key_Up: {"elevation": 5}, Qt.Key.Key_Down: {"elevation": -5},
            Qt.Key.Key_Plus: {"zoom": 1.25}, Qt.Key.Key_Equal: {"zoom": 1.25}, Qt.Key.Key_Minus: {"zoom": 0.8},
        }
        self.viewport.interactor.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        from PyQt6.QtCore import QEvent

        if event.type() == QEvent.Type.KeyPress and obj is self.viewport.interactor:
            move = self._keys.get(event.key())
            if move is not None:
                self.orbit(**move)
                return True
        return super().eventFilter(obj, event)

    def orbit(self, *, azimuth: float = 0.0, elevation: float = 0.0, zoom: float = 1.0) -> None:
        cam = self.viewport.camera
        if azimuth:
            cam.Azimuth(azimuth)
        if elevation:
            # keep between 5° and 89° above the horizon: no flip through the zenith, no view from below
            focal, pos = np.array(cam.focal_point), np.array(cam.position)
            d = pos - focal
            current = np.degrees(np.arcsin(d[2] / max(np.linalg.norm(d), 1e-9)))
            step = float(np.clip(current + elevation, 5.0, 89.0) - current)
            if step:
                cam.Elevation(step)
                cam.OrthogonalizeViewUp()
                cam.up = (0.0, 0.0, 1.0)
        if zoom != 1.0:
            cam.Dolly(zoom)
        self.viewport.renderer.ResetCameraClippingRange()
        self.request_render()

    # ---- fly-to, bookmarks -----------------------------------------------------------------------

    FLY_SECONDS = 0.9
    FLY_STEP_MS = 30

    def fly_to(self, target, *, seconds: float | None = None) -> None:
        """Animate the camera to a view name (region, city, layer, box) or a Viewpoint."""
        from ydtwin.model.project import Viewpoint

        try:
            goal = target if isinstance(target, Viewpoint) else self.scene_view.viewpoint_for(str(target))
        except (KeyError, ValueError) as exc:
            self.statusBar().showMessage(str(exc.args[0] if exc.args else exc), 8000)
            return
        steps = max(1, round((self.FLY_SECONDS if seconds is None else seconds) * 1000 / self.FLY_STEP_MS))
        self._fly_timer.stop()
        self._fly_frames = self.scene_view.fly_frames(goal, steps)
        self._fly_timer.start(self.FLY_STEP_MS)

    def _fly_step(self) -> None:
        if not self._fly_frames or self._closed:
            self._fly_timer.stop()
            return
        focal, eye, angle = self._fly_frames.pop(0)
        self.scene_view.set_camera(focal, eye, angle)
        self.viewport.render()
        if not self._fly_frames:
            self._fly_timer.stop()

    @property
    def flying(self) -> bool:
        return self._fly_timer.isActive()

    def add_bookmark(self, name: str | None = None) -> None:
        from PyQt6.QtWidgets import QInputDialog

        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Add bookmark"), self.tr("Name of this view:"))
            if not ok or not name.strip():
                return
        self.bookmarks = [b for b in self.bookmarks if b.name != name.strip()]
        self.bookmarks.append(self.scene_view.viewpoint(name.strip()))
        self._fill_bookmarks_menu()

    def _fill_bookmarks_menu(self) -> None:
        menu = self._bookmarks_menu
        menu.clear()
        add = QAction(self.tr("&Add current view…"), self)
        add.setShortcut(QKeySequence("Ctrl+D"))
        add.triggered.connect(lambda: self.add_bookmark())
        menu.addAction(add)
        if self.bookmarks:
            menu.addSeparator()
        for vp in self.bookmarks:
            act = QAction(vp.name, self)
            act.triggered.connect(lambda _=False, v=vp: self.fly_to(v))
            menu.addAction(act)

    # ---- projects ---------------------------------------------------------------------------------

    def current_project(self):
        from ydtwin.model.project import LayerEntry, Project

        entries = []
        for layer in self.scene.layers:
            source = self._layer_sources.get(layer.id)
            if source is not None:
                path, crs = source
                entries.append(LayerEntry(str(path), crs=crs, color_by=getattr(layer, "color_by", ""),
                                          visible=layer.visible, opacity=layer.opacity,
                                          replaces=getattr(layer, "replaces", "area")))
        base = {layer.role: {"visible": layer.visible, "opacity": layer.opacity}
                for layer in self.scene.layers if layer.role and layer.id not in self._layer_sources}
        return Project(region=None, layers=entries, base_layers=base, viewpoints=list(self.bookmarks),
                       plan_year=self.scene.plan_year)

    def save_project(self, path: str | Path | None = None) -> Path | None:
        from ydtwin.model.project import SUFFIX, save_project

        if path is None:
            folder = str(self.settings.value("paths/last_project_folder", str(Path.home())))
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save project"), folder,
                                                  self.tr("ydtwin project") + f" (*{SUFFIX})")
            if not path:
                return None
            if not path.endswith(SUFFIX):
                path += SUFFIX
        try:
            saved = save_project(self.current_project(), path)
        except OSError as exc:
            self.log_message(f"{path}: could not be saved ({exc})", error=True)
            return None
        self.settings.setValue("paths/last_project_folder", str(Path(path).parent))
        self.log_message(self.tr("Project saved: {0}").format(saved))
        return saved

    def open_project(self, path: str | Path | None = None) -> bool:
        from ydtwin.errors import YdtwinError
        from ydtwin.model.project import SUFFIX, load_project

        if path is None:
            folder = str(self.settings.value("paths/last_project_folder", str(Path.home())))
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Open project"), folder,
                                                  self.tr("ydtwin project") + f" (*{SUFFIX} *.json)")
            if not path:
                return False
        try:
            project = load_project(path)
        except YdtwinError as exc:
            self.log_message(str(exc), error=True)
            return False
        for role, state in project.base_layers.items():
            try:
                layer = self.scene.layer(role)
            except KeyError:
                continue
            layer.visible = bool(state.get("visible", True))
            layer.opacity = float(state.get("opacity", 1.0))
        self.bookmarks = list(project.viewpoints)
        self._fill_bookmarks_menu()
        self.set_plan_year(project.plan_year)
        self._project_queue = list(project.layers)
        self._next_project_layer()
        self.log_message(self.tr("Project opened: {0}").format(path))
        return True

    def _next_project_layer(self) -> None:
        if not self._project_queue or self.job is not None:
            return
        entry = self._project_queue.pop(0)
        job = self.open_file(entry.path, crs=entry.crs, replaces=entry.replaces)
        if job is not None:
            job.entry = entry

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("View"), self)
        bar.setObjectName("view-toolbar")
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self._views = QComboBox(bar)
        self._views.addItem(self.tr("Whole region"), "region")
        for city in self.scene.region.cities:
            self._views.addItem(city.label(), city.name)
        self._views.currentIndexChanged.connect(lambda i: self.fly_to(self._views.itemData(i)))
        bar.addWidget(QLabel(" " + self.tr("View:") + " ", bar))
        bar.addWidget(self._views)
        # the joint timeline: one plan year for every city's projects (status shading by phase)
        from PyQt6.QtWidgets import QCheckBox, QSlider

        bar.addSeparator()
        self.year_check = QCheckBox(self.tr("Plan year"), bar)
        self.year_check.setToolTip(self.tr("Show every city's projects as they stand in this year"))
        self.year_slider = QSlider(Qt.Orientation.Horizontal, bar)
        self.year_slider.setRange(YEAR_RANGE[0], YEAR_RANGE[1])
        self.year_slider.setValue(2030)
        self.year_slider.setFixedWidth(180)
        self.year_slider.setEnabled(False)
        self.year_label = QLabel("", bar)
        self.year_check.toggled.connect(self._year_changed)
        self.year_slider.valueChanged.connect(self._year_changed)
        bar.addWidget(self.year_check)
        bar.addWidget(self.year_slider)
        bar.addWidget(self.year_label)

    def _year_changed(self, *_args) -> None:
        on = self.year_check.isChecked()
        self.year_slider.setEnabled(on)
        self.year_label.setText(f" {self.year_slider.value()} " if on else "")
        self.scene.plan_year = self.year_slider.value() if on else None

    def set_plan_year(self, year: int | None) -> None:
        """Drive the timeline (None: as the plugins say)."""
        if year is not None:
            self.year_slider.setValue(int(year))
        self.year_check.setChecked(year is not None)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        open_action = QAction(self.tr("&Open building footprints…"), self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.open_dialog)
        file_menu.addAction(open_action)
        open_crs = QAction(self.tr("Open with &coordinate system…"), self)
        open_crs.setToolTip(self.tr("For files whose coordinate system is missing or wrong, e.g. GCJ-02 from Amap"))
        open_crs.triggered.connect(self.open_with_crs_dialog)
        file_menu.addAction(open_crs)
        self._recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self._fill_recent_menu()
        file_menu.addSeparator()
        open_project = QAction(self.tr("Open p&roject…"), self)
        open_project.triggered.connect(lambda: self.open_project())
        file_menu.addAction(open_project)
        save_project = QAction(self.tr("&Save project…"), self)
        save_project.setShortcut(QKeySequence.StandardKey.Save)
        save_project.triggered.connect(lambda: self.save_project())
        file_menu.addAction(save_project)
        file_menu.addSeparator()
        export_image = QAction(self.tr("&Export image…"), self)
        export_image.setShortcut(QKeySequence("Ctrl+E"))
        export_image.triggered.connect(self.export_image)
        file_menu.addAction(export_image)
        export_video = QAction(self.tr("Export &flythrough…"), self)
        export_video.triggered.connect(self.show_flythrough)
        file_menu.addAction(export_video)
        file_menu.addSeparator()
        prefs = QAction(self.tr("&Preferences…"), self)
        prefs.triggered.connect(self.preferences)
        file_menu.addAction(prefs)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        home = QAction(self.tr("&Home (whole region)"), self)
        home.setShortcuts([QKeySequence("Home"), QKeySequence("R")])
        home.triggered.connect(lambda: self.fly_to("region"))
        view_menu.addAction(home)
        self._bookmarks_menu = view_menu.addMenu(self.tr("&Bookmarks"))
        self._fill_bookmarks_menu()
        cities = view_menu.addMenu(self.tr("&City"))
        for city in self.scene.region.cities:
            act = QAction(city.label(), self)
            act.triggered.connect(lambda _=False, n=city.name: self.fly_to(n))
            cities.addAction(act)
        districts = view_menu.addMenu(self.tr("&District"))
        by_city: dict[str, list] = {}
        for city_code, code, name in self.scene_view.districts():
            by_city.setdefault(city_code, []).append((code, name))
        for city in self.scene.region.cities:
            sub = districts.addMenu(city.label())
            for code, name in by_city.get(city.adcode, []):
                act = QAction(name, self)
                act.triggered.connect(lambda _=False, c=code: self.fly_to(f"district:{c}"))
                sub.addAction(act)
        view_menu.addSeparator()
        layers_menu = view_menu.addMenu(self.tr("&Layers"))
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

        compare = QAction(self.tr("Compare &scenarios…"), self)
        compare.triggered.connect(self.open_compare)
        view_menu.addAction(compare)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About ydtwin"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def preferences(self) -> None:
        """Preferences: the interface language (applied at the next start, like most desktop GIS)."""
        from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout

        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Preferences"))
        form = QFormLayout(dialog)
        lang = QComboBox(dialog)
        for code, label in LANGUAGES.items():
            lang.addItem(label, code)
        lang.setCurrentIndex(max(lang.findData(str(self.settings.value("ui/language", "auto"))), 0))
        form.addRow(self.tr("Language (next start)"), lang)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.settings.setValue("ui/language", lang.currentData())
            self.statusBar().showMessage(self.tr("The language changes at the next start"), 8000)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About ydtwin"),
            f"<b>ydtwin {__version__}</b><br>"
            + self.tr("3D digital twin of the Yangtze River Delta for joint review of city plans.")
            + "<br><br>" + self.tr("Licence: GPL-3.0-or-later.") + "<br><br><small>"
            + self.scene_view.attribution().replace("\n", "<br>")
            + "</small>",
        )

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._closed:
            super().closeEvent(event)
            return
        self._closed = True
        self._work.clear()
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
        for signal, slot in self._model_slots:
            signal.disconnect(slot)
        self._model_slots = []
        self.layers_panel.close_panel()
        self.scene_view.close()
        self.viewport.close()
        super().closeEvent(event)


def run(*, region: str | None = None, boundaries: str = "corrected", view: str = "region", args=None,
        safe_mode: bool = False, reset_settings: bool = False, language: str | None = None) -> int:
    install_exception_hooks()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ydtwin")
    app.setOrganizationName("ydtwin")
    app.setOrganizationDomain("ydtwin.invalid")
    if reset_settings:
        QSettings("ydtwin", "ydtwin").clear()
    install_translators(app, language or str(QSettings("ydtwin", "ydtwin").value("ui/language", "auto")))
    app.setApplicationVersion(__version__)
    scene = open_scene(region, boundaries=boundaries)  # type: ignore[arg-type]
    if args is not None and getattr(args, "layer", None):
        from ydtwin.cli import load_layers

        load_layers(scene, args)
    names = None
    if args is not None:
        from ydtwin.cli import plugin_names

        names = plugin_names(args)
    window = MainWindow(scene, view=view, safe_mode=safe_mode, plugin_names=names)
    window.show()
    return app.exec()
