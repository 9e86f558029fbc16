"""Stills of review findings, for the report: a plan view that frames both sides of the link a finding is
about with a margin, the measured gap drawn as a dimension line and labelled with its length, a pin at the
finding, and the export overlays — scale bar, north arrow, the legend of what is in the frame (the sources
are returned for the report to print once, not in each still's corner).

Rendered through the export view (:class:`~ydtwin.render.export.Exporter`): the scene is built once for all
the stills, and the overlays are drawn at the still's own resolution."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ydtwin.model.project import Viewpoint
from ydtwin.render.in_frame import inside, projector
from ydtwin.render.overlay import REFERENCE_HEIGHT, OverlayOptions, _font, _Painter, _rgb, draw_overlays

__all__ = ["FindingShot", "FindingStills", "draw_finding", "finding_stills", "gap_label", "plan_viewpoint"]

#: the finding pin's colour (the review's, as its pins in the scene)
PIN_RGB = (1.0, 0.35, 0.25)
#: how high the camera looks down (degrees above the horizon): a plan view with the relief still readable
ELEVATION_DEG = 80.0
VIEW_ANGLE_DEG = 30.0
#: the share of the frame's half-extent the framed positions may fill (the rest is margin around them)
FILL = 0.5
#: the share of the frame each framed position keeps from every edge, at least
EDGE_MARGIN = 0.15
#: metres above the ground of the drawn ends: the plans' drape height (their lines are drawn there)
END_LIFT_M = 80.0
#: the colour of a measured gap (a dimension line): yellow on a dark outline reads on land, water and plans
GAP_RGB = (255, 214, 10)


@dataclass(frozen=True)
class FindingShot:
    """What one finding's still shows. Positions are (lon, lat) WGS84."""

    location: tuple[float, float]
    #: the pin's text (e.g. the finding's kind)
    label: str = ""
    #: the measured gaps: (end a, end b, their label (e.g. "350 m"), the names of the two sides (e.g. cities))
    gaps: tuple[tuple[tuple[float, float], tuple[float, float], str, tuple[str, str]], ...] = ()
    #: further positions the frame must hold (a dangling end)
    points: tuple[tuple[float, float], ...] = ()
    #: the least ground extent of the frame (m): enough around a short gap to see where it lies
    min_span_m: float = 700.0
    #: a camera a planner saved for the finding: used as it is
    viewpoint: Viewpoint | None = None
    #: a box view (``lon0,lat0,lon1,lat1``) for a finding with nothing to frame
    view: str | None = None
    #: roles of layers drawn for the stills that show them (e.g. a height-limit finding's zones): hidden in the
    #: others, so that their legend rows and outlines appear only where they are the subject
    only_here: tuple[str, ...] = ()

    def framed(self) -> list[tuple[float, float]]:
        return [p for a, b, _t, _s in self.gaps for p in (a, b)] + list(self.points)


def plan_viewpoint(view, points: list[tuple[float, float]], size: tuple[int, int], *, min_span_m: float = 700.0,
                   name: str = "finding") -> Viewpoint:
    """A camera looking down from the south (north up, ``ELEVATION_DEG``) that holds every position of
    ``points`` in a frame of ``size``, the positions filling at most half of it, at least ``min_span_m``
    across; checked by projecting them (the camera backs off until each keeps ``EDGE_MARGIN`` from the edges).
    ``view``: the scene view whose camera and ground are used."""
    proj = view.scene.projection
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    x, y = proj.to_scene(lon, lat)
    cx, cy = (float(x.min()) + float(x.max())) / 2, (float(y.min()) + float(y.max())) / 2
    w, h = size
    aspect = w / h
    half = max((float(y.max()) - float(y.min())) / 2, (float(x.max()) - float(x.min())) / 2 / aspect) / FILL
    half = max(half, min_span_m / 2 / min(1.0, aspect))
    ground = float(view.ctx.surface.z(np.array([cx]), np.array([cy]), 0.0)[0])
    ends = np.column_stack([x, y, view.ctx.surface.z(x, y, END_LIFT_M)])
    e = math.radians(ELEVATION_DEG)
    target_lon, target_lat = proj.from_scene(np.array([cx]), np.array([cy]))
    target = (float(target_lon[0]), float(target_lat[0]), ground)
    distance = half / math.tan(math.radians(VIEW_ANGLE_DEG) / 2)
    for _ in range(12):
        ex, ey = cx, cy - distance * math.cos(e)
        eye_lon, eye_lat = proj.from_scene(np.array([ex]), np.array([ey]))
        vp = Viewpoint(name, (float(eye_lon[0]), float(eye_lat[0]), ground + distance * math.sin(e)), target,
                       VIEW_ANGLE_DEG)
        view.apply_viewpoint(vp)
        margin = EDGE_MARGIN * min(w, h)
        if inside(projector(view.plotter.camera, size)(ends), size, margin).all():
            return vp
        distance *= 1.25
    return vp


def gap_label(metres: float) -> str:
    """A gap's length for its dimension line: "350 m", "1,240 m", "4.5 m"."""
    return f"{metres:,.0f} m" if metres >= 10 else f"{metres:.1f} m"


@dataclass(frozen=True)
class FindingStills:
    """The stills of a report: a PNG per shot, and the sources of what they show (the credits an export prints
    in its corner, which would cover a still's corner: the report prints them once)."""

    images: list[bytes]
    sources: str


def finding_stills(scene, shots: list[FindingShot], *, size: tuple[int, int] = (960, 540),
                   progress: Callable[[int, int], None] | None = None) -> FindingStills:
    """A PNG of each shot, drawn with one export view (the scene is built once). ``progress(done, total)``
    follows the stills (it may raise to stop)."""
    from PIL import Image

    from ydtwin.render.export import Exporter

    options = OverlayOptions(legend=True, scale_bar=True, north_arrow=True, labels=True, attribution=False)
    exporter = Exporter(scene, size=size)
    out = []
    optional = {role for shot in shots for role in shot.only_here}
    shown = [(layer, layer.visible) for layer in scene.layers if layer.role in optional]
    try:
        sources = exporter.view.attribution()
        for shot in shots:
            for layer, visible in shown:
                layer.visible = visible and layer.role in shot.only_here
            framed = shot.framed()
            if shot.viewpoint is not None:
                exporter.apply_viewpoint(shot.viewpoint)
            elif framed:
                plan_viewpoint(exporter.view, framed, size, min_span_m=shot.min_span_m)
            else:
                exporter.set_view(shot.view or "region", size)
            rgb, _tiles = exporter.render(size)
            rgb = draw_overlays(rgb, options, exporter.overlay_content(size))
            to_px = projector(exporter.renderer.GetActiveCamera(), size)
            tip = to_px(_lifted(exporter.view, [shot.location], END_LIFT_M))[0]
            marker = (float(tip[0]), float(tip[1])) if np.isfinite(tip).all() else None
            rgb = draw_finding(rgb, _gaps(exporter.view, shot, to_px), marker, shot.label)
            buf = io.BytesIO()
            Image.fromarray(rgb).save(buf, format="PNG", compress_level=3)
            out.append(buf.getvalue())
            if progress is not None:
                progress(len(out), len(shots))
    finally:
        for layer, visible in shown:
            layer.visible = visible
        exporter.close()
    return FindingStills(out, sources)


def _lifted(view, positions: list[tuple[float, float]], lift_m: float) -> np.ndarray:
    """Scene points (n, 3) of lon/lat positions, ``lift_m`` above the ground."""
    lon = np.array([p[0] for p in positions])
    lat = np.array([p[1] for p in positions])
    x, y = view.scene.projection.to_scene(lon, lat)
    return np.column_stack([x, y, view.ctx.surface.z(x, y, lift_m)])


def _gaps(view, shot: FindingShot, to_px) -> list:
    gaps = []
    for a, b, text, sides in shot.gaps:
        px = to_px(_lifted(view, [a, b], END_LIFT_M))
        if np.isfinite(px).all():
            gaps.append(((float(px[0, 0]), float(px[0, 1])), (float(px[1, 0]), float(px[1, 1])), text, sides))
    return gaps


def draw_finding(rgb: np.ndarray, gaps: list, marker: tuple[float, float] | None, label: str) -> np.ndarray:
    """``rgb`` with the measured ``gaps`` (((x0, y0), (x1, y1), text, (side a, side b)) in pixels: a line with
    end ticks, its length in a box beside its middle on the side away from the pin, each side's name beyond
    its end) and a pin standing on ``marker`` (its ``label`` to the right of its head) drawn on it, laid out
    as the export overlays are."""
    h, w = rgb.shape[:2]
    p = _Painter((w, h), max(h / REFERENCE_HEIGHT, 0.6))
    d = p.draw
    dark = (12, 14, 20, 235)
    for (x0, y0), (x1, y1), text, sides in gaps:
        length = math.hypot(x1 - x0, y1 - y0)
        ux, uy = ((x1 - x0) / length, (y1 - y0) / length) if length > 1e-6 else (1.0, 0.0)
        nx, ny = -uy, ux  # across the line: its label goes below it, or left of an upright line
        if ny < 0 or (abs(ny) < 0.3 and nx > 0):
            nx, ny = -nx, -ny
        tick = p.px(11)
        segments = [(x0, y0, x1, y1)] + [(x - nx * tick, y - ny * tick, x + nx * tick, y + ny * tick)
                                         for x, y in ((x0, y0), (x1, y1))]
        for seg in segments:
            d.line(seg, fill=dark, width=p.px(8))
        for seg in segments:
            d.line(seg, fill=GAP_RGB, width=p.px(3))
        away = p.px(34)
        p.text_box(((x0 + x1) / 2 + nx * away, (y0 + y1) / 2 + ny * away), text, 22, bold=True, anchor="mm",
                   fill=GAP_RGB, box=dark, pad=6)
        for (x, y), (dx, dy), side in (((x0, y0), (-ux, -uy), sides[0]), ((x1, y1), (ux, uy), sides[1])):
            if side:  # beyond its end, away from the other side
                p.text_box((x + dx * p.px(18), y + dy * p.px(18)), side, 15, anchor="rm" if dx < 0 else "lm",
                           fill=(255, 255, 255), box=(12, 14, 20, 200), pad=4)
    if marker is not None:
        x, y = marker
        r, stem = p.px(11), p.px(30)
        hx, hy = x, y - stem  # the pin's head; its tip on the point
        pin = _rgb(PIN_RGB)
        d.polygon([(x, y), (hx - r * 0.75, hy + r * 0.5), (hx + r * 0.75, hy + r * 0.5)], fill=pin, outline=dark)
        d.ellipse((hx - r, hy - r, hx + r, hy + r), fill=pin, outline=(255, 255, 255), width=max(1, p.px(2)))
        d.text((hx, hy), "!", font=_font(p.px(15), True), anchor="mm", fill=(255, 255, 255))
        if label:
            p.text_box((hx + r + p.px(8), hy), label, 17, bold=True, anchor="lm", fill=(255, 255, 255),
                       box=(*(int(c * 0.55) for c in pin), 230), pad=5)
    return p.finish(rgb)
