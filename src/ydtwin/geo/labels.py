"""Where map labels go on screen: the rules shared by the 3D view and the exported images.

Labels come in classes, most important first — city names, district names, project names, review findings —
and are placed greedily in that order: a label that would cover one already placed tries a few nearby
positions (then needs a leader line back to its anchor) and is hidden when none is free. Project and
finding names fade out with distance, so that a region overview shows the cities, and close views the
projects. Pure numpy: no Qt, no VTK; boxes in screen pixels, y down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CITY", "DISTRICT", "FINDING", "FADE_START", "MAX_DISTANCE_M", "OFFSETS", "PROJECT", "Placement",
           "place", "zoom_opacity"]

#: label classes, most important first: a label never covers one of a more important class
CITY, DISTRICT, PROJECT, FINDING = 0, 1, 2, 3

#: per class, the camera distance (m, to the label's anchor) beyond which its labels are not shown (None:
#: at every distance). A city view is ~150-250 km away, a district ~40-80 km, the region ~900 km: project
#: names appear from a city view inwards (fully from ~220 km); findings are shown at every zoom, decluttered.
MAX_DISTANCE_M: dict[int, float | None] = {CITY: None, DISTRICT: 450_000.0, PROJECT: 320_000.0, FINDING: None}
#: labels fade from full opacity at this share of their class's distance to nothing at the distance
FADE_START = 0.7

#: positions a label may take, in units of its own box and the gap (dx × (width + gap), dy × (height + gap),
#: y down), tried in order:
#: on its anchor, then above, below, beside it (an edge on the anchor), the four corners, two rows away. Only
#: the first needs no leader line.
OFFSETS = ((0.0, 0.0), (0.0, -1.0), (0.0, 1.0), (0.5, 0.0), (-0.5, 0.0),
           (0.5, -1.0), (-0.5, -1.0), (0.5, 1.0), (-0.5, 1.0), (0.0, -2.0), (0.0, 2.0))


@dataclass(frozen=True)
class Placement:
    """Where each label went: ``shown`` (n,) bool, ``offset`` (n, 2) pixels from its anchor position,
    ``rects`` (n, 4) x0, y0, x1, y1 of the shown boxes (NaN for hidden ones), ``leader`` (n,) bool: shown
    away from its anchor (draw a line back to it)."""

    shown: np.ndarray
    offset: np.ndarray
    rects: np.ndarray
    leader: np.ndarray


def zoom_opacity(distance_m, label_class) -> np.ndarray:
    """Opacity (0-1) of labels of ``label_class`` (one per label, or one for all) seen from ``distance_m``."""
    d = np.asarray(distance_m, dtype=np.float64)
    cls = np.broadcast_to(np.asarray(label_class, dtype=np.int64), d.shape)
    limit = np.array([MAX_DISTANCE_M.get(int(c)) or np.inf for c in cls.ravel()]).reshape(d.shape)
    start = FADE_START * limit
    with np.errstate(invalid="ignore", divide="ignore"):
        fade = np.where(np.isfinite(limit), (limit - d) / (limit - start), 1.0)
    return np.clip(np.nan_to_num(fade, nan=1.0), 0.0, 1.0)


def _free(rect: np.ndarray, placed: np.ndarray, n: int, gap: float) -> bool:
    if n == 0:
        return True
    p = placed[:n]
    apart = ((rect[2] + gap <= p[:, 0]) | (p[:, 2] + gap <= rect[0])
             | (rect[3] + gap <= p[:, 1]) | (p[:, 3] + gap <= rect[1]))
    return bool(apart.all())


def place(anchors, boxes, label_class, frame: tuple[float, float], *, gap: float = 3.0,
          movable=None, reserved=(), offsets=OFFSETS) -> Placement:
    """Place labels without overlaps.

    ``anchors``: (n, 2) anchor positions (pixels, y down; NaN: not on screen); ``boxes``: (n, 4) each label's
    box relative to its anchor when not moved (x0, y0, x1, y1); ``label_class``: (n,) classes (``CITY`` …);
    labels of one class keep the order given (put the most severe finding first). ``movable``: (n,) bool,
    labels that may leave their anchor for a free spot nearby (default: all). Each class is placed in two
    rounds: first every label on its anchor, then the ones that found no room there try the spots nearby —
    so a label moved aside never takes the anchor of a later label of its class (26 city names in a dense
    delta all show, the few that must move with a leader line). A label whose anchor is off the frame is
    hidden; a moved one must lie wholly inside it. ``reserved``: boxes (x0, y0, x1, y1) no label may cover
    (the legend, a colour bar).
    """
    anchors = np.asarray(anchors, dtype=np.float64).reshape(-1, 2)
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    n = len(anchors)
    cls = np.broadcast_to(np.asarray(label_class, dtype=np.int64), (n,))
    movable = np.ones(n, dtype=bool) if movable is None else np.broadcast_to(np.asarray(movable, dtype=bool), (n,))
    w, h = frame
    shown = np.zeros(n, dtype=bool)
    leader = np.zeros(n, dtype=bool)
    offset = np.zeros((n, 2))
    rects = np.full((n, 4), np.nan)
    reserved = np.asarray(reserved, dtype=np.float64).reshape(-1, 4)
    placed = np.empty((n + len(reserved), 4))
    placed[: len(reserved)] = reserved
    count = len(reserved)
    order = np.lexsort((np.arange(n), cls))  # by class, then in the order given
    for c in np.unique(cls):
        members = order[cls[order] == c]
        for first_round in (True, False):
            for i in members:
                if shown[i] or not (first_round or movable[i]):
                    continue
                ax, ay = anchors[i]
                if not (np.isfinite(ax) and np.isfinite(ay) and 0.0 <= ax <= w and 0.0 <= ay <= h):
                    continue
                bw, bh = boxes[i, 2] - boxes[i, 0], boxes[i, 3] - boxes[i, 1]
                tries = ((0, offsets[0]),) if first_round else tuple(enumerate(offsets))[1:]
                for k, (fx, fy) in tries:
                    dx, dy = fx * (bw + gap), fy * (bh + gap)
                    rect = boxes[i] + np.array([ax + dx, ay + dy, ax + dx, ay + dy])
                    if k and not (rect[0] >= 0 and rect[1] >= 0 and rect[2] <= w and rect[3] <= h):
                        continue
                    if _free(rect, placed, count, gap):
                        placed[count] = rect
                        count += 1
                        shown[i], leader[i] = True, k > 0
                        offset[i] = dx, dy
                        rects[i] = rect
                        break
    return Placement(shown, offset, rects, leader)
