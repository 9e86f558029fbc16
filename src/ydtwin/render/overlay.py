"""Overlays of exported images, drawn at the output's own resolution (Pillow): title, caption, legend, scale
bar, north arrow, labels, attribution and date.

Drawn after the 3D image is complete, so a tiled 16K still has no seams in its text and every size is laid
out the same way: sizes are in "reference pixels" of a 1080-pixel-high image, multiplied by ``scale``.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ydtwin.model.colour import over, text_on
from ydtwin.render.decorations import format_length, nice_length
from ydtwin.render.export_kernels import composite_layer
from ydtwin.render.fonts import cjk_font

REFERENCE_HEIGHT = 1080


@dataclass
class OverlayOptions:
    """What an exported image shows on top of the scene."""

    title: str = ""
    caption: str = ""
    legend: bool = True
    scale_bar: bool = True
    north_arrow: bool = True
    labels: bool = True
    attribution: bool = True
    #: the date printed bottom right ("" for none)
    date: str = ""

    def draws_anything(self) -> bool:
        return bool(self.title or self.caption or self.date or self.legend or self.scale_bar or self.north_arrow
                    or self.labels or self.attribution)


@dataclass
class OverlayContent:
    """What the scene contributes: legend rows, labels on screen, map scale and north, credits."""

    legend: list[tuple[str, tuple[float, float, float]]] = field(default_factory=list)
    #: (x, y from the top, text, rgb) in output pixels
    labels: list[tuple[float, float, str, tuple[float, float, float]]] = field(default_factory=list)
    #: how many of the first labels are city names: these may move aside (with a leader line) when their
    #: place is taken; the rest are left out instead
    movable_labels: int = 0
    #: metres per output pixel at the focal point (0: unknown)
    metres_per_pixel: float = 0.0
    #: direction of north on screen, degrees clockwise from up (None: north points out of the image)
    north_deg: float | None = 0.0
    attribution: str = ""
    #: a numeric colouring's bar: (title, (low, high), colormap name), or None
    colour_bar: tuple[str, tuple[float, float], str] | None = None


@lru_cache(maxsize=64)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font()
    candidates = [path] if path else []
    candidates += ["DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"]
    for candidate in candidates:
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _rgb(colour) -> tuple[int, int, int]:
    return tuple(int(round(max(0.0, min(1.0, float(c))) * 255)) for c in colour[:3])  # type: ignore[return-value]


class _Painter:
    def __init__(self, size: tuple[int, int], scale: float) -> None:
        self.layer = Image.new("RGBA", size, (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.layer)
        self.s = scale

    def px(self, v: float) -> int:
        return max(1, int(round(v * self.s)))

    def text_rect(self, xy, text: str, size: float, *, bold=False, anchor="la", pad=6.0) -> tuple[int, int, int, int]:
        """Where ``text_box`` would draw its box (nothing drawn)."""
        x0, y0, x1, y1 = _text_extent(text, self.px(size), bold, anchor, self.px(size * 0.25))
        p = self.px(pad)
        x, y = xy
        return (x + x0 - p, y + y0 - p, x + x1 + p, y + y1 + p)

    def text_box(self, xy, text: str, size: float, *, bold=False, anchor="la", fill=(255, 255, 255),
                 box=(12, 14, 20, 170), pad=6.0) -> tuple[int, int, int, int]:
        """Text in a rounded box (drawn once per text, style and size, then composited where it goes: a
        video draws the same labels every frame)."""
        rect = self.text_rect(xy, text, size, bold=bold, anchor=anchor, pad=pad)
        sprite, dx, dy = _box_sprite(text, self.px(size), bold, anchor, tuple(fill), None if box is None else tuple(box),
                                     self.px(pad), self.px(4), self.px(size * 0.25))
        x, y = round(xy[0]) + dx, round(xy[1]) + dy
        # (alpha_composite places at non-negative offsets: what lies left of or above the frame is cut here)
        sx, sy = max(0, -x), max(0, -y)
        if sx < sprite.width and sy < sprite.height and x < self.layer.width and y < self.layer.height:
            self.layer.alpha_composite(sprite, dest=(x + sx, y + sy), source=(sx, sy))
        return rect

    def finish(self, rgb: np.ndarray) -> np.ndarray:
        """A new image: ``rgb`` with the drawn layer blended over it (one fused pass on every core)."""
        out = np.empty_like(rgb)
        composite_layer(rgb, np.asarray(self.layer), out)
        return out


#: held while overlays are drawn (see :func:`draw_overlays`)
_DRAWING = threading.RLock()
#: a drawing surface for measuring text
_MEASURE = ImageDraw.Draw(Image.new("RGBA", (1, 1)))


@lru_cache(maxsize=4096)
def _text_extent(text: str, px: int, bold: bool, anchor: str, spacing: int) -> tuple[float, float, float, float]:
    """The box of ``text`` drawn at (0, 0) in the ``px`` font: where it lies relative to its anchor."""
    return tuple(_MEASURE.multiline_textbbox((0, 0), text, font=_font(px, bold), anchor=anchor, spacing=spacing))


@lru_cache(maxsize=1024)
def _box_sprite(text: str, px: int, bold: bool, anchor: str, fill: tuple, box: tuple | None, pad: int, radius: int,
                spacing: int) -> tuple[Image.Image, int, int]:
    """``text`` in its box, drawn alone: (RGBA image, offset of its top-left corner from the anchor)."""
    x0, y0, x1, y1 = _text_extent(text, px, bold, anchor, spacing)
    left, top = math.floor(x0 - pad), math.floor(y0 - pad)
    sprite = Image.new("RGBA", (math.ceil(x1 + pad) - left + 1, math.ceil(y1 + pad) - top + 1), (0, 0, 0, 0))
    draw = ImageDraw.Draw(sprite)
    if box is not None:
        draw.rounded_rectangle((x0 - pad - left, y0 - pad - top, x1 + pad - left, y1 + pad - top), radius=radius,
                               fill=box)
    draw.multiline_text((-left, -top), text, font=_font(px, bold), anchor=anchor, fill=fill, spacing=spacing)
    return sprite, left, top


@lru_cache(maxsize=256)
def _wrap(text: str, font, max_px: int) -> str:
    """Break ``text`` into lines no wider than ``max_px`` (by words, or by characters for Chinese)."""
    draw = _MEASURE
    lines = []
    for para in text.split("\n"):
        words = para.split(" ") if " " in para else list(para)
        sep = " " if " " in para else ""
        line = ""
        for w in words:
            trial = f"{line}{sep}{w}" if line else w
            if line and draw.textlength(trial, font=font) > max_px:
                lines.append(line)
                line = w
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


#: the largest share of the frame the legend may cover (small frames shrink it, then shorten it)
LEGEND_MAX_SHARE = 0.12
#: the attribution's text size (reference pixels) and the smallest it is drawn at (output pixels: the em of
#: its font; 12 px keeps the small letters of a Latin line ~6 px and Chinese characters whole)
ATTRIBUTION_SIZE = 13
ATTRIBUTION_MIN_PX = 12
#: the legend's box (RGBA) and how it looks over white, the lightest ground it may lie on
LEGEND_BOX = (12, 14, 20, 215)
LEGEND_BOX_ON_WHITE = tuple(over(np.array(LEGEND_BOX) / 255, (1.0, 1.0, 1.0)))


def _legend_layout(p: _Painter, rows, h: int, k: float):
    """(columns, widths, row height, swatch, font, box) of the legend at ``k`` times its usual size."""
    font = _font(max(int(p.px(17) * k), 8))
    row = max(int(p.px(26) * k), 10)
    sw = max(int(p.px(16) * k), 6)
    # a legend taller than 40 % of the frame (small videos) is laid out in as many columns as it needs
    per_column = max(1, min(len(rows), int((0.4 * h - p.px(14) * k) // row)))
    columns = [rows[i:i + per_column] for i in range(0, len(rows), per_column)]
    widths = [max(p.draw.textlength(label, font=font) for label, _c in col) + sw + p.px(30) * k for col in columns]
    return columns, widths, row, sw, font, (int(sum(widths)), int(row * len(columns[0]) + p.px(14) * k))


def _legend(p: _Painter, rows, *, left: int, top: int, frame: tuple[int, int]) -> tuple[int, int, int, int]:
    """The legend box at the top left, never over ``LEGEND_MAX_SHARE`` of the frame: smaller text first (down
    to about 60 % of its size), then the last rows folded into "+N more". → its box."""
    w, h = frame
    budget = LEGEND_MAX_SHARE * w * h
    k = 1.0
    layout = _legend_layout(p, rows, h, k)
    while layout[5][0] * layout[5][1] > budget and k > 0.62:
        k *= 0.9
        layout = _legend_layout(p, rows, h, k)
    shown = list(rows)
    while layout[5][0] * layout[5][1] > budget and len(shown) > 1:
        shown = shown[:-1]
        more = [(f"+{len(rows) - len(shown)} more", (0.85, 0.85, 0.85))]
        layout = _legend_layout(p, shown + more, h, k)
    if len(shown) < len(rows):
        shown = shown + [(f"+{len(rows) - len(shown)} more", (0.85, 0.85, 0.85))]
    columns, widths, row, sw, font, (box_w, box_h) = layout
    d = p.draw
    d.rounded_rectangle((left, top, left + box_w, top + box_h), radius=p.px(4), fill=LEGEND_BOX)
    x = left
    for col, width in zip(columns, widths, strict=True):
        for i, (label, colour) in enumerate(col):
            y = top + p.px(7) * k + i * row
            # a light edge: a dark swatch ("built") still reads on the dark box
            d.rectangle((x + p.px(10) * k, y + p.px(5) * k, x + p.px(10) * k + sw, y + p.px(5) * k + sw),
                        fill=_rgb(colour), outline=(200, 200, 200), width=max(1, p.px(1)))
            # the label in its colour where that reads on the box (WCAG 4.5:1, the box over white: the
            # worst ground it may lie on), else light grey (a dark "built", a deep green)
            d.text((x + p.px(20) * k + sw, y + row / 2), label, font=font, anchor="lm",
                   fill=_rgb(text_on(colour, LEGEND_BOX_ON_WHITE)))
        x += int(width)
    return (left, top, left + box_w, top + box_h)


def legend_image(rows, frame: tuple[int, int], *, scale: float = 0.8) -> np.ndarray:
    """The legend alone as an RGBA image (rows top down), laid out as an export of ``frame`` pixels lays it out
    (never over ``LEGEND_MAX_SHARE`` of the frame; swatches with a light edge, labels that read on the box):
    the window's legend is this image, so the app and the exports show one legend."""
    with _DRAWING:
        return _legend_image(rows, frame, scale)


def _legend_image(rows, frame: tuple[int, int], scale: float) -> np.ndarray:
    if not rows:
        return np.zeros((0, 0, 4), dtype=np.uint8)
    p = _Painter(frame, scale)
    _legend(p, list(rows), left=0, top=0, frame=frame)
    box = p.layer.getbbox()
    if box is None:
        return np.zeros((0, 0, 4), dtype=np.uint8)
    return np.asarray(p.layer.crop(box))


def _colour_bar(p: _Painter, bar, *, right: int, top: int, height: int) -> tuple[int, int, int, int]:
    """A vertical colour bar at the right: the colormap from low (bottom) to high, its title and three values.
    → its box."""
    import matplotlib

    title, (lo, hi), cmap = bar
    colours = matplotlib.colormaps[cmap](np.linspace(0.0, 1.0, 256))[:, :3]
    d = p.draw
    font = _font(p.px(15))
    bw = p.px(18)
    labels = [f"{v:,.0f}" if abs(hi - lo) >= 10 else f"{v:,.2g}" for v in (hi, (lo + hi) / 2, lo)]
    text_w = max(d.textlength(t, font=font) for t in labels)
    title_w = d.textlength(title, font=font)
    box_w = max(bw + p.px(8) + text_w, title_w) + p.px(20)
    x0 = right - box_w
    d.rounded_rectangle((x0, top, right, top + height + p.px(44)), radius=p.px(4), fill=(12, 14, 20, 180))
    d.text((x0 + p.px(10), top + p.px(8)), title, font=font, fill=(235, 235, 235))
    y0, y1 = top + p.px(34), top + p.px(34) + height
    for k in range(height):  # high at the top
        c = colours[int((1.0 - k / max(height - 1, 1)) * 255)]
        d.line((x0 + p.px(10), y0 + k, x0 + p.px(10) + bw, y0 + k), fill=tuple(int(v * 255) for v in c))
    for t, y in zip(labels, (y0, (y0 + y1) / 2, y1), strict=True):
        d.text((x0 + p.px(16) + bw, y), t, font=font, anchor="lm", fill=(235, 235, 235))
    return (int(x0), top, right, top + height + p.px(44))


def _overlaps(a, b, gap: int) -> bool:
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1])


def fit_in_frame(anchors: np.ndarray, boxes: np.ndarray, frame: tuple[int, int], margin: float = 0.0):
    """Where each label is drawn so that its whole box lies in the frame (``margin`` pixels from its edges):
    a label whose anchor is in the frame but whose box would run off an edge (a long project name near the
    left or right of a still) slides inside; one whose anchor is off the frame, or whose box is larger than
    the frame, is left out. ``anchors`` (n, 2) pixels, ``boxes`` (n, 4) relative to them → (anchors, kept)."""
    w, h = frame
    anchors = np.asarray(anchors, dtype=np.float64).reshape(-1, 2)
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    x, y = anchors[:, 0], anchors[:, 1]
    kept = np.isfinite(anchors).all(axis=1) & (x >= 0) & (x <= w) & (y >= 0) & (y <= h)
    lo = np.column_stack([margin - boxes[:, 0], margin - boxes[:, 1]])  # the smallest anchor that fits
    hi = np.column_stack([w - margin - boxes[:, 2], h - margin - boxes[:, 3]])  # the largest
    kept &= (lo <= hi).all(axis=1)
    moved = np.where(kept[:, None], np.clip(np.nan_to_num(anchors), lo, np.maximum(lo, hi)), np.nan)
    return moved, kept


def place_labels(p: _Painter, labels, frame: tuple[int, int],
                 reserved=(), movable: int = 0) -> list[tuple[tuple[float, float], str, tuple, tuple | None]]:
    """The labels that fit without covering one another, in the order given (earlier ones win; the export
    lists cities first, then districts, projects and findings): a label whose box would overlap one already
    placed is left out, so a pile of findings at region zoom shows its first labels legibly instead of an
    unreadable stack (the rule of the 3D view, :func:`ydtwin.geo.labels.place`). No label is cut by the
    frame's edge: one that would be slides inside (:func:`fit_in_frame`) before the overlaps are weighed;
    none covers the ``reserved`` boxes (the legend, the credits, the north arrow…). The first ``movable``
    labels (the cities' names) that find their place taken move to a free spot nearby instead of being left
    out. → [((x, y), text, colour, anchor)]: ``anchor`` is the place a moved label names (draw a leader line
    to it), None for a label on its place."""
    from ydtwin.geo.labels import CITY, place

    if not labels:
        return []
    anchors = np.array([(x, y) for x, y, _t, _c in labels], dtype=np.float64)
    boxes = np.array([np.subtract(p.text_rect((0, 0), text, 17, bold=True, anchor="mm", pad=4), 0.0)
                      for _x, _y, text, _c in labels])
    # (+1: Pillow rounds a box drawn at a fractional anchor, and a rectangle covers its end pixel)
    anchors, kept = fit_in_frame(anchors, boxes, frame, margin=p.px(2) + 1)
    # one class: each on its anchor where there is room (the order given decides), else moved aside
    placed = place(anchors, boxes, CITY, frame, gap=p.px(3), reserved=reserved,
                   movable=np.arange(len(labels)) < movable)
    return [((float(ax + dx), float(ay + dy)), text, colour, (float(ax), float(ay)) if moved else None)
            for (_x, _y, text, colour), (ax, ay), ok, shown, (dx, dy), moved
            in zip(labels, anchors, kept, placed.shown, placed.offset, placed.leader, strict=True)
            if ok and shown]


def draw_overlays(rgb: np.ndarray, options: OverlayOptions, content: OverlayContent, *,
                  output_height: int | None = None) -> np.ndarray:
    """The image (H, W, 3 or 4, uint8) with the overlays drawn on it. ``output_height``: the image is a
    preview of an output that many pixels high; the overlays are laid out as there, scaled down. One thread
    draws at a time (a video's encoder thread draws while the window may draw its legend: the fonts and the
    cached text are shared)."""
    with _DRAWING:
        return _draw_overlays(rgb, options, content, output_height)


def _draw_overlays(rgb: np.ndarray, options: OverlayOptions, content: OverlayContent,
                   output_height: int | None) -> np.ndarray:
    h, w = rgb.shape[:2]
    out_h = output_height or h
    # text stays readable on small frames: never below 60 % of the reference size
    p = _Painter((w, h), max(out_h / REFERENCE_HEIGHT, 0.6) * h / out_h)
    margin = p.px(24)
    d = p.draw

    furniture = []  # boxes of everything but the labels: no label covers them

    top = margin
    if options.title:
        rect = p.text_box((margin, top), options.title, 34, bold=True, box=(12, 14, 20, 190), pad=10)
        furniture.append(rect)
        top = rect[3] + p.px(10)

    if options.legend and content.legend:
        furniture.append(_legend(p, content.legend, left=margin, top=top, frame=(w, h)))

    if options.legend and content.colour_bar is not None:
        furniture.append(_colour_bar(p, content.colour_bar, right=w - margin, top=top + p.px(60),
                                     height=int(h * 0.3)))

    bottom = h - margin
    if options.attribution and content.attribution:
        # readable on every frame: ATTRIBUTION_SIZE reference pixels, never under ATTRIBUTION_MIN_PX pixels
        size = max(ATTRIBUTION_SIZE, ATTRIBUTION_MIN_PX / p.s)
        font = _font(p.px(size))
        text = _wrap(content.attribution, font, int(w * 0.62))
        rect = p.text_box((margin, bottom), text, size, anchor="ld", box=(12, 14, 20, 170), pad=5)
        furniture.append(rect)
        bottom_left = rect[1] - p.px(8)
    else:
        bottom_left = bottom

    if options.caption:
        font = _font(p.px(26))
        text = _wrap(options.caption, font, int(w * 0.7))
        furniture.append(p.text_box((w / 2, bottom_left - p.px(30)), text, 26, anchor="md", box=(12, 14, 20, 200),
                                    pad=10))

    right = w - margin
    if options.date:
        rect = p.text_box((right, bottom), options.date, 14, anchor="rd", box=(12, 14, 20, 150), pad=5)
        furniture.append(rect)
        right_bottom = rect[1] - p.px(10)
    else:
        right_bottom = bottom

    if options.north_arrow and content.north_deg is not None:
        r = p.px(30)
        cx, cy = right - r, right_bottom - r - p.px(6)
        a = math.radians(content.north_deg)

        def rot(dx, dy):
            return (cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a))

        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(12, 14, 20, 170))
        d.polygon([rot(0, -r * 0.85), rot(r * 0.38, r * 0.45), rot(0, r * 0.2)], fill=(235, 235, 235))
        d.polygon([rot(0, -r * 0.85), rot(-r * 0.38, r * 0.45), rot(0, r * 0.2)], fill=(150, 150, 150))
        tx, ty = rot(0, -r * 1.25)
        d.text((tx, ty), "N", font=_font(p.px(15), True), anchor="mm", fill=(255, 255, 255))
        furniture.append((cx - r, ty - p.px(10), cx + r, cy + r))
        scale_right = cx - r - p.px(18)
        scale_y = cy + r
    else:
        scale_right = right
        scale_y = right_bottom

    if options.scale_bar and content.metres_per_pixel > 0:
        max_px = p.px(170)
        length = nice_length(max_px * content.metres_per_pixel)
        bar = length / content.metres_per_pixel
        x1, x0, y = scale_right, scale_right - bar, scale_y - p.px(6)
        lw = p.px(3)
        d.rectangle((x0 - p.px(8), y - p.px(30), x1 + p.px(8), y + p.px(8)), fill=(12, 14, 20, 160))
        furniture.append((x0 - p.px(8), y - p.px(30), x1 + p.px(8), y + p.px(8)))
        d.line((x0, y, x1, y), fill=(255, 255, 255), width=lw)
        for x in (x0, x1):
            d.line((x, y - p.px(6), x, y + p.px(4)), fill=(255, 255, 255), width=lw)
        d.text(((x0 + x1) / 2, y - p.px(9)), format_length(length), font=_font(p.px(14)), anchor="md",
               fill=(255, 255, 255))

    if options.labels:  # last: placed around the furniture
        for (x, y), text, colour, anchor in place_labels(p, content.labels, (w, h), furniture,
                                                                   content.movable_labels):
            if anchor is not None:  # moved aside: a leader line back to the place, and a dot on it
                d = p.draw
                d.line((anchor, (x, y)), fill=(235, 235, 235), width=max(1, p.px(1.5)))
                r = p.px(3)
                d.ellipse((anchor[0] - r, anchor[1] - r, anchor[0] + r, anchor[1] + r), fill=(235, 235, 235))
            p.text_box((x, y), text, 17, bold=True, anchor="mm", fill=_rgb(colour), box=(13, 13, 20, 140), pad=4)

    return p.finish(rgb)
