"""Colour science for the map's palette: how far apart two colours look (CIELAB, CIEDE2000), how they look
to people with a colour-vision deficiency, and whether text reads on its background (WCAG contrast).

- sRGB ↔ CIELAB (D65): IEC 61966-2-1 transfer function and matrix, CIE 15 Lab.
- ΔE00: Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula: implementation notes,
  supplementary test data, and mathematical observations", Color Res. Appl. 30(1).
- Colour-vision deficiency: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for
  simulation of color vision deficiency", IEEE TVCG 15(6): the severity-1.0 matrices, applied to linear RGB.
- Contrast ratio: WCAG 2.1, success criterion 1.4.3 (relative luminance, (L1 + 0.05) / (L2 + 0.05)).

Colours are RGB triples in 0-1 (sRGB).
"""

from __future__ import annotations

import numpy as np

__all__ = ["CVD_MATRICES", "contrast_ratio", "delta_e00", "delta_e76", "over", "relative_luminance",
           "simulate_cvd", "srgb_to_lab", "text_on"]

#: Machado et al. (2009), severity 1.0, for linear RGB
CVD_MATRICES = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}

_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def _linear(rgb) -> np.ndarray:
    c = np.clip(np.asarray(rgb, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _encode(lin) -> np.ndarray:
    c = np.clip(np.asarray(lin, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def srgb_to_lab(rgb) -> np.ndarray:
    """CIELAB (D65) of sRGB colours (..., 3)."""
    xyz = _linear(rgb) @ _SRGB_TO_XYZ.T / _WHITE_D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e76(lab1, lab2) -> np.ndarray:
    """CIE 1976 ΔE*ab: the Euclidean distance in CIELAB."""
    return np.linalg.norm(np.asarray(lab1, dtype=np.float64) - np.asarray(lab2, dtype=np.float64), axis=-1)


def delta_e00(lab1, lab2) -> np.ndarray:
    """CIEDE2000 ΔE00 (kL = kC = kH = 1) between CIELAB colours, as in Sharma et al. (2005)."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=np.float64), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=np.float64), -1, 0)
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dl = l2 - l1
    dc = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dhh = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    hsum = h1p + h2p
    h_mean = np.where(np.abs(h1p - h2p) <= 180, hsum / 2, np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2))
    h_mean = np.where(c1p * c2p == 0, hsum, h_mean)
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dhh / s_h) ** 2 + r_t * (dc / s_c) * (dhh / s_h))


def simulate_cvd(rgb, kind: str) -> np.ndarray:
    """How sRGB colours (..., 3) look with ``kind`` (protanopia, deuteranopia, tritanopia), as sRGB."""
    return _encode(_linear(rgb) @ CVD_MATRICES[kind].T)


def relative_luminance(rgb) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (..., 3)."""
    return _linear(rgb) @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(fg, bg) -> float:
    """WCAG contrast ratio of two opaque sRGB colours (1 to 21)."""
    l1, l2 = float(relative_luminance(fg)), float(relative_luminance(bg))
    hi, lo = max(l1, l2), min(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


def over(rgba, background) -> np.ndarray:
    """A translucent colour (r, g, b, alpha; 0-1) composited over an opaque ``background``."""
    c = np.asarray(rgba, dtype=np.float64)
    return c[:3] * c[3] + np.asarray(background, dtype=np.float64)[:3] * (1 - c[3])


#: the text colour used where a theme's own colour does not read on a dark box
LIGHT_TEXT = (0.92, 0.92, 0.92)
#: WCAG AA for normal text
MIN_TEXT_CONTRAST = 4.5


def text_on(colour, box) -> tuple[float, float, float]:
    """The colour to write a legend label in on an opaque ``box``: its own colour where that reaches the WCAG
    AA contrast (4.5:1), else light grey."""
    if contrast_ratio(colour, box) >= MIN_TEXT_CONTRAST:
        return tuple(float(v) for v in colour[:3])  # type: ignore[return-value]
    return LIGHT_TEXT
