"""GCJ-02 and BD-09 conversions against published fixed points, and their iterative inverses."""

import numpy as np
import pytest

from ydtwin.geo import datum

# published reference pairs for the public formulas (coordinate-transform libraries' test vectors)
BEIJING_WGS = (116.404, 39.915)
BEIJING_GCJ = (116.41024449916938, 39.91640428150164)
BEIJING_GCJ_AS_INPUT_TO_BD = (116.41036949371029, 39.92133699351021)
BEIJING_GCJ_TO_WGS = (116.39775550083061, 39.91359571849836)  # one-step approximation in the reference
JIAXING_WGS = (121.0917077, 30.6107779)
JIAXING_GCJ = (121.09626935575027, 30.608604331756705)
JIAXING_BD = (121.10271732371203, 30.61484572185035)


def test_wgs84_to_gcj02_matches_published_point():
    """The forward formula reproduces a published WGS84 → GCJ-02 pair to 1e-9°."""
    assert datum.wgs84_to_gcj02(*BEIJING_WGS) == pytest.approx(BEIJING_GCJ, abs=1e-9)


def test_gcj02_to_bd09_matches_published_point():
    """GCJ-02 → BD-09 reproduces the published pair to 1e-9°."""
    assert datum.gcj02_to_bd09(*BEIJING_WGS) == pytest.approx(BEIJING_GCJ_AS_INPUT_TO_BD, abs=1e-9)


def test_region_point_chain_matches_published_values():
    """A point in Jiaxing: WGS84 → GCJ-02 → BD-09 agrees with a published chain to 1e-6° (~10 cm)."""
    assert datum.wgs84_to_gcj02(*JIAXING_WGS) == pytest.approx(JIAXING_GCJ, abs=1e-6)
    assert datum.wgs84_to_bd09(*JIAXING_WGS) == pytest.approx(JIAXING_BD, abs=1e-6)


def test_inverses_recover_published_inputs():
    """The iterative inverses undo the forward formulas (to 1e-6° against the published points)."""
    assert datum.gcj02_to_wgs84(*JIAXING_GCJ) == pytest.approx(JIAXING_WGS, abs=1e-6)
    assert datum.bd09_to_wgs84(*JIAXING_BD) == pytest.approx(JIAXING_WGS, abs=1e-6)
    assert datum.gcj02_to_wgs84(*BEIJING_GCJ) == pytest.approx(BEIJING_WGS, abs=1e-9)


def test_iterative_inverse_beats_the_one_step_approximation():
    """The iteration is more exact than the common one-step inverse (error there ≈ 1e-5°, ~1 m)."""
    lon, lat = datum.gcj02_to_wgs84(*BEIJING_WGS)
    back = datum.wgs84_to_gcj02(lon, lat)
    one_step_back = datum.wgs84_to_gcj02(*BEIJING_GCJ_TO_WGS)
    err = np.hypot(back[0] - BEIJING_WGS[0], back[1] - BEIJING_WGS[1])
    err_one_step = np.hypot(one_step_back[0] - BEIJING_WGS[0], one_step_back[1] - BEIJING_WGS[1])
    assert err < 1e-9 < err_one_step


def test_round_trip_over_the_region_is_sub_millimetre():
    """Over a grid covering lon 119-123.2, lat 28.8-32.8 the GCJ-02 and BD-09 round trips close to < 1e-8°."""
    lon, lat = np.meshgrid(np.linspace(119.0, 123.2, 43), np.linspace(28.8, 32.8, 41))
    g = datum.wgs84_to_gcj02(lon, lat)
    w = datum.gcj02_to_wgs84(*g)
    assert np.abs(w[0] - lon).max() < 1e-8 and np.abs(w[1] - lat).max() < 1e-8
    b = datum.wgs84_to_bd09(lon, lat)
    w2 = datum.bd09_to_wgs84(*b)
    assert np.abs(w2[0] - lon).max() < 1e-8 and np.abs(w2[1] - lat).max() < 1e-8


def test_gcj_shift_in_the_region_has_the_known_size():
    """Around Shanghai/Zhoushan GCJ-02 moves points ~+0.004..0.005° lon and ~-0.002..-0.003° lat."""
    g = datum.wgs84_to_gcj02(122.2, 30.0)
    assert 0.0035 < g[0] - 122.2 < 0.0055
    assert -0.0035 < g[1] - 30.0 < -0.0015


def test_outside_china_is_unchanged():
    """The formulas apply only inside China's envelope; elsewhere points pass through."""
    assert datum.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert datum.gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)
