"""A measurement between points a planner clicked or typed: distance (geodesic and 3D), area, height and height
difference, with the precision the points support. Plain data (pure): the workspace builds it, the command line
prints it, the window shows it and keeps it as an annotation, a review finding can carry it (``to_json``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ydtwin.geo.geodesic import (
    area_text,
    geodesic_area,
    geodesic_lengths,
    height_text,
    length_text,
    lengths_3d,
    precision_step,
)

__all__ = ["KINDS", "MeasurePoint", "Measurement", "measure_points"]

#: what can be measured, and the fewest points each needs
KINDS = {"distance": 2, "area": 3, "height": 1}
#: where a point's height came from; ``typed`` and ``unknown`` are the command line's
SOURCES = ("typed", "terrain", "roof", "vertex", "water", "unknown")


@dataclass(frozen=True)
class MeasurePoint:
    """A point of a measurement: WGS84 lon/lat (degrees), its height (m above the DEM's datum, None: unknown),
    where that height came from (:data:`SOURCES`), how far its position may be off (m) and the height's
    precision (m: 1 for the DEM's whole metres, 0.1 for building heights)."""

    lon: float
    lat: float
    height: float | None = None
    source: str = "typed"
    uncertainty_m: float = 0.1
    height_step: float = 1.0

    def to_json(self) -> list:
        return [round(self.lon, 8), round(self.lat, 8), None if self.height is None else round(self.height, 2),
                self.source]


@dataclass(frozen=True)
class Measurement:
    """The figures of one measurement (SI units: m, m², %). See :func:`measure_points`."""

    kind: str
    points: tuple[MeasurePoint, ...]
    #: geodesic length of each segment (area: of each side, the closing one last)
    segments_m: tuple[float, ...] = ()
    #: distance: along the points; area: the perimeter
    length_m: float = 0.0
    #: along the points in 3D (None where a height is unknown)
    length_3d_m: float | None = None
    area_m2: float | None = None
    #: last point's height minus the first's (None where either is unknown)
    height_diff_m: float | None = None
    #: height difference over the horizontal distance between the first and last point, %
    slope_pct: float | None = None
    #: the largest positional uncertainty of the points (m) and the coarsest height precision (m)
    uncertainty_m: float = 0.1
    height_step: float = 1.0
    extra: dict = field(default_factory=dict, compare=False)

    # ---- text ------------------------------------------------------------------------------------------

    def rows(self) -> list[tuple[str, str]]:
        """(key, value with its unit) for each figure: ``distance``, ``distance_3d``, ``segments``, ``area``,
        ``perimeter``, ``height`` (one per point), ``height_diff``, ``slope``, ``precision``. Keys are stable
        (front ends translate their labels); values carry the decimals the points support."""
        u, hs = self.uncertainty_m, self.height_step
        out: list[tuple[str, str]] = []
        if self.kind == "area":
            out.append(("area", area_text(self.area_m2 or 0.0, self.length_m, u)))
            out.append(("perimeter", length_text(self.length_m, u)))
        elif self.kind == "distance":
            out.append(("distance", length_text(self.length_m, u)))
            if self.length_3d_m is not None:
                out.append(("distance_3d", length_text(self.length_3d_m, max(u, hs))))
            if len(self.segments_m) > 1:
                out.append(("segments", " + ".join(length_text(s, u) for s in self.segments_m)))
        if self.kind == "height" or (self.kind == "distance" and len(self.points) == 2):
            for p in self.points:
                out.append(("height", "—" if p.height is None else height_text(p.height, hs)))
            if self.kind == "height" and len(self.points) >= 2:
                out.append(("distance", length_text(float(sum(self.segments_m)), u)))
        if self.height_diff_m is not None and len(self.points) >= 2:
            out.append(("height_diff", ("+" if self.height_diff_m > 0 else "") + height_text(self.height_diff_m, hs)))
        if self.slope_pct is not None:
            out.append(("slope", f"{self.slope_pct:+.{_slope_decimals(self)}f} %"))
        out.append(("precision", f"± {length_text(self.uncertainty_m, self.uncertainty_m / 10)} · "
                                 f"{height_text(hs, hs)}"))
        return out

    def summary(self) -> str:
        """One line: what was measured and its main figure (for a comment, a log line or the clipboard)."""
        rows = dict(self.rows())
        if self.kind == "area":
            return f"Area {rows['area']} (geodesic), perimeter {rows['perimeter']}"
        if self.kind == "distance":
            text = f"Distance {rows['distance']} (geodesic)"
            if "distance_3d" in rows:
                text += f", 3D {rows['distance_3d']}"
            if "height_diff" in rows:
                text += f", height difference {rows['height_diff']}"
            return text
        heights = [v for k, v in self.rows() if k == "height"]
        if len(self.points) == 1:
            return f"Height {heights[0]}"
        return f"Height difference {rows.get('height_diff', '—')} over {rows['distance']}"

    def text(self, labels: dict[str, str] | None = None) -> str:
        """Every figure on its own line, "label: value" (``labels`` translates the keys of :meth:`rows`)."""
        names = {**ROW_LABELS, **(labels or {})}
        return "\n".join(f"{names.get(k, k)}: {v}" for k, v in self.rows())

    def to_json(self) -> dict:
        """The measurement as JSON (an annotation, a finding's comment): kind, points [lon, lat, h, source],
        the figures in SI units and their text."""
        out = {"kind": self.kind, "points": [p.to_json() for p in self.points], "length_m": round(self.length_m, 3),
               "uncertainty_m": round(self.uncertainty_m, 3), "summary": self.summary()}
        for key in ("length_3d_m", "area_m2", "height_diff_m", "slope_pct"):
            value = getattr(self, key)
            if value is not None:
                out[key] = round(float(value), 3)
        return out


#: English labels of :meth:`Measurement.rows`' keys
ROW_LABELS = {"distance": "Distance (geodesic)", "distance_3d": "3D distance", "segments": "Segments",
              "area": "Area (geodesic)", "perimeter": "Perimeter", "height": "Height", "height_diff": "Height difference",
              "slope": "Slope", "precision": "Precision (position · heights)"}


def _slope_decimals(m: Measurement) -> int:
    """Decimals of a slope: the height step over the horizontal distance, as a percentage."""
    run = float(sum(m.segments_m)) or 1.0
    step = precision_step(100.0 * max(m.height_step, m.uncertainty_m) / run, finest=0.01)
    return max(0, -int(math.floor(math.log10(step) + 1e-9)))


def measure_points(points: list[MeasurePoint] | tuple[MeasurePoint, ...], kind: str) -> Measurement:
    """The measurement of ``kind`` (:data:`KINDS`) through ``points``. ValueError when there are too few points
    or a coordinate is not a finite lon/lat."""
    if kind not in KINDS:
        raise ValueError(f"a measurement is one of {', '.join(KINDS)}, not {kind!r}")
    points = tuple(points)
    if len(points) < KINDS[kind]:
        raise ValueError(f"a {kind} needs at least {KINDS[kind]} point{'s' if KINDS[kind] > 1 else ''}, "
                         f"not {len(points)}")
    for p in points:
        if not (math.isfinite(p.lon) and math.isfinite(p.lat) and -180 <= p.lon <= 180 and -90 <= p.lat <= 90):
            raise ValueError(f"not a lon/lat: {p.lon}, {p.lat}")
        if p.height is not None and not (math.isfinite(p.height) and -12_000 <= p.height <= 10_000):
            raise ValueError(f"not a height in metres: {p.height}")
    lon = np.array([p.lon for p in points])
    lat = np.array([p.lat for p in points])
    heights = [p.height for p in points]
    known = all(h is not None for h in heights)
    u = max(p.uncertainty_m for p in points)
    hs = max(p.height_step for p in points) if any(h is not None for h in heights) else 1.0
    if kind == "area":
        area, perimeter = geodesic_area(lon, lat)
        sides = geodesic_lengths(np.r_[lon, lon[0]], np.r_[lat, lat[0]])
        return Measurement(kind, points, tuple(float(s) for s in sides), perimeter, None, area, None, None, u, hs)
    segments = geodesic_lengths(lon, lat)
    length = float(segments.sum())
    length_3d = float(lengths_3d(lon, lat, heights).sum()) if known and len(points) > 1 else None
    diff = slope = None
    if len(points) > 1 and heights[0] is not None and heights[-1] is not None:
        diff = float(heights[-1] - heights[0])
        run = float(geodesic_lengths(lon[[0, -1]], lat[[0, -1]])[0])
        slope = 100.0 * diff / run if run > max(u, 0.5) else None
    return Measurement(kind, points, tuple(float(s) for s in segments), length, length_3d, None, diff, slope, u, hs)
