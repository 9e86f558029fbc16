"""``ydtwin analyse measure`` and ``ydtwin analyse profile``: distances, areas and heights between points, and the
profile of the terrain, buildings and corridors along a line or a planned corridor (the workspace's ``measure``
and ``profile``, as the window's Measure and Profile tools)."""

from __future__ import annotations

import argparse

__all__ = ["add_measure_parsers", "cmd_measure", "cmd_profile"]


def add_measure_parsers(ansub, *, number, add_options) -> None:
    """The two subcommands under ``ydtwin analyse`` (``number``: the parser's checked-number type;
    ``add_options(p)``: the layer, terrain and plugin options the scene is built with)."""
    me = ansub.add_parser(
        "measure", help="distance (geodesic and 3D), area or height difference between points",
        description="Measure between points given as LON,LAT or LON,LAT,HEIGHT (WGS84 degrees, metres above the "
        "DEM's datum; a point without a height stands on the terrain). Lengths and areas are geodesic on the "
        "CGCS2000 ellipsoid; the figures carry the decimals the typed coordinates support (half a unit of their "
        "last decimal), or --uncertainty.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  ydtwin analyse measure --points 121.4737,31.2304 120.5853,31.2990\n"
               "  ydtwin analyse measure --area --points 120.6,31.3 120.62,31.3 120.62,31.32 120.6,31.32\n"
               "  ydtwin analyse measure --height --points 121.50105,31.23550,632 121.50555,31.23673,492")
    me.add_argument("--points", nargs="+", required=True, metavar="LON,LAT[,H]", help="two points or more")
    kind = me.add_mutually_exclusive_group()
    kind.add_argument("--area", dest="kind", action="store_const", const="area",
                      help="the area of the polygon through the points (three or more)")
    kind.add_argument("--height", dest="kind", action="store_const", const="height",
                      help="heights and the height difference (one point or more)")
    me.set_defaults(kind="distance")
    me.add_argument("--uncertainty", type=number(float, 0.001, 100_000.0, " m"), default=None, metavar="M",
                    help="how far the points may be off (m); default: from the decimals typed")
    me.add_argument("--dem", action="append", default=[], metavar="FILE",
                    help="a DEM (GeoTIFF or NetCDF) over the bundled terrain for the points' heights (repeatable)")

    pr = ansub.add_parser(
        "profile", help="terrain, buildings and corridors along a line or a planned corridor (PNG chart or CSV)",
        description="The terrain (an imported DEM's own resolution where --dem gives one), the buildings the line "
        "passes through (ground to roof) and the planned corridors it crosses, by geodesic distance along it; "
        "along a corridor also its elevation (its own heights where the plan gives them, else the terrain's) and "
        "its grade per segment. Written as a chart (.png) or the samples (.csv).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  ydtwin analyse profile --line 121.45,31.20 121.55,31.26 --step 20 --out lujiazui.png\n"
               "  ydtwin analyse profile --corridor suzhou.hsr --out hsr.csv")
    where = pr.add_mutually_exclusive_group(required=True)
    where.add_argument("--line", nargs="+", metavar="LON,LAT", help="the line's vertices (two or more)")
    where.add_argument("--corridor", metavar="ID", help="a planned corridor's id or title (e.g. suzhou.hsr)")
    pr.add_argument("--step", type=number(float, 1.0, 10_000.0, " m"), default=50.0, metavar="M",
                    help="samples at most M metres apart (default 50)")
    pr.add_argument("--out", default=None, metavar="FILE", help="profile.png (a chart) or profile.csv (the samples)")
    add_options(pr)


def cmd_measure(args) -> int:
    from dataclasses import replace

    from ydtwin.cli.common import workspace_from_args
    from ydtwin.geo.measurement import ROW_LABELS
    from ydtwin.workspace.measure import parse_points

    points = parse_points(args.points)  # before the region is read: a typo is one line at once
    if args.uncertainty is not None:
        points = [replace(p, uncertainty_m=args.uncertainty) for p in points]
    ws = workspace_from_args(args, layers=False)
    result = ws.measure(points, args.kind)
    for k, p in enumerate(result.points, 1):
        h = "—" if p.height is None else f"{p.height:,.{_decimals(p.height_step)}f} m"
        print(f"point {k}: {p.lon:.6f} E {p.lat:.6f} N, {h} ({_SOURCE.get(p.source, p.source)})")
    for key, value in result.rows():
        print(f"{ROW_LABELS.get(key, key)}: {value}")
    return 0


_SOURCE = {"typed": "height given", "terrain": "height from the terrain", "water": "on the water",
           "unknown": "no height here", "roof": "roof", "vertex": "footprint corner, at its roof"}


def _decimals(step: float) -> int:
    return 0 if step >= 1 else len(f"{step:g}".split(".")[1])


def cmd_profile(args) -> int:
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.workspace.measure import parse_points, profile_format, profile_text
    from ydtwin.workspace.outputs import check_output

    line = None
    if args.line is not None:
        line = [(p.lon, p.lat) for p in parse_points(args.line)]
    if args.out:
        profile_format(args.out)
        check_output(args.out, inputs=[*args.dem, *args.layer])  # before any work
    ws = workspace_from_args(args)
    result = ws.profile(line=line, corridor=args.corridor, step_m=args.step)
    print(profile_text(result), end="")
    if args.out:
        print(f"wrote {ws.write_profile(result, args.out)}")
    return 0
