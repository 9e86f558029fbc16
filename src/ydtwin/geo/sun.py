"""Where the sun is: NREL's Solar Position Algorithm (SPA, Reda & Andreas 2004, through pvlib's numpy
implementation), the days Chinese sunlight standards use (冬至 the winter solstice, 大寒 Major Cold) and the
sampling of a day's sunlight window in true solar time or in China Standard Time.

Times are China Standard Time (UTC+8, no daylight saving) unless said otherwise. Azimuths are degrees clockwise
from true north; elevations are apparent (with atmospheric refraction), as the shadows one sees.

Chinese standards count sunlight in a window of *true solar time* (真太阳时) on a reference day: 冬至日
9:00–15:00 or 大寒日 8:00–16:00, as each city's rules say. True solar time is clock time corrected for the
longitude (4 minutes per degree east of 120° E) and the equation of time, so 12:00 true solar time is the
moment the sun crosses the meridian.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CST", "CST_LABEL", "DAYS", "SolarPosition", "SunWindow", "parse_day", "parse_window",
    "solar_position", "solar_term_date", "sun_window", "true_north_on_grid_deg",
]

#: China Standard Time (UTC+8), the time every output is stated in
CST = dt.timezone(dt.timedelta(hours=8), "CST")
CST_LABEL = "China Standard Time (UTC+8)"
#: the meridian of China Standard Time (degrees east)
CST_MERIDIAN = 120.0

#: the reference days of the sunlight standards: name → (apparent solar longitude in degrees, month it falls in,
#: the Chinese name, the window (true solar time, minutes) the standards pair with it)
DAYS = {
    "winter-solstice": (270.0, 12, "冬至", (9 * 60, 15 * 60)),
    "major-cold": (300.0, 1, "大寒", (8 * 60, 16 * 60)),
}
_DAY_ALIASES = {"winter-solstice": "winter-solstice", "solstice": "winter-solstice", "冬至": "winter-solstice",
                "冬至日": "winter-solstice", "major-cold": "major-cold", "dahan": "major-cold", "大寒": "major-cold",
                "大寒日": "major-cold"}

# standard atmosphere for the refraction correction (SPA's own defaults)
PRESSURE_HPA = 1013.25
TEMPERATURE_C = 12.0
#: SPA's atmospheric refraction at sunrise/sunset (degrees)
REFRACTION_DEG = 0.5667


class SunError(ValueError):
    """A date or window that cannot be used (the message is one line for the user)."""


@dataclass(frozen=True)
class SolarPosition:
    """The sun at each of ``n`` instants, seen from one place."""

    zenith_deg: np.ndarray  # topocentric zenith angle, refraction included
    elevation_deg: np.ndarray  # 90 − zenith: apparent elevation above the horizon
    azimuth_deg: np.ndarray  # clockwise from true north
    equation_of_time_min: np.ndarray  # apparent minus mean solar time (minutes)


def _pvlib_spa():
    import pvlib.spa as spa  # imported on first use: pvlib brings pandas and scipy

    return spa


def solar_position(unix_s, lat: float, lon: float, *, elevation_m: float = 0.0, pressure_hpa: float = PRESSURE_HPA,
                   temperature_c: float = TEMPERATURE_C, delta_t_s: float | None = None) -> SolarPosition:
    """The sun at ``unix_s`` (seconds since 1970-01-01 UTC, any shape) from (``lat``, ``lon``) at ``elevation_m``:
    NREL SPA (uncertainty ±0.0003° from −2000 to 6000). ``delta_t_s`` (TT − UT1) defaults to the value pvlib
    estimates for the year."""
    spa = _pvlib_spa()
    t = np.atleast_1d(np.asarray(unix_s, dtype=np.float64))
    if delta_t_s is None:
        when = dt.datetime.fromtimestamp(float(t.flat[0]) if t.size else 0.0, dt.UTC)
        delta_t_s = float(np.asarray(spa.calculate_deltat(when.year, when.month)))
    zenith, _z0, elevation, _e0, azimuth, eot = spa.solar_position_numpy(
        t.ravel(), lat, lon, elevation_m, pressure_hpa, temperature_c, delta_t_s, REFRACTION_DEG, 1)
    shape = t.shape
    return SolarPosition(np.reshape(zenith, shape), np.reshape(elevation, shape), np.reshape(azimuth, shape),
                         np.reshape(eot, shape))


def _apparent_longitude(unix_s: np.ndarray) -> np.ndarray:
    """The sun's apparent geocentric longitude (degrees, 0–360) at ``unix_s``: the SPA's own steps."""
    spa = _pvlib_spa()
    when = dt.datetime.fromtimestamp(float(unix_s[0]), dt.UTC)
    delta_t = float(np.asarray(spa.calculate_deltat(when.year, when.month)))
    jd = spa.julian_day(unix_s)
    jde = spa.julian_ephemeris_day(jd, delta_t)
    jce = spa.julian_ephemeris_century(jde)
    jme = spa.julian_ephemeris_millennium(jce)
    theta = spa.geocentric_longitude(spa.heliocentric_longitude(jme))
    # nutation in longitude (≤ 17″) changes by about 1″ in a month: taken once, at the first instant (pvlib's
    # nutation takes one instant at a time)
    c = float(np.atleast_1d(jce)[0])
    out = np.zeros(2)
    spa.longitude_obliquity_nutation(c, float(spa.mean_elongation(c)), float(spa.mean_anomaly_sun(c)),
                                     float(spa.mean_anomaly_moon(c)), float(spa.moon_argument_latitude(c)),
                                     float(spa.moon_ascending_longitude(c)), out)
    delta_psi = float(out[0])
    tau = spa.aberration_correction(spa.heliocentric_radius_vector(jme))
    return np.mod(spa.apparent_sun_longitude(theta, delta_psi, tau), 360.0)


def solar_term_date(year: int, name: str) -> dt.date:
    """The day (in China Standard Time) of a solar term: ``winter-solstice`` (冬至, the sun at apparent
    longitude 270°, in December) or ``major-cold`` (大寒, 300°, in January) of ``year``."""
    longitude, month, _zh, _window = DAYS[name]
    start = dt.datetime(year, month, 1, tzinfo=CST)
    hours = np.arange(0, 31 * 24 + 1, dtype=np.float64)
    t = start.timestamp() + hours * 3600.0
    lam = _apparent_longitude(t)
    # unwrap around 0/360 and find the hour the longitude passes the term's
    lam = np.unwrap(np.radians(lam))
    target = math.radians(longitude)
    target += 2 * math.pi * round((lam[0] - target) / (2 * math.pi))
    k = int(np.searchsorted(lam, target))
    if not 0 < k < len(t):
        raise SunError(f"{name}: not found in {year}-{month:02d}")
    frac = (target - lam[k - 1]) / (lam[k] - lam[k - 1])
    instant = t[k - 1] + frac * 3600.0
    return dt.datetime.fromtimestamp(instant, CST).date()


def parse_day(text: str, *, today: dt.date | None = None) -> tuple[dt.date, str]:
    """A day from ``YYYY-MM-DD``, or a reference day by name — ``winter-solstice`` (冬至) or ``major-cold``
    (大寒), optionally ``:YEAR`` (default: this year's) → (the date, the name of the reference day or "").
    Anything else is one :class:`SunError` line."""
    raw = str(text).strip()
    name, _, year_text = raw.partition(":")
    key = _DAY_ALIASES.get(name.strip().lower())
    if key is not None:
        year = (today or dt.date.today()).year
        if year_text.strip():
            try:
                year = int(year_text)
            except ValueError:
                raise SunError(f"date {raw!r}: the year after ':' is not a number") from None
        if not 1900 <= year <= 2200:
            raise SunError(f"date {raw!r}: the year must be between 1900 and 2200")
        return solar_term_date(year, key), key
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise SunError(f"date {raw!r}: not a date (YYYY-MM-DD, or winter-solstice / 冬至, major-cold / 大寒, "
                       "optionally :YEAR)") from None
    if not 1900 <= day.year <= 2200:
        raise SunError(f"date {raw}: the year must be between 1900 and 2200")
    for key, (_lon, month, _zh, _window) in DAYS.items():  # a date that is a reference day is named as one
        if day.month == month and abs(day.day - 21) <= 2 and solar_term_date(day.year, key) == day:
            return day, key
    return day, ""


_TIME = r"(\d{1,2})(?::(\d{2}))?"


def parse_window(text: str) -> tuple[int, int]:
    """``H[:MM]-H[:MM]`` (a hyphen, en dash or 至/to between) → (start, end) in minutes after midnight. An
    inverted, empty or impossible window is one :class:`SunError` line."""
    raw = str(text).strip()
    m = re.fullmatch(rf"{_TIME}\s*(?:-|–|—|~|至|to)\s*{_TIME}", raw)
    if m is None:
        raise SunError(f"window {raw!r}: write it as start-end, e.g. 9:00-15:00")
    h0, m0, h1, m1 = (int(v) if v else 0 for v in m.groups())
    if h0 > 24 or h1 > 24 or m0 > 59 or m1 > 59 or h0 * 60 + m0 > 1440 or h1 * 60 + m1 > 1440:
        raise SunError(f"window {raw!r}: hours run from 0:00 to 24:00")
    start, end = h0 * 60 + m0, h1 * 60 + m1
    if end <= start:
        raise SunError(f"window {raw!r}: the end must come after the start")
    return start, end


def hhmm(minutes: float) -> str:
    """Minutes after midnight as H:MM (rounded to the minute)."""
    m = int(round(minutes))
    return f"{m // 60}:{m % 60:02d}"


@dataclass(frozen=True)
class SunWindow:
    """The sun positions a day's sunlight is counted at: one per step, at the middle of the step, each standing
    for ``weight_h`` hours."""

    day: dt.date
    day_name: str  # "winter-solstice", "major-cold" or ""
    window_min: tuple[int, int]  # as asked, minutes after midnight
    basis: str  # "true-solar" or "cst"
    step_min: float
    lon: float
    lat: float
    unix_s: np.ndarray  # (k,) the instants (UTC seconds)
    elevation_deg: np.ndarray
    azimuth_deg: np.ndarray  # from true north
    weight_h: np.ndarray  # hours each sample stands for
    #: the window in China Standard Time (minutes after midnight), the same as asked when ``basis`` is cst
    cst_window_min: tuple[float, float]

    @property
    def hours(self) -> float:
        return float(self.weight_h.sum())

    def describe(self) -> str:
        """The window in words, both clocks: '2026-12-22 (冬至 winter solstice), 9:00–15:00 true solar time
        (9:10–15:10 China Standard Time (UTC+8) at 121.50° E), sun every 1 min'."""
        name = ""
        if self.day_name:
            name = f" ({DAYS[self.day_name][2]} {self.day_name.replace('-', ' ')})"
        w0, w1 = self.window_min
        c0, c1 = self.cst_window_min
        step = f"{self.step_min:g} min"
        if self.basis == "true-solar":
            return (f"{self.day.isoformat()}{name}, {hhmm(w0)}–{hhmm(w1)} true solar time ({hhmm(c0)}–{hhmm(c1)} "
                    f"{CST_LABEL} at {self.lon:.2f}° E), sun every {step}")
        return f"{self.day.isoformat()}{name}, {hhmm(w0)}–{hhmm(w1)} {CST_LABEL}, sun every {step}"


def sun_window(day: dt.date, window_min: tuple[int, int], lon: float, lat: float, *, basis: str = "true-solar",
               step_min: float = 1.0, day_name: str = "", elevation_m: float = 0.0) -> SunWindow:
    """The sun over ``window_min`` (minutes after midnight, ``basis`` "true-solar" or "cst") on ``day`` at
    (``lon``, ``lat``), every ``step_min`` minutes (the last step shortened to end with the window)."""
    if basis not in ("true-solar", "cst"):
        raise SunError(f"time basis {basis!r}: true-solar or cst")
    if not 0.1 <= step_min <= 60:
        raise SunError(f"step {step_min:g} min: between 0.1 and 60 minutes")
    w0, w1 = window_min
    edges = np.arange(w0, w1, step_min, dtype=np.float64)
    edges = np.append(edges, float(w1))
    mid = (edges[:-1] + edges[1:]) / 2
    weight = np.diff(edges) / 60.0
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=CST).timestamp()
    offset_min = 0.0
    if basis == "true-solar":
        # true solar time = CST + 4 min per degree east of 120° E + the equation of time (taken at noon: it
        # changes by well under a minute over a day)
        noon = solar_position(np.array([midnight + 12 * 3600.0]), lat, lon, elevation_m=elevation_m)
        offset_min = 4.0 * (lon - CST_MERIDIAN) + float(noon.equation_of_time_min[0])
    t = midnight + (mid - offset_min) * 60.0
    pos = solar_position(t, lat, lon, elevation_m=elevation_m)
    return SunWindow(day, day_name, (int(w0), int(w1)), basis, float(step_min), float(lon), float(lat), t,
                     pos.elevation_deg, pos.azimuth_deg, weight, (w0 - offset_min, w1 - offset_min))


def true_north_on_grid_deg(projection, lon: float, lat: float) -> float:
    """Where true north points on the scene's grid at (lon, lat): degrees clockwise from grid north (+y). A true
    azimuth plus this is the azimuth on the scene's grid (within 1.3° of zero across the region)."""
    d = 1e-4
    x0, y0 = projection.to_scene(np.array([lon]), np.array([lat]))
    x1, y1 = projection.to_scene(np.array([lon]), np.array([lat + d]))
    return float(math.degrees(math.atan2(float(x1[0] - x0[0]), float(y1[0] - y0[0]))))
