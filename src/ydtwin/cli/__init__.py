"""The ``ydtwin`` command line: thin commands over the workspace (``ydtwin.workspace``).

Each command translates its arguments into workspace calls and prints what came back; heavy modules (Qt,
VTK) are imported only by the command that needs them. Errors the user can fix are one line, exit 2.
"""

from __future__ import annotations

import sys
import textwrap

from ydtwin.cli.parser import build_parser
from ydtwin.errors import YdtwinError

__all__ = ["EXIT_USER_ERROR", "build_parser", "main"]

EXIT_USER_ERROR = 2


def _handlers() -> dict:
    from ydtwin.cli import analyse, app, basemap, exchange, export, info, plugins, review, tiles

    return {"app": app.cmd_app, "snapshot": export.cmd_snapshot, "info": info.cmd_info,
            "plugins": plugins.cmd_plugins, "review": review.cmd_review, "flythrough": export.cmd_flythrough,
            "path": export.cmd_path, "basemap": basemap.cmd_basemap,
            "analyse": analyse.cmd_analyse, "tiles": tiles.cmd_tiles, "export": exchange.cmd_export}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "app"
    try:
        return _handlers()[command](args)
    except YdtwinError as exc:
        if args.debug:
            raise
        print(f"ydtwin: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last line of defence: one line, not a traceback
        if args.debug:
            raise
        msg = textwrap.shorten(f"{type(exc).__name__}: {exc}", 300)
        print(f"ydtwin: unexpected error: {msg} (run with --debug for details)", file=sys.stderr)
        return 1
