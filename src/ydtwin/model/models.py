"""3D models (planned buildings, stations, landmarks) as data: parts in local metres, and where they stand.

A model's geometry is kept in its own local frame, metres, **x east, y north, z up** around its origin (files
whose up axis is +Y, as glTF's, are turned when read). An :class:`Anchor` says where that origin stands (lon,
lat in WGS84; a height above the ground or above sea level), how the model is turned (heading, clockwise from
true north) and scaled. :func:`place` puts the vertices in the scene: through the scene projection's local
Jacobian at the anchor (its scale factor and grid convergence), checked at the model's corners against the
exact transform and done exactly where the two differ by more than a centimetre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from ydtwin.model.layer import Layer

__all__ = ["MAX_MODEL_EXTENT_M", "Anchor", "ModelData", "ModelLayer", "ModelPart", "parse_anchor", "place",
           "with_levels"]

#: a model wider or taller than this (m, after its scale) is refused: a unit error, not a building
MAX_MODEL_EXTENT_M = 3_000.0
HEIGHT_REFS = ("ground", "absolute")


@dataclass(frozen=True)
class ModelPart:
    """One mesh of a model: triangles with one colour (or per-vertex colours, or a base-colour texture)."""

    name: str
    vertices: np.ndarray  # (n, 3) float64, local metres (x east, y north, z up) before the anchor's turn
    faces: np.ndarray  # (m, 3) int64
    colour: tuple[int, int, int, int] = (200, 200, 200, 255)  # base colour, RGBA 0–255
    vertex_colours: np.ndarray | None = None  # (n, 4) uint8
    normals: np.ndarray | None = None  # (n, 3) float32, as the file gives them
    uv: np.ndarray | None = None  # (n, 2) float32 texture coordinates
    texture: np.ndarray | None = None  # (h, w, 3|4) uint8 base-colour image, top row first
    attributes: dict = field(default_factory=dict)  # e.g. IFC class, storey, GlobalId

    @property
    def n_triangles(self) -> int:
        return len(self.faces)

    def mean_rgb(self) -> np.ndarray:
        """(3,) float 0–255: the part's colour at a glance (its vertex colours' or texture's mean, else its base
        colour) — a legend's swatch, a colour per vertex where a texture cannot go."""
        if self.vertex_colours is not None and len(self.vertex_colours):
            return self.vertex_colours[:, :3].mean(axis=0)
        if self.texture is not None:
            return self.texture[..., :3].reshape(-1, 3).mean(axis=0)
        return np.array(self.colour[:3], dtype=np.float64)


@dataclass(frozen=True)
class Anchor:
    """Where a model's origin stands and how the model is turned and scaled."""

    lon: float
    lat: float
    height: float = 0.0  # m above the ground (``height_ref`` ground) or above sea level (absolute)
    height_ref: str = "ground"
    heading: float = 0.0  # degrees, clockwise from true north, about the origin
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not (-180.0 <= self.lon <= 180.0 and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"anchor {self.lon:g}, {self.lat:g} is not a lon/lat in degrees")
        if not all(math.isfinite(v) for v in (self.height, self.heading, self.scale)):
            raise ValueError("the anchor's height, heading and scale must be finite numbers")
        if self.height_ref not in HEIGHT_REFS:
            raise ValueError(f"height must be relative to ground or absolute, not {self.height_ref!r}")
        if not 1e-6 <= self.scale <= 1e6:
            raise ValueError(f"scale {self.scale:g}: give a factor between 0.000001 and 1000000")

    def text(self) -> str:
        """The anchor as ``--layer FILE@…`` takes it (what a project saves)."""
        parts = [f"{self.lon:.7f}", f"{self.lat:.7f}", f"{self.height:g}"]
        if self.height_ref != "ground":
            parts.append(f"height={self.height_ref}")
        if self.heading:
            parts.append(f"heading={self.heading:g}")
        if self.scale != 1.0:
            parts.append(f"scale={self.scale:g}")
        return ",".join(parts)


def parse_anchor(text: str, *, up: str | None = None) -> tuple[Anchor, str | None]:
    """``lon,lat[,height][,heading=D][,scale=S][,height=ground|absolute][,up=y|z]`` → (anchor, up axis or None);
    ValueError with what is wrong."""
    items = [t.strip() for t in text.split(",") if t.strip()]
    numbers, options = [], {}
    for item in items:
        if "=" in item:
            key, _, value = item.partition("=")
            options[key.strip().lower()] = value.strip()
        else:
            numbers.append(item)
    if not 2 <= len(numbers) <= 3:
        raise ValueError(f"anchor {text!r}: give lon,lat[,height][,heading=…][,scale=…][,up=y|z]")
    try:
        lon, lat = float(numbers[0]), float(numbers[1])
        height = float(numbers[2]) if len(numbers) > 2 else 0.0
        heading = float(options.pop("heading", 0.0))
        scale = float(options.pop("scale", 1.0))
    except ValueError:
        raise ValueError(f"anchor {text!r}: lon, lat, height, heading and scale are numbers") from None
    ref = options.pop("height", "ground").lower()
    up = options.pop("up", up)
    if up is not None and up.lower() not in ("y", "z"):
        raise ValueError(f"anchor {text!r}: up is y or z")
    if options:
        raise ValueError(f"anchor {text!r}: unknown option {', '.join(sorted(options))} (heading, scale, height, up)")
    return Anchor(lon, lat, height, ref, heading, scale), (up.lower() if up else None)


@dataclass(frozen=True)
class ModelData:
    """A model read from a file: its parts, what it was, and its own georeference when it had one."""

    parts: tuple[ModelPart, ...]
    format: str
    #: the anchor the file's own georeference gives (glTF CESIUM_RTC / ECEF, IFC IfcMapConversion), or None
    georeference: Anchor | None = None
    georeference_note: str = ""
    notes: tuple[str, ...] = ()
    #: simplified copies of the parts, coarser and coarser (see :func:`with_levels`); () for a small model
    levels: tuple[tuple[ModelPart, ...], ...] = ()

    @property
    def n_triangles(self) -> int:
        return sum(p.n_triangles for p in self.parts)

    @property
    def n_vertices(self) -> int:
        return sum(len(p.vertices) for p in self.parts)

    def bounds(self) -> np.ndarray:
        """(2, 3) local min and max corner."""
        allv = [p.vertices for p in self.parts if len(p.vertices)]
        if not allv:
            return np.zeros((2, 3))
        return np.array([np.min([v.min(axis=0) for v in allv], axis=0), np.max([v.max(axis=0) for v in allv], axis=0)])

    def with_parts(self, parts) -> ModelData:
        return replace(self, parts=tuple(parts))


def _simplified(part: ModelPart, keep: float) -> ModelPart:
    from ydtwin.geo.decimate import simplify

    carry = part.vertex_colours is not None or part.uv is not None
    v, f, mapping = simplify(part.vertices, part.faces, keep, mapping=carry)
    valid = mapping >= 0 if mapping is not None else None

    def follow(values):
        if values is None or mapping is None or not valid.any() or len(values) != len(mapping):
            return None
        out = np.zeros((len(v), *values.shape[1:]), dtype=values.dtype)
        out[mapping[valid]] = values[valid]
        return out

    uv = follow(part.uv)
    return replace(part, vertices=v, faces=f, vertex_colours=follow(part.vertex_colours), normals=None, uv=uv,
                   texture=part.texture if uv is not None else None)


def with_levels(data: ModelData) -> ModelData:
    """``data`` with its simplified levels: each about a quarter of the triangles of the one before, down to
    ``ydtwin.geo.decimate.MIN_LEVEL_TRIANGLES`` (small parts stay whole)."""
    from ydtwin.geo.decimate import MIN_PART_TRIANGLES, level_targets

    levels = []
    current, n = data.parts, data.n_triangles
    for target in level_targets(data.n_triangles):
        small = sum(p.n_triangles for p in current if p.n_triangles < MIN_PART_TRIANGLES)
        big = n - small
        if big <= 0:
            break
        keep = max(0.01, min(0.9, (target - small) / big))
        current = tuple(_simplified(p, keep) if p.n_triangles >= MIN_PART_TRIANGLES else p for p in current)
        new_n = sum(p.n_triangles for p in current)
        if new_n >= n:  # nothing more to take away
            break
        levels.append(current)
        n = new_n
    return replace(data, levels=tuple(levels))


def _turn(xy: np.ndarray, heading_deg: float) -> np.ndarray:
    """Local x/y (east, north) turned clockwise by ``heading``."""
    a = math.radians(heading_deg)
    c, s = math.cos(a), math.sin(a)
    # clockwise seen from above: north (0, 1) goes to (sin a, cos a)
    return np.column_stack([xy[:, 0] * c + xy[:, 1] * s, -xy[:, 0] * s + xy[:, 1] * c])


def local_to_lonlat(anchor: Anchor, east_north: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact lon/lat of points ``east_north`` metres (already turned and scaled) from the anchor, along the
    ellipsoid (WGS84 geodesics: azimuth and distance)."""
    from ydtwin.geo.geodesic import geod

    e, n = east_north[:, 0], east_north[:, 1]
    az = np.degrees(np.arctan2(e, n))
    dist = np.hypot(e, n)
    lon, lat, _ = geod().fwd(np.full(len(e), anchor.lon), np.full(len(e), anchor.lat), az, dist)
    return np.asarray(lon), np.asarray(lat)


def check_extent(model: ModelData, anchor: Anchor) -> None:
    """ValueError (one line) when the model, at the anchor's scale, is wider or taller than
    :data:`MAX_MODEL_EXTENT_M`."""
    lo, hi = model.bounds()
    extent = (hi - lo) * anchor.scale
    if float(extent.max(initial=0.0)) > MAX_MODEL_EXTENT_M:
        raise ValueError(f"the model is {extent[0] / 1000:.1f} × {extent[1] / 1000:.1f} km and {extent[2]:,.0f} m "
                         f"tall (scale {anchor.scale:g}): more than {MAX_MODEL_EXTENT_M / 1000:g} km is not a "
                         "building — a unit error? (scale=0.001 for millimetres, 0.01 for centimetres)")


def place(model: ModelData, anchor: Anchor, projection, *, ground_z: float = 0.0, exaggeration: float = 1.0,
          parts: tuple[ModelPart, ...] | None = None) -> list[np.ndarray]:
    """Scene coordinates (float64) of every part's vertices for ``anchor``: ``ground_z`` is the scene height
    of the ground at the anchor (used when its height is relative to the ground); an absolute height is
    metres above sea level, drawn on the scene's exaggerated ground (×``exaggeration``), the model itself at
    true size (``parts``: one of its simplified levels instead of its parts). ValueError when the model is
    wider or taller than :data:`MAX_MODEL_EXTENT_M`."""
    check_extent(model, anchor)
    x0, y0 = (float(v[0]) for v in projection.to_scene(np.array([anchor.lon]), np.array([anchor.lat])))
    # the scene's metres per true metre east and north at the anchor (scale factor, grid convergence)
    step = 10.0
    probe = np.array([[step, 0.0], [0.0, step]])
    plon, plat = local_to_lonlat(anchor, probe)
    px, py = projection.to_scene(plon, plat)
    jac = np.array([[px[0] - x0, px[1] - x0], [py[0] - y0, py[1] - y0]]) / step
    base = ground_z + anchor.height if anchor.height_ref == "ground" else anchor.height * exaggeration
    out = []
    for part in model.parts if parts is None else parts:
        v = part.vertices * anchor.scale
        en = _turn(v[:, :2], anchor.heading)
        xy = en @ jac.T + (x0, y0)
        if len(en):  # the linear step checked at the part's far corners; exact where it is off by > 1 cm
            far = en[[int(np.argmax(np.hypot(en[:, 0], en[:, 1])))]]
            lon, lat = local_to_lonlat(anchor, far)
            ex, ey = projection.to_scene(lon, lat)
            if math.hypot(float(ex[0]) - (far @ jac.T)[0, 0] - x0, float(ey[0]) - (far @ jac.T)[0, 1] - y0) > 0.01:
                lon, lat = local_to_lonlat(anchor, en)
                sx, sy = projection.to_scene(lon, lat)
                xy = np.column_stack([sx, sy])
        out.append(np.column_stack([xy, base + v[:, 2]]))
    return out


class ModelLayer(Layer):
    """A 3D model placed in the scene (evented like every layer: visibility, opacity; a new anchor is a
    ``data`` event, so every view places it again)."""

    kind = "model"

    def __init__(self, name: str, data: ModelData, anchor: Anchor, *, group: str = "Models", up: str | None = None,
                 **kwargs) -> None:
        super().__init__(name, group=group, **kwargs)
        self.data = data
        self._anchor = anchor
        self.up = up  # the up axis the file was read with, when it was given

    def anchor_text(self) -> str:
        """The anchor as ``--layer FILE@…`` and a project take it."""
        return self._anchor.text() + (f",up={self.up}" if self.up else "")

    #: a model stands where it stands: the buildings in its footprint are hidden (the scene's replacements)
    replaces = "footprint"

    @property
    def crs(self) -> str:
        return "EPSG:4326"  # the anchor's; the geometry is in local metres around it

    def footprint(self, projection):
        """The model's ground plan in scene x/y (the convex hull of its placed vertices, a shapely Polygon),
        kept for the anchor and projection it was made for."""
        import shapely

        key = (self._anchor, projection)
        if getattr(self, "_footprint_key", None) != key:
            xy = np.concatenate([p[:, :2] for p in place(self.data, self._anchor, projection)])
            self._footprint = shapely.convex_hull(shapely.multipoints(xy))
            self._footprint_key = key
        return self._footprint

    def as_buildings(self, projection):
        """The model as one building (``ydtwin.model.buildings.BuildingsData``, WGS84): its ground plan and its
        height above the ground (its top, true size) — what height limits and footprint exports read."""
        import shapely

        from ydtwin.model.buildings import BuildingsData

        plan = self.footprint(projection)
        if plan.geom_type != "Polygon" or plan.area <= 0:
            plan = shapely.buffer(plan, 0.5)
        xy = np.asarray(plan.exterior.coords)
        lon, lat = projection.from_scene(xy[:, 0], xy[:, 1])
        polygon = shapely.Polygon(np.column_stack([lon, lat]))
        lo, hi = self.data.bounds()
        base = self._anchor.height if self._anchor.height_ref == "ground" else 0.0
        top = base + float(hi[2]) * self._anchor.scale
        bottom = max(0.0, base + float(lo[2]) * self._anchor.scale)
        return BuildingsData.from_geometries(
            np.array([polygon], dtype=object), height=np.array([top]), min_height=np.array([bottom]),
            crs="EPSG:4326", attributes={"name": np.array([self.name], dtype=object),
                                         "model": np.array([self.data.format], dtype=object),
                                         "project": np.array([getattr(self, "project_id", "")], dtype=object)})

    @property
    def anchor(self) -> Anchor:
        return self._anchor

    @anchor.setter
    def anchor(self, value: Anchor) -> None:
        if value != self._anchor:
            self._anchor = value
            self.events.data.emit(self)
