"""The fused export kernels give numpy's pixels: block means rounded in integers, exactly (any strides, the
tile upside down as a frame read back is); the sky composited behind premultiplied colours and transparent
pixels unpremultiplied, to float32 rounding; overlays blended as numpy blended them, exactly. FXAA turns the
stair steps of an aliased edge into ramps and leaves flat areas and smooth gradients alone."""

import numpy as np
import pytest

from ydtwin.render.export_kernels import composite_layer, downsample_into, fxaa, over_sky, unpremultiply


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


@pytest.mark.parametrize("channels", [3, 4])
def test_overlay_blend_matches_numpy(channels):
    rng = np.random.default_rng(channels)
    h, w = 53, 71
    rgb = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
    layer = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    layer[..., 3][rng.random((h, w)) < 0.6] = 0  # mostly nothing drawn
    # numpy, as overlays were blended before
    expected = rgb.copy()
    rows, cols = np.nonzero(layer[..., 3])
    src = layer[rows, cols].astype(np.uint16)
    a = src[:, 3:4]
    dst = rgb[rows, cols].astype(np.uint16)
    expected[rows, cols, :3] = ((src[:, :3] * a + dst[:, :3] * (255 - a) + 127) // 255).astype(np.uint8)
    if channels == 4:
        expected[rows, cols, 3] = (a[:, 0] + (dst[:, 3] * (255 - a[:, 0]) + 127) // 255).astype(np.uint8)
    out = np.empty_like(rgb)
    composite_layer(rgb, layer, out)
    assert np.array_equal(out, expected)
    composite_layer(rgb, layer, rgb)  # in place too
    assert np.array_equal(rgb, expected)


def _staircase(h=120, w=160, slope=0.3):
    """A dark half-plane under a shallow line on a light ground, drawn without anti-aliasing, and the same
    edge with each pixel's true coverage (64 × 64 samples)."""
    y, x = np.mgrid[0:h, 0:w].astype(float)
    hard = (y + 0.5 > 30 + slope * (x + 0.5))
    sub = (np.arange(64) + 0.5) / 64
    cover = np.zeros((h, w))
    for dy in sub[::8]:
        for dx in sub[::8]:
            cover += (y + dy > 30 + slope * (x + dx))
    cover /= len(sub[::8]) ** 2
    light, dark = np.array([230.0, 225, 210]), np.array([40.0, 60, 90])
    aliased = np.where(hard[..., None], dark, light).astype(np.uint8)
    truth = light * (1 - cover[..., None]) + dark * cover[..., None]
    return aliased, truth


def test_fxaa_smooths_a_stair_step_edge_towards_its_true_coverage():
    aliased, truth = _staircase()
    out = fxaa(aliased)
    edge = np.abs(aliased.astype(float) - truth).max(axis=2) > 1
    before = np.abs(aliased.astype(float) - truth)[edge].mean()
    after = np.abs(out.astype(float) - truth)[edge].mean()
    # intermediate shades appear along the edge, and the edge is nearer its true coverage
    shades = {tuple(v) for v in out[edge].tolist()} - {tuple(v) for v in aliased[edge].tolist()}
    assert len(shades) > 10
    assert after < 0.5 * before, (before, after)
    # more than 2 pixels from the edge nothing changes
    near = np.zeros_like(edge)
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            near |= np.roll(np.roll(edge, dy, axis=0), dx, axis=1)
    assert np.array_equal(out[~near], aliased[~near])
    print(f"mean error on the edge: {before:.1f} aliased, {after:.1f} after FXAA; {len(shades)} new shades")


def test_fxaa_leaves_flat_areas_and_gentle_gradients_alone_and_keeps_alpha_edges():
    flat = np.full((40, 50, 3), 128, np.uint8)
    assert np.array_equal(fxaa(flat), flat)
    ramp = np.repeat(np.linspace(40, 200, 50).astype(np.uint8)[None, :, None], 40, axis=0).repeat(3, axis=2)
    assert np.array_equal(fxaa(ramp), ramp)  # a step of ~3 per pixel is not an edge
    # premultiplied RGBA: a building against a transparent sky is an edge even where its colour is dark
    aliased, _truth = _staircase()
    rgba = np.zeros(aliased.shape[:2] + (4,), np.uint8)
    inside = aliased[..., 0] < 100
    rgba[inside] = (10, 12, 15, 255)
    out = fxaa(rgba)
    assert out.shape == rgba.shape
    alphas = set(np.unique(out[..., 3]).tolist())
    assert {0, 255} <= alphas and len(alphas) > 10  # partial coverage along the edge
    assert (out[..., :3] <= out[..., 3:4]).all()  # still premultiplied
