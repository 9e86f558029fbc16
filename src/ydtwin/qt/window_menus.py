"""The main window's toolbar (views, the plan-year timeline), menus, preferences and About box.
``self.tr`` runs on the MainWindow, so these strings keep its translation context."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QComboBox, QLabel, QMessageBox, QToolBar

from ydtwin import __version__
from ydtwin.qt.support import LANGUAGES

__all__ = ["YEAR_RANGE", "MenusMixin"]

#: the plan-year slider's range
YEAR_RANGE = (2010, 2040)


class MenusMixin:
    """Toolbar, menus, Preferences and About (part of MainWindow)."""

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
        open_model = QAction(self.tr("Open 3D &model…"), self)
        open_model.setToolTip(self.tr("glTF, GLB, OBJ, PLY, STL or IFC: placed by its own georeference, or in the "
                                      "middle of the view with the placement dialog"))
        open_model.triggered.connect(self.open_model_dialog)
        file_menu.addAction(open_model)
        place_model = QAction(self.tr("&Place 3D model…"), self)
        place_model.setToolTip(self.tr("Move a 3D model: longitude, latitude, height, heading, scale, or a click "
                                       "in the view"))
        place_model.triggered.connect(lambda: self.place_model_dialog())
        file_menu.addAction(place_model)
        replace_landmark = QAction(self.tr("Replace a &landmark with a 3D model…"), self)
        replace_landmark.setToolTip(self.tr("A model stands in a landmark's place instead of its schematic outline"))
        replace_landmark.triggered.connect(self.replace_landmark_dialog)
        file_menu.addAction(replace_landmark)
        self._recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self._fill_recent_menu()
        file_menu.addSeparator()
        add_basemap = QAction(self.tr("Add &basemap…"), self)
        add_basemap.setToolTip(self.tr("Existing roads, railways, water and land use: a folder built from an "
                                       "OpenStreetMap extract"))
        add_basemap.triggered.connect(self.add_basemap_dialog)
        file_menu.addAction(add_basemap)
        build_basemap = QAction(self.tr("B&uild basemap from OpenStreetMap extract…"), self)
        build_basemap.triggered.connect(self.build_basemap_dialog)
        file_menu.addAction(build_basemap)
        build_tiles = QAction(self.tr("Build &tile pack…"), self)
        build_tiles.setToolTip(self.tr("Split big footprint files, point clouds and OpenStreetMap extracts by tile "
                                       "on worker processes (as ydtwin tiles build does); the pack's buildings, "
                                       "points and basemap then open"))
        build_tiles.triggered.connect(self.build_tiles_dialog)
        file_menu.addAction(build_tiles)
        export_3dtiles = QAction(self.tr("Export &3D Tiles (buildings, terrain, plans)…"), self)
        export_3dtiles.setToolTip(self.tr("OGC 3D Tiles 1.1 for CesiumJS, QGIS or ArcGIS (as ydtwin tiles export "
                                          "writes them)"))
        export_3dtiles.triggered.connect(self.export_3dtiles_dialog)
        file_menu.addAction(export_3dtiles)
        open_dem = QAction(self.tr("Open &DEM…"), self)
        open_dem.setToolTip(self.tr("A GeoTIFF or NetCDF (GEBCO) of heights or depths, merged over the terrain"))
        open_dem.triggered.connect(lambda: self.open_dem())
        file_menu.addAction(open_dem)
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
        export_plans = QAction(self.tr("Export p&lans (GeoPackage, KML)…"), self)
        export_plans.setToolTip(self.tr("The shown plans with their attributes, for QGIS, ArcGIS or Google Earth "
                                        "(as ydtwin export plans writes them)"))
        export_plans.triggered.connect(self.export_plans_dialog)
        file_menu.addAction(export_plans)
        export_findings = QAction(self.tr("Export review &findings (GeoPackage, KML)…"), self)
        export_findings.setToolTip(self.tr("The open review session's findings and border gaps (as ydtwin export "
                                           "findings writes them)"))
        export_findings.triggered.connect(self.export_findings_dialog)
        file_menu.addAction(export_findings)
        export_model = QAction(self.tr("Export view as 3D &model (glTF, OBJ)…"), self)
        export_model.setToolTip(self.tr("The buildings, terrain, water and plans the view shows, for Blender, "
                                        "SketchUp or Rhino (as ydtwin export scene writes them)"))
        export_model.triggered.connect(self.export_view_model_dialog)
        file_menu.addAction(export_model)
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
        self.map_action = QAction(self.tr("2D &map (north up)"), self, checkable=True)
        self.map_action.setObjectName("map-mode")
        self.map_action.setShortcut(QKeySequence("M"))
        self.map_action.setToolTip(self.tr("Look straight down without perspective, north up: the scale bar "
                                           "holds across the whole view"))
        self.map_action.toggled.connect(self.set_map_mode)
        view_menu.addAction(self.map_action)
        self.hillshade_action = QAction(self.tr("&Hillshade terrain"), self, checkable=True)
        self.hillshade_action.setToolTip(self.tr("Grey relief shading instead of colours by elevation"))
        self.hillshade_action.toggled.connect(
            lambda on: self.workspace.set_terrain_colouring("hillshade" if on else "elevation"))
        view_menu.addAction(self.hillshade_action)
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

    def open_dem(self, path: str | None = None) -> None:
        """File ▸ Open DEM…: through the workspace, in the background (see ``sea_level_panel``)."""
        from ydtwin.qt.sea_level_panel import open_dem_dialog

        open_dem_dialog(self, path)

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
