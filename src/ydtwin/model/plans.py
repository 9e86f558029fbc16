"""Planned projects under review: one layer per plan plugin, styled by theme and status.

A ``PlansLayer`` is vector data (WGS84) whose attributes describe each project: ``id``, ``title``,
``title_zh``, ``theme``, ``kind`` (corridor class, zone kind or ``facility``), ``status``, ``start``,
``end`` (phase years), ``owner``, ``capacity``, ``grade``, ``city`` and ``plugin``, and optionally
``accuracy_m``: the positional accuracy its plan states (metres, at 95 % confidence; None where the plan states
none, and then ``DEFAULT_ACCURACY_M`` is assumed) and ``max_height_m``: a zone's height limit (metres; None where it
sets none). Colours come from the
themes the plugins contribute; the status shades them (planned: pale, under construction: the theme
colour, built: dark), the same in the scene and in every legend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ydtwin.model.layer import VectorData, VectorLayer

__all__ = ["DEFAULT_ACCURACY_M", "PLAN_FIELDS", "STATUS_SHADES", "PlansLayer", "ThemeStyle", "hex_to_rgb",
           "status_colour"]

PLAN_FIELDS = ("id", "title", "title_zh", "theme", "kind", "status", "start", "end", "owner", "capacity",
               "grade", "city", "plugin")

#: the positional accuracy (m, 95 % confidence) assumed for a plan that states none: about what a plan drawn on
#: 1:10,000 base mapping holds (0.5 mm on such a map is 5 m on the ground)
DEFAULT_ACCURACY_M = 10.0

#: how a status shades the theme colour: (mix with white, darken)
STATUS_SHADES = {"planned": (0.5, 1.0), "under_construction": (0.0, 1.0), "built": (0.0, 0.62)}
STATUS_TITLES = {"planned": "planned", "under_construction": "under construction", "built": "built"}


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    c = colour.lstrip("#")
    return tuple(int(c[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def status_colour(rgb: tuple[float, float, float], status: str) -> tuple[float, float, float]:
    white, dark = STATUS_SHADES.get(status, (0.0, 1.0))
    r = np.asarray(rgb, dtype=float)
    r = (r * (1 - white) + white) * dark
    return tuple(float(v) for v in np.clip(r, 0, 1))  # type: ignore[return-value]


@dataclass(frozen=True)
class ThemeStyle:
    id: str
    title: str
    title_zh: str
    rgb: tuple[float, float, float]


class PlansLayer(VectorLayer):
    """One plugin's planned projects."""

    kind = "plans"

    def __init__(self, name: str, data: VectorData, *, themes: dict[str, ThemeStyle], plugin: str,
                 city: str = "", name_zh: str = "", **kwargs) -> None:
        missing = [f for f in PLAN_FIELDS if f not in data.attributes]
        if missing:
            raise ValueError(f"plans layer {name!r} lacks the attributes {missing}")
        kwargs.setdefault("group", "Plans")
        super().__init__(name, data, **kwargs)
        self.themes = dict(themes)
        self.plugin = plugin
        self.city = city
        #: the name in Chinese (the plugin's), shown when the interface is Chinese
        self.name_zh = name_zh

    def status_at(self, year: int | None) -> np.ndarray:
        """Each project's status in ``year``: built once open (end ≤ year), under construction from its start,
        planned before; ``None``: the status the plugin gives."""
        status = self.data.attributes["status"].astype(str)
        if year is None:
            return status
        start, end = self.data.attributes["start"].astype(int), self.data.attributes["end"].astype(int)
        return np.where(end <= year, "built", np.where(start <= year, "under_construction", "planned"))

    def colours(self, year: int | None = None) -> np.ndarray:
        """(n, 3) RGB per project: its theme's colour shaded by its status (in ``year`` when given; grey for
        an unknown theme)."""
        out = np.empty((len(self.data), 3))
        theme = self.data.attributes["theme"]
        status = self.status_at(year)
        for i in range(len(self.data)):
            style = self.themes.get(str(theme[i]))
            out[i] = status_colour(style.rgb if style else (0.6, 0.6, 0.6), str(status[i]))
        return out

    def legend_entries(self, chinese: bool = False) -> list[tuple[str, tuple[float, float, float]]]:
        """(label, colour) for the themes present, in the theme colour (Chinese titles when asked and known)."""
        themes = list(dict.fromkeys(str(t) for t in self.data.attributes["theme"]))
        entries = []
        for t in themes:
            style = self.themes.get(t)
            title = (style.title_zh or style.title) if style and chinese else (style.title if style else t)
            entries.append((title, style.rgb if style else (0.6, 0.6, 0.6)))
        return entries
