"""``ydtwin review check|new|report``: the joint review from the command line, over the workspace."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from ydtwin.workspace.outputs import check_output

__all__ = ["cmd_review"]


def cmd_review(args) -> int:
    return {"check": _check, "new": _new, "report": _report}[args.review_command](args)


def _problems(result) -> None:
    for line in result.problems:  # a failing code rule: one line each (the log has the traceback)
        print(f"ydtwin: {line}", file=sys.stderr)


def _check(args) -> int:
    from ydtwin.atomic import write_text
    from ydtwin.cli.common import workspace_from_args

    out = check_output(args.out, inputs=args.layer)  # before the review runs
    ws = workspace_from_args(args)  # with the --layer footprints: the height limits check them too
    result = ws.run_review(year=args.year)
    _problems(result)
    doc = {**result.scenario(ws.scene.region.id), "findings": [f.to_json() for f in result.findings]}
    out = write_text(out, json.dumps(doc, ensure_ascii=False, indent=1))
    counts = Counter(f.kind for f in result.findings)
    act = len(result.reported())
    print(f"wrote {out}: {len(result.findings)} findings over {len(result.plans)} plan layers — {act} to act on, "
          f"{len(result.findings) - act} links found connected ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    return 0


def _new(args) -> int:
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.workspace.outputs import check_new_session

    path = check_new_session(args.session)  # said before the region is loaded and the review runs
    ws = workspace_from_args(args)
    session, result = ws.new_session(path, title=args.title, year=args.year, include_connected=args.include_connected)
    _problems(result)
    print(f"wrote {path}: {len(session.findings)} findings, all open"
          + ("" if args.include_connected else f" ({len(result.findings) - len(result.reported())} links found "
             "connected left out: --include-connected keeps them)"))
    return 0


def _report(args) -> int:
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.review.session import Session
    from ydtwin.workspace.review import report_format

    fmt = report_format(args.out, args.format)
    session_path = Path(args.session)
    check_output(args.out, inputs=(session_path, Path(f"{session_path}.journal")))
    session = Session.open(session_path, read_only=True)
    session.recover()  # a report shows every edit, saved or still in the journal
    torn = session.torn_message()
    if torn:  # a crash cut the journal's last record: the report holds what was kept, and says so here
        print(f"ydtwin: warning: {torn}", file=sys.stderr)
    ws = workspace_from_args(args, offscreen=True)
    if args.figures:
        from ydtwin.workspace.figures import FiguresRequest

        year = session.scenario.get("year") if isinstance(session.scenario, dict) else None
        ws.report_figures = [ws.figures(FiguresRequest(by=by, year=year)) for by in dict.fromkeys(args.figures)]
    out = ws.write_report(args.out, session=session, fmt=fmt, size=args.size)
    extra = ""
    if fmt == "csv":  # the other tables beside it
        from ydtwin.workspace.exchange import report_csv_paths

        extra = "; beside it: " + ", ".join(p.name for p in report_csv_paths(out, ws.report_figures)[1:])
    print(f"wrote {out} ({len(session.findings)} findings, {fmt}){extra}")
    return 0
