"""Sight lines and viewsheds (视线与可视域): what an observer — a person on the Bund, a window, a roof — sees of the
terrain and the buildings shown, and, for one line of sight, whether it reaches its target and what blocks it.

Qt-free; ``ydtwin analyse viewshed`` / ``ydtwin analyse sightline`` and the window's Analysis ▸ Viewshed… panel all
call :func:`compute_viewshed` and :func:`compute_sight_line` through the workspace, so they give the same answers.

The obstacles are the sunlight analysis's (``ydtwin.workspace.sunlight``): the terrain (true heights) and every
building shown — loaded footprints, the landmarks, the procedural blocks unless hidden, plans — rasterised into a
height field around the observer (``ydtwin.geo.shadow.field_of``), in cells of ``cell_m`` (1 m up to a 1 km radius,
coarser beyond so that the field stays under MAX_CELLS). The lines of sight are drawn through it with the Earth's
curvature and refraction (k = 0.13) taken off the surface (``ydtwin.geo.viewshed``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ydtwin.errors import YdtwinError

__all__ = ["MAX_CELLS", "MAX_RADIUS_M", "Blocker", "SightLineRequest", "SightLineResult", "ViewshedRequest",
           "ViewshedResult", "compute_sight_line", "compute_viewshed", "default_cell", "parse_place"]

#: the farthest a viewshed or a sight line reaches (m)
MAX_RADIUS_M = 50_000.0
#: cells of the height field at most (the cell grows beyond 1 m to stay under it)
MAX_CELLS = 4_000_000
#: a person's eye above the ground (m)
EYE_M = 1.7
#: an observer or target this close to a footprint (m) stands on its roof: a corner snapped to in the view lies on
#: the footprint's edge, which its lon/lat may miss by millimetres
PLACE_TOLERANCE_M = 0.5


def default_cell(reach_m: float) -> float:
    """The height field's cell (m) for a view reaching ``reach_m``: 1 m, or coarser (in half metres) to stay
    within MAX_CELLS over the square around the observer."""
    return max(1.0, math.ceil(2 * reach_m / math.sqrt(MAX_CELLS) * 2) / 2)


def parse_place(text: str, what: str) -> tuple[float, float, float | None]:
    """``LON,LAT`` or ``LON,LAT,H`` → (lon, lat, H or None); anything else is one error line."""
    parts = [p.strip() for p in str(text).split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) not in (2, 3) or not all(math.isfinite(v) for v in values):
        raise YdtwinError(f"{what} {text!r}: LON,LAT or LON,LAT,HEIGHT (numbers)")
    return values[0], values[1], (values[2] if len(values) == 3 else None)


@dataclass(frozen=True)
class ViewshedRequest:
    """What to analyse: the same options as ``ydtwin analyse viewshed``."""

    #: lon, lat (WGS84)
    observer: tuple[float, float]
    #: the eye above the ground, or above the roof when the observer stands on a building (m)
    eye_m: float = EYE_M
    #: how far to look (m)
    radius_m: float = 1000.0
    #: cell of the height field and of the result (m); None: :func:`default_cell`
    cell_m: float | None = None
    #: a cell is visible when a point this high above its surface (ground or roof) is seen (m)
    target_m: float = 0.0
    #: take the Earth's curvature and refraction (k = 0.13) into account
    curvature: bool = True


@dataclass(frozen=True)
class SightLineRequest:
    """A line of sight: the same options as ``ydtwin analyse sightline``."""

    observer: tuple[float, float]
    target: tuple[float, float]
    eye_m: float = EYE_M
    #: the target point this high above its surface (ground or roof) (m)
    target_m: float = 0.0
    cell_m: float | None = None
    curvature: bool = True


def _check(region_bbox, lonlat, what: str) -> tuple[float, float]:
    lon, lat = (float(v) for v in lonlat)
    r0, s0, r1, s1 = region_bbox
    if not (math.isfinite(lon) and math.isfinite(lat) and r0 <= lon <= r1 and s0 <= lat <= s1):
        raise YdtwinError(f"{what} {lon:g},{lat:g}: outside the region ({r0:g}–{r1:g} E, {s0:g}–{s1:g} N)")
    return lon, lat


def _check_numbers(eye_m: float, target_m: float, cell_m: float | None, radius_m: float | None = None) -> None:
    checks = [("eye height", eye_m, 0.0, 1000.0), ("target height", target_m, 0.0, 1000.0)]
    if radius_m is not None:
        checks.append(("radius", radius_m, 10.0, MAX_RADIUS_M))
    if cell_m is not None:
        checks.append(("cell", cell_m, 0.25, 500.0))
    for name, value, lo, hi in checks:
        if not (isinstance(value, (int, float)) and math.isfinite(value) and lo <= value <= hi):
            raise YdtwinError(f"{name} {value}: must be between {lo:g} and {hi:g} m")


# ---- the scene as a height field ----------------------------------------------------------------------------


@dataclass
class _Surface:
    """The height field around a place, the buildings in it and the ground."""

    field: object  # HeightField
    obstacles: object  # sunlight._Obstacles
    ground: Callable
    cell: float
    scene: object = None

    def _layer(self, b: int):
        o = self.obstacles
        return next((x for x in self.scene.layers if x.name == o.layer[b] and getattr(x, "kind", "") == "buildings"),
                    None)

    def nature_of(self, b: int) -> str:
        """Where obstacle ``b``'s layer came from: real, procedural, schematic …"""
        layer = self._layer(b)
        return "" if layer is None else layer.provenance.nature

    def name_of(self, b: int) -> str:
        """The ``name`` attribute of obstacle ``b`` ("" when its layer has none)."""
        o = self.obstacles
        layer = self._layer(b)
        names = None if layer is None else layer.data.attributes.get("name")
        v = None if names is None else names[int(o.index[b])]
        return "" if v is None or str(v) in ("nan", "None") else str(v)

    def surface_at(self, x: float, y: float) -> tuple[float, int]:
        """(the surface's height at scene (x, y): a roof or the ground, the building standing there or −1). A point
        within PLACE_TOLERANCE_M of a footprint (a corner clicked in the view) stands on its roof."""
        b = self.building_at(x, y, tolerance=PLACE_TOLERANCE_M)
        if b >= 0:
            return float(self.obstacles.top[b]), b
        return float(self.ground(np.array([x]), np.array([y]))[0]), -1

    def building_at(self, x: float, y: float, *, tolerance: float = 0.0) -> int:
        """The tallest building whose footprint holds (x, y), or lies within ``tolerance`` metres of it (index into
        the obstacles), −1 for none."""
        import shapely

        polys = self._polygons()
        if not len(polys):
            return -1
        pt = shapely.Point(x, y)
        parts = (self._tree().query(pt, predicate="dwithin", distance=tolerance) if tolerance > 0
                 else self._tree().query(pt, predicate="intersects"))
        if not len(parts):
            return -1
        buildings = self.obstacles.part_building[parts]
        return int(buildings[np.argmax(self.obstacles.top[buildings])])

    def _polygons(self):
        if not hasattr(self, "_polys"):
            self._polys = self.obstacles.polygons()
        return self._polys

    def _tree(self):
        import shapely

        if not hasattr(self, "_strtree"):
            self._strtree = shapely.STRtree(self._polygons())
        return self._strtree

    def footprint_of(self, b: int) -> Callable:
        """(rows, cols) → bool per cell: the centre lies in building ``b``'s footprint."""
        import shapely

        parts = np.flatnonzero(self.obstacles.part_building == b)
        outline = shapely.union_all(self._polygons()[parts])
        f = self.field

        def inside(rows, cols):
            return shapely.contains_xy(outline, f.x0 + (np.asarray(cols) + 0.5) * f.cell,
                                       f.y1 - (np.asarray(rows) + 0.5) * f.cell)

        return inside

    def roof_mask(self):
        """Bool per cell of the field: a building's footprint covers its centre."""
        from ydtwin.geo.shadow import _fill_parts

        f = self.field
        mask = np.zeros(f.z.shape, dtype=np.float32)
        o = self.obstacles
        if len(o):
            _fill_parts(np.ascontiguousarray(o.xy, dtype=np.float64), o.ring_offsets.astype(np.int64),
                        o.part_offsets.astype(np.int64), np.ones(len(o.part_offsets) - 1), float(f.x0), float(f.y1),
                        float(f.cell), mask)
        return mask > 0


def _surface(scene, box, cell: float) -> _Surface:
    """The height field over ``box`` (scene metres): true ground heights and every building shown whose centre
    lies within it (or within 200 m of it)."""
    from ydtwin.geo.shadow import field_of
    from ydtwin.model.buildings import BuildingsLayer
    from ydtwin.workspace.sunlight import _ground_of, _obstacles

    ground = _ground_of(scene)
    layers = [layer for layer in scene.layers if isinstance(layer, BuildingsLayer) and layer.visible]
    pad = 200.0
    obst = _obstacles(scene, layers, (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad), ground)
    fld = field_of(box, cell, ground=ground, footprints=obst.footprints(), ground_step_m=max(20.0, cell),
                   terrain_tolerance_m=0.0)
    return _Surface(fld, obst, ground, cell, scene)


def _obstacle_words(surf: _Surface) -> dict:
    o = surf.obstacles
    return {"buildings": len(o), "generated": o.generated, "tallest_m": float(o.height.max()) if len(o) else 0.0,
            "cell_m": surf.cell, "natures": sorted(o.natures)}


# ---- viewshed -----------------------------------------------------------------------------------------------


@dataclass
class ViewshedResult:
    """The cells of a square around the observer, each VISIBLE, HIDDEN or OUTSIDE the radius
    (``ydtwin.geo.viewshed``), and whether a building's roof covers it."""

    request: ViewshedRequest
    state: np.ndarray  # int8 (ny, nx)
    roof: np.ndarray  # bool (ny, nx)
    x0: float  # the grid's west edge (scene metres)
    y1: float  # its north edge
    cell: float
    observer_xyz: tuple[float, float, float]  # scene metres, the eye's absolute height
    observer_on: str  # "ground" or the roof of "<layer> #<index>"
    obstacles: dict = field(default_factory=dict)
    seconds: float = 0.0
    projection: object = None
    #: the pieces the scene draws (``viewshed_output.ground_pieces``), made once
    _ground_pieces: tuple | None = field(default=None, repr=False, compare=False)

    def counts(self) -> dict[str, int]:
        s = self.state
        return {"visible": int((s == 1).sum()), "hidden": int((s == 0).sum()),
                "visible_ground": int(((s == 1) & ~self.roof).sum()), "hidden_ground": int(((s == 0) & ~self.roof).sum()),
                "visible_roof": int(((s == 1) & self.roof).sum()), "hidden_roof": int(((s == 0) & self.roof).sum())}

    @property
    def visible_fraction(self) -> float:
        """The share of the area within the radius that is seen."""
        c = self.counts()
        n = c["visible"] + c["hidden"]
        return c["visible"] / n if n else 0.0

    @property
    def area_m2(self) -> tuple[float, float]:
        """(visible, hidden) area within the radius (m², on the scene's grid)."""
        c = self.counts()
        return c["visible"] * self.cell ** 2, c["hidden"] * self.cell ** 2

    def summary(self) -> list[str]:
        req = self.request
        c = self.counts()
        vis, hid = self.area_m2
        lines = [f"viewshed from {req.observer[0]:.6f} E {req.observer[1]:.6f} N, eye {req.eye_m:g} m above the "
                 f"{self.observer_on} ({self.observer_xyz[2]:.1f} m), within {req.radius_m:,.0f} m",
                 f"visible: {100 * self.visible_fraction:.1f} % ({vis / 1e6:.3f} km²; ground {c['visible_ground']:,}"
                 f" cells, roofs {c['visible_roof']:,}), hidden {hid / 1e6:.3f} km²"
                 + (f", for a point {req.target_m:g} m above the surface" if req.target_m else "")]
        o = self.obstacles
        curv = "with the Earth's curvature and refraction (k = 0.13)" if req.curvature else "on a flat Earth"
        generated = f", {o['generated']:,} of them procedural or schematic" if o.get("generated") else ""
        lines.append(f"{o.get('buildings', 0):,} buildings{generated} (tallest {o.get('tallest_m', 0):.0f} m) and the "
                     f"terrain in {self.cell:g} m cells, {curv}; {self.seconds:.1f} s")
        return lines


def _observer(surf: _Surface, ox: float, oy: float, eye_m: float) -> tuple[float, str]:
    z, b = surf.surface_at(ox, oy)
    if b < 0:
        return z + eye_m, "ground"
    o = surf.obstacles
    return z + eye_m, f"roof of {surf.name_of(b) or o.layer[b]} #{int(o.index[b])} ({o.height[b]:.0f} m)"


def compute_viewshed(scene, req: ViewshedRequest, *, progress: Callable[[str], None] | None = None) -> ViewshedResult:
    """What the observer sees within ``req.radius_m`` (see the module). Safe in a worker thread: it reads the
    scene and changes nothing."""
    from ydtwin.geo.viewshed import viewshed_grid

    t_start = time.perf_counter()
    say = progress or (lambda _text: None)
    _check_numbers(req.eye_m, req.target_m, req.cell_m, req.radius_m)
    lon, lat = _check(scene.region.bbox, req.observer, "observer")
    cell = req.cell_m or default_cell(req.radius_m)
    n = (2 * req.radius_m / cell) ** 2
    if n > MAX_CELLS * 1.05:
        raise YdtwinError(f"{n:,.0f} cells of {cell:g} m within {req.radius_m:,.0f} m: at most {MAX_CELLS:,} — give "
                          f"a larger cell (at least {default_cell(req.radius_m):g} m) or a smaller radius")
    x, y = scene.projection.to_scene(np.array([lon]), np.array([lat]))
    ox, oy = float(x[0]), float(y[0])
    r = req.radius_m
    say("rasterising the terrain and buildings")
    surf = _surface(scene, (ox - r, oy - r, ox + r, oy + r), cell)
    oz, on = _observer(surf, ox, oy, req.eye_m)
    say("drawing the lines of sight")
    state = viewshed_grid(surf.field, ox, oy, oz, target_h=req.target_m, radius_m=r, curvature=req.curvature)
    f = surf.field
    return ViewshedResult(req, state, surf.roof_mask(), f.x0, f.y1, f.cell, (ox, oy, oz), on, _obstacle_words(surf),
                          time.perf_counter() - t_start, scene.projection)


# ---- sight line ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    """What rises above a line of sight: a building (its layer, index in it, name when it has one, height) or the
    terrain, where the line meets it (distance from the observer, lon/lat) and by how much it rises above the
    line at the most (m)."""

    kind: str  # "building" or "terrain"
    distance_m: float
    excess_m: float
    surface_m: float  # the blocking surface's true height (m)
    lon: float
    lat: float
    layer: str = ""
    index: int = -1
    name: str = ""
    height_m: float = 0.0  # the building's own height above its ground
    nature: str = ""  # the building layer's: real, procedural, schematic …

    def describe(self) -> str:
        if self.kind == "building":
            layer = f"{self.layer}, {self.nature}" if self.nature not in ("", "real") else self.layer
            what = f"{self.name} ({layer} #{self.index})" if self.name else f"{layer} #{self.index}"
            what = f"building {what}, {self.height_m:.0f} m tall"
        else:
            what = f"terrain at {self.surface_m:.0f} m"
        return (f"{what}, {self.distance_m:,.0f} m from the observer ({self.lon:.6f} E {self.lat:.6f} N), "
                f"{self.excess_m:.1f} m above the line of sight")


@dataclass
class SightLineResult:
    request: SightLineRequest
    observer_xyz: tuple[float, float, float]
    target_xyz: tuple[float, float, float]
    observer_on: str
    target_on: str
    length_m: float
    blockers: list[Blocker]
    raise_target_m: float
    clearance: tuple[float, float]  # the least clearance over a roof (m) and where (m from the observer)
    profile: object = None  # ydtwin.geo.viewshed.SightProfile
    obstacles: dict = field(default_factory=dict)
    seconds: float = 0.0
    projection: object = None

    @property
    def visible(self) -> bool:
        return not self.blockers

    def summary(self) -> list[str]:
        req = self.request
        ox, oy, oz = self.observer_xyz
        lines = [f"sight line {req.observer[0]:.6f},{req.observer[1]:.6f} → {req.target[0]:.6f},{req.target[1]:.6f}: "
                 f"{self.length_m:,.0f} m, from {oz:.1f} m (eye {req.eye_m:g} m above the {self.observer_on}) to "
                 f"{self.target_xyz[2]:.1f} m ({f'{req.target_m:g} m above the ' if req.target_m else ''}"
                 f"{self.target_on})"]
        if self.visible:
            c, at = self.clearance
            near = f", {c:.1f} m over the roofs at the closest, {at:,.0f} m from the observer" if math.isfinite(c) else ""
            lines.append(f"VISIBLE{near}")
        else:
            lines.append(f"BLOCKED by {self.blockers[0].describe()}")
            for b in self.blockers[1:6]:
                lines.append(f"  then {b.describe()}")
            if len(self.blockers) > 6:
                lines.append(f"  and {len(self.blockers) - 6} more")
            lines.append(f"the target would be seen {self.raise_target_m:.1f} m higher")
        curv = "with the Earth's curvature and refraction (k = 0.13)" if req.curvature else "on a flat Earth"
        lines.append(f"height field of {self.obstacles.get('cell_m', 0):g} m cells, {curv}; {self.seconds:.2f} s")
        return lines


def _blocker(surf: _Surface, proj, obstruction, line) -> Blocker:
    """The blocker of a stretch: where the line meets it (``line``: ox, oy, tx, ty, length), what stands at its
    highest above the line."""
    f = surf.field
    x = f.x0 + (obstruction.col + 0.5) * f.cell
    y = f.y1 - (obstruction.row + 0.5) * f.cell
    ox, oy, tx, ty, length = line
    k = obstruction.start_m / length
    lon, lat = (float(v) for v in proj.from_scene(ox + (tx - ox) * k, oy + (ty - oy) * k))
    common = {"distance_m": obstruction.start_m, "excess_m": obstruction.excess_m, "surface_m": obstruction.surface_m,
              "lon": lon, "lat": lat}
    b = surf.building_at(x, y)
    o = surf.obstacles
    if b >= 0 and o.top[b] >= obstruction.surface_m - 0.05:
        return Blocker("building", layer=str(o.layer[b]), index=int(o.index[b]), name=surf.name_of(b),
                       height_m=float(o.height[b]), nature=surf.nature_of(b), **common)
    return Blocker("terrain", **common)




def compute_sight_line(scene, req: SightLineRequest) -> SightLineResult:
    """Whether the observer's eye sees the target point, and what blocks it (see the module)."""
    from ydtwin.geo.viewshed import sight_profile

    t_start = time.perf_counter()
    _check_numbers(req.eye_m, req.target_m, req.cell_m)
    lon0, lat0 = _check(scene.region.bbox, req.observer, "observer")
    lon1, lat1 = _check(scene.region.bbox, req.target, "target")
    x, y = scene.projection.to_scene(np.array([lon0, lon1]), np.array([lat0, lat1]))
    ox, oy, tx, ty = float(x[0]), float(y[0]), float(x[1]), float(y[1])
    length = math.hypot(tx - ox, ty - oy)
    if length > MAX_RADIUS_M:
        raise YdtwinError(f"sight line {length / 1000:.1f} km long: at most {MAX_RADIUS_M / 1000:g} km")
    if length < 0.5:
        raise YdtwinError("sight line: the observer and the target are the same point")
    cell = req.cell_m or default_cell(length)
    pad = 4 * cell
    box = (min(ox, tx) - pad, min(oy, ty) - pad, max(ox, tx) + pad, max(oy, ty) + pad)
    n = (box[2] - box[0]) * (box[3] - box[1]) / cell ** 2
    if n > MAX_CELLS * 1.05:
        raise YdtwinError(f"{n:,.0f} cells of {cell:g} m: at most {MAX_CELLS:,} — give a larger cell")
    surf = _surface(scene, box, cell)
    oz, on = _observer(surf, ox, oy, req.eye_m)
    tz, tb = surf.surface_at(tx, ty)
    o = surf.obstacles
    t_on = "ground" if tb < 0 else f"roof of {surf.name_of(tb) or o.layer[tb]} #{int(o.index[tb])}"
    # a target on a building is seen when the line reaches it: its own walls and roof do not hide it
    ignore = None if tb < 0 else surf.footprint_of(tb)
    prof = sight_profile(surf.field, ox, oy, oz, tx, ty, tz + req.target_m, curvature=req.curvature, ignore=ignore)
    blockers = [_blocker(surf, scene.projection, ob, (ox, oy, tx, ty, length)) for ob in prof.obstructions]
    # how close the line comes to the roofs it passes over (the ground beside the eye says nothing)
    over_roofs = surf.roof_mask()[prof.rows, prof.cols]
    return SightLineResult(req, (ox, oy, oz), (tx, ty, tz + req.target_m), on, t_on, length, blockers,
                           prof.raise_target_m, prof.min_clearance(over_roofs), prof, _obstacle_words(surf),
                           time.perf_counter() - t_start, scene.projection)
