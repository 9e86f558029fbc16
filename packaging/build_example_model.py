#!/usr/bin/env python3
"""Write the bundled example model ``assets/models/planned_tower_illustrative.glb``: an ILLUSTRATIVE planned tower
(no real project) for trying 3D models and for the documentation's image of a planned tower in Lujiazui.

A tower of 68 floors (4.5 m each), 360 m with its crown, on a square plan of 44 m whose corners are cut and
which turns 1° a floor, on a podium of 90 × 70 × 24 m; glass bands (blue) between floor slabs (white), as vertex
colours; +Y up (glTF), its origin at the middle of the podium's ground plan. Made with trimesh, deterministic::

    .venv/bin/python packaging/build_example_model.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "assets" / "models" / "planned_tower_illustrative.glb"
FLOORS = 68
FLOOR_M = 4.5
PODIUM = (90.0, 70.0, 24.0)
GLASS = (70, 120, 170, 255)
SLAB = (236, 236, 230, 255)
PODIUM_COLOUR = (200, 196, 186, 255)


def plan(turn_deg: float, side: float = 44.0, cut: float = 8.0) -> np.ndarray:
    """The floor outline (an octagon: a square with its corners cut), turned ``turn_deg``."""
    h = side / 2
    pts = np.array([[-h + cut, -h], [h - cut, -h], [h, -h + cut], [h, h - cut], [h - cut, h], [-h + cut, h],
                    [-h, h - cut], [-h, -h + cut]])
    a = np.radians(turn_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return pts @ rot.T


def band(z0: float, z1: float, turn0: float, turn1: float, colour) -> object:
    import trimesh

    lo, hi = plan(turn0), plan(turn1)
    n = len(lo)
    vertices = np.vstack([np.column_stack([lo, np.full(n, z0)]), np.column_stack([hi, np.full(n, z1)])])
    faces = []
    for k in range(n):
        a, b = k, (k + 1) % n
        faces += [[a, b, b + n], [a, b + n, a + n]]
    mesh = trimesh.Trimesh(vertices, np.array(faces), process=False)
    mesh.visual.vertex_colors = np.tile(colour, (len(vertices), 1))
    return mesh


def cap(z: float, turn: float, colour, up: bool = True) -> object:
    import trimesh

    p = plan(turn)
    vertices = np.vstack([np.column_stack([p, np.full(len(p), z)]), [[0.0, 0.0, z]]])
    c = len(p)
    faces = [[k, (k + 1) % c, c] if up else [(k + 1) % c, k, c] for k in range(c)]
    mesh = trimesh.Trimesh(vertices, np.array(faces), process=False)
    mesh.visual.vertex_colors = np.tile(colour, (len(vertices), 1))
    return mesh


def build():
    import trimesh

    parts = []
    podium = trimesh.creation.box(extents=PODIUM)
    podium.apply_translation((0.0, 0.0, PODIUM[2] / 2))
    podium.visual.vertex_colors = np.tile(PODIUM_COLOUR, (len(podium.vertices), 1))
    parts.append(podium)
    z = PODIUM[2]
    for floor in range(FLOORS):
        t0, t1 = float(floor), float(floor + 1)
        parts.append(band(z, z + 0.6, t0, t0, SLAB))
        parts.append(band(z + 0.6, z + FLOOR_M, t0, t1, GLASS))
        z += FLOOR_M
    parts.append(cap(z, FLOORS, SLAB))
    crown = trimesh.creation.cone(radius=12.0, height=30.0, sections=32)
    crown.apply_translation((0.0, 0.0, z))
    crown.visual.vertex_colors = np.tile(SLAB, (len(crown.vertices), 1))
    parts.append(crown)
    tower = trimesh.util.concatenate(parts)
    # +Z up → glTF's +Y up
    tower.apply_transform(np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, -1, 0, 0], [0, 0, 0, 1]], dtype=float))
    return tower


def main() -> int:
    tower = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tower.export(OUT)
    print(f"wrote {OUT.relative_to(OUT.parents[2])}: {len(tower.faces):,} triangles, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
