"""``ydtwin analyse figures`` and ``ydtwin analyse heights-check``: the scenario's building figures per city,
district or drawn area, and the buildings above the height limits of plan zones (the workspace's ``figures`` and
``height_check``, as the window's Scenario figures panel and Height limits tool)."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_figures_parsers", "cmd_figures", "cmd_height_check"]


def add_figures_parsers(ansub, *, year, size, add_options) -> None:
    """The two subcommands under ``ydtwin analyse`` (``year``, ``size``: the parser's checked types;
    ``add_options(p)``: the layer, terrain and plugin options the scene is built with)."""
    fig = ansub.add_parser(
        "figures", help="building count, footprint, coverage, floor area and FAR per city, district or drawn area",
        description="Scenario figures of the buildings shown (--layer files, the landmarks, the procedural blocks "
        "unless --no-procedural, the --plan buildings), each counted in the unit that holds its centre. Floor area = "
        "footprint × storeys (the levels attribute, else height / --storey-height rounded, at least 1); coverage = "
        "footprint / area; FAR = floor area / area. Areas are equal-area (Albers on CGCS2000).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  ydtwin analyse figures --by district --out districts.csv\n"
               "  ydtwin analyse figures --area 120.60,31.295 120.645,31.295 120.645,31.33 120.60,31.33 "
               "--out gusu.csv\n  ydtwin analyse figures --layer fp.gpkg --plan towers.geojson --year 2030")
    fig.add_argument("--by", choices=("city", "district"), default="city", help="the units (default: city)")
    fig.add_argument("--area", action="append", nargs="+", default=[], metavar="LON,LAT",
                     help="a drawn area's points instead (three or more; repeat --area for several areas)")
    fig.add_argument("--out", default=None, metavar="FILE", help="write the table as .csv (else it is printed)")
    _image_options(fig, size, "the units filled by their floor area ratio", "the units shown")
    _common(fig, year)

    hc = ansub.add_parser(
        "heights-check", help="buildings above the height limit (max_height_m) of the plan zones they stand in",
        description="Every plan zone that carries max_height_m against the buildings shown (--layer files, the "
        "landmarks, the procedural blocks unless --no-procedural, the --plan buildings) whose footprint overlaps it: "
        "each one taller than the limit, with its height and excess. The same findings (kind height_limit) as the "
        "review rule builtins.height-limit in `ydtwin review check`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  ydtwin analyse heights-check --out violations.csv\n"
               "  ydtwin analyse heights-check --plan towers.geojson --year 2030 --out findings.json "
               "--image limits.png")
    hc.add_argument("--out", default=None, metavar="FILE",
                    help="violations.csv (a row per building) or findings.json (the review's findings)")
    _image_options(hc, size, "the zones, their limits and the parts above them", "the zone with the most violations")
    _common(hc, year)
    for p in (fig, hc):
        add_options(p)


def _image_options(p, size, what: str, default_view: str) -> None:
    p.add_argument("--image", default=None, metavar="FILE", help=f"also render {what} (.png, .jpg, .tif)")
    p.add_argument("--view", default=None, metavar="VIEW", help=f"what the image looks at (default: {default_view})")
    p.add_argument("--size", type=size, default=(1600, 1000), metavar="WxH", help="the image's pixels")
    p.add_argument("--map", action="store_true", help="the image as a plan view, north up")


def _check_image(args, inputs) -> None:
    from ydtwin.errors import YdtwinError
    from ydtwin.workspace.outputs import check_output

    if args.image:
        if not args.image.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff")):
            raise YdtwinError(f"{args.image}: unsupported image type — use .png, .jpg or .tif")
        check_output(args.image, inputs=inputs)


def _common(p, year) -> None:
    p.add_argument("--year", type=year, default=None, metavar="Y",
                   help="as of plan year Y: zones in force by Y, buildings with a completion year built by Y")
    p.add_argument("--plan", action="append", default=[], metavar="FILE",
                   help="planned buildings (footprints with heights, any format ydtwin reads; repeatable)")
    p.add_argument("--plan-crs", default=None, metavar="CRS", help="CRS of the --plan files when they do not say")
    p.add_argument("--no-procedural", action="store_true", help="leave the procedural city blocks out")


def _scene(args, *, offscreen: bool = False):
    """The workspace with --layer and --plan files (lines printed) → (workspace, plan layers)."""
    from ydtwin.cli.common import hide_procedural, open_plans, workspace_from_args

    ws = workspace_from_args(args, layers=True, offscreen=offscreen)
    if args.no_procedural:
        hide_procedural(ws)
    return ws, open_plans(ws, args)


def cmd_figures(args) -> int:
    from ydtwin.workspace.figures import FiguresRequest, figures_csv, figures_format, parse_area
    from ydtwin.workspace.outputs import check_output

    areas = [parse_area(points) for points in args.area]
    request = FiguresRequest(by="area" if areas else args.by, areas=areas, year=args.year,
                             storey_m=args.storey_height)
    inputs = [*args.layer, *args.plan, *args.dem]
    if args.out:
        figures_format(args.out)
        check_output(args.out, inputs=inputs)
    _check_image(args, inputs)
    ws, plans = _scene(args, offscreen=bool(args.image))
    result = ws.figures(request, plans=plans)
    if args.out:
        path = ws.write_figures(result, args.out)
        print(f"wrote {path} ({len(result.rows)} rows)")
    else:
        sys.stdout.write(figures_csv(result))
    if args.image:
        _figures_still(ws, result, args)
    return 0


def _figures_still(ws, result, args) -> None:
    """The units filled by their floor area ratio over the scene, looking at --view or at all of them."""
    import shapely

    from ydtwin.cli.common import render_still

    ws.show_figures(result)
    view = args.view
    if view is None:
        x0, y0, x1, y1 = shapely.union_all(result.geometries).bounds
        mx, my = (x1 - x0) * 0.1, (y1 - y0) * 0.1
        view = f"{x0 - mx:.6f},{y0 - my:.6f},{x1 + mx:.6f},{y1 + my:.6f}"
    r = result.request
    by = {"city": "city", "district": "district", "area": "drawn area"}[r.by]
    when = f" in {r.year}" if r.year is not None else ""
    render_still(ws, ws.check_view(view), args, title=f"容积率 Floor area ratio by {by}{when}",
                 caption=f"FAR = floor area / the {by}'s area; floor area = footprint × storeys (height / "
                 f"{r.storey_m:g} m)")


def _still(ws, result, args) -> None:
    """The zones, their limits and the parts above them over the scene, looking at --view or the zone with the most
    violations."""
    from ydtwin.cli.common import render_still
    from ydtwin.errors import YdtwinError

    ws.show_height_check(result)
    view = args.view
    n = len(result.violations)
    caption = f"{n} building{'s' if n != 1 else ''} above a zone's limit (red: the part above it)"
    if view is None:
        if not result.zones:
            raise YdtwinError("--image: no plan zone carries a height limit to look at")
        counts = {z.id: sum(v.zone.id == z.id for v in result.violations) for z in result.zones}
        zone = max(result.zones, key=lambda z: (counts[z.id], z.id))
        x0, y0, x1, y1 = zone.geometry.bounds
        mx, my = (x1 - x0) * 0.15, (y1 - y0) * 0.15
        view = f"{x0 - mx:.6f},{y0 - my:.6f},{x1 + mx:.6f},{y1 + my:.6f}"
        n = counts[zone.id]
        caption = (f"{zone.title}: {n} building{'s' if n != 1 else ''} above its {zone.limit_m:g} m limit (red: the "
                   "part above it)")
    render_still(ws, ws.check_view(view), args, title="限高 Height limits", caption=caption)


def cmd_height_check(args) -> int:
    from ydtwin.workspace.height_limits import height_check_format
    from ydtwin.workspace.outputs import check_output

    inputs = [*args.layer, *args.plan, *args.dem]
    if args.out:
        height_check_format(args.out)
        check_output(args.out, inputs=inputs)
    _check_image(args, inputs)
    ws, plans = _scene(args, offscreen=bool(args.image))
    result = ws.height_check(year=args.year, plans=plans)
    for line in result.summary():
        print(line)
    for f in result.findings:
        print(f"  {f.severity}: {f.message}")
    if args.out:
        path = ws.write_height_check(result, args.out)
        print(f"wrote {path} ({len(result.violations)} buildings above a limit, {len(result.findings)} findings)")
    if args.image:
        _still(ws, result, args)
    return 0
