"""Reprojecting millions of points fast, within a stated error: a polynomial fitted to the exact transform.

Over a small area (a LiDAR chunk spans a few hundred metres to a few kilometres) any map projection change is
smooth, and a bivariate cubic fitted to the exact transform (pyproj) on a grid over the chunk's box reproduces
it to well under a millimetre — the same idea as GDAL's approximate transformer in its warper, which
interpolates between exact transforms within an error threshold. Each fit is checked against the exact transform
at points between the fitting grid's; when the error is over ``tolerance`` the points are transformed exactly.
Evaluating the cubic costs a few numpy passes, done in place on cache-sized blocks (straight from a LAS file's
integer coordinates, into the caller's array) — ~100 M points/s here against pyproj's ~4 M/s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DEFAULT_TOLERANCE", "FittedCubic", "fit_cubic", "transform_points"]

#: metres (target units) a fitted transform may be off at the check points before the exact one is used
DEFAULT_TOLERANCE = 0.0005
#: below this many points the exact transform is as quick as a fit
MIN_POINTS = 20_000
_GRID = 12
#: points evaluated at a time: scratch arrays of 64k float64 (512 kB each) stay in the CPU's cache
_BLOCK = 65_536


def _terms(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones_like(u), u, v, u * u, u * v, v * v, u**3, u * u * v, u * v * v, v**3])


def _evaluate(c: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The cubic with coefficients ``c`` (as ``_terms``) at (u, v), in Horner form on u."""
    return (c[0] + v * (c[2] + v * (c[5] + v * c[9]))
            + u * ((c[1] + v * (c[4] + v * c[8])) + u * ((c[3] + v * c[7]) + u * c[6])))


def _evaluate_into(c: np.ndarray, add: float, u: np.ndarray, v: np.ndarray, out: np.ndarray,
                   t1: np.ndarray, t2: np.ndarray, t3: np.ndarray) -> None:
    """``_evaluate(c, u, v) + add`` written into ``out`` (may be strided), in place with ``t1``–``t3`` (as long
    as ``u``) as scratch: A(v) + u (B(v) + u (C(v) + u c6))."""
    np.multiply(v, c[9], out=t1)
    t1 += c[5]
    t1 *= v
    t1 += c[2]
    t1 *= v
    t1 += c[0] + add  # A(v) + add
    np.multiply(u, c[6], out=t3)
    t3 += c[3]
    np.multiply(v, c[7], out=t2)
    t3 += t2  # C(v) + u c6
    t3 *= u
    np.multiply(v, c[8], out=t2)
    t2 += c[4]
    t2 *= v
    t2 += c[1]  # B(v)
    t3 += t2
    t3 *= u
    np.add(t1, t3, out=out)


@dataclass(frozen=True)
class FittedCubic:
    """A transform fitted over a box (x0, y0, x1, y1 in the source CRS), with its error at the check points."""

    box: tuple[float, float, float, float]
    coef_x: np.ndarray
    coef_y: np.ndarray
    origin: tuple[float, float]
    error: float

    def covers(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """Whether points within this box lie in the box the cubic was fitted (and checked) over."""
        bx0, by0, bx1, by1 = self.box
        return bx0 <= x0 and by0 <= y0 and x1 <= bx1 and y1 <= by1

    def apply(self, x: np.ndarray, y: np.ndarray, out_x: np.ndarray, out_y: np.ndarray, *,
              scale: tuple[float, float] = (1.0, 1.0), offset: tuple[float, float] = (0.0, 0.0)) -> None:
        """Transform the points ``x * scale + offset`` (``x`` and ``y`` may be a LAS file's integer coordinates)
        into ``out_x``/``out_y`` (float64, may be strided: the columns of an (n, 3) array)."""
        bx0, by0, bx1, by1 = self.box
        cx, cy, hx, hy = (bx0 + bx1) / 2, (by0 + by1) / 2, (bx1 - bx0) / 2, (by1 - by0) / 2
        ku, bu = scale[0] / hx, (offset[0] - cx) / hx
        kv, bv = scale[1] / hy, (offset[1] - cy) / hy
        n = len(x)
        m = min(n, _BLOCK)
        u, v, t1, t2, t3 = (np.empty(m) for _ in range(5))
        for a in range(0, n, _BLOCK):
            b = min(n, a + _BLOCK)
            k = b - a
            uu, vv = u[:k], v[:k]
            np.multiply(x[a:b], ku, out=uu)
            uu += bu
            np.multiply(y[a:b], kv, out=vv)
            vv += bv
            _evaluate_into(self.coef_x, self.origin[0], uu, vv, out_x[a:b], t1[:k], t2[:k], t3[:k])
            _evaluate_into(self.coef_y, self.origin[1], uu, vv, out_y[a:b], t1[:k], t2[:k], t3[:k])


def fit_cubic(transformer, box: tuple[float, float, float, float], *,
              tolerance: float = DEFAULT_TOLERANCE) -> FittedCubic | None:
    """A cubic fitted to pyproj ``transformer`` (``always_xy``) over ``box``, or None when it is more than
    ``tolerance`` off the exact transform between the fitting points (or the box cannot be fitted)."""
    x0, y0, x1, y1 = (float(v) for v in box)
    if not all(np.isfinite((x0, x1, y0, y1))) or x1 <= x0 or y1 <= y0:
        return None
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    g = np.linspace(-1.0, 1.0, _GRID)
    gu, gv = (a.ravel() for a in np.meshgrid(g, g))
    fx, fy = transformer.transform(cx + gu * hx, cy + gv * hy)
    fx, fy = np.asarray(fx), np.asarray(fy)
    if not (np.isfinite(fx).all() and np.isfinite(fy).all()):
        return None
    # fitted relative to the box's transformed centre: the coefficients stay small and well conditioned
    ox, oy = float(np.mean(fx)), float(np.mean(fy))
    a = _terms(gu, gv)
    cx_coef = np.linalg.lstsq(a, fx - ox, rcond=None)[0]
    cy_coef = np.linalg.lstsq(a, fy - oy, rcond=None)[0]
    h = (g[:-1] + g[1:]) / 2  # check between the fitting points, where a fit is worst
    hu, hv = (a.ravel() for a in np.meshgrid(h, h))
    tx, ty = transformer.transform(cx + hu * hx, cy + hv * hy)
    err = float(np.max(np.hypot(_evaluate(cx_coef, hu, hv) + ox - np.asarray(tx),
                                _evaluate(cy_coef, hu, hv) + oy - np.asarray(ty))))
    if not np.isfinite(err) or err > tolerance:
        return None
    return FittedCubic((x0, y0, x1, y1), cx_coef, cy_coef, (ox, oy), err)


def transform_points(transformer, x: np.ndarray, y: np.ndarray, *,
                     tolerance: float = DEFAULT_TOLERANCE) -> tuple[np.ndarray, np.ndarray, float]:
    """(x', y', max error at the check points) of pyproj ``transformer`` (``always_xy``) applied to x, y —
    through a fitted cubic when it is within ``tolerance`` of the exact transform (error reported), else exactly
    (error 0)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    fit = None
    if len(x) >= MIN_POINTS:
        fit = fit_cubic(transformer, (x.min(), y.min(), x.max(), y.max()), tolerance=tolerance)
    if fit is None:
        tx, ty = transformer.transform(x, y)
        return np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64), 0.0
    out_x, out_y = np.empty_like(x), np.empty_like(y)
    fit.apply(x, y, out_x, out_y)
    return out_x, out_y, fit.error
