"""The planning themes' palette: no theme looks like water, every two themes stay apart for people with a
colour-vision deficiency, and legend text reads on its box. Computed, so a bad colour in a manifest fails."""

import itertools

import numpy as np
import pytest

from ydtwin.model.colour import (
    contrast_ratio,
    delta_e00,
    delta_e76,
    over,
    simulate_cvd,
    srgb_to_lab,
    text_on,
)
from ydtwin.model.plans import status_colour

#: a theme, in each of its status shades, is at least this far (ΔE00) from every water colour
MIN_FROM_WATER = 20.0
#: two themes are at least this far apart (ΔE00) with normal colour vision …
MIN_BETWEEN = 20.0
#: … and with protanopia, deuteranopia or tritanopia (simulated)
MIN_BETWEEN_CVD = 10.0
STATUSES = ("planned", "under_construction", "built")


@pytest.fixture(scope="module")
def themes():
    """The themes of the built-in and first-party plugins, as the app loads them (id → RGB)."""
    from ydtwin.plugins.manager import PluginManager

    styles = PluginManager().theme_styles()
    out = {tid: style.rgb for tid, style in styles.items() if "." in tid}
    assert len(out) >= 7  # the six seed themes and the blue-green corridors
    return out


def water_colours() -> dict[str, tuple[float, float, float]]:
    """Lakes and rivers, the sea surface, and the sea as drawn over each depth tint of its floor."""
    from ydtwin.io.region import _WATER
    from ydtwin.render.visuals import _SEA_RGB, SEA_COLOUR, SEA_OPACITY

    out = {"lakes and rivers": _WATER, "sea": SEA_COLOUR}
    for k, floor in enumerate(_SEA_RGB):
        out[f"sea over floor tint {k}"] = tuple(over((*SEA_COLOUR, SEA_OPACITY), floor))
    return out


# --- the formulas, against published data -----------------------------------------------------------

# Sharma, Wu & Dalal (2005), Table 1: (Lab 1, Lab 2, ΔE00)
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert float(delta_e00(lab1, lab2)) == pytest.approx(expected, abs=5e-5)
    assert float(delta_e00(lab2, lab1)) == pytest.approx(expected, abs=5e-5)  # symmetric


def test_cielab_of_reference_colours():
    lab = srgb_to_lab(np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]))
    assert lab[0] == pytest.approx([100.0, 0.0, 0.0], abs=0.01)
    assert lab[1] == pytest.approx([0.0, 0.0, 0.0], abs=0.01)
    assert lab[2] == pytest.approx([53.24, 80.09, 67.20], abs=0.05)
    assert float(delta_e76(lab[0], lab[1])) == pytest.approx(100.0, abs=0.01)


def test_cvd_simulation_keeps_greys_and_merges_red_and_green():
    grey = np.array([0.5, 0.5, 0.5])
    for kind in ("protanopia", "deuteranopia", "tritanopia"):
        assert simulate_cvd(grey, kind) == pytest.approx(grey, abs=0.01)
    red, green = np.array([0.8, 0.2, 0.2]), np.array([0.3, 0.6, 0.2])
    normal = float(delta_e00(srgb_to_lab(red), srgb_to_lab(green)))
    for kind in ("protanopia", "deuteranopia"):
        seen = float(delta_e00(srgb_to_lab(simulate_cvd(red, kind)), srgb_to_lab(simulate_cvd(green, kind))))
        assert seen < normal / 2


def test_wcag_contrast_ratio():
    assert contrast_ratio((1, 1, 1), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)) == pytest.approx(1.0)
    assert contrast_ratio((118 / 255,) * 3, (1, 1, 1)) == pytest.approx(4.54, abs=0.01)  # the AA grey on white


# --- the palette -------------------------------------------------------------------------------------


def test_no_theme_looks_like_water(themes):
    water = water_colours()
    too_close = []
    for tid, rgb in themes.items():
        for status in STATUSES:
            lab = srgb_to_lab(np.array(status_colour(rgb, status)))
            for name, w in water.items():
                d = float(delta_e00(lab, srgb_to_lab(np.array(w))))
                if d < MIN_FROM_WATER:
                    too_close.append((tid, status, name, round(d, 1)))
    assert too_close == []


@pytest.mark.parametrize("vision", [None, "protanopia", "deuteranopia", "tritanopia"])
def test_themes_stay_apart(themes, vision):
    ids = sorted(themes)
    rgb = np.array([themes[t] for t in ids])
    seen = rgb if vision is None else simulate_cvd(rgb, vision)
    lab = srgb_to_lab(seen)
    limit = MIN_BETWEEN if vision is None else MIN_BETWEEN_CVD
    close = [(ids[i], ids[j], round(float(delta_e00(lab[i], lab[j])), 1))
             for i, j in itertools.combinations(range(len(ids)), 2)
             if float(delta_e00(lab[i], lab[j])) < limit]
    assert close == []


def test_the_checks_catch_the_old_blues():
    """The palette before this check (municipal #2f7ed8 built, beside the sea; municipal and internet one
    colour under deuteranopia): the same computations reject it."""
    from ydtwin.model.plans import hex_to_rgb
    from ydtwin.render.visuals import SEA_COLOUR

    municipal, internet = hex_to_rgb("#2f7ed8"), hex_to_rgb("#9b5de5")
    built = srgb_to_lab(np.array(status_colour(municipal, "built")))
    assert float(delta_e00(built, srgb_to_lab(np.array(SEA_COLOUR)))) < MIN_FROM_WATER
    a, b = (srgb_to_lab(simulate_cvd(np.array(c), "deuteranopia")) for c in (municipal, internet))
    assert float(delta_e00(a, b)) < MIN_BETWEEN_CVD


def test_legend_text_reads_on_its_box(themes):
    """Every theme and status row of an exported legend is written in a colour with WCAG contrast ≥ 4.5
    against the legend box laid over white (the worst ground)."""
    from ydtwin.render.overlay import LEGEND_BOX_ON_WHITE

    rows = [status_colour(rgb, s) for rgb in themes.values() for s in STATUSES]
    rows += [status_colour((0.72, 0.72, 0.72), s) for s in STATUSES]
    for colour in rows:
        assert contrast_ratio(text_on(colour, LEGEND_BOX_ON_WHITE), LEGEND_BOX_ON_WHITE) >= 4.5
    # and the colours that do read are kept: not everything turned grey
    assert any(text_on(c, LEGEND_BOX_ON_WHITE) == tuple(c) for c in rows)
