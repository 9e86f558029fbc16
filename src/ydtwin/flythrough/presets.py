"""Ready-made flight paths: an orbit around a point, a city-to-city tour, a flight along a planned corridor,
and a review tour that visits every finding with its caption.

Each preset works in the scene's projection (metres) and writes keyframes in lon/lat + height, so the path
file stays valid for any projection.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ydtwin.flythrough.path import Caption, FlightPath, Keyframe, Tracks

#: how a preset frames a point: looking from the south-south-west, 40° down
DEFAULT_HEADING_DEG = 20.0
DEFAULT_PITCH_DEG = 40.0


def _lonlat(projection, x: float, y: float) -> tuple[float, float]:
    lon, lat = projection.from_scene(x, y)
    return float(lon), float(lat)


def _xy(projection, lon: float, lat: float) -> np.ndarray:
    x, y = projection.to_scene(lon, lat)
    return np.array([float(x), float(y)])


def view_of(projection, lon: float, lat: float, *, distance_m: float, heading_deg: float = DEFAULT_HEADING_DEG,
            pitch_deg: float = DEFAULT_PITCH_DEG, ground_m: float = 0.0, name: str = "", **extra) -> Keyframe:
    """A keyframe looking at (lon, lat) from ``distance_m`` away, towards ``heading_deg`` (0 = north),
    ``pitch_deg`` below the horizon."""
    centre = _xy(projection, lon, lat)
    h, p = math.radians(heading_deg), math.radians(pitch_deg)
    back = np.array([math.sin(h), math.cos(h)]) * distance_m * math.cos(p)
    ex, ey = centre - back
    elon, elat = _lonlat(projection, ex, ey)
    return Keyframe(name=name, eye=[elon, elat, ground_m + distance_m * math.sin(p)],
                    target=[float(lon), float(lat), ground_m], **extra)


def orbit(projection, lon: float, lat: float, *, seconds: float = 10.0, radius_m: float = 12_000.0,
          pitch_deg: float = 35.0, steps: int = 12, title: str = "", size=(1920, 1080), fps: int = 30) -> FlightPath:
    """One full turn around (lon, lat) at constant angular speed (a closed path of ``steps`` keyframes)."""
    if seconds <= 0 or radius_m <= 0:
        raise ValueError("an orbit needs a positive duration and radius")
    steps = max(int(steps), 4)
    distance = radius_m / math.cos(math.radians(pitch_deg))
    keys = [view_of(projection, lon, lat, distance_m=distance, heading_deg=360.0 * k / steps, pitch_deg=pitch_deg,
                    seconds=seconds / steps, ease="linear", name=f"{360 * k // steps}°") for k in range(steps)]
    return FlightPath(title=title or f"Orbit around {lon:.3f}, {lat:.3f}", closed=True, keyframes=keys,
                      size=list(size), fps=fps)


def tour(projection, stops: Sequence[tuple[str, float, float]], *, seconds: float = 6.0, hold: float = 2.0,
         distance_m: float = 30_000.0, title: str = "", size=(1920, 1080), fps: int = 30) -> FlightPath:
    """From stop to stop (name, lon, lat): a flight of ``seconds`` between them, a ``hold`` at each, the
    stop's name as the caption while the camera rests there."""
    if len(stops) < 2:
        raise ValueError("a tour needs at least two stops")
    keys, captions, t = [], [], 0.0
    for i, (name, lon, lat) in enumerate(stops):
        last = i == len(stops) - 1
        keys.append(view_of(projection, lon, lat, distance_m=distance_m, name=name, hold=hold,
                            seconds=0.0 if last else seconds, ease="in-out"))
        captions.append(Caption(start=t, end=t + hold, text=name))
        t += hold + (0.0 if last else seconds)
    return FlightPath(title=title or "Tour: " + " → ".join(s[0] for s in stops), keyframes=keys,
                      tracks=Tracks(captions=captions), size=list(size), fps=fps)


def corridor(projection, line: Sequence[tuple[float, float]], *, height_m: float = 600.0, speed_mps: float = 600.0,
             look_ahead_m: float = 3_000.0, spacing_m: float = 2_000.0, title: str = "", caption: str = "",
             size=(1920, 1080), fps: int = 30) -> FlightPath:
    """Along a line (lon, lat vertices) at ``height_m``, looking ``look_ahead_m`` ahead along it, at
    ``speed_mps`` (keyframes every ``spacing_m``; the spline smooths the corners)."""
    xy = np.array([_xy(projection, lon, lat) for lon, lat in line])
    if len(xy) < 2:
        raise ValueError("a corridor needs a line of at least two points")
    seg = np.linalg.norm(np.diff(xy, axis=0), axis=1)
    s = np.r_[0.0, np.cumsum(seg)]
    total = float(s[-1])
    if total < 100.0:
        raise ValueError(f"the line is {total:.0f} m long: too short to fly along")
    n = max(int(math.ceil(total / spacing_m)), 1)
    stations = np.linspace(0.0, total, n + 1)

    def at(d: float) -> np.ndarray:
        d = min(max(d, 0.0), total)
        return np.array([np.interp(d, s, xy[:, 0]), np.interp(d, s, xy[:, 1])])

    keys = []
    step_s = (total / n) / speed_mps
    for i, d in enumerate(stations):
        eye = at(d)
        ahead = at(d + look_ahead_m)
        if np.linalg.norm(ahead - eye) < 1.0:  # at the end: keep looking the way the line went
            ahead = eye + (eye - at(d - look_ahead_m))
        elon, elat = _lonlat(projection, *eye)
        tlon, tlat = _lonlat(projection, *ahead)
        first, last = i == 0, i == n
        keys.append(Keyframe(eye=[elon, elat, height_m], target=[tlon, tlat, 0.0], seconds=0.0 if last else step_s,
                             ease="in" if first else ("out" if i == n - 1 else "linear"), name=f"{d / 1000:.1f} km"))
    captions = [Caption(start=0.0, end=n * step_s, text=caption)] if caption else []
    return FlightPath(title=title or "Corridor flight", keyframes=keys, tracks=Tracks(captions=captions),
                      size=list(size), fps=fps)


def corridor_lines(layers, projection) -> list[tuple[str, str, list[tuple[float, float]]]]:
    """(project id, title, [(lon, lat), …]) of every linear planned project in ``layers`` (plans layers), in
    WGS84 whatever the layer's CRS; a multi-part line gives its longest merged part."""
    import shapely

    out = []
    for layer in layers:
        if getattr(layer, "kind", "") != "plans":
            continue
        data = layer.data
        attrs = data.attributes
        for k, geom in enumerate(data.geometries):
            kind = shapely.get_type_id(geom)
            if kind not in (1, 5):
                continue
            line = shapely.line_merge(geom) if kind == 5 else geom
            part = max(getattr(line, "geoms", [line]), key=lambda g: g.length)
            xy = np.asarray(part.coords)[:, :2]
            x, y = projection.to_scene(xy[:, 0], xy[:, 1], data.crs)
            lon, lat = projection.from_scene(np.asarray(x), np.asarray(y))
            pid = str(attrs["id"][k]) if "id" in attrs else f"{layer.name}:{k}"
            title = str(attrs["title"][k]) if "title" in attrs else pid
            out.append((pid, title, [(float(a), float(b)) for a, b in zip(lon, lat, strict=True)]))
    return out


def finding_caption(finding: dict) -> str:
    """"[severity] message" of a finding (as ``ydtwin review check`` writes it)."""
    severity = finding.get("severity", "")
    message = finding.get("message") or finding.get("kind", "")
    return f"[{severity}] {message}" if severity else str(message)


def review(projection, findings: Sequence[dict], *, seconds: float = 4.0, hold: float = 4.0,
           distance_m: float = 6_000.0, title: str = "", size=(1920, 1080), fps: int = 30) -> FlightPath:
    """A review tour: one segment per finding, the camera resting on each finding's location (or at the
    viewpoint saved with it, ``finding["viewpoint"]``) while its caption (severity, message) is shown.
    Findings in the order given (e.g. by severity)."""
    located = [f for f in findings if f.get("location") and len(f["location"]) >= 2]
    if not located:
        raise ValueError("no findings with a location to visit")
    keys, captions, t = [], [], 0.0
    for i, f in enumerate(located):
        lon, lat = float(f["location"][0]), float(f["location"][1])
        last = i == len(located) - 1
        timing = {"name": str(f.get("id", i)), "hold": hold, "seconds": 0.0 if last else seconds, "ease": "in-out"}
        vp = f.get("viewpoint") or {}
        if vp.get("eye") and vp.get("target"):  # the camera a planner saved for this finding
            keys.append(Keyframe(eye=list(vp["eye"]), target=list(vp["target"]),
                                 view_angle=float(vp.get("view_angle", 30.0)), **timing))
        else:
            keys.append(view_of(projection, lon, lat, distance_m=distance_m, pitch_deg=45.0, **timing))
        text = f"{i + 1}/{len(located)} {finding_caption(f)}"
        captions.append(Caption(start=t, end=t + hold, text=text))
        t += hold + (0.0 if last else seconds)
    return FlightPath(title=title or f"Review tour ({len(located)} findings)", keyframes=keys,
                      tracks=Tracks(captions=captions), size=list(size), fps=fps)


__all__ = ["corridor", "corridor_lines", "finding_caption", "orbit", "review", "tour", "view_of"]
