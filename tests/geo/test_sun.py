"""The sun's position (NREL SPA through pvlib) against published values, the reference days of the sunlight
standards (冬至, 大寒) against the published calendar, and windows of true solar time turned into China Standard
Time."""

import datetime as dt
import math

import numpy as np
import pytest

from ydtwin.geo import sun


def test_nrel_spa_reference_case():
    """NREL's published SPA example (Reda & Andreas 2004, table A5.1): 2003-10-17 12:30:30 at −7 h, 39.742476 N
    105.1786 W, 1830.14 m, 820 mbar, 11 °C, ΔT 67 s → zenith 50.11162°, azimuth 194.34024°."""
    t = dt.datetime(2003, 10, 17, 12, 30, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7))).timestamp()
    pos = sun.solar_position([t], 39.742476, -105.1786, elevation_m=1830.14, pressure_hpa=820.0, temperature_c=11.0,
                             delta_t_s=67.0)
    assert pos.zenith_deg[0] == pytest.approx(50.11162, abs=1e-5)
    assert pos.azimuth_deg[0] == pytest.approx(194.34024, abs=1e-5)
    assert pos.elevation_deg[0] == pytest.approx(90 - 50.11162, abs=1e-5)


def test_shanghai_winter_solstice_noon():
    """At true solar noon on the winter solstice the sun over Shanghai (31.23 N) stands due south at 90° − 31.23°
    − 23.44° ≈ 35.3° (plus a little refraction)."""
    w = sun.sun_window(dt.date(2026, 12, 22), (12 * 60 - 1, 12 * 60 + 1), 121.47, 31.23, step_min=2.0)
    assert len(w.unix_s) == 1
    assert w.elevation_deg[0] == pytest.approx(35.3, abs=0.1)
    assert w.azimuth_deg[0] == pytest.approx(180.0, abs=0.2)


@pytest.mark.parametrize(("year", "solstice", "major_cold"), [
    (2024, dt.date(2024, 12, 21), dt.date(2024, 1, 20)),
    (2025, dt.date(2025, 12, 21), dt.date(2025, 1, 20)),
    (2026, dt.date(2026, 12, 22), dt.date(2026, 1, 20)),
    (2027, dt.date(2027, 12, 22), dt.date(2027, 1, 20)),
])
def test_reference_days_follow_the_calendar(year, solstice, major_cold):
    """冬至 and 大寒 fall on the days the Chinese calendar gives (Beijing time): 2025's solstice at 23:03 on the
    21st, 2026's at 04:50 on the 22nd."""
    assert sun.solar_term_date(year, "winter-solstice") == solstice
    assert sun.solar_term_date(year, "major-cold") == major_cold
    assert sun.parse_day(f"冬至:{year}") == (solstice, "winter-solstice")
    assert sun.parse_day(f"dahan:{year}") == (major_cold, "major-cold")


def test_true_solar_window_in_china_standard_time():
    """9:00–15:00 true solar time at 121.5° E on the solstice is 6 min (longitude) and ~1.7 min (equation of
    time) earlier on the clock: 8:52–14:52 CST; a window on the clock stays as it is. Samples sit in the middle of
    each step and add up to the window."""
    w = sun.sun_window(dt.date(2026, 12, 22), (540, 900), 121.5, 31.2, step_min=1.0, day_name="winter-solstice")
    c0, c1 = w.cst_window_min
    assert c0 == pytest.approx(540 - 6 - 1.7, abs=0.3)
    assert c1 - c0 == pytest.approx(360)
    assert w.hours == pytest.approx(6.0) and len(w.unix_s) == 360
    first = dt.datetime.fromtimestamp(w.unix_s[0], sun.CST)
    assert (first.hour, first.minute) == (8, 52)
    assert "true solar time" in w.describe() and "UTC+8" in w.describe() and "冬至" in w.describe()
    clock = sun.sun_window(dt.date(2026, 12, 22), (540, 900), 121.5, 31.2, basis="cst", step_min=7.0)
    assert clock.cst_window_min == (540, 900)
    assert clock.hours == pytest.approx(6.0)  # the last step is shortened to end with the window
    assert dt.datetime.fromtimestamp(clock.unix_s[0], sun.CST).time() == dt.time(9, 3, 30)
    # the morning sun is in the south-east, the afternoon sun in the south-west
    assert 90 < w.azimuth_deg[0] < 180 < w.azimuth_deg[-1] < 270


@pytest.mark.parametrize("text", ["2026-13-01", "tomorrow", "", "2026-12-22T09:00", "冬至:abc", "solstice:3000"])
def test_bad_days_are_one_line(text):
    with pytest.raises(sun.SunError) as err:
        sun.parse_day(text)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("text", "expected"), [("9:00-15:00", (540, 900)), ("8-16", (480, 960)),
                                                ("9:00–15:00", (540, 900)), ("9:30至15:15", (570, 915))])
def test_windows(text, expected):
    assert sun.parse_window(text) == expected


@pytest.mark.parametrize("text", ["15:00-9:00", "9-9", "9:00", "25-26", "9:75-15", "morning"])
def test_bad_windows_are_one_line(text):
    with pytest.raises(sun.SunError):
        sun.parse_window(text)


def test_true_north_on_the_scene_grid():
    """The scene is a transverse Mercator: true north leans from grid north by (λ − λ0)·sin φ (meridian
    convergence), under 1.3° across the region."""
    from ydtwin.geo.projection import SceneProjection

    proj = SceneProjection(lon_0=121.1, lat_0=30.8)
    for lon in (119.5, 121.1, 122.8):
        expected = -(lon - 121.1) * math.sin(math.radians(31.0))
        assert sun.true_north_on_grid_deg(proj, lon, 31.0) == pytest.approx(expected, abs=0.01)
    assert np.isfinite(sun.true_north_on_grid_deg(proj, 121.5, 31.2))
