"""``ydtwin info``: what a geodata file holds."""

from __future__ import annotations

import sys

from ydtwin.errors import YdtwinError

__all__ = ["cmd_info"]


def cmd_info(args) -> int:
    from ydtwin.cli import EXIT_USER_ERROR
    from ydtwin.io.info import describe

    status = 0
    for i, path in enumerate(args.paths):
        try:
            result = describe(path)
        except YdtwinError as exc:
            print(f"ydtwin: {exc}", file=sys.stderr)
            status = EXIT_USER_ERROR
            continue
        if i:
            print()
        print("\n".join(result.lines()))
    return status
