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

__all__ = ["downsample_into", "over_sky", "unpremultiply"]


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
