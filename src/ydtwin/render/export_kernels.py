"""The pixel work of a still or a video frame, fused and on every core (numba): each s × s block of a rendered
tile averaged into the output image, and the sky put behind what is not opaque — one pass each, no
whole-image temporaries (numpy's versions made a uint16 copy of every tile and three index arrays over the
image: a third of an 8K still's time each).

The arithmetic is numpy's: means rounded in integers (exactly), the sky composited in float32 as
``c + sky × (1 − a) + 0.5`` truncated (colours come back premultiplied by their alpha), transparent pixels
unpremultiplied as ``c / a + 0.5`` (to a unit where a sum falls on .5; tests compare both ways).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["composite_layer", "downsample_into", "fxaa", "over_sky", "unpremultiply"]


@numba.njit(parallel=True, cache=True, nogil=True)
def downsample_into(tile, s, out, row0, col0):
    """The mean of each ``s`` × ``s`` block of ``tile`` (hj·s × wi·s × c uint8, top row first, any strides),
    rounded, into ``out[row0 : row0 + hj, col0 : col0 + wi]``."""
    hj = tile.shape[0] // s
    wi = tile.shape[1] // s
    channels = tile.shape[2]
    n = s * s
    half = n // 2
    for r in numba.prange(hj):
        for c in range(wi):
            for k in range(channels):
                acc = 0
                for dy in range(s):
                    for dx in range(s):
                        acc += np.int64(tile[r * s + dy, c * s + dx, k])
                out[row0 + r, col0 + c, k] = np.uint8((acc + half) // n)


@numba.njit(parallel=True, cache=True, nogil=True)
def over_sky(rgba, bottom, top, out):
    """``rgba`` (premultiplied, h × w × 4) over a vertical gradient from ``bottom`` (last row) to ``top``
    (first row), colours 0–1, into ``out`` (h × w × 3 uint8)."""
    h, w = rgba.shape[0], rgba.shape[1]
    for y in numba.prange(h):
        t = np.float64(np.float32(1.0 - y / max(h - 1, 1)))  # 1 at the top row (numpy's float32 linspace)
        sky = np.empty(3, np.float32)
        for k in range(3):
            sky[k] = np.float32((bottom[k] * (1.0 - t) + top[k] * t) * 255.0)
        for x in range(w):
            a8 = rgba[y, x, 3]
            if a8 == 255:
                for k in range(3):
                    out[y, x, k] = rgba[y, x, k]
            else:
                a = np.float32(a8) / np.float32(255.0)
                for k in range(3):
                    v = np.float32(rgba[y, x, k]) + sky[k] * (np.float32(1.0) - a) + np.float32(0.5)
                    out[y, x, k] = np.uint8(min(max(v, np.float32(0.0)), np.float32(255.0)))


@numba.njit(parallel=True, cache=True, nogil=True)
def unpremultiply(rgba):
    """Colours of the pixels that are not opaque divided by their alpha, in place (h × w × 4)."""
    h, w = rgba.shape[0], rgba.shape[1]
    for y in numba.prange(h):
        for x in range(w):
            a8 = rgba[y, x, 3]
            if a8 != 255:
                a = max(np.float32(a8) / np.float32(255.0), np.float32(1e-6))
                for k in range(3):
                    v = np.float32(rgba[y, x, k]) / a + np.float32(0.5)
                    rgba[y, x, k] = np.uint8(min(max(v, np.float32(0.0)), np.float32(255.0)))


@numba.njit(parallel=True, cache=True, nogil=True)
def composite_layer(rgb, layer, out):
    """``rgb`` (h × w × 3 or 4 uint8) with ``layer`` (h × w × 4, straight alpha) over it, into ``out`` (same
    shape as ``rgb``; may be ``rgb`` itself): ``(src·a + dst·(255 − a) + 127) // 255`` per colour where the
    layer is not transparent, and a transparent image's alpha ``a + (dst_a·(255 − a) + 127) // 255``."""
    h, w, c = rgb.shape
    for y in numba.prange(h):
        for x in range(w):
            a = np.int32(layer[y, x, 3])
            if a == 0:
                for k in range(c):
                    out[y, x, k] = rgb[y, x, k]
                continue
            for k in range(3):
                out[y, x, k] = np.uint8((np.int32(layer[y, x, k]) * a + np.int32(rgb[y, x, k]) * (255 - a) + 127)
                                        // 255)
            if c == 4:
                out[y, x, 3] = np.uint8(a + (np.int32(rgb[y, x, 3]) * (255 - a) + 127) // 255)


#: FXAA's thresholds: the least local contrast (of luma 0–1) treated as an edge, absolute and relative to
#: the brightest neighbour; how far (pixels) an edge is followed each way; how much sub-pixel aliasing is
#: smoothed (0–1)
FXAA_EDGE_MIN = 0.0312
FXAA_EDGE_REL = 0.125
FXAA_SEARCH = 12
FXAA_SUBPIX = 0.75


@numba.njit(parallel=True, cache=True, nogil=True)
def _luma(img, weights, out):
    h, w, c = img.shape
    for y in numba.prange(h):
        for x in range(w):
            v = np.float32(0.0)
            for k in range(c):
                v += np.float32(weights[k]) * np.float32(img[y, x, k])
            out[y, x] = v / np.float32(255.0)


@numba.njit(cache=True, nogil=True, inline="always")
def _at(luma, y, x):
    h, w = luma.shape
    return luma[min(max(np.int64(y), np.int64(0)), np.int64(h - 1)), min(max(np.int64(x), np.int64(0)), np.int64(w - 1))]


@numba.njit(parallel=True, cache=True, nogil=True)
def _fxaa(img, luma, out):
    h, w, c = img.shape
    for y in numba.prange(h):
        for x in range(w):
            m = luma[y, x]
            n, s = _at(luma, y - 1, x), _at(luma, y + 1, x)
            west, e = _at(luma, y, x - 1), _at(luma, y, x + 1)
            hi = max(max(max(n, s), max(west, e)), m)
            lo = min(min(min(n, s), min(west, e)), m)
            span = hi - lo
            if span < max(np.float32(FXAA_EDGE_MIN), hi * np.float32(FXAA_EDGE_REL)):
                for k in range(c):
                    out[y, x, k] = img[y, x, k]
                continue
            nw, ne = _at(luma, y - 1, x - 1), _at(luma, y - 1, x + 1)
            sw, se = _at(luma, y + 1, x - 1), _at(luma, y + 1, x + 1)
            horizontal_edge = (abs(nw + sw - 2 * west) + 2 * abs(n + s - 2 * m) + abs(ne + se - 2 * e)
                               >= abs(nw + ne - 2 * n) + 2 * abs(west + e - 2 * m) + abs(sw + se - 2 * s))
            # the side of the edge across it: up/down for a horizontal edge, left/right for a vertical one
            l1, l2 = (n, s) if horizontal_edge else (west, e)
            g1, g2 = l1 - m, l2 - m
            first = abs(g1) >= abs(g2)
            step = np.int64(-1) if first else np.int64(1)
            local = np.float32(0.5) * ((l1 if first else l2) + m)
            gradient = np.float32(0.25) * max(abs(g1), abs(g2))
            # follow the edge both ways along the line half a pixel towards its steeper side
            dy = np.int64(0) if horizontal_edge else np.int64(1)
            dx = np.int64(1) - dy
            oy = step * dx
            ox = step * dy
            d1 = np.int64(FXAA_SEARCH)
            d2 = np.int64(FXAA_SEARCH)
            end1 = end2 = local
            for i in range(1, FXAA_SEARCH + 1):
                v = np.float32(0.5) * (_at(luma, y - dy * i, x - dx * i) + _at(luma, y - dy * i + oy, x - dx * i + ox))
                if abs(v - local) >= gradient:
                    d1, end1 = i, v
                    break
            for i in range(1, FXAA_SEARCH + 1):
                v = np.float32(0.5) * (_at(luma, y + dy * i, x + dx * i) + _at(luma, y + dy * i + oy, x + dx * i + ox))
                if abs(v - local) >= gradient:
                    d2, end2 = i, v
                    break
            near_end = end1 if d1 < d2 else end2
            offset = np.float32(0.0)
            if (near_end - local < 0) != (m < local):
                offset = np.float32(0.5) - np.float32(min(d1, d2)) / np.float32(d1 + d2)
            # sub-pixel aliasing: a pixel unlike its whole neighbourhood
            average = (np.float32(2.0) * (n + s + west + e) + nw + ne + sw + se) / np.float32(12.0)
            sub = min(abs(average - m) / span, np.float32(1.0))
            sub = (np.float32(-2.0) * sub + np.float32(3.0)) * sub * sub
            offset = max(offset, sub * sub * np.float32(FXAA_SUBPIX))
            ny = min(max(y + oy, 0), h - 1)
            nx = min(max(x + ox, 0), w - 1)
            for k in range(c):
                v = np.float32(img[y, x, k]) * (np.float32(1.0) - offset) + np.float32(img[ny, nx, k]) * offset
                out[y, x, k] = np.uint8(min(v + np.float32(0.5), np.float32(255.0)))


def fxaa(img: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Fast approximate anti-aliasing (after Lottes' FXAA) of an 8-bit image (h × w × 3, or × 4 premultiplied
    RGBA: its alpha counts in the edges), on every core, into ``out`` (a new image by default; not ``img``).

    Each pixel on an edge (a local contrast of luma above the thresholds) is blended with its neighbour across
    the edge by how far it lies from the edge's ends, and pixels unlike all their neighbours are softened: the
    stair steps of a frame drawn without supersampling become ramps, at a small fraction of the cost of
    rendering 4× the pixels (software GL) or of a GPU pass that reads the frame back afterwards."""
    h, w, c = img.shape
    weights = np.array([0.299, 0.587, 0.114] if c == 3 else [0.15, 0.29, 0.06, 0.5], dtype=np.float32)
    luma = np.empty((h, w), dtype=np.float32)
    _luma(img, weights, luma)
    if out is None:
        out = np.empty_like(img)
    _fxaa(img, luma, out)
    return out
