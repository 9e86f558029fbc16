"""Draw the layering of ydtwin (docs/images/layers.svg) from the import-linter contract in pyproject.toml.

The picture is generated, not drawn: a layer added to or moved in the contract appears in the next run, and
tests/test_layering.py fails while the committed picture differs from what this script makes.

Usage: python packaging/layer_diagram.py [--check]
"""

from __future__ import annotations

import sys
import tomllib
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images" / "layers.svg"

#: what each package is for (one line in its box)
ROLES = {
    "ydtwin.cli": "command line: parses arguments, calls the workspace, prints; exit 2 on user errors",
    "ydtwin.qt": "the window: widgets over the workspace; panels get the workspace and a narrow Host",
    "ydtwin.printing": "PDF printing of HTML reports (Qt GUI, no widgets), handed to the workspace",
    "ydtwin.workspace": "the use cases, Qt-free: open layers, plugins, review, views, tours, reports, projects",
    "ydtwin.render": "pyvista/VTK, no Qt: SceneView, visuals, tiles and LOD, offscreen stills and videos",
    "ydtwin.flythrough": "flight paths as data, presets, per-frame states",
    "ydtwin.review": "cross-border checks, findings, sessions, reports",
    "ydtwin.plugins": "manifests, discovery without code, trust, the guard",
    "ydtwin.io": "readers (GeoJSON … OSM PBF, CityJSON, LAS), region files",
    "ydtwin.model": "Layer, Scene, Region, Project: evented data (psygnal)",
    "ydtwin.geo": "datums (GCJ-02/BD-09), scene projection, tiles, extrusion, draping",
}
#: the kind of code each layer may hold, shown at the left
TIERS = {"ydtwin.cli": "front end", "ydtwin.qt": "front end", "ydtwin.printing": "service",
         "ydtwin.workspace": "application", "ydtwin.render": "render"}
COLOURS = {"front end": "#dbe9f6", "service": "#eeeeee", "application": "#fde9c9", "render": "#e3f1df",
           "pure core": "#f4f4f4"}

W, BOX_H, GAP, LEFT, TOP = 900, 52, 22, 130, 60


def contract_layers(pyproject: Path = ROOT / "pyproject.toml") -> list[list[str]]:
    """The layers of the first *layers* contract, top to bottom, each a list of independent packages."""
    doc = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    contract = next(c for c in doc["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [[p.strip() for p in layer.split("|")] for layer in contract["layers"]]


def svg(layers: list[list[str]]) -> str:
    height = TOP + len(layers) * (BOX_H + GAP) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" viewBox="0 0 {W} {height}" '
           'font-family="DejaVu Sans, Noto Sans CJK SC, sans-serif">',
           '<defs><marker id="arrow" markerWidth="10" markerHeight="10" refX="10" refY="5" orient="auto">'
           '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
           f'<rect width="{W}" height="{height}" fill="white"/>',
           '<text x="20" y="28" font-size="17" font-weight="bold">ydtwin layers: each imports only from the layers'
           ' below it</text>',
           '<text x="20" y="46" font-size="12" fill="#555">generated from the import-linter contract in pyproject.toml'
           ' by packaging/layer_diagram.py; lint-imports and tests/test_layering.py enforce it</text>']
    width = W - LEFT - 20
    for i, group in enumerate(layers):
        y = TOP + i * (BOX_H + GAP)
        tier = TIERS.get(group[0], "pure core")
        out.append(f'<text x="20" y="{y + BOX_H / 2 + 5}" font-size="13" fill="#333">{escape(tier)}</text>')
        each = (width - 10 * (len(group) - 1)) / len(group)
        for j, package in enumerate(group):
            x = LEFT + j * (each + 10)
            out.append(f'<rect x="{x:.0f}" y="{y}" width="{each:.0f}" height="{BOX_H}" rx="6" '
                       f'fill="{COLOURS[tier]}" stroke="#666"/>')
            out.append(f'<text x="{x + 10:.0f}" y="{y + 20}" font-size="14" font-weight="bold">{escape(package)}</text>')
            role = ROLES.get(package, "")
            limit = int(each / 6.3)
            if len(role) > limit:
                role = role[: limit - 1].rstrip() + "…"
            out.append(f'<text x="{x + 10:.0f}" y="{y + 40}" font-size="11.5" fill="#333">{escape(role)}</text>')
        if i < len(layers) - 1:
            ax = LEFT + width / 2
            out.append(f'<line x1="{ax:.0f}" y1="{y + BOX_H}" x2="{ax:.0f}" y2="{y + BOX_H + GAP - 4}" stroke="#555" '
                       'stroke-width="1.5" marker-end="url(#arrow)"/>')
    y = TOP + len(layers) * (BOX_H + GAP) + 8
    out.append(f'<text x="20" y="{y}" font-size="12" fill="#555">Also forbidden: Qt in the workspace and the pure core;'
               ' Qt in render; VTK names outside render/_vtk.py; the window importing the command line.</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = svg(contract_layers())
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run python packaging/layer_diagram.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
