"""``ydtwin export plans|findings|scene``: standard formats for other tools, over the workspace."""

from __future__ import annotations

from ydtwin.workspace.outputs import check_output

__all__ = ["cmd_export"]


def cmd_export(args) -> int:
    return {"plans": _plans, "findings": _findings, "scene": _scene}[args.export_command](args)


def _plans(args) -> int:
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.io.exchange import vector_format

    vector_format(args.out)  # said before the region is loaded
    out = check_output(args.out)
    ws = workspace_from_args(args, layers=False)
    print(ws.export_plans(out, year=args.year).summary())
    return 0


def _findings(args) -> int:
    from pathlib import Path

    from ydtwin.io.exchange import vector_format
    from ydtwin.workspace import Workspace

    vector_format(args.out)
    source = Path(args.source)
    out = check_output(args.out, inputs=(source, Path(f"{source}.journal")))
    ws = Workspace.open(args.region, boundaries=args.boundaries, plugin_names=[])
    print(ws.export_findings(out, source=source).summary())
    return 0


def _scene(args) -> int:
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.workspace.exchange import model_format, parse_box

    model_format(args.out)
    box = parse_box(args.box)
    out = check_output(args.out, inputs=args.layer)
    ws = workspace_from_args(args)
    print(ws.export_scene(out, box, terrain=not args.no_terrain, plans=not args.no_plans).summary())
    return 0
