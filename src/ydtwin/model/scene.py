"""The Scene: the evented list of layers, the scene CRS and the float64 origins."""

from __future__ import annotations

import numpy as np
from psygnal import Signal, SignalGroup
from psygnal.containers import EventedList

from ydtwin.geo.projection import SceneProjection
from ydtwin.geo.tiles import TileGrid
from ydtwin.model.layer import Layer
from ydtwin.model.region import Region


class SceneEvents(SignalGroup):
    vertical_exaggeration = Signal(float)
    plan_year = Signal(object)  # int or None
    #: the sea surface's level (m above the terrain's datum; 0: today's mean sea level)
    sea_level = Signal(float)


class Scene:
    """Everything on screen, as data.

    - ``layers``: an ``EventedList`` (events ``inserted``, ``removed``, ``moved`` …).
    - ``projection``: the scene CRS (transverse Mercator centred on the region).
    - ``origin``: float64 scene coordinates of the projection centre (0, 0, 0) and its lon/lat.
    - ``tiles``: the float64 tile origins every render chunk is shifted by.
    """

    def __init__(self, region: Region, *, tile_size: float = 50_000.0) -> None:
        self.region = region
        self.projection: SceneProjection = region.projection
        self.events = SceneEvents(self)
        self.layers: EventedList[Layer] = EventedList()
        self._exaggeration = float(region.vertical_exaggeration)
        lon0, lat0, lon1, lat1 = region.bbox
        # the projected box is curved: sample its edges to find the scene extent
        t = np.linspace(0.0, 1.0, 33)
        lons = np.concatenate([lon0 + (lon1 - lon0) * t, np.full_like(t, lon1), lon1 - (lon1 - lon0) * t,
                               np.full_like(t, lon0)])
        lats = np.concatenate([np.full_like(t, lat0), lat0 + (lat1 - lat0) * t, np.full_like(t, lat1),
                               lat1 - (lat1 - lat0) * t])
        x, y = self.projection.to_scene(lons, lats)
        self.extent = (float(x.min()), float(y.min()), float(x.max()), float(y.max()))
        self.tiles = TileGrid(*self.extent, tile_size=tile_size)
        self.origin = np.zeros(3, dtype=np.float64)
        self.origin_lonlat = (float(self.projection.lon_0), float(self.projection.lat_0))
        # loaded footprints replace the procedural/schematic buildings under them
        self._replacements: dict[tuple, dict[int, np.ndarray]] = {}
        self._replacement_data: dict[tuple, list] = {}
        self.layers.events.inserted.connect(self._on_layers_changed)
        self.layers.events.removed.connect(self._on_layers_changed)

    @property
    def crs(self) -> str:
        return self.projection.crs_wkt

    @property
    def vertical_exaggeration(self) -> float:
        return self._exaggeration

    @vertical_exaggeration.setter
    def vertical_exaggeration(self, value: float) -> None:
        value = float(value)
        if not (0.0 < value <= 100.0):
            raise ValueError("vertical exaggeration must be in (0, 100]")
        if value != self._exaggeration:
            self._exaggeration = value
            self.events.vertical_exaggeration.emit(value)

    @property
    def sea_level(self) -> float:
        """Where the sea surface is drawn (m; sea-level and storm-surge scenarios raise it)."""
        return getattr(self, "_sea_level", 0.0)

    @sea_level.setter
    def sea_level(self, value: float) -> None:
        value = float(value)
        if not np.isfinite(value):
            raise ValueError("sea level must be a finite number of metres")
        if value != self.sea_level:
            self._sea_level = value
            self.events.sea_level.emit(value)

    @property
    def plan_year(self) -> int | None:
        """The year the plans are shown at (None: each project as its status says)."""
        return getattr(self, "_plan_year", None)

    @plan_year.setter
    def plan_year(self, value: int | None) -> None:
        value = None if value is None else int(value)
        if value is not None and not (1900 <= value <= 2200):
            raise ValueError("plan year must be between 1900 and 2200")
        if value != self.plan_year:
            self._plan_year = value
            self.events.plan_year.emit(value)

    def add(self, layer: Layer) -> Layer:
        self.layers.append(layer)
        return layer

    def layer(self, name_or_role: str) -> Layer:
        for layer in self.layers:
            if name_or_role in (layer.name, layer.role):
                return layer
        raise KeyError(name_or_role)

    def layers_of(self, kind: type[Layer]) -> list[Layer]:
        return [layer for layer in self.layers if isinstance(layer, kind)]

    # --- real footprints replace generated ones -----------------------------------------------------------

    #: side (m) of the cells real footprints claim in "area" mode; a claimed cell's neighbours are claimed too
    REPLACE_CELL_M = 400.0

    def _on_layers_changed(self, *_args) -> None:
        self.update_replacements()

    def update_replacements(self) -> None:
        """Hide generated (procedural/schematic) buildings where real footprints were loaded.

        A real layer with ``replaces="area"`` claims the cells (REPLACE_CELL_M) its buildings stand in and
        their neighbours; with ``replaces="city"`` it claims the whole cities its buildings are in.
        """
        real, generated = self._replacement_roles(self.layers)
        obstacles = self._obstacle_layers(self.layers)
        models = self._model_layers(self.layers)
        footprints = self._footprint_layers(self.layers)
        if models or any(layer.hidden.any() for layer in footprints if layer not in generated):
            for layer in footprints:
                if layer not in generated:  # real footprints: hidden only where a model stands
                    layer.hidden = self.model_mask(layer, models)
        if not generated or (not real and not obstacles and not models
                             and not any(layer.hidden.any() for layer in generated)):
            return
        masks = self.replacement_masks(real, generated)
        for layer in generated:
            layer.hidden = masks[id(layer.data)] | self.clearance_mask(layer, obstacles) | self.model_mask(layer, models)

    def prepare_replacements(self, new_layer) -> None:
        """Compute (and keep) what adding ``new_layer`` will hide, so that adding it later only applies the
        result. Safe in a worker thread: it reads the layers' data, which never changes, and edits no layer."""
        layers = [*self.layers, *(new_layer if isinstance(new_layer, list | tuple) else [new_layer])]
        real, generated = self._replacement_roles(layers)
        if generated and real:
            self.replacement_masks(real, generated)
        obstacles = self._obstacle_layers(layers)
        for layer in generated:
            self.clearance_mask(layer, obstacles)
        models = self._model_layers(layers)
        if models:
            for layer in self._footprint_layers(layers):
                self.model_mask(layer, models)

    # --- 3D models hide the buildings standing where they stand -------------------------------------------

    @staticmethod
    def _model_layers(layers) -> list:
        return [layer for layer in layers if getattr(layer, "kind", "") == "model"]

    @staticmethod
    def _footprint_layers(layers) -> list:
        from ydtwin.model.buildings import BuildingsLayer

        return [layer for layer in layers if isinstance(layer, BuildingsLayer)]

    #: a building whose footprint comes within this distance (m) of a model's ground plan is hidden by it
    MODEL_MARGIN_M = 2.0

    def model_mask(self, layer, models: list) -> np.ndarray:
        """Bool per building of a footprints layer: does it stand in one of the ``models``' ground plans?
        (Cached with the data for these models as they are placed; safe in a worker thread.)"""
        if not models:
            return np.zeros(len(layer.data), dtype=bool)
        import shapely

        plans = [m.footprint(self.projection) for m in models]
        key = ("models", self.projection, tuple(p.wkb for p in plans))
        cache = layer.data._cache
        if key not in cache:
            for old in [k for k in cache if isinstance(k, tuple) and k[:1] == ("models",)]:
                del cache[old]  # an earlier placement's
            data = layer.data
            c = data.centres()
            x, y = self.projection.to_scene(c[:, 0], c[:, 1], data.crs)
            hide = np.zeros(len(data), dtype=bool)
            area = shapely.buffer(shapely.union_all(plans), self.MODEL_MARGIN_M)
            x0, y0, x1, y1 = area.bounds
            near = np.flatnonzero((x > x0 - 500) & (x < x1 + 500) & (y > y0 - 500) & (y < y1 + 500))
            if len(near):
                def to_scene(coords: np.ndarray) -> np.ndarray:
                    return np.column_stack(self.projection.to_scene(coords[:, 0], coords[:, 1], data.crs))

                footprints = shapely.transform(data.geometries(near), to_scene)
                hide[near] = shapely.intersects(footprints, area)
            cache[key] = hide
        return cache[key]

    # --- generated buildings keep clear of water, roads and railways --------------------------------------

    @staticmethod
    def _obstacle_layers(layers) -> list:
        from ydtwin.geo.clearance import NETWORK_ROLES, WATER_ROLES

        return [layer for layer in layers if getattr(layer, "role", "") in (*WATER_ROLES, *NETWORK_ROLES)
                and getattr(layer, "role", "") != "lakes"]  # the blocks are drawn off the region's lakes already

    def clearance_mask(self, layer, obstacles: list) -> np.ndarray:
        """Bool per building of a generated layer: does it stand in water or across a road or railway of the
        ``obstacles`` layers? (Cached with the data, which never changes; safe in a worker thread.)"""
        if not obstacles:
            return np.zeros(len(layer.data), dtype=bool)
        key = ("clearance", self.projection, tuple(id(o.data) for o in obstacles))
        cache = layer.data._cache
        if key not in cache:
            import shapely

            from ydtwin.geo.clearance import blocked, obstacle_geometries

            def to_scene(c: np.ndarray, crs: str) -> np.ndarray:
                return np.column_stack(self.projection.to_scene(c[:, 0], c[:, 1], crs))

            data = layer.data
            footprints = shapely.transform(data.geometries(), lambda c: to_scene(c, data.crs))
            cache[key] = blocked(footprints, obstacle_geometries(obstacles, to_scene))
            cache[key + ("data",)] = [o.data for o in obstacles]  # the ids in the key stay valid
        return cache[key]

    @staticmethod
    def _replacement_roles(layers) -> tuple[list, list]:
        """(real layers that replace, generated layers that can be replaced) among ``layers``."""
        from ydtwin.model.buildings import BuildingsLayer

        buildings = [layer for layer in layers if isinstance(layer, BuildingsLayer)]
        generated = [layer for layer in buildings if layer.provenance.nature in ("procedural", "schematic")]
        real = [layer for layer in buildings if layer not in generated and layer.replaces != "none" and len(layer.data)]
        # (3D models hide what stands in their ground plan: model_mask)
        real += [layer for layer in layers if getattr(layer, "kind", "") == "pointcloud" and len(layer.data)]
        return real, generated

    def replacement_masks(self, real: list, generated: list) -> dict[int, np.ndarray]:
        """``{id(generated layer's data): hidden mask}`` for these real layers (the last few results kept)."""
        key = (tuple((id(layer.data), layer.replaces) for layer in real), tuple(id(layer.data) for layer in generated))
        cached = self._replacements.get(key)
        if cached is not None:
            return cached
        cell = self.REPLACE_CELL_M
        claimed: list[np.ndarray] = []
        cities: set[str] = set()
        for layer in real:
            x, y = self.building_centres(layer)
            if layer.replaces == "area":
                ix = np.floor(x / cell).astype(np.int64)
                iy = np.floor(y / cell).astype(np.int64)
                occupied = np.unique(ix * 1_000_003 + iy)
                for dx in (-1, 0, 1):
                    for dy in (-1, 0, 1):
                        claimed.append(occupied + dx * 1_000_003 + dy)
            else:
                cities.update(self._cities_at(layer))
        keys = np.unique(np.concatenate(claimed)) if claimed else np.zeros(0, dtype=np.int64)
        masks = {}
        for layer in generated:
            x, y = self.building_centres(layer)
            hide = np.zeros(len(layer.data), dtype=bool)
            if len(keys):
                k = np.floor(x / cell).astype(np.int64) * 1_000_003 + np.floor(y / cell).astype(np.int64)
                hide |= np.isin(k, keys)
            if cities and "city" in layer.data.attributes:
                hide |= np.isin(layer.data.attributes["city"].astype(str), sorted(cities))
            masks[id(layer.data)] = hide
        # the key holds ids, so the data they name must stay alive while the entry is kept
        self._replacements[key] = masks
        self._replacement_data[key] = [layer.data for layer in (*real, *generated)]
        while len(self._replacements) > 4:
            oldest = next(iter(self._replacements))
            del self._replacements[oldest], self._replacement_data[oldest]
        return masks

    def building_centres(self, layer) -> tuple[np.ndarray, np.ndarray]:
        """Scene x/y of a buildings layer's centres (cached with the data, which never changes)."""
        key = ("scene-centres", self.projection)
        cache = layer.data._cache
        if key not in cache:
            if getattr(layer, "kind", "") == "pointcloud":  # a survey claims the cells its points cover
                c = layer.data.occupied_cells(self.REPLACE_CELL_M / 2)
            else:
                c = layer.data.centres()
            cache[key] = self.projection.to_scene(c[:, 0], c[:, 1], layer.data.crs)
        return cache[key]

    def _cities_at(self, layer) -> set[str]:
        """Names of the region's cities that contain any of the layer's buildings."""
        import shapely

        try:
            bounds_layer = self.layer("city-boundaries")
        except KeyError:
            return set()
        data = bounds_layer.data
        names = data.attributes.get("name")
        if names is None:
            return set()
        c = layer.data.centres()
        lon, lat = c[:, 0], c[:, 1]
        tree = shapely.STRtree(shapely.points(lon, lat))
        poly_idx, _ = tree.query(data.geometries, predicate="contains")
        return {str(names[i]) for i in np.unique(poly_idx)}
