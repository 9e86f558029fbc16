"""The workspace: one Qt-free object holding what a planner works on, with the use cases as its methods.

It holds the scene (region, layers, plan year), the plugin manager, the review session, the bookmarks and
the files the layers came from (the project). ``ydtwin.cli`` and ``ydtwin.qt`` only translate arguments and
events into calls on it, so the command line and the window cannot drift apart. It imports no Qt; the
window receives its events (psygnal) and runs the slow calls in worker threads.
"""

from __future__ import annotations

import getpass
import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from psygnal import Signal, SignalGroup

from ydtwin.errors import YdtwinError
from ydtwin.workspace.layers import LayerRequest, LoadedLayer, load_summary, read_layer
from ydtwin.workspace.review import (
    PdfPrinter,
    ReviewResult,
    findings_for_tour,
    run_review,
    write_report,
)

__all__ = ["Workspace", "WorkspaceEvents"]

log = logging.getLogger("ydtwin")

#: how far outside the region a place or box may lie (degrees) before the output would be empty sky
REGION_MARGIN_DEG = 0.5


def _plain_name(text: str) -> str:
    """A project id or title as typed: case, dashes (– — ‐ -) and spaces do not matter."""
    for dash in "–—‐‑−":
        text = text.replace(dash, "-")
    return " ".join(text.lower().split())


class WorkspaceEvents(SignalGroup):
    #: the review session was replaced (new, opened, recovered)
    session = Signal()
    #: findings were added to the session or their state changed
    findings = Signal()
    #: the bookmarks changed
    bookmarks = Signal()


class Workspace:
    """The scene, plugins, review session, bookmarks and layer sources, and what a planner does with them."""

    def __init__(self, scene, *, plugins=None, plugin_names: list[str] | None = None, safe_mode: bool = False,
                 on_plugin_failure: Callable[[str, str], None] | None = None,
                 print_pdf: PdfPrinter | None = None) -> None:
        from ydtwin.plugins.manager import PluginManager

        self.events = WorkspaceEvents()
        self.scene = scene
        self.safe_mode = safe_mode
        self.plugins = plugins or PluginManager(safe_mode=safe_mode, on_failure=on_plugin_failure)
        if plugins is not None and on_plugin_failure is not None:
            plugins.guard.on_failure = on_plugin_failure
        self.plugin_names = self.checked_plugin_names(plugin_names)
        self.print_pdf = print_pdf
        self.session = None
        #: the region file and boundaries the scene came from (None: the bundled region)
        self.region_source: tuple[str | Path | None, str] = (None, "corrected")
        self.bookmarks: list = []
        #: layer id → the request it was opened with (what a project saves)
        self.sources: dict[int, LayerRequest] = {}
        #: the basemap folders shown (existing networks from OpenStreetMap)
        self.basemaps: list[Path] = []
        #: the basemap, DEM files and sea level of the project opened last (the front end reads them after
        #: ``open_project``; ``load_project`` does it all at once)
        self.project_basemap: Path | None = None
        self.project_dems: list[Path] = []
        self.project_sea_level: float | None = None
        #: scenario figures (FiguresResult) the review report tabulates
        self.report_figures: list = []
        self.sync_plugin_layers()

    @classmethod
    def open(cls, region: str | Path | None = None, *, boundaries: str = "corrected", **kwargs) -> Workspace:
        """A workspace on a region file (default: the bundled region) with its plugins' layers."""
        from ydtwin.io.region import open_scene

        ws = cls(open_scene(region, boundaries=boundaries), **kwargs)
        ws.region_source = (region, boundaries)
        return ws

    def scenario_scene(self):
        """A second scenario's scene (safe in a worker): the same region again, with fresh copies of the
        active plugins' plans, to be set to another plan year or choice of cities."""
        from ydtwin.io.region import open_scene
        from ydtwin.plugins.projects import load_projects

        region, boundaries = self.region_source
        scene = open_scene(region, boundaries=boundaries)
        themes = self.plugins.theme_styles()
        for found in self.plugins.active():
            layer = load_projects(found, themes)
            if layer is not None:
                scene.add(layer)
        return scene

    # ---- plugins -----------------------------------------------------------------------------------------

    def checked_plugin_names(self, names: list[str] | None) -> list[str] | None:
        """``names`` (None: all, []: none), each a plugin that was found (else one error line)."""
        if names is None:
            return None
        known = {d.name for d in self.plugins.discovered}
        out = []
        for n in names:
            full = n if n.startswith("ydtwin-") else f"ydtwin-{n}"
            if full not in known:
                raise YdtwinError(f"--plugins: no plugin named {n} (see `ydtwin plugins list`)")
            out.append(n)
        return out

    def select_plugins(self, names: list[str] | None) -> None:
        """Show these plugins' plans and layers (None: all, []: none)."""
        self.plugin_names = self.checked_plugin_names(names)
        self.sync_plugin_layers()

    def sync_plugin_layers(self) -> None:
        """The scene holds exactly the selected, active plugins' layers (after enabling, disabling, trusting)."""
        from ydtwin.plugins.manager import plugin_of

        wanted = self.plugins.layers(self.plugin_names) if self.plugin_names != [] else []
        keep = {id(layer) for layer in wanted}
        for layer in list(self.scene.layers):
            if plugin_of(layer) and id(layer) not in keep:
                self.scene.layers.remove(layer)
        present = {id(layer) for layer in self.scene.layers}
        for layer in wanted:
            if id(layer) not in present:
                self.scene.add(layer)

    def install_plugin(self, source: str | Path) -> Path:
        """Install a plugin folder or .zip for this user and show its layers → the installed folder."""
        from ydtwin.plugins.install import install

        folder = install(source)
        self.plugins.rescan()
        self.sync_plugin_layers()
        return folder

    # ---- layers ------------------------------------------------------------------------------------------

    def read_layer(self, request: LayerRequest, **options) -> LoadedLayer:
        """Read a file as a layer (not yet shown; safe in a worker thread). See ``layers.read_layer``."""
        return read_layer(request, scene=self.scene, plugins=self.plugins, **options)

    def add_loaded(self, loaded: LoadedLayer) -> str:
        """Show a layer read by ``read_layer`` → the line that says what was loaded."""
        self.sources[loaded.layer.id] = loaded.request
        self.scene.add(loaded.layer)
        return load_summary(loaded)

    def replace_landmark(self, landmark: str, model: str | Path) -> str:
        """Stand the 3D model file ``model`` in the place of the region's landmark ``landmark`` (English or
        Chinese name): the schematic outline is hidden by the model standing there → the line that says what
        was loaded. The same as ``--layer MODEL@landmark=NAME``."""
        from ydtwin.workspace.layers import LANDMARK

        return self.add_loaded(self.read_layer(LayerRequest(Path(model), anchor=LANDMARK + landmark)))

    def remove_layer(self, layer) -> None:
        """Take a layer out of the scene (and the files the project keeps)."""
        if layer in self.scene.layers:
            self.scene.layers.remove(layer)
        self.sources.pop(layer.id, None)

    def place_model(self, layer, anchor) -> str:
        """Stand a 3D model layer somewhere else (an Anchor, or ``lon,lat[,height][,heading=…]…`` text) → the
        line that says where; what it hides of the buildings follows it. One line for a bad anchor (outside the
        region, too wide), and the model stays where it was."""
        from ydtwin.workspace.layers import move_model

        return move_model(self.scene, layer, anchor)

    def open_layer(self, request: LayerRequest, **options) -> LoadedLayer:
        """Read and show a file (the synchronous path: the command line)."""
        loaded = self.read_layer(request, **options)
        self.add_loaded(loaded)
        return loaded

    # ---- tile packs (footprints prepared by tile on Dask) ------------------------------------------------------

    def build_tiles(self, inputs: list[tuple[str, str | None]], out: str | Path, *, scheduler: str = "local",
                    workers: int | None = None, tile_size_m: float | None = None, retries: int = 2, progress=None,
                    cancel=None, point_tile_size_m: float | None = None, basemap: bool = True):
        """Build or resume a tile pack of ``inputs`` ((path, CRS override) pairs: footprints, point clouds,
        OpenStreetMap extracts) for the region → BuildReport."""
        from ydtwin.workspace.tiles import build_tiles

        return build_tiles(inputs, out, region=self.scene.region, scheduler=scheduler, workers=workers,
                           tile_size_m=tile_size_m, retries=retries, progress=progress, cancel=cancel,
                           point_tile_size_m=point_tile_size_m, basemap=basemap)

    def export_3dtiles(self, out: str | Path, *, terrain: bool = True, plans: bool = True, progress=None):
        """The scene's shown buildings (attributes as metadata), terrain and plans as a 3D Tiles 1.1 tileset →
        report."""
        from ydtwin.workspace.tiles3d import export_3dtiles

        return export_3dtiles(self.scene, out, terrain=terrain, plans=plans, progress=progress)

    # ---- basemaps (existing roads, railways, water, land use) -----------------------------------------------

    def build_basemap(self, extract: str | Path, out: str | Path, *, bbox=None, progress=None, cancel=None):
        """Build a basemap folder from an OpenStreetMap extract for the region (or ``bbox``) → BuildStats."""
        from ydtwin.workspace.basemap import build_basemap

        return build_basemap(extract, out, region_bbox=self.scene.region.bbox, bbox=bbox, progress=progress,
                             cancel=cancel)

    def read_basemap(self, folder: str | Path):
        """Read a basemap's layers (not yet shown; safe in a worker thread)."""
        from ydtwin.workspace.basemap import read_basemap

        return read_basemap(folder, self.scene)

    def add_basemap(self, loaded) -> str:
        """Show a basemap read by ``read_basemap`` (a basemap shown before is replaced) → the summary line."""
        from ydtwin.io.basemap import BASEMAP_GROUP
        from ydtwin.workspace.basemap import basemap_summary

        old = [layer for layer in self.scene.layers if layer.group == BASEMAP_GROUP]
        for layer in old:
            self.scene.layers.remove(layer)
        # below the buildings and plans: after the region's base layers
        at = next((i for i, layer in enumerate(self.scene.layers) if layer.group not in ("Base region", "Cities")),
                  len(self.scene.layers))
        for k, layer in enumerate(loaded.layers):
            self.scene.layers.insert(at + k, layer)
        self.basemaps = [loaded.folder]
        return basemap_summary(loaded)

    def open_basemap(self, folder: str | Path) -> str:
        """Read and show a basemap (the synchronous path: the command line)."""
        return self.add_basemap(self.read_basemap(folder))

    def set_exaggeration(self, value: float | None) -> None:
        if value is None:
            return
        try:
            self.scene.vertical_exaggeration = value
        except ValueError as exc:
            raise YdtwinError(str(exc)) from None

    # ---- terrain: sea-level scenarios, imported DEMs ---------------------------------------------------------

    def inundation(self, level_m: float, *, connectivity: int = 8):
        """The sea-level / storm-surge scenario at ``level_m`` (m): land under it and connected to the sea, and
        the flooded area per city (an InundationResult; nothing shown). Safe in a worker thread."""
        from ydtwin.workspace.terrain import compute_inundation

        cache = self.__dict__.setdefault("_inundation_cache", {})
        return compute_inundation(self.scene, level_m, connectivity=connectivity, cache=cache)

    def show_inundation(self, result) -> None:
        """Show a scenario from ``inundation``: the sea at its level, its flooded land as water (None: today's)."""
        from ydtwin.workspace.terrain import show_inundation

        show_inundation(self.scene, result)

    def set_sea_level(self, level_m: float | None):
        """Compute and show the scenario at ``level_m`` (None: leave the sea as it is) → its result or None."""
        if level_m is None:
            return None
        result = self.inundation(level_m)
        self.show_inundation(result)
        return result

    def set_terrain_colouring(self, colouring: str | None) -> None:
        """Colour the terrain by "elevation" (hypsometric tints) or as a "hillshade" (None: leave it)."""
        if colouring is None:
            return
        from ydtwin.workspace.terrain import terrain_layer

        try:
            terrain_layer(self.scene).colouring = colouring
        except ValueError as exc:
            raise YdtwinError(str(exc)) from None

    def restore_sea_level(self, level_m: float | None):
        """Show the scenario at ``level_m``, or today's sea for None (a project's sea level) → its result or None."""
        if level_m is not None:
            return self.set_sea_level(level_m)
        self.show_inundation(None)
        return None

    @property
    def dems(self) -> list[str]:
        """The DEM files imported over the bundled terrain shown (absolute paths), in order."""
        from ydtwin.workspace.terrain import terrain_layer

        try:
            return list(terrain_layer(self.scene).imported_files)
        except YdtwinError:  # a region without terrain
            return []

    def read_dem(self, path: str | Path):
        """A DEM (GeoTIFF, NetCDF; any CRS) merged over the terrain → (new terrain layer, summary line); nothing
        shown yet (safe in a worker thread)."""
        from ydtwin.workspace.terrain import read_dem

        return read_dem(self.scene, path)

    def read_dems(self, paths):
        """DEMs merged over the terrain one after the other (a project's) → (the new terrain layer or None, a line
        per DEM merged, an error line per DEM left out); nothing shown yet (safe in a worker thread)."""
        from ydtwin.workspace.terrain import read_dems

        return read_dems(self.scene, paths)

    def add_terrain(self, layer, *, rescenario: bool = True) -> None:
        """Show a terrain from ``read_dem`` in place of the current one (a scenario shown follows it, unless
        ``rescenario`` is False and the caller computes it again itself)."""
        from ydtwin.workspace.terrain import add_terrain

        add_terrain(self.scene, layer, rescenario=rescenario)

    def open_dem(self, path: str | Path) -> str:
        """Read and show a DEM over the terrain (the synchronous path: the command line) → the summary line."""
        layer, line = self.read_dem(path)
        self.add_terrain(layer)
        return line

    # ---- point clouds -----------------------------------------------------------------------------------

    def _layer_of(self, layer, kind: str):
        found = layer if not isinstance(layer, str) else next(
            (x for x in self.scene.layers if x.name == layer and getattr(x, "kind", "") == kind), None)
        if found is None or getattr(found, "kind", "") != kind:
            raise YdtwinError(f"{layer}: no {kind} layer of that name is loaded")
        return found

    def set_point_class_visible(self, cloud, code: int, visible: bool) -> None:
        """Show or hide one ASPRS class of a point cloud layer (the layer or its name)."""
        self._layer_of(cloud, "pointcloud").set_class_visible(code, visible)

    def heights_from_cloud(self, buildings, cloud, **options):
        """Heights of a buildings layer's footprints from a classified point cloud layer (layers or names),
        written back into the buildings as ``height_from_cloud``, ``cloud_points`` and ``ground_from`` → the
        HeightsResult (see ``ydtwin.workspace.heights``)."""
        from ydtwin.workspace.heights import apply_heights, heights_from_cloud

        buildings = self._layer_of(buildings, "buildings")
        result = heights_from_cloud(buildings, self._layer_of(cloud, "pointcloud"), self.scene, **options)
        apply_heights(buildings, result)
        return result

    # ---- measure and profile -----------------------------------------------------------------------------

    def measure(self, points, kind: str = "distance"):
        """Distance (geodesic and 3D), area or height (difference) through ``points`` (MeasurePoints, or (lon,
        lat[, height]) tuples; missing heights from the terrain) → a Measurement (see
        ``ydtwin.workspace.measure``)."""
        from ydtwin.workspace.measure import measure

        return measure(self.scene, points, kind)

    def snap_point(self, lon: float, lat: float, **options):
        """A clicked point snapped to a building's corner or roof, the terrain or the water → a MeasurePoint."""
        from ydtwin.workspace.measure import snap_point

        return snap_point(self.scene, lon, lat, **options)

    def profile(self, *, line=None, corridor: str | None = None, step_m: float = 50.0):
        """The terrain, buildings and corridors along a line ([(lon, lat), …]) or a planned corridor (id or
        title), with the corridor's grade → a Profile. Safe in a worker thread."""
        from ydtwin.workspace.measure import profile

        return profile(self.scene, line=line, corridor=corridor, step_m=step_m)

    def write_profile(self, result, out: str | Path, **options) -> Path:
        """A profile as a chart (.png) or its samples (.csv), written atomically."""
        from ydtwin.workspace.measure import write_profile

        return write_profile(result, out, **options)

    def show_profile(self, result, *, label: str | None = None) -> None:
        """Show the line a profile follows in the scene (None: remove it)."""
        from ydtwin.workspace.measure import show_profile

        show_profile(self.scene, result, label=label)

    def keep_measurement(self, measurement, label: str | None = None):
        """Keep a measurement in the scene as an annotation (its line and label) → the annotation."""
        from ydtwin.workspace.measure import annotation_layer, annotation_of

        item = annotation_of(measurement, label)
        annotation_layer(self.scene).keep(item)
        return item

    def attach_measurement(self, finding_id: str, measurement, *, author: str | None = None, city: str = "",
                           text: str | None = None) -> None:
        """Attach a measurement to a finding of the review session (a comment carrying it)."""
        from ydtwin.workspace.measure import attach_measurement

        attach_measurement(self.session, finding_id, measurement, author=author or getpass.getuser(), city=city,
                           text=text)
        self.events.findings.emit()

    # ---- analyses: sunlight ------------------------------------------------------------------------------

    def sunlight(self, request, *, plans=(), progress=None):
        """Hours of direct sun over an area on a day (a ``SunlightRequest``), with the shadows of the terrain and
        of the buildings shown; ``plans`` (buildings layers or their names): hours without and with them →
        a SunlightResult (nothing shown). Safe in a worker thread. See ``ydtwin.workspace.sunlight``."""
        from ydtwin.workspace.sunlight import compute_sunlight

        plans = [self._layer_of(p, "buildings") for p in plans]
        return compute_sunlight(self.scene, request, plans=plans, progress=progress)

    def show_sunlight(self, result) -> list:
        """Show a sunlight result as coloured layers over the scene, in place of the last one (None: remove it)."""
        from ydtwin.workspace.sunlight_output import show_sunlight

        return show_sunlight(self.scene, result)

    def write_sunlight(self, result, out: str | Path) -> Path:
        """Write a sunlight result as GeoJSON or CSV (by the extension), atomically."""
        from ydtwin.workspace.outputs import check_output
        from ydtwin.workspace.sunlight_output import sunlight_format, write_sunlight

        sunlight_format(out)
        return write_sunlight(result, check_output(out))

    # ---- analyses: sight lines and viewsheds ---------------------------------------------------------------

    def viewshed(self, request, *, progress=None):
        """What an observer sees within a radius (a ``ViewshedRequest``) of the terrain and the buildings shown →
        a ViewshedResult (nothing shown). Safe in a worker thread. See ``ydtwin.workspace.viewshed``."""
        from ydtwin.workspace.viewshed import compute_viewshed

        return compute_viewshed(self.scene, request, progress=progress)

    def sight_line(self, request):
        """Whether an observer's eye sees a target point (a ``SightLineRequest``) and what blocks it → a
        SightLineResult (nothing shown). Safe in a worker thread."""
        from ydtwin.workspace.viewshed import compute_sight_line

        return compute_sight_line(self.scene, request)

    def show_viewshed(self, result) -> list:
        """Show a viewshed (visible and hidden ground, the observer) in place of the last one (None: remove it)."""
        from ydtwin.workspace.viewshed_output import show_viewshed

        return show_viewshed(self.scene, result)

    def show_sight_line(self, result) -> list:
        """Show a sight line (green to its first blocker, red beyond) in place of the last one (None: remove it)."""
        from ydtwin.workspace.viewshed_output import show_sight_line

        return show_sight_line(self.scene, result)

    def write_viewshed(self, result, out: str | Path) -> Path:
        """Write a viewshed or a sight line as GeoJSON, atomically."""
        from ydtwin.workspace.outputs import check_output
        from ydtwin.workspace.viewshed import SightLineResult
        from ydtwin.workspace.viewshed_output import write_sight_line, write_viewshed

        write = write_sight_line if isinstance(result, SightLineResult) else write_viewshed
        return write(result, check_output(out))

    # ---- analyses: height limits and scenario figures -----------------------------------------------------

    def height_check(self, *, year: int | None = None, plans=()):
        """Every plan zone with a height limit (in force by ``year``) against the buildings shown; ``plans``
        (buildings layers or their names) are named as planned → a HeightCheckResult whose findings are the
        review's ``height_limit`` ones (nothing shown). Safe in a worker. See ``ydtwin.workspace.height_limits``."""
        from ydtwin.workspace.height_limits import check_heights

        plans = [self._layer_of(p, "buildings") for p in plans]
        return check_heights(self.scene, year=year, planned=plans)

    def show_height_check(self, result) -> list:
        """Show the zones with their limits and the parts of buildings above them (None: remove them)."""
        from ydtwin.workspace.height_limits import show_height_check

        return show_height_check(self.scene, result)

    def write_height_check(self, result, out: str | Path) -> Path:
        """The violations as CSV or the findings as JSON (by the extension), atomically."""
        from ydtwin.workspace.height_limits import height_check_format, write_height_check
        from ydtwin.workspace.outputs import check_output

        height_check_format(out)
        return write_height_check(result, check_output(out))

    def figures(self, request, *, plans=()):
        """Building count, footprint, coverage, floor area and FAR per city, district or drawn area (a
        ``FiguresRequest``), ``plans`` (buildings layers or names) counted as planned → a FiguresResult. Safe in a
        worker. See ``ydtwin.workspace.figures``."""
        from ydtwin.workspace.figures import compute_figures

        plans = [self._layer_of(p, "buildings") for p in plans]
        return compute_figures(self.scene, request, planned=plans)

    def show_figures(self, result) -> list:
        """Show the units of a figures result filled by their floor area ratio (None: remove them)."""
        from ydtwin.workspace.figures import show_figures

        return show_figures(self.scene, result)

    def write_figures(self, result, out: str | Path) -> Path:
        """The figures as CSV (the method stated in ``#`` lines), atomically."""
        from ydtwin.workspace.figures import figures_format, write_figures
        from ydtwin.workspace.outputs import check_output

        figures_format(out)
        return write_figures(result, check_output(out))

    # ---- views -------------------------------------------------------------------------------------------

    def _within_region(self, text: str, lon0: float, lat0: float, lon1: float, lat1: float) -> None:
        r0, s0, r1, s1 = self.scene.region.bbox
        m = REGION_MARGIN_DEG
        if lon1 < r0 - m or lon0 > r1 + m or lat1 < s0 - m or lat0 > s1 + m:
            raise YdtwinError(f"{text}: outside the region ({r0:g}–{r1:g} E, {s0:g}–{s1:g} N)")

    def check_view(self, view: str) -> str:
        """A view name the scene can show → it, stripped: region, a city (English or Chinese), a district
        (``district:CODE``), a loaded layer's name or a box lon_min,lat_min,lon_max,lat_max that touches the
        region, or a viewpoint saved in the project (``viewpoint:NAME`` or its name: see :meth:`viewpoint_named`).
        Anything else is one error line."""
        from ydtwin.model.buildings import BuildingsLayer
        from ydtwin.model.models import ModelLayer
        from ydtwin.model.pointcloud import PointCloudLayer

        text = view.strip()
        if text.lower() in ("region", "home") or text.startswith("district:"):
            return text
        name = text[len("viewpoint:"):] if text.startswith("viewpoint:") else text
        if any(vp.name == name for vp in self.bookmarks):
            return f"viewpoint:{name}"
        if text.startswith("viewpoint:"):
            known = ", ".join(vp.name for vp in self.bookmarks) or "none: save one in the app (Views ▸ Bookmark)"
            raise YdtwinError(f"--view {text}: no viewpoint of that name in the project (its viewpoints: {known})")
        if text.count(",") == 3:
            try:
                lon0, lat0, lon1, lat1 = (float(v) for v in text.split(","))
            except ValueError:
                raise YdtwinError(f"--view {text}: a box is lon_min,lat_min,lon_max,lat_max (numbers)") from None
            self._within_region(text, min(lon0, lon1), min(lat0, lat1), max(lon0, lon1), max(lat0, lat1))
            return text
        shown = (BuildingsLayer, PointCloudLayer, ModelLayer)
        if any(isinstance(layer, shown) and text in (layer.name, f"layer:{layer.name}") for layer in self.scene.layers):
            return text
        if "," in text:  # numbers, but not four of them
            raise YdtwinError(f"--view {text}: a box is four numbers lon_min,lat_min,lon_max,lat_max "
                              "(or give a city, a district or region)")
        try:
            self.scene.region.city(text)
        except KeyError as exc:
            raise YdtwinError(str(exc.args[0])) from None
        return text

    def viewpoint_named(self, view: str):
        """The project's viewpoint a ``check_view`` answer names (``viewpoint:NAME``), or None."""
        if not view.startswith("viewpoint:"):
            return None
        return next((vp for vp in self.bookmarks if vp.name == view[len("viewpoint:"):]), None)

    def place(self, text: str) -> tuple[str, float, float]:
        """A city name (English or Chinese) or "lon,lat" inside the region → (label, lon, lat)."""
        if "," in text:
            try:
                lon, lat = (float(v) for v in text.split(","))
            except ValueError:
                raise YdtwinError(f"{text!r} is neither a city nor lon,lat") from None
            self._within_region(text, lon, lat, lon, lat)
            return f"{lon:.4f}, {lat:.4f}", lon, lat
        try:
            city = self.scene.region.city(text)
        except KeyError as exc:
            raise YdtwinError(str(exc.args[0])) from None
        return f"{city.name_zh} {city.name}", float(city.centre[0]), float(city.centre[1])

    def corridor_lines(self) -> list[tuple[str, str, list[tuple[float, float]]]]:
        """(id, title, [(lon, lat), …]) of every linear planned project in the scene, whatever its CRS."""
        from ydtwin.flythrough import presets

        return presets.corridor_lines(self.scene.layers, self.scene.projection)

    def corridor_path(self, project: str, *, height_m: float = 600.0, seconds: float | None = None, **common):
        """A flight along a linear planned project (its id or title, any case) in the scene's plans; with
        ``seconds`` the whole flight takes that long."""
        import shapely

        from ydtwin.flythrough import presets

        proj = self.scene.projection
        want = _plain_name(project)
        lines = self.corridor_lines()
        for pid, title, coords in lines:
            if want in (_plain_name(pid), _plain_name(title)):
                kwargs = {}
                if seconds:
                    x, y = proj.to_scene(*zip(*coords, strict=True))
                    length = float(shapely.LineString(list(zip(x, y, strict=True))).length)
                    kwargs["speed_mps"] = max(length / seconds, 1.0)
                try:
                    return presets.corridor(proj, coords, height_m=height_m, title=title, caption=title, **kwargs,
                                            **common)
                except ValueError as exc:
                    raise YdtwinError(f"corridor {pid}: {exc}") from None
        import difflib

        names = {_plain_name(n): pid for pid, title, _c in lines for n in (pid, title)}
        close = sorted({names[n] for n in difflib.get_close_matches(want, list(names), n=3, cutoff=0.6)})
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise YdtwinError(f"corridor: no linear planned project {project!r} — {hint}"
                          f"{len(lines)} to choose from: `ydtwin path preset corridor --project list`")

    def add_bookmark(self, viewpoint) -> None:
        """Keep a named viewpoint (one per name: the newest wins)."""
        self.bookmarks = [b for b in self.bookmarks if b.name != viewpoint.name] + [viewpoint]
        self.events.bookmarks.emit()

    # ---- review ------------------------------------------------------------------------------------------

    def run_review(self, *, year: int | None = None, visible_only: bool = False) -> ReviewResult:
        """Every review rule, declarative and code, over the plans (as of ``year``). Safe in a worker."""
        return run_review(self.scene, self.plugins, year=year, visible_only=visible_only)

    def new_session(self, path: str | Path, *, title: str = "", year: int | None = None,
                    include_connected: bool = False):
        """A review session file holding a fresh review's findings, all open (never over an existing file)."""
        from ydtwin.review.session import Session
        from ydtwin.workspace.outputs import check_new_session

        path = check_new_session(path)  # before the review runs
        result = self.run_review(year=year)
        session = Session(path=path, title=title, scenario=result.scenario(self.scene.region.id))
        self.add_findings(result, session=session)
        session.save()
        return session, result

    def add_findings(self, result: ReviewResult, *, session=None) -> int:
        """A review's findings (but connected links) into the session, each with a box around it as its
        view; findings already there keep their state → how many were new."""
        from ydtwin.review.report import finding_view

        session = session if session is not None else self.session
        n = 0
        for f in result.reported():
            data = f.to_json()
            if data["id"] not in session.findings:
                session.add_finding(data, viewpoint={"view": finding_view(data)})
                n += 1
        if session is self.session:
            self.events.findings.emit()
        return n

    def cities_at(self, lon: float, lat: float) -> list[str]:
        """The cities whose outline (with ~1 km to spare) holds a point."""
        import shapely

        try:
            bounds = self.scene.layer("city-boundaries")
        except KeyError:
            return []
        pt = shapely.Point(lon, lat)
        return [str(n) for n, g in zip(bounds.data.attributes["name"], bounds.data.geometries, strict=True)
                if g.buffer(0.01).contains(pt)]

    def add_manual_finding(self, lon: float, lat: float, message: str, *, author: str | None = None) -> str:
        """A finding a planner places by hand → its id."""
        from ydtwin.review.report import finding_view

        fid = f"manual:{uuid.uuid4().hex[:10]}"
        finding = {"id": fid, "kind": "manual", "severity": "warning", "rule": "manual",
                   "cities": self.cities_at(lon, lat), "projects": [], "location": [lon, lat], "message": message,
                   "author": author or getpass.getuser()}
        self.session.add_finding(finding, viewpoint={"view": finding_view(finding)})
        self.events.findings.emit()
        return fid

    def set_session(self, session) -> None:
        """Make ``session`` the one the review works on (the previous one's lock is released)."""
        old = self.session
        if old is not None and old is not session and old.path is not None and old.path != session.path:
            old.close()
        self.session = session
        self.events.session.emit()

    def open_session(self, path: str | Path, *, read_only: bool = False):
        """Open a session file (its lock taken unless read-only; SessionLocked names who holds it) and apply
        its journal → (session, edits restored from the journal)."""
        from ydtwin.review.session import Session

        session = Session.open(path, read_only=read_only, must_exist=True)
        n = session.recover()
        self.set_session(session)
        return session, n

    def start_autosave_session(self, path: Path) -> int:
        """A new session journalled to ``path`` from its first edit (the window's autosave). A session a crash
        left there is set aside for ``recover_autosave`` → how many of its edits and findings could be
        recovered (0: nothing to recover)."""
        from ydtwin.review.session import Session

        self._previous = None
        recoverable = 0
        if path.exists() or Path(f"{path}.journal").exists():
            try:
                previous = Session.open(path, lock=False)
                recoverable = len(previous.pending) + sum(
                    len(r["comments"]) + len(r["history"]) for r in previous.findings.values())
                if recoverable or previous.findings:
                    self._previous = previous
                    recoverable = max(recoverable, len(previous.findings))
            except Exception as exc:  # an unreadable leftover must not stop the app
                log.warning("autosaved review session unreadable: %s", exc)
            aside = path.with_name(path.name + ".previous")
            for suffix in ("", ".journal"):
                src = Path(f"{path}{suffix}")
                if src.exists():
                    src.replace(Path(f"{aside}{suffix}"))
            if self._previous is not None:
                self._previous.path = aside
        self.set_session(Session(path=path, title="Joint review"))
        return recoverable

    def recover_autosave(self, path: Path) -> int | None:
        """Make the session set aside by ``start_autosave_session`` the current one again, with every edit
        (saved or only journalled), saved to ``path`` → edits replayed from its journal (None: nothing)."""
        previous = getattr(self, "_previous", None)
        if previous is None:
            return None
        n = previous.recover()
        previous.path = path
        self._previous = None
        self.set_session(previous)
        previous.save()
        return n

    def findings_for_tour(self, source: str | Path | None = None, *, year: int | None = None) -> list[dict]:
        """The findings a review tour visits (from a findings file or session, else a review run now)."""
        return findings_for_tour(source, run=lambda: self.run_review(year=year))

    def session_tour_findings(self) -> list[dict]:
        """The findings of the workspace's own session a review tour visits (the window's tour)."""
        return findings_for_tour(session=self.session) if self.session is not None else []

    def write_report(self, out: str | Path, *, session=None, fmt: str | None = None,
                     size: tuple[int, int] = (960, 540), progress: Callable[[int, int], None] | None = None) -> Path:
        """The report of ``session`` (default: the workspace's) with a still of each finding from this scene."""
        session = session if session is not None else self.session
        if session is None:
            raise YdtwinError("no review session to report on")
        return write_report(session, self.scene, out, fmt=fmt, size=size, print_pdf=self.print_pdf,
                            progress=progress, figures=self.report_figures)

    # ---- standard exports (GeoPackage, KML, glTF, OBJ) ---------------------------------------------------

    def input_paths(self) -> list[Path]:
        """Every file the workspace has read and may read again: the loaded layers' files, the open session and
        its journal. An output is never one of them."""
        paths = [Path(request.path) for request in self.sources.values()]
        if self.session is not None and self.session.path is not None:
            paths += [self.session.path, self.session.journal_path]
        return paths

    def _output(self, out: str | Path, *extra) -> Path:
        from ydtwin.workspace.outputs import check_output

        return check_output(out, inputs=[*self.input_paths(), *extra])

    def export_plans(self, out: str | Path, *, year: int | None = None):
        """The shown plans as GeoPackage or KML (see ``ydtwin.workspace.exchange.export_plans``)."""
        from ydtwin.workspace.exchange import export_plans, vector_format

        vector_format(out)
        return export_plans(self.scene, self._output(out), year=year)

    def export_findings(self, out: str | Path, *, source: str | Path | None = None):
        """Findings as GeoPackage or KML: from ``source`` (a session or findings.json), else the workspace's
        own session."""
        from ydtwin.workspace.exchange import export_findings, finding_records, vector_format

        vector_format(out)
        if source is None and self.session is None:
            raise YdtwinError("no review session open to export the findings of")
        extra = (Path(source), Path(f"{source}.journal")) if source is not None else ()
        out = self._output(out, *extra)
        records = finding_records(source, session=None if source is not None else self.session)
        title = self.session.title if source is None and self.session is not None else ""
        return export_findings(records, out, title=title)

    def export_scene(self, out: str | Path, box, *, terrain: bool = True, plans: bool = True):
        """The part of the scene in ``box`` (lon/lat) as a glTF binary or OBJ model."""
        from ydtwin.workspace.exchange import export_scene, model_format

        model_format(out)
        return export_scene(self.scene, self._output(out), box, terrain=terrain, plans=plans)

    # ---- projects ----------------------------------------------------------------------------------------

    def current_project(self):
        """The project as it stands (see ``ydtwin.workspace.projects.current_project``)."""
        from ydtwin.workspace.projects import current_project

        return current_project(self)

    def save_project(self, path: str | Path) -> Path:
        from ydtwin.model.project import save_project

        return save_project(self.current_project(), path)

    def open_project(self, path: str | Path) -> list[LayerRequest]:
        """Apply a project's states → the files it loads, as requests; its basemap, DEMs and sea level are left in
        ``project_basemap``, ``project_dems`` and ``project_sea_level`` for the front end to load the same way
        (the window, in the background). See ``ydtwin.workspace.projects.open_project``."""
        from ydtwin.workspace.projects import open_project

        return open_project(self, path)

    def load_project(self, path: str | Path) -> list[str]:
        """Open a project and load everything it names now (the synchronous path: the command line) → a line per
        thing loaded or skipped. See ``ydtwin.workspace.projects.load_project``."""
        from ydtwin.workspace.projects import load_project

        return load_project(self, path)
