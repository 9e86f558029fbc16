"""Buildings as data: footprints in ragged arrays, heights with the rule that gave them, attributes.

Layout (GeoArrow-like, float64, in ``crs``): vertices ``xy`` → rings (``ring_offsets``) → parts
(``part_offsets``: the outer ring then its holes) → buildings (``part_building``; a multipolygon
building has several parts). Rings are open, outer rings counter-clockwise, holes clockwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from ydtwin.geo.extrude import normalise_rings
from ydtwin.model.layer import Layer

__all__ = [
    "FLAG_ABSURD_BASE", "FLAG_ABSURD_HEIGHT", "FLAG_REPAIRED", "FLAGS", "HEIGHT_RULES", "BuildingsData",
    "BuildingsLayer",
]

#: how a building's height was obtained (index = code stored in ``height_rule``)
HEIGHT_RULES: tuple[str, ...] = ("explicit", "levels", "default", "geometry", "procedural", "landmark")
FLAG_ABSURD_HEIGHT = 1  # the file's height was ≤ 0 or > 1000 m; a later rule gave the height
FLAG_REPAIRED = 2  # the geometry was invalid and was repaired (polygonal parts kept)
FLAG_ABSURD_BASE = 4  # min_height was negative or not below the height; the base was set to the ground
FLAGS = {"absurd height": FLAG_ABSURD_HEIGHT, "repaired geometry": FLAG_REPAIRED, "absurd base": FLAG_ABSURD_BASE}
#: buildings per shapely call when geometries become ragged arrays (each call holds the GIL throughout)
GEOMETRY_CHUNK = 2048


@dataclass(frozen=True)
class BuildingsData:
    xy: np.ndarray  # (n_vertices, 2) float64
    ring_offsets: np.ndarray  # (n_rings + 1,) int64
    part_offsets: np.ndarray  # (n_parts + 1,) int64 into rings
    part_building: np.ndarray  # (n_parts,) int64
    height: np.ndarray  # (n,) float64 m above the ground: the roof
    min_height: np.ndarray  # (n,) float64 m above the ground: the base (0 for most)
    height_rule: np.ndarray  # (n,) uint8, index into HEIGHT_RULES
    flags: np.ndarray  # (n,) uint8, FLAG_* bits
    crs: str
    attributes: dict[str, np.ndarray] = field(default_factory=dict)
    #: derived arrays computed once (the data itself never changes)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.height)
        for name in ("min_height", "height_rule", "flags"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} values for {n} buildings")
        for key, values in self.attributes.items():
            if len(values) != n:
                raise ValueError(f"attribute {key!r} has {len(values)} values for {n} buildings")
        if len(self.part_building) != len(self.part_offsets) - 1:
            raise ValueError("part_building must have one entry per part")
        if len(self.part_building) and (self.part_building.min() < 0 or self.part_building.max() >= n):
            raise ValueError("part_building refers to a building that does not exist")

    def __len__(self) -> int:
        return len(self.height)

    @property
    def n_parts(self) -> int:
        return len(self.part_offsets) - 1

    @classmethod
    def empty(cls, crs: str = "EPSG:4326") -> BuildingsData:
        z = np.zeros(0)
        return cls(np.zeros((0, 2)), np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(0, np.int64), z, z,
                   np.zeros(0, np.uint8), np.zeros(0, np.uint8), crs)

    @classmethod
    def from_geometries(
        cls,
        geoms: np.ndarray,
        *,
        height: np.ndarray,
        crs: str,
        min_height: np.ndarray | None = None,
        height_rule: np.ndarray | int = 0,
        flags: np.ndarray | int = 0,
        attributes: dict[str, np.ndarray] | None = None,
    ) -> BuildingsData:
        """From shapely Polygons/MultiPolygons (one per building, non-empty, valid)."""
        geoms = np.asarray(geoms, dtype=object)
        n = len(geoms)
        if n == 0:
            return cls.empty(crs)
        if n > GEOMETRY_CHUNK:
            # shapely's ring extraction holds the GIL for its whole call: in chunks, a UI thread waiting for the
            # GIL gets it back every few milliseconds
            def part(v, sl):
                return v[sl] if isinstance(v, np.ndarray) and v.ndim == 1 and len(v) == n else v

            return cls.concatenate([
                cls.from_geometries(
                    geoms[sl], height=part(np.asarray(height), sl), crs=crs,
                    min_height=None if min_height is None else part(np.asarray(min_height), sl),
                    height_rule=part(np.asarray(height_rule), sl), flags=part(np.asarray(flags), sl),
                    attributes={k: v[sl] for k, v in (attributes or {}).items()},
                )
                for sl in (slice(i, i + GEOMETRY_CHUNK) for i in range(0, n, GEOMETRY_CHUNK))
            ])
        _typ, coords, offsets = shapely.to_ragged_array(geoms)
        if len(offsets) == 2:  # all polygons
            rings, parts = offsets
            part_building = np.arange(n, dtype=np.int64)
        else:
            rings, parts, multi_offsets = offsets
            part_building = np.repeat(np.arange(n, dtype=np.int64), np.diff(multi_offsets))
        xy, rings = normalise_rings(coords[:, :2], rings, parts)
        return cls(
            xy,
            rings.astype(np.int64),
            np.asarray(parts, dtype=np.int64),
            part_building,
            np.asarray(height, dtype=np.float64),
            np.zeros(n) if min_height is None else np.asarray(min_height, dtype=np.float64),
            np.broadcast_to(np.asarray(height_rule, dtype=np.uint8), n).copy(),
            np.broadcast_to(np.asarray(flags, dtype=np.uint8), n).copy(),
            crs,
            dict(attributes or {}),
        )

    # --- derived, vectorised ------------------------------------------------------------------------

    def vertex_building(self) -> np.ndarray:
        """Building index of every vertex."""
        ring_part = np.repeat(np.arange(self.n_parts), np.diff(self.part_offsets))
        return np.repeat(self.part_building[ring_part], np.diff(self.ring_offsets))

    def bounds(self) -> np.ndarray:
        """(n, 4) xmin, ymin, xmax, ymax per building."""
        out = np.full((len(self), 4), np.nan)
        if len(self.xy) == 0:
            return out
        vb = self.vertex_building()
        if len(vb) < 2 or bool((vb[1:] >= vb[:-1]).all()):
            order = np.arange(len(vb))  # parts are stored building by building: already grouped
        else:
            order = np.argsort(vb, kind="stable")
        vb_sorted = vb[order]
        starts = np.flatnonzero(np.r_[True, vb_sorted[1:] != vb_sorted[:-1]])
        ids = vb_sorted[starts]
        xs, ys = self.xy[order, 0], self.xy[order, 1]
        out[ids, 0] = np.minimum.reduceat(xs, starts)
        out[ids, 1] = np.minimum.reduceat(ys, starts)
        out[ids, 2] = np.maximum.reduceat(xs, starts)
        out[ids, 3] = np.maximum.reduceat(ys, starts)
        return out

    def centres(self) -> np.ndarray:
        """(n, 2) centre of each building's bounding box (computed once)."""
        if "centres" not in self._cache:
            b = self.bounds()
            self._cache["centres"] = np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])
        return self._cache["centres"]

    def geometries(self, index: np.ndarray | None = None) -> np.ndarray:
        """Shapely (Multi)Polygons for all buildings or the given indices (for picking, exports, tests)."""
        polys = shapely.from_ragged_array(shapely.GeometryType.POLYGON, self.xy, (self.ring_offsets, self.part_offsets))
        idx = np.arange(len(self)) if index is None else np.asarray(index)
        out = np.empty(len(idx), dtype=object)
        single = np.bincount(self.part_building, minlength=len(self)) == 1
        first_part = np.full(len(self), -1)
        first_part[self.part_building[::-1]] = np.arange(self.n_parts)[::-1]
        for k, b in enumerate(idx):
            if single[b]:
                out[k] = polys[first_part[b]]
            else:
                out[k] = shapely.MultiPolygon(list(polys[self.part_building == b]))
        return out

    def subset(self, keep: np.ndarray) -> BuildingsData:
        """The buildings where ``keep`` (bool per building) is true, in order."""
        keep = np.asarray(keep, dtype=bool)
        new_index = np.cumsum(keep) - 1
        part_keep = keep[self.part_building]
        ring_part = np.repeat(np.arange(self.n_parts), np.diff(self.part_offsets))
        ring_keep = part_keep[ring_part]
        vert_keep = np.repeat(ring_keep, np.diff(self.ring_offsets))
        rings = np.concatenate([[0], np.cumsum(np.diff(self.ring_offsets)[ring_keep])]).astype(np.int64)
        parts = np.concatenate([[0], np.cumsum(np.diff(self.part_offsets)[part_keep])]).astype(np.int64)
        return BuildingsData(
            self.xy[vert_keep], rings, parts, new_index[self.part_building[part_keep]], self.height[keep],
            self.min_height[keep], self.height_rule[keep], self.flags[keep], self.crs,
            {k: v[keep] for k, v in self.attributes.items()},
        )

    def take(self, index: np.ndarray) -> BuildingsData:
        """The buildings at ``index`` (distinct), in that order; their parts follow the same order."""
        from ydtwin.geo.lod import ranges

        index = np.asarray(index, dtype=np.int64)
        new_pos = np.full(len(self), -1, dtype=np.int64)
        new_pos[index] = np.arange(len(index))
        part_new = new_pos[self.part_building]
        part_sel = np.flatnonzero(part_new >= 0)
        part_sel = part_sel[np.argsort(part_new[part_sel], kind="stable")]
        rings_per_part = np.diff(self.part_offsets)
        verts_per_ring = np.diff(self.ring_offsets)
        ring_sel = ranges(self.part_offsets[part_sel], rings_per_part[part_sel])
        vert_sel = ranges(self.ring_offsets[ring_sel], verts_per_ring[ring_sel])
        return BuildingsData(
            self.xy[vert_sel],
            np.concatenate([[0], np.cumsum(verts_per_ring[ring_sel])]).astype(np.int64),
            np.concatenate([[0], np.cumsum(rings_per_part[part_sel])]).astype(np.int64),
            part_new[part_sel], self.height[index], self.min_height[index], self.height_rule[index],
            self.flags[index], self.crs, {k: np.asarray(v)[index] for k, v in self.attributes.items()},
        )

    def slice(self, start: int, stop: int) -> BuildingsData:
        """Buildings ``start:stop`` when the parts run in building order (as :meth:`take` leaves them):
        views, no copies."""
        p0, p1 = (int(v) for v in np.searchsorted(self.part_building, [start, stop]))
        r0, r1 = int(self.part_offsets[p0]), int(self.part_offsets[p1])
        v0, v1 = int(self.ring_offsets[r0]), int(self.ring_offsets[r1])
        return BuildingsData(
            self.xy[v0:v1], self.ring_offsets[r0 : r1 + 1] - v0, self.part_offsets[p0 : p1 + 1] - r0,
            self.part_building[p0:p1] - start, self.height[start:stop], self.min_height[start:stop],
            self.height_rule[start:stop], self.flags[start:stop], self.crs,
            {k: np.asarray(v)[start:stop] for k, v in self.attributes.items()},
        )

    @staticmethod
    def concatenate(items: list[BuildingsData]) -> BuildingsData:
        items = [d for d in items if len(d)]
        if not items:
            return BuildingsData.empty()
        crs = items[0].crs
        if any(d.crs != crs for d in items):
            raise ValueError("cannot concatenate buildings in different CRSs")
        v_off = np.cumsum([0] + [len(d.xy) for d in items])
        r_off = np.cumsum([0] + [len(d.ring_offsets) - 1 for d in items])
        b_off = np.cumsum([0] + [len(d) for d in items])
        keys = [k for k in items[0].attributes if all(k in d.attributes for d in items)]
        attrs = {}
        for k in keys:
            arrays = [d.attributes[k] for d in items]
            if any(a.dtype == object for a in arrays) or len({a.dtype.kind for a in arrays}) > 1:
                arrays = [a.astype(object) for a in arrays]
            attrs[k] = np.concatenate(arrays)
        return BuildingsData(
            np.concatenate([d.xy for d in items]),
            np.concatenate([[0]] + [d.ring_offsets[1:] + v_off[i] for i, d in enumerate(items)]).astype(np.int64),
            np.concatenate([[0]] + [d.part_offsets[1:] + r_off[i] for i, d in enumerate(items)]).astype(np.int64),
            np.concatenate([d.part_building + b_off[i] for i, d in enumerate(items)]),
            np.concatenate([d.height for d in items]),
            np.concatenate([d.min_height for d in items]),
            np.concatenate([d.height_rule for d in items]),
            np.concatenate([d.flags for d in items]),
            crs,
            attrs,
        )

    def scene_geometry(self, projection, ground=None):
        """Footprints in scene metres with absolute base/top z, ready for ``ydtwin.geo.lod.build_tiles``.

        ``ground(x, y)`` gives the scene z of the ground at building centres (default 0).
        """
        from ydtwin.geo.extrude import ring_signed_areas
        from ydtwin.geo.lod import BuildingGeometry

        x, y = projection.to_scene(self.xy[:, 0], self.xy[:, 1], self.crs)
        xy = np.column_stack([x, y])
        areas = ring_signed_areas(xy, self.ring_offsets)
        part_area = np.add.reduceat(areas, self.part_offsets[:-1]) if self.n_parts else np.zeros(0)
        area = np.bincount(self.part_building, weights=part_area, minlength=len(self))
        scene = BuildingsData(xy, self.ring_offsets, self.part_offsets, self.part_building, self.height,
                              self.min_height, self.height_rule, self.flags, "scene")
        centre = scene.centres()
        g = np.zeros(len(self)) if ground is None else np.asarray(ground(centre[:, 0], centre[:, 1]), dtype=np.float64)
        return BuildingGeometry(xy, self.ring_offsets, self.part_offsets, self.part_building, g + self.min_height,
                                g + self.height, area, centre)

    def rule_counts(self) -> dict[str, int]:
        counts = np.bincount(self.height_rule, minlength=len(HEIGHT_RULES))
        return {HEIGHT_RULES[i]: int(c) for i, c in enumerate(counts) if c}

    def flag_counts(self) -> dict[str, int]:
        return {name: int(((self.flags & bit) != 0).sum()) for name, bit in FLAGS.items() if ((self.flags & bit) != 0).any()}

    def attribute_record(self, index: int) -> dict[str, object]:
        """Everything known about one building, for identify/pick."""
        rec: dict[str, object] = {
            "height_m": round(float(self.height[index]), 2),
            "min_height_m": round(float(self.min_height[index]), 2),
            "height_rule": HEIGHT_RULES[int(self.height_rule[index])],
        }
        flags = [name for name, bit in FLAGS.items() if self.flags[index] & bit]
        if flags:
            rec["flags"] = ", ".join(flags)
        for key, values in self.attributes.items():
            value = values[index]
            if isinstance(value, np.generic):
                value = value.item()
            if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
                continue
            rec[key] = value
        return rec


class BuildingsLayer(Layer):
    """Extruded footprints. ``color_by`` names an attribute (or "height") to colour by; ``replaces`` says
    whether real footprints hide the procedural blocks under them ("area"), in their cities ("city") or
    not at all ("none"). ``hidden`` is a per-building mask set by the scene (procedural blocks replaced).
    """

    kind = "buildings"

    def __init__(
        self, name: str, data: BuildingsData, *, color_by: str = "", replaces: str = "area", **kwargs
    ) -> None:
        super().__init__(name, **kwargs)
        if replaces not in ("area", "city", "none"):
            raise ValueError("replaces must be 'area', 'city' or 'none'")
        self.data = data
        self.replaces = replaces
        self._color_by = color_by
        self._hidden = np.zeros(len(data), dtype=bool)

    @property
    def crs(self) -> str:
        return self.data.crs

    @property
    def color_by(self) -> str:
        return self._color_by

    @color_by.setter
    def color_by(self, value: str) -> None:
        value = value or ""
        if value and value not in self.colorable():
            raise ValueError(f"layer {self.name!r} has no attribute {value!r} (has: {', '.join(self.colorable())})")
        if value != self._color_by:
            self._color_by = value
            self.events.style.emit(self.style)

    def colorable(self) -> list[str]:
        return ["height", "height_rule", *self.data.attributes]

    def values_for(self, name: str) -> np.ndarray:
        """Per-building values of an attribute (or the derived 'height'/'height_rule')."""
        if name == "height":
            return self.data.height
        if name == "height_rule":
            return np.array(HEIGHT_RULES, dtype=object)[self.data.height_rule]
        return self.data.attributes[name]

    @property
    def hidden(self) -> np.ndarray:
        return self._hidden

    @hidden.setter
    def hidden(self, mask: np.ndarray) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self.data),):
            raise ValueError("hidden mask must have one value per building")
        if not np.array_equal(mask, self._hidden):
            self._hidden = mask
            self.events.data.emit(self)

