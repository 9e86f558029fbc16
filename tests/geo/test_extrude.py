"""The extrusion engine: triangle counts, watertight solids, exact roof areas, hostile rings."""

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from ydtwin.geo.extrude import extrude, normalise_rings, ring_signed_areas
from ydtwin.geo.synthetic import synthetic_footprints

trimesh = pytest.importorskip("trimesh")


def _ragged(polys):
    _typ, coords, (rings, parts) = shapely.to_ragged_array(np.array(polys, dtype=object))
    xy, rings = normalise_rings(coords, rings, parts)
    return xy, rings, parts


def _roof_area(mesh, top):
    p = mesh.vertices[mesh.triangles].astype(np.float64)
    roof = (p[:, :, 2] == top).all(axis=1)
    cross = (p[:, 1, 0] - p[:, 0, 0]) * (p[:, 2, 1] - p[:, 0, 1]) - (p[:, 1, 1] - p[:, 0, 1]) * (p[:, 2, 0] - p[:, 0, 0])
    return np.bincount(mesh.triangle_part[roof], weights=0.5 * cross[roof], minlength=mesh.triangle_part.max() + 1)


SHAPES = [
    Polygon([(0, 0), (10, 0), (10, 10), (0, 10)]),
    Polygon([(0, 0), (10, 0), (10, 10), (5, 3), (0, 10)]),  # concave
    Polygon([(0, 0), (3, 0), (3, 1), (1, 1), (1, 3), (3, 3), (3, 4), (0, 4)]),  # C shape
    Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(2, 2), (8, 2), (8, 8), (2, 8)]]),  # courtyard
    Polygon(
        [(0, 0), (20, 0), (20, 10), (0, 10)],
        [[(2, 2), (4, 2), (4, 4), (2, 4)], [(6, 6), (8, 6), (8, 8), (6, 8)], [(12, 2), (18, 2), (15, 8)]],
    ),
    Polygon([(0, 0), (5, 0), (10, 0), (10, 10), (0, 10)]),  # collinear vertex
]


def test_shapes_are_closed_solids_with_exact_roofs():
    xy, rings, parts = _ragged(SHAPES)
    mesh = extrude(xy, rings, parts, 2.0, 12.0, floors=True)
    areas = _roof_area(mesh, 12.0)
    for i, poly in enumerate(SHAPES):
        sel = mesh.triangle_part == i
        solid = trimesh.Trimesh(mesh.vertices.astype(np.float64), mesh.triangles[sel], process=True)
        assert solid.is_watertight and solid.is_winding_consistent, i
        assert solid.volume == pytest.approx(poly.area * 10.0, rel=1e-9), i
        assert areas[i] == pytest.approx(poly.area, rel=1e-9), i
        k = len(poly.exterior.coords) - 1 + sum(len(r.coords) - 1 for r in poly.interiors)
        h = len(poly.interiors)
        assert sel.sum() == 2 * (k + 2 * h - 2) + 2 * k  # roof + floor + walls


def test_roof_faces_up_walls_face_out():
    xy, rings, parts = _ragged([SHAPES[3]])
    mesh = extrude(xy, rings, parts, 0.0, 5.0)
    p = mesh.vertices[mesh.triangles].astype(np.float64)
    n = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    roof = (p[:, :, 2] == 5.0).all(axis=1)
    assert (n[roof, 2] > 0).all()
    walls = ~roof
    mid = p[walls].mean(axis=1)[:, :2] - 5.0  # centre of the courtyard building is (5, 5)
    outward = (n[walls, :2] * mid).sum(axis=1)
    outer_wall = np.abs(mid).max(axis=1) > 4.0
    assert (outward[outer_wall] > 0).all() and (outward[~outer_wall] < 0).all()


def test_hole_free_kgon_has_k_minus_2_roof_triangles():
    fp = synthetic_footprints(2000, seed=3, hole_share=0.0)
    xy, rings = normalise_rings(fp.xy, fp.ring_offsets, fp.part_offsets)
    mesh = extrude(xy, rings, fp.part_offsets, 0.0, fp.height)
    k = np.diff(rings)
    assert mesh.roof_triangles == int((k - 2).sum())
    assert mesh.n_triangles == int((k - 2).sum() + 2 * k.sum())


def test_synthetic_batch_roofs_match_polygon_areas():
    fp = synthetic_footprints(20_000, seed=5)
    xy, rings = normalise_rings(fp.xy, fp.ring_offsets, fp.part_offsets)
    assert np.array_equal(xy, fp.xy)  # already clean and oriented
    mesh = extrude(xy, rings, fp.part_offsets, 0.0, 100.0)
    part_area = np.add.reduceat(ring_signed_areas(xy, rings), fp.part_offsets[:-1])
    roof = _roof_area(mesh, 100.0)
    assert np.abs(roof / part_area - 1).max() < 1e-3
    # a sample are closed solids once floors are added
    mesh = extrude(xy[: rings[fp.part_offsets[200]]], rings[: fp.part_offsets[200] + 1], fp.part_offsets[:201],
                   0.0, 30.0, floors=True)
    solid = trimesh.Trimesh(mesh.vertices.astype(np.float64), mesh.triangles, process=True)
    assert solid.is_watertight and solid.is_winding_consistent
    assert solid.volume == pytest.approx(part_area[:200].sum() * 30.0, rel=1e-4)


def test_normalise_fixes_orientation_and_duplicates():
    # clockwise outer ring with a repeated vertex and closing vertex; counter-clockwise hole
    outer = [(0, 0), (0, 10), (0, 10), (10, 10), (10, 0), (0, 0)]
    hole = [(2, 2), (4, 2), (4, 4), (2, 4), (2, 2)]
    xy = np.array(outer + hole, dtype=float)
    rings = np.array([0, 6, 11])
    parts = np.array([0, 2])
    xy2, rings2 = normalise_rings(xy, rings, parts)
    assert list(np.diff(rings2)) == [4, 4]
    areas = ring_signed_areas(xy2, rings2)
    assert areas[0] == pytest.approx(100.0) and areas[1] == pytest.approx(-4.0)


@pytest.mark.parametrize(
    "coords",
    [
        [(0, 0), (1, 0), (2, 0), (3, 0)],  # all collinear
        [(0, 0), (2, 0), (2, 2), (0, 2), (1, 1), (3, 3)],  # self-intersecting
        [(0, 0), (1e-9, 0), (1e-9, 1e-9)],  # tiny
        [(0, 0), (4, 0), (4, 4), (2, 0), (0, 4)],  # spike touching an edge
    ],
)
def test_degenerate_rings_terminate_with_exact_counts(coords):
    xy = np.array(coords, dtype=float)
    mesh = extrude(xy, np.array([0, len(xy)]), np.array([0, 1]), 0.0, 1.0)
    k = len(xy)
    assert mesh.n_triangles == (k - 2) + 2 * k
    assert mesh.triangles.min() >= 0 and mesh.triangles.max() < 2 * k


def test_hole_outside_its_shell_is_left_as_degenerate_slots():
    xy = np.array([(0, 0), (1, 0), (1, 1), (0, 1), (5, 5), (5, 6), (6, 6), (6, 5)], dtype=float)
    mesh = extrude(xy, np.array([0, 4, 8]), np.array([0, 2]), 0.0, 1.0)
    assert mesh.n_triangles == (8 + 2 - 2) + 16
    assert np.isfinite(mesh.vertices).all()
