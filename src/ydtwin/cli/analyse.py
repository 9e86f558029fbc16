"""``ydtwin analyse inundation``: the sea-level / storm-surge scenario's flooded area per city, as a table."""

from __future__ import annotations

import sys

__all__ = ["cmd_analyse"]


def cmd_analyse(args) -> int:
    if args.analyse_command in ("measure", "profile"):
        from ydtwin.cli import measure

        return measure.cmd_measure(args) if args.analyse_command == "measure" else measure.cmd_profile(args)
    if args.analyse_command == "heights":
        from ydtwin.cli.heights import cmd_heights

        return cmd_heights(args)
    if args.analyse_command in ("figures", "heights-check"):
        from ydtwin.cli import figures

        return figures.cmd_figures(args) if args.analyse_command == "figures" else figures.cmd_height_check(args)
    if args.analyse_command in ("viewshed", "sightline"):
        from ydtwin.cli import viewshed

        return viewshed.cmd_viewshed(args) if args.analyse_command == "viewshed" else viewshed.cmd_sightline(args)
    if args.analyse_command == "sunlight":
        from ydtwin.cli.sunlight import cmd_sunlight

        return cmd_sunlight(args)
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.workspace.outputs import check_output
    from ydtwin.workspace.terrain import check_level, table_format, table_text, write_table

    level = check_level(args.level)
    if args.out:
        table_format(args.out)
        check_output(args.out, inputs=args.dem)
    ws = workspace_from_args(args, layers=False)  # with the --dem files
    result = ws.inundation(level, connectivity=args.connectivity)
    if args.out:
        path = write_table(result, args.out)
        print(f"wrote {path} (sea level {result.level_m:+g} m, {result.total_km2:,.1f} km² of land flooded)")
    else:
        sys.stdout.write(table_text(result))
    return 0
