#!/usr/bin/env python3
"""Plugin discovery: 50 plugins found without importing their code, vs a discovery that imports each.

Writes 50 plugin folders to a temporary directory (each: a manifest with a project, a reader and a panel
contribution, its GeoJSON, and a small code module that imports numpy and shapely as real plugins do), then
prints one JSON object: median seconds of ydtwin's discovery (TOML + schema + semantic checks, no code
imported) and of the baseline — the same discovery followed by importing each plugin's module, as a loader
that resolves entry points at start-up would — with the ratio. Each timing runs in a fresh process, so
imports are not cached between runs; importing ydtwin itself (pydantic models) is outside both timings.

    python benchmarks/plugins.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "plugins"))

from test_engine import PROJECT, READER, make_plugin  # noqa: E402

PANEL = """
[[contributions.panels]]
id = "SHORT.panel"
title = "Panel"
python = "MODULE:panel"
"""

CODE = """
import numpy as np
import shapely
import json, csv, statistics, decimal, fractions, email.parser, xml.dom.minidom


def read(path):
    return None


def panel(api):
    return None
"""

PROBE = """
import sys, time, importlib
sys.path[:0] = {paths!r}
from ydtwin.plugins.discovery import discover
t0 = time.perf_counter()
found = discover(extra=[{root!r}], builtin=False, repo=False, user=False, entry_points=False)
assert len(found) == 50 and all(d.ok for d in found), [d.error for d in found if not d.ok]
if {imports}:
    for d in found:
        ref = d.manifest.contributions.readers[0].python
        sys.path.insert(0, str(d.path))
        importlib.import_module(ref.split(":")[0])
seconds = time.perf_counter() - t0
leaked = [m for m in sys.modules if m.startswith("bench_plugin_mod_")]
print(seconds, len(leaked))
"""


def run(root: Path, imports: bool) -> tuple[float, int]:
    code = PROBE.format(paths=[str(ROOT / "src")], root=str(root), imports=imports)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "plugins"
        for i in range(50):
            module = f"bench_plugin_mod_{i}"
            make_plugin(root, f"ydtwin-b{i:02d}", PROJECT + READER.replace("MODULE", module)
                        + PANEL.replace("MODULE", module), files={f"{module}.py": CODE})
        ours, baseline = [], []
        leaked = 0
        for _ in range(args.repeat):
            s, n = run(root, False)
            ours.append(s)
            leaked = max(leaked, n)
            baseline.append(run(root, True)[0])
    result = {
        "plugins": 50,
        "discover_s": round(statistics.median(ours), 4),
        "plugin_modules_imported": leaked,
        "baseline_discover_and_import_s": round(statistics.median(baseline), 4),
        "ratio": round(statistics.median(baseline) / statistics.median(ours), 1),
        "repeat": args.repeat,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
