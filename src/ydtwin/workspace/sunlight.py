"""Sunlight analysis (日照分析): hours of direct sun on a day, on a grid of ground points and on building facades,
with the shadows of the terrain and of every building in the scene — loaded footprints, the procedural blocks and
landmarks still shown, and planned buildings — and, for a plan, the hours before and after it.

Qt-free; ``ydtwin analyse sunlight`` and the window's Analysis ▸ Sunlight… panel both call
:func:`compute_sunlight` through ``Workspace.sunlight``, so both give the same hours.

Method: the sun's path over the day's window from NREL's SPA (``ydtwin.geo.sun``), at the area's centre, every
``step_min`` minutes; the obstacles rasterised into a height field around the area, as far toward the sun as the
tallest obstacle's shadow reaches (``ydtwin.geo.shadow``), plus the terrain alone to ``TERRAIN_REACH_M``; for each
point and sun position a ray marched toward the sun. A point's hours are the minutes it sees the sun, in runs of at
least ``min_run_min`` minutes (0: every minute counts).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ydtwin.errors import YdtwinError

__all__ = ["MAX_AREA_SIDE_M", "MAX_POINTS", "SunlightRequest", "SunlightResult", "check_area", "compute_sunlight",
           "sun_window_for"]

#: the longest side an area may have (m): a district, not a city
MAX_AREA_SIDE_M = 10_000.0
#: the most points one analysis may evaluate (ground and facades together)
MAX_POINTS = 2_000_000
#: the farthest a building's shadow is followed (m): a 600 m tower at 9° elevation
MAX_SHADOW_M = 4_000.0
#: the terrain's own shadows are followed this far (m), on a coarse field of COARSE_CELL_M cells
TERRAIN_REACH_M = 20_000.0
COARSE_CELL_M = 100.0
#: cells of the fine field at most (its cell grows beyond 1 m to stay under this)
MAX_FIELD_CELLS = 36_000_000


@dataclass(frozen=True)
class SunlightRequest:
    """What to analyse: the same options as ``ydtwin analyse sunlight``."""

    #: lon_min, lat_min, lon_max, lat_max (WGS84)
    area: tuple[float, float, float, float]
    #: YYYY-MM-DD, or winter-solstice / 冬至 / major-cold / 大寒, optionally :YEAR
    date: str = "winter-solstice"
    #: start-end (e.g. 9:00-15:00); None: the window the standards pair with the day (冬至 9–15, 大寒 8–16)
    window: str | None = None
    #: "true-solar" (真太阳时, the standards') or "cst" (China Standard Time on the clock)
    basis: str = "true-solar"
    step_min: float = 1.0
    #: ground points every ``spacing_m`` (0: no ground points)
    spacing_m: float = 10.0
    #: ground points this high above the ground (m)
    height_m: float = 0.0
    facades: bool = False
    facade_spacing_m: float = 5.0
    #: facade points on the lowest N storeys only (None: every storey)
    facade_floors: int | None = None
    storey_m: float = 3.0
    #: a point with fewer hours than this is flagged (the standards' 2 h or 3 h)
    min_hours: float = 2.0
    #: only runs of sun at least this long count (minutes; some cities' rules count runs of 5 min or more)
    min_run_min: float = 0.0
    #: cell of the height field (m); None: 1 m, coarser for large areas
    cell_m: float | None = None


def check_area(area, region_bbox) -> tuple[float, float, float, float]:
    """A lon/lat box inside the region and no larger than a district → it as floats; else one error line."""
    try:
        lon0, lat0, lon1, lat1 = (float(v) for v in area)
    except (TypeError, ValueError):
        raise YdtwinError(f"area {area!r}: lon_min,lat_min,lon_max,lat_max (four numbers)") from None
    if not all(math.isfinite(v) for v in (lon0, lat0, lon1, lat1)):
        raise YdtwinError("area: the numbers must be finite")
    lon0, lon1 = min(lon0, lon1), max(lon0, lon1)
    lat0, lat1 = min(lat0, lat1), max(lat0, lat1)
    r0, s0, r1, s1 = region_bbox
    if lon0 < r0 or lon1 > r1 or lat0 < s0 or lat1 > s1:
        raise YdtwinError(f"area {lon0:g},{lat0:g},{lon1:g},{lat1:g}: outside the region ({r0:g}–{r1:g} E, "
                          f"{s0:g}–{s1:g} N)")
    w = (lon1 - lon0) * 111_320 * math.cos(math.radians((lat0 + lat1) / 2))
    h = (lat1 - lat0) * 110_574
    if w < 1 or h < 1:
        raise YdtwinError("area: the box is empty (give two different corners)")
    if max(w, h) > MAX_AREA_SIDE_M:
        raise YdtwinError(f"area: {w / 1000:.1f} × {h / 1000:.1f} km is too large for a sunlight analysis (at most "
                          f"{MAX_AREA_SIDE_M / 1000:g} km a side: a district)")
    return lon0, lat0, lon1, lat1


def _check_numbers(req: SunlightRequest) -> None:
    checks = (("spacing", req.spacing_m, 0.0, 1000.0, " m"), ("height", req.height_m, 0.0, 500.0, " m"),
              ("facade spacing", req.facade_spacing_m, 0.5, 1000.0, " m"), ("storey", req.storey_m, 1.0, 20.0, " m"),
              ("min hours", req.min_hours, 0.0, 24.0, " h"), ("min run", req.min_run_min, 0.0, 600.0, " min"),
              ("step", req.step_min, 0.1, 60.0, " min"))
    for name, value, lo, hi, unit in checks:
        if not (isinstance(value, (int, float)) and math.isfinite(value) and lo <= value <= hi):
            raise YdtwinError(f"{name} {value}: must be between {lo:g} and {hi:g}{unit}")
    if req.spacing_m and req.spacing_m < 0.5:
        raise YdtwinError(f"spacing {req.spacing_m:g} m: at least 0.5 m (or 0 for no ground points)")
    if not req.spacing_m and not req.facades:
        raise YdtwinError("nothing to analyse: ground points need a spacing above 0, or ask for facades")
    if req.cell_m is not None and not (0.25 <= req.cell_m <= 20):
        raise YdtwinError(f"cell {req.cell_m:g} m: between 0.25 and 20 m")
    if req.facade_floors is not None and req.facade_floors < 1:
        raise YdtwinError("facade floors: at least 1")


def sun_window_for(req: SunlightRequest, lon: float, lat: float):
    """The request's day and window → a :class:`ydtwin.geo.sun.SunWindow` at (lon, lat); bad dates and windows are
    one error line."""
    from ydtwin.geo.sun import DAYS, SunError, parse_day, parse_window, sun_window

    try:
        day, name = parse_day(req.date)
        window = parse_window(req.window) if req.window else DAYS[name or "winter-solstice"][3]
        return sun_window(day, window, lon, lat, basis=req.basis, step_min=req.step_min, day_name=name)
    except SunError as exc:
        raise YdtwinError(str(exc)) from None


@dataclass
class SunlightResult:
    """Hours of direct sun per point. ``hours`` is with every obstacle (and the plan, when there is one);
    ``hours_before`` without the plan's buildings (None without a plan). NaN: no value (a ground point covered by
    a planned building after, a planned building's facade before)."""

    request: SunlightRequest
    window: object  # ydtwin.geo.sun.SunWindow
    kind: np.ndarray  # "ground" or "facade"
    x: np.ndarray  # scene metres
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    height_m: np.ndarray  # above the ground
    z: np.ndarray  # absolute (m)
    layer: np.ndarray  # facades: the buildings layer's name ("" for ground points)
    building: np.ndarray  # facades: the building's index in its layer (−1 for ground points)
    floor: np.ndarray  # facades: storey, 0 = ground floor (−1 for ground points)
    wall_azimuth: np.ndarray  # facades: the direction the wall faces, degrees from true north (NaN for ground)
    hours: np.ndarray
    hours_before: np.ndarray | None
    plan_names: list[str]
    #: ground points left out: inside an existing building
    inside_buildings: int
    #: what cast the shadows, in words (for outputs and the log)
    obstacles: dict = field(default_factory=dict)
    spacing_m: float = 10.0
    seconds: float = 0.0
    #: the scene's projection (scene metres ↔ lon/lat) and where true north points on its grid at the area
    projection: object = None
    north_on_grid_deg: float = 0.0

    def __len__(self) -> int:
        return len(self.hours)

    @property
    def loss(self) -> np.ndarray | None:
        """Hours lost to the plan (NaN where either side has none)."""
        return None if self.hours_before is None else self.hours_before - self.hours

    @property
    def below(self) -> np.ndarray:
        """Points under the minimum hours (with the plan)."""
        return np.isfinite(self.hours) & (self.hours < self.request.min_hours - 1e-9)

    @property
    def newly_below(self) -> np.ndarray | None:
        """Points that met the minimum without the plan and fall under it with it."""
        if self.hours_before is None:
            return None
        m = self.request.min_hours - 1e-9
        return np.isfinite(self.hours) & np.isfinite(self.hours_before) & (self.hours_before >= m) & (self.hours < m)

    def summary(self) -> list[str]:
        """Lines for the terminal and the panel."""
        lines = [f"sunlight: {self.window.describe()}"]
        min_h = self.request.min_hours
        for kind in ("ground", "facade"):
            sel = self.kind == kind
            if not sel.any():
                continue
            h = self.hours[sel]
            ok = np.isfinite(h)
            what = (f"{sel.sum():,} ground points every {self.spacing_m:g} m" if kind == "ground"
                    else f"{sel.sum():,} facade points")
            text = f"{what}: median {np.median(h[ok]):.1f} h" if ok.any() else what
            text += f", {int((h[ok] < min_h - 1e-9).sum()):,} under {min_h:g} h"
            if kind == "ground" and self.inside_buildings:
                text += f" ({self.inside_buildings:,} points inside buildings left out)"
            lines.append(text)
        if self.hours_before is not None:
            loss = self.loss
            lost = np.isfinite(loss) & (loss > 1e-9)
            worst = float(np.nanmax(loss)) if lost.any() else 0.0
            lines.append(f"with the plan ({', '.join(self.plan_names)}): {int(lost.sum()):,} points lose sun (up to "
                         f"{worst:.1f} h), {int(self.newly_below.sum()):,} fall under {min_h:g} h")
        o = self.obstacles
        if o:
            generated = f", {o['generated']:,} of them procedural or schematic" if o.get("generated") else ""
            lines.append(f"shadows of {o['buildings']:,} buildings{generated} (tallest {o['tallest_m']:.0f} m) within "
                         f"{o['reach_m'] / 1000:.1f} km toward the sun and of the terrain to "
                         f"{TERRAIN_REACH_M / 1000:g} km; height field of {o['cell_m']:g} m cells; "
                         f"{self.seconds:.1f} s")
        return lines


# ---- obstacles ----------------------------------------------------------------------------------------------


@dataclass
class _Obstacles:
    """Buildings in scene metres with absolute roof heights, and where each came from."""

    xy: np.ndarray
    ring_offsets: np.ndarray
    part_offsets: np.ndarray
    part_building: np.ndarray
    ground: np.ndarray  # per building: the ground at its centre (m)
    top: np.ndarray  # per building: absolute roof height (m)
    height: np.ndarray  # per building: roof above its ground (m)
    centre: np.ndarray  # (n, 2)
    layer: np.ndarray  # per building: the layer's name
    index: np.ndarray  # per building: its index in its layer
    natures: set
    generated: int = 0  # buildings from procedural or schematic layers

    @classmethod
    def empty(cls) -> _Obstacles:
        z = np.zeros(0)
        i = np.zeros(0, np.int64)
        return cls(np.zeros((0, 2)), np.zeros(1, np.int64), np.zeros(1, np.int64), i, z, z, z, np.zeros((0, 2)),
                   np.zeros(0, object), i, set())

    def __len__(self) -> int:
        return len(self.top)

    def footprints(self):
        return self.xy, self.ring_offsets, self.part_offsets, self.top[self.part_building]

    def polygons(self) -> np.ndarray:
        """One shapely polygon per part (scene metres) and the building of each."""
        import shapely

        if not len(self):
            return np.zeros(0, dtype=object)
        return shapely.from_ragged_array(shapely.GeometryType.POLYGON, self.xy, (self.ring_offsets, self.part_offsets))

    @staticmethod
    def join(items: list[_Obstacles]) -> _Obstacles:
        items = [o for o in items if len(o)]
        if not items:
            return _Obstacles.empty()
        if len(items) == 1:
            return items[0]
        v = np.cumsum([0] + [len(o.xy) for o in items])
        r = np.cumsum([0] + [len(o.ring_offsets) - 1 for o in items])
        b = np.cumsum([0] + [len(o) for o in items])
        return _Obstacles(
            np.concatenate([o.xy for o in items]),
            np.concatenate([[0]] + [o.ring_offsets[1:] + v[k] for k, o in enumerate(items)]).astype(np.int64),
            np.concatenate([[0]] + [o.part_offsets[1:] + r[k] for k, o in enumerate(items)]).astype(np.int64),
            np.concatenate([o.part_building + b[k] for k, o in enumerate(items)]),
            *(np.concatenate([getattr(o, n) for o in items]) for n in ("ground", "top", "height")),
            np.concatenate([o.centre for o in items]),
            np.concatenate([o.layer for o in items]), np.concatenate([o.index for o in items]),
            set().union(*(o.natures for o in items)), sum(o.generated for o in items))


def _buildings_near(layer, scene, box, ground: Callable) -> _Obstacles:
    """The layer's shown buildings whose centre lies in ``box`` (scene metres), in scene metres on the ground."""
    x, y = scene.building_centres(layer)
    keep = (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3]) & ~layer.hidden
    if not keep.any():
        return _Obstacles.empty()
    index = np.flatnonzero(keep)
    data = layer.data.subset(keep)
    geom = data.scene_geometry(scene.projection, ground)
    g = geom.base_z - data.min_height
    return _Obstacles(geom.xy, geom.ring_offsets, geom.part_offsets, geom.part_building, g, geom.top_z,
                      data.height.astype(np.float64), geom.centre, np.full(len(index), layer.name, dtype=object),
                      index, {layer.provenance.nature},
                      len(index) if layer.provenance.nature in ("procedural", "schematic") else 0)


def _ground_of(scene) -> Callable:
    """True ground heights (m, not exaggerated; the sea and no-data at 0) at scene x/y."""
    from ydtwin.geo.drape import SurfaceHeights
    from ydtwin.model.layer import TerrainLayer

    terrain = next((layer for layer in scene.layers if isinstance(layer, TerrainLayer)), None)
    if terrain is None:
        return lambda x, y: np.zeros(np.shape(x))
    surface = SurfaceHeights(terrain.elevation, scene.projection, 1.0)
    return lambda x, y: np.maximum(np.nan_to_num(surface.elevation(np.asarray(x), np.asarray(y)), nan=0.0), 0.0)


def _obstacles(scene, layers, box, ground) -> _Obstacles:
    return _Obstacles.join([_buildings_near(layer, scene, box, ground) for layer in layers])


# ---- points -------------------------------------------------------------------------------------------------


def _area_scene(scene, area) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The area's outline (its lon/lat box's edges, projected) and its bounding box in scene metres."""
    lon0, lat0, lon1, lat1 = area
    t = np.linspace(0, 1, 17)
    lons = np.r_[lon0 + (lon1 - lon0) * t, np.full(17, lon1), lon1 - (lon1 - lon0) * t, np.full(17, lon0)]
    lats = np.r_[np.full(17, lat0), lat0 + (lat1 - lat0) * t, np.full(17, lat1), lat1 - (lat1 - lat0) * t]
    x, y = scene.projection.to_scene(lons, lats)
    return np.column_stack([x, y]), (float(x.min()), float(y.min()), float(x.max()), float(y.max()))


def _ground_grid(scene, area, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres every ``spacing`` metres over the area (scene metres), those whose lon/lat is in the box."""
    _outline, (x0, y0, x1, y1) = _area_scene(scene, area)
    nx = max(1, int(round((x1 - x0) / spacing)))
    ny = max(1, int(round((y1 - y0) / spacing)))
    if nx * ny > MAX_POINTS:
        raise YdtwinError(f"{nx * ny:,} ground points every {spacing:g} m: at most {MAX_POINTS:,} — give a larger "
                          "spacing or a smaller area")
    cx = (x0 + x1) / 2 + (np.arange(nx) - (nx - 1) / 2) * spacing
    cy = (y0 + y1) / 2 + (np.arange(ny) - (ny - 1) / 2) * spacing
    xx, yy = np.meshgrid(cx, cy[::-1])
    x, y = xx.ravel(), yy.ravel()
    lon, lat = scene.projection.from_scene(x, y)
    keep = (lon >= area[0]) & (lon <= area[2]) & (lat >= area[1]) & (lat <= area[3])
    return x[keep], y[keep]


def _inside(polygons: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bool per point: inside any of the polygons."""
    import shapely

    out = np.zeros(len(x), dtype=bool)
    if len(polygons) and len(x):
        pts, _poly = shapely.STRtree(polygons).query(shapely.points(x, y), predicate="within")
        out[pts] = True
    return out


def _facades(obst: _Obstacles, area_outline: np.ndarray, req: SunlightRequest) -> dict[str, np.ndarray]:
    """Facade points of the buildings whose centre lies in the area."""
    import shapely

    from ydtwin.geo.shadow import facade_samples

    if not len(obst):
        return {}
    inside = shapely.contains_xy(shapely.Polygon(area_outline), obst.centre[:, 0], obst.centre[:, 1])
    if not inside.any():
        return {}
    keep_part = inside[obst.part_building]
    rings_per_part = np.diff(obst.part_offsets)
    ring_keep = np.repeat(keep_part, rings_per_part)
    vert_keep = np.repeat(ring_keep, np.diff(obst.ring_offsets))
    rings = np.r_[0, np.cumsum(np.diff(obst.ring_offsets)[ring_keep])]
    parts = np.r_[0, np.cumsum(rings_per_part[keep_part])]
    new_index = np.cumsum(inside) - 1
    buildings = np.flatnonzero(inside)
    s = facade_samples(obst.xy[vert_keep], rings, parts, new_index[obst.part_building[keep_part]],
                       obst.height[buildings], spacing_m=req.facade_spacing_m, storey_m=req.storey_m,
                       max_floors=req.facade_floors, offset_m=max(1.0, req.cell_m or 1.0))
    s["building"] = buildings[s["building"]]  # back to the obstacles' numbering
    return s


# ---- the analysis -------------------------------------------------------------------------------------------


def _field_box(area_box, sun, tallest_rel: float, coarse_t0: float):
    """The fine field's box: the area stretched toward the sun as far as the tallest obstacle's shadow reaches
    (at least past where the coarse terrain field takes over), at most MAX_SHADOW_M → (box, reach)."""
    up = sun.elevation_deg > 0
    x0, y0, x1, y1 = area_box
    if not up.any():
        return area_box, 0.0
    tan_e = np.tan(np.radians(sun.elevation_deg[up]))
    reach = np.clip(max(tallest_rel, 0.0) / tan_e, coarse_t0, MAX_SHADOW_M)
    az = np.radians(sun.grid_azimuth_deg[up])
    dx, dy = np.sin(az) * reach, np.cos(az) * reach
    pad = 16.0  # a ray that leaves the field is lit: keep a few cells beyond the farthest step
    box = (x0 + min(0.0, float(dx.min())) - pad, y0 + min(0.0, float(dy.min())) - pad,
           x1 + max(0.0, float(dx.max())) + pad, y1 + max(0.0, float(dy.max())) + pad)
    return box, float(reach.max())


@dataclass(frozen=True)
class _GridSun:
    """The window's sun with its azimuth turned onto the scene's grid."""

    elevation_deg: np.ndarray
    grid_azimuth_deg: np.ndarray
    weight_h: np.ndarray


def compute_sunlight(scene, req: SunlightRequest, *, plans=(), progress: Callable[[str], None] | None = None
                     ) -> SunlightResult:
    """Hours of direct sun over ``req.area`` (see the module). ``plans``: buildings layers whose buildings are the
    plan: hours are computed without them and with them. Every other visible buildings layer casts shadows (the
    buildings it shows). Safe in a worker thread: it reads the scene and changes nothing."""
    from ydtwin.geo.shadow import field_of, march_hours
    from ydtwin.geo.sun import true_north_on_grid_deg
    from ydtwin.model.buildings import BuildingsLayer

    t_start = time.perf_counter()
    say = progress or (lambda _text: None)
    _check_numbers(req)
    area = check_area(req.area, scene.region.bbox)
    plans = list(plans)
    for p in plans:
        if not isinstance(p, BuildingsLayer):
            raise YdtwinError(f"plan {getattr(p, 'name', p)!r}: not a buildings layer")
    lon_c, lat_c = (area[0] + area[2]) / 2, (area[1] + area[3]) / 2
    ground = _ground_of(scene)
    xc, yc = scene.projection.to_scene(np.array([lon_c]), np.array([lat_c]))
    window = sun_window_for(req, lon_c, lat_c)
    north = true_north_on_grid_deg(scene.projection, lon_c, lat_c)
    sun = _GridSun(window.elevation_deg, window.azimuth_deg + north, window.weight_h)
    outline, area_box = _area_scene(scene, area)
    base_layers = [layer for layer in scene.layers if isinstance(layer, BuildingsLayer) and layer.visible
                   and all(layer is not p for p in plans)]
    say("gathering buildings")
    wide = (area_box[0] - MAX_SHADOW_M, area_box[1] - MAX_SHADOW_M, area_box[2] + MAX_SHADOW_M,
            area_box[3] + MAX_SHADOW_M)
    before = _obstacles(scene, base_layers, wide, ground)
    planned = _obstacles(scene, plans, wide, ground)
    after = _Obstacles.join([before, planned])
    z_floor = float(np.min(ground(outline[:, 0], outline[:, 1]))) if len(outline) else 0.0
    tallest = float(after.top.max()) if len(after) else z_floor
    coarse_t0 = 3 * COARSE_CELL_M
    box, reach = _field_box(area_box, sun, tallest - z_floor, coarse_t0)
    cell = req.cell_m or max(1.0, math.ceil(math.sqrt((box[2] - box[0]) * (box[3] - box[1]) / MAX_FIELD_CELLS) * 2) / 2)

    # the points: the ground grid (less what stands inside a building) and the facades
    say("placing points")
    gx, gy = _ground_grid(scene, area, req.spacing_m) if req.spacing_m else (np.zeros(0), np.zeros(0))
    in_before = _inside(before.polygons(), gx, gy)
    in_plan = _inside(planned.polygons(), gx, gy)
    gx, gy, in_plan = gx[~in_before], gy[~in_before], in_plan[~in_before]
    f_before = _facades(before, outline, req) if req.facades else {}
    f_plan = _facades(planned, outline, req) if req.facades else {}
    n_g, n_fb, n_fp = len(gx), len(f_before.get("x", ())), len(f_plan.get("x", ()))
    if n_g + n_fb + n_fp > MAX_POINTS:
        raise YdtwinError(f"{n_g + n_fb + n_fp:,} points: at most {MAX_POINTS:,} — give larger spacings, fewer "
                          "facade floors or a smaller area")

    def cat(key, ground_value, dtype=np.float64):
        return np.concatenate([np.full(n_g, ground_value, dtype=dtype),
                               np.asarray(f_before.get(key, np.zeros(0)), dtype=dtype),
                               np.asarray(f_plan.get(key, np.zeros(0)), dtype=dtype)])

    x = np.concatenate([gx, f_before.get("x", np.zeros(0)), f_plan.get("x", np.zeros(0))])
    y = np.concatenate([gy, f_before.get("y", np.zeros(0)), f_plan.get("y", np.zeros(0))])
    h = np.concatenate([np.full(n_g, req.height_m), f_before.get("h", np.zeros(0)), f_plan.get("h", np.zeros(0))])
    nrm = np.column_stack([cat("nx", 0.0), cat("ny", 0.0)])
    b_idx = np.asarray(f_before.get("building", np.zeros(0, np.int64)), dtype=np.int64)
    p_idx = np.asarray(f_plan.get("building", np.zeros(0, np.int64)), dtype=np.int64)
    base = np.concatenate([ground(gx, gy), before.ground[b_idx], planned.ground[p_idx]])
    z = base + h
    layer_names = np.concatenate([np.full(n_g, "", dtype=object), before.layer[b_idx], planned.layer[p_idx]])
    building = np.concatenate([np.full(n_g, -1, np.int64), before.index[b_idx], planned.index[p_idx]])
    floor = cat("floor", -1, np.int64)
    wall = np.mod(cat("wall_azimuth", np.nan) - north, 360.0)
    kind = np.concatenate([np.full(n_g, "ground", dtype=object), np.full(n_fb + n_fp, "facade", dtype=object)])

    # the terrain far away, then the fine fields without and with the plan
    say("rasterising obstacles")
    coarse_box = (float(xc[0]) - TERRAIN_REACH_M, float(yc[0]) - TERRAIN_REACH_M, float(xc[0]) + TERRAIN_REACH_M,
                  float(yc[0]) + TERRAIN_REACH_M)
    coarse = field_of(coarse_box, COARSE_CELL_M, ground=ground, ground_step_m=COARSE_CELL_M, terrain_tolerance_m=0.0)
    run = {"coarse": coarse, "coarse_from_m": coarse_t0, "coarse_reach_m": TERRAIN_REACH_M,
           "min_run_h": req.min_run_min / 60.0}

    def hours_with(obst: _Obstacles, which: np.ndarray) -> np.ndarray:
        fine = field_of(box, cell, ground=ground, footprints=obst.footprints())
        out = np.full(len(x), np.nan)
        if which.any():
            out[which], _mask = march_hours(x[which], y[which], z[which], sun.grid_azimuth_deg, sun.elevation_deg,
                                            sun.weight_h, fine, normal=nrm[which], **run)
        return out

    say("marching rays toward the sun")
    hours_before = None
    if plans:
        hours_before = hours_with(before, np.r_[np.ones(n_g + n_fb, bool), np.zeros(n_fp, bool)])
    hours = hours_with(after, np.r_[~in_plan, np.ones(n_fb + n_fp, bool)])
    lon, lat = scene.projection.from_scene(x, y)
    natures = after.natures
    return SunlightResult(
        request=req, window=window, kind=kind, x=x, y=y, lon=lon, lat=lat, height_m=h, z=z, layer=layer_names,
        building=building, floor=floor, wall_azimuth=np.where(kind == "facade", wall, np.nan), hours=hours,
        hours_before=hours_before, plan_names=[p.name for p in plans], inside_buildings=int(in_before.sum()),
        obstacles={"buildings": len(after), "generated": after.generated,
                   "tallest_m": float(after.height.max()) if len(after) else 0.0, "reach_m": round(reach, 1),
                   "cell_m": cell, "natures": sorted(natures)},
        spacing_m=req.spacing_m, seconds=time.perf_counter() - t_start, projection=scene.projection,
        north_on_grid_deg=north)
