"""A profile as a chart (matplotlib, no Qt): elevation against distance — the terrain, the buildings crossed as
bars from their ground to their roof, the followed corridor, the corridors crossed — and the corridor's grade
below it. The same drawing goes to a PNG (``profile_rgb``, Agg) and into the window's Profile dock (its canvas
draws the figure :func:`draw_profile` fills)."""

from __future__ import annotations

import textwrap

import numpy as np

from ydtwin.geo.profile import Profile

__all__ = ["LABELS", "draw_profile", "profile_rgb"]

#: the chart's words (a front end passes translations with the same keys)
LABELS = {
    "distance": "Distance along the line (km)",
    "elevation": "Elevation (m above sea level)",
    "grade": "Grade (%)",
    "terrain": "Terrain",
    "buildings": "Buildings (ground to roof)",
    "corridor_given": "Corridor (heights from the plan)",
    "corridor_terrain": "Corridor (no heights in the plan: on the terrain)",
    "crossing": "Corridor crossed",
    "sea_level": "Sea level",
    "steepest": "steepest {grade} at {at} km",
    "summary": "{length} km · samples every {step} m at most · terrain: {source}",
    "vertical": "vertical scale exaggerated",
    "declared": "declared at its border: {grade}",
}

TERRAIN_FILL = "#d8c8a0"
TERRAIN_EDGE = "#7a5c2e"
BUILDING = "#7f8a99"
CORRIDOR = "#c0392b"
CROSSING = "#6a3d9a"
SEA = "#2f78c4"


def _fonts(texts) -> list[str]:
    """Font families for the chart: DejaVu Sans, with a font that draws Chinese after it when a text needs one."""
    families = ["DejaVu Sans"]
    if any(any(ord(ch) >= 0x2E80 for ch in str(t)) for t in texts):
        from matplotlib import font_manager

        from ydtwin.render.fonts import cjk_font

        path = cjk_font()
        if path:
            font_manager.fontManager.addfont(path)
            families.append(font_manager.FontProperties(fname=path).get_name())
    return families


def draw_profile(fig, profile: Profile, *, labels: dict | None = None, title: str | None = None) -> None:
    """Fill the matplotlib Figure ``fig`` with the profile's chart (cleared first)."""
    import matplotlib

    words = {**LABELS, **(labels or {})}
    title = profile.title if title is None else title
    with matplotlib.rc_context({"font.family": _fonts([*words.values(), title]), "font.size": 10}):
        _draw(fig, profile, words, title)


def _draw(fig, p: Profile, words: dict, title: str) -> None:
    fig.clear()
    fig.set_layout_engine("constrained")  # room for the titles and labels at any size (the dock's, a PNG's)
    with_grade = p.grade_pct is not None and np.isfinite(p.grade_pct).any()
    if with_grade:
        ax, gx = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    else:
        ax, gx = fig.subplots(1, 1), None
    km = p.distance_m / 1000.0
    terrain = p.terrain_m
    tops = [terrain[np.isfinite(terrain)]]
    tops += [np.array([b.roof_m for b in p.buildings])] if p.buildings else []
    if p.corridor_m is not None:
        tops.append(p.corridor_m[np.isfinite(p.corridor_m)])
    tops.append(np.array([c.elevation_m for c in p.crossings]))
    values = np.concatenate([t for t in tops if len(t)]) if any(len(t) for t in tops) else np.zeros(1)
    lo, hi = min(float(values.min()), 0.0), float(values.max())
    pad = max((hi - lo) * 0.08, 2.0)
    floor = lo - pad
    ax.fill_between(km, floor, np.where(np.isfinite(terrain), terrain, floor), color=TERRAIN_FILL, lw=0,
                    zorder=1)
    ax.plot(km, terrain, color=TERRAIN_EDGE, lw=1.2, label=words["terrain"], zorder=3)
    if lo < 0 < hi or float(np.nanmin(terrain)) < 0:
        ax.axhline(0.0, color=SEA, lw=0.9, ls="--", label=f"{words['sea_level']} 0 m", zorder=2)
    if p.buildings:
        left = np.array([b.start_m for b in p.buildings]) / 1000.0
        width = np.maximum(np.array([b.end_m - b.start_m for b in p.buildings]) / 1000.0, (km[-1] - km[0]) / 2000)
        ground = np.array([b.ground_m for b in p.buildings])
        ax.bar(left, np.array([b.roof_m for b in p.buildings]) - ground, width=width, bottom=ground, align="edge",
               color=BUILDING, edgecolor="#4d5560", lw=0.4, label=words["buildings"], zorder=4)
        top = max(p.buildings, key=lambda b: b.roof_m)
        if top.name:
            ax.annotate(f"{top.name} {top.roof_m:,.0f} m", ((top.start_m + top.end_m) / 2000, top.roof_m),
                        xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8, zorder=6)
    if p.corridor_m is not None:
        key = "corridor_given" if p.corridor_heights == "given" else "corridor_terrain"
        ax.plot(km, p.corridor_m, color=CORRIDOR, lw=2.0, label=words[key], zorder=5)
    span = max(km[-1] - km[0], 1e-9)
    groups: list[list] = []  # crossings close together (a junction of several lines) share one label
    for n, c in enumerate(p.crossings):
        x = c.distance_m / 1000.0
        ax.plot([x, x], [floor, c.elevation_m], color=CROSSING, lw=0.9, ls=":", zorder=5)
        ax.plot([x], [c.elevation_m], "v", color=CROSSING, ms=6, zorder=6,
                label=words["crossing"] if n == 0 else None)
        if groups and x - groups[-1][0][0] < span * 0.015:
            groups[-1].append((x, c))
        else:
            groups.append([(x, c)])
    for group in groups:
        x, c = group[0]
        names = list(dict.fromkeys(g[1].id.split(".", 1)[-1] for g in group))
        text = ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else "")
        right = (x - km[0]) > span * 0.9  # near the right edge: the label goes left of its mark
        top = max(g[1].elevation_m for g in group)
        ax.annotate(text, (x, top), xytext=(-3 if right else 3, 6), textcoords="offset points",
                    rotation=-60 if right else 60, fontsize=7.5, color=CROSSING, ha="right" if right else "left",
                    zorder=6, rotation_mode="anchor")
    ax.set_ylim(floor, hi + pad * (2.5 if p.crossings else 1.5))
    ax.set_xlim(km[0], km[-1])
    ax.set_ylabel(words["elevation"])
    ax.grid(True, color="#d0d0d0", lw=0.5, zorder=0)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    summary = words["summary"].format(length=f"{p.length_m / 1000:,.2f}", step=f"{p.step_m:g}",
                                      source=_short(p.terrain_source))
    extra = [words["vertical"]]
    if p.declared_grade:
        extra.append(words["declared"].format(grade=p.declared_grade.replace("_", " ")))
    fig.suptitle(title, fontsize=12, fontweight="bold", x=0.01, ha="left")
    width = max(int(fig.get_figwidth() * 72 / 5.2), 40)  # characters of 8.5 pt text across the axes
    ax.set_title(textwrap.fill(f"{summary} · {' · '.join(extra)}", width), fontsize=8.5, loc="left",
                 color="#444444")
    if gx is None:
        ax.set_xlabel(words["distance"])
    else:
        g = p.grade_pct
        gx.stairs(np.nan_to_num(g), km, color=CORRIDOR, lw=1.2, baseline=0.0, fill=True, alpha=0.35)
        gx.stairs(np.nan_to_num(g), km, color=CORRIDOR, lw=1.0)
        gx.axhline(0.0, color="#555555", lw=0.6)
        worst = p.max_grade()
        if worst is not None:
            gx.annotate(words["steepest"].format(grade=f"{worst[0]:+.2f} %", at=f"{worst[1] / 1000:,.2f}"),
                        (worst[1] / 1000.0, worst[0]), xytext=(6, 0), textcoords="offset points", fontsize=8,
                        va="center", color="#222222")
        m = max(float(np.nanmax(np.abs(g))), 0.5)
        gx.set_ylim(-m * 1.3, m * 1.3)
        gx.set_ylabel(words["grade"])
        gx.set_xlabel(words["distance"])
        gx.grid(True, color="#d0d0d0", lw=0.5)


def _short(source: str, limit: int = 70) -> str:
    return source if len(source) <= limit else source[: limit - 1] + "…"


def profile_rgb(profile: Profile, *, size: tuple[int, int] = (1600, 900), labels: dict | None = None,
                title: str | None = None) -> np.ndarray:
    """The chart as an (h, w, 3) uint8 image of ``size`` pixels (Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    dpi = 150
    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    draw_profile(fig, profile, labels=labels, title=title)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()
