"""The fused export kernels give numpy's pixels: block means rounded in integers, exactly (any strides, the
tile upside down as a frame read back is); the sky composited behind premultiplied colours and transparent
pixels unpremultiplied, to float32 rounding."""

import numpy as np
import pytest

from ydtwin.render.export_kernels import downsample_into, over_sky, unpremultiply


@pytest.mark.parametrize("s", [1, 2, 3])
def test_block_means_match_numpy(s):
    rng = np.random.default_rng(s)
    frame = rng.integers(0, 256, (40 * s + 6, 30 * s + 6, 4), dtype=np.uint8)
    tile = frame[::-1][3 : 3 + 37 * s, 3 : 3 + 29 * s]  # flipped, cut from a margin: strided both ways
    acc = tile.reshape(37, s, 29, s, 4).sum(axis=(1, 3), dtype=np.uint16)
    expected = ((acc + (s * s) // 2) // (s * s)).astype(np.uint8)
    out = np.zeros((50, 40, 4), np.uint8)
    downsample_into(tile, s, out, 5, 7)
    assert np.array_equal(out[5:42, 7:36], expected)
    assert not out[:5].any() and not out[42:].any() and not out[:, :7].any() and not out[:, 36:].any()


def test_sky_and_unpremultiplied_colours_match_numpy():
    rng = np.random.default_rng(7)
    h, w = 61, 47
    rgba = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    rgba[..., 3][rng.random((h, w)) < 0.5] = 255
    rgba[..., :3] = np.minimum(rgba[..., :3], rgba[..., 3:4])  # premultiplied: colour ≤ alpha
    bottom, top = np.array([0.9, 0.85, 0.8]), np.array([0.3, 0.45, 0.7])
    # numpy, as the export composited before
    t = np.linspace(1.0, 0.0, h, dtype=np.float32)[:, None, None]
    sky = ((bottom * (1 - t) + top * t) * 255.0).astype(np.float32)
    rows, cols = np.nonzero(rgba[..., 3] < 255)
    a = rgba[rows, cols, 3:4].astype(np.float32) / 255.0
    c = rgba[rows, cols, :3].astype(np.float32)
    expected = np.ascontiguousarray(rgba[..., :3])
    expected[rows, cols] = np.clip(c + sky[rows, 0] * (1.0 - a) + 0.5, 0, 255).astype(np.uint8)
    out = np.empty((h, w, 3), np.uint8)
    over_sky(rgba, bottom, top, out)
    _same_to_float32_rounding(out, expected)
    expected = rgba.copy()
    expected[rows, cols, :3] = np.clip(c / np.maximum(a, 1e-6) + 0.5, 0, 255).astype(np.uint8)
    unpremultiply(rgba)
    _same_to_float32_rounding(rgba, expected)


def _same_to_float32_rounding(a, b):
    """Equal but where a float32 sum falls on .5 and the compiled order of operations rounds it the other way
    (a unit at most, a pixel in hundreds)."""
    diff = np.abs(a.astype(int) - b.astype(int))
    assert diff.max() <= 1 and (diff > 0).mean() < 0.01
