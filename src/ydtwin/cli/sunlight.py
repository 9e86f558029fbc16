"""``ydtwin analyse sunlight``: hours of direct sun on a day over an area, before and after a plan."""

from __future__ import annotations

__all__ = ["cmd_sunlight"]


def _area(text: str) -> tuple[float, float, float, float]:
    from ydtwin.errors import YdtwinError

    try:
        lon0, lat0, lon1, lat1 = (float(v) for v in text.split(","))
    except ValueError:
        raise YdtwinError(f"--area {text}: a box is lon_min,lat_min,lon_max,lat_max (four numbers)") from None
    return lon0, lat0, lon1, lat1


def _still(ws, result, args) -> None:
    """The result over the scene as an image: the area from the south-south-west, or a plan view with --map."""
    from ydtwin.cli.common import render_still

    ws.show_sunlight(result)
    lon0, lat0, lon1, lat1 = result.request.area
    w = result.window
    render_still(ws, f"{lon0:.6f},{lat0:.6f},{lon1:.6f},{lat1:.6f}", args, title=f"日照 Sunlight {w.day.isoformat()}",
                 caption=w.describe())


def cmd_sunlight(args) -> int:
    from ydtwin.cli.common import hide_procedural, open_plans, workspace_from_args
    from ydtwin.workspace.outputs import check_output
    from ydtwin.workspace.sunlight import SunlightRequest, check_area, sun_window_for
    from ydtwin.workspace.sunlight_output import sunlight_format

    request = SunlightRequest(
        area=_area(args.area), date=args.date, window=args.window, basis="cst" if args.clock_time else "true-solar",
        step_min=args.step, spacing_m=args.spacing, height_m=args.height, facades=args.facades,
        facade_spacing_m=args.facade_spacing, facade_floors=args.floors, storey_m=args.storey_height,
        min_hours=args.min_hours, min_run_min=args.min_run)
    # everything that can be checked before the scene is built: the output, the day and window
    if args.out:
        sunlight_format(args.out)
        check_output(args.out, inputs=[*args.layer, *args.plan, *args.dem])
    if args.image:
        from ydtwin.errors import YdtwinError

        if not args.image.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff")):
            raise YdtwinError(f"{args.image}: unsupported image type — use .png, .jpg or .tif")
        check_output(args.image, inputs=[*args.layer, *args.plan, *args.dem])
    sun_window_for(request, (request.area[0] + request.area[2]) / 2, (request.area[1] + request.area[3]) / 2)
    ws = workspace_from_args(args, layers=True, offscreen=bool(args.image))  # --dem and --layer files, lines printed
    check_area(request.area, ws.scene.region.bbox)
    if args.no_procedural:
        hide_procedural(ws)
    plans = open_plans(ws, args)
    result = ws.sunlight(request, plans=plans)
    for line in result.summary():
        print(line)
    if args.out:
        path = ws.write_sunlight(result, args.out)
        print(f"wrote {path} ({len(result):,} points; times in China Standard Time (UTC+8), WGS84 lon/lat)")
    if args.image:
        _still(ws, result, args)
    return 0
