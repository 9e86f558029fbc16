"""The terrain blocks' surface, built with numpy: the mesh VTK's filters made, faster."""

import numpy as np
import pytest
import pyvista as pv

from ydtwin.render.visuals import grid_surface


def _grid(north_up: bool):
    nx, ny = 65, 49
    x, y = np.meshgrid(np.linspace(0, 900, nx), np.linspace(0, 1500, ny)[:: -1 if north_up else 1])
    z = 80 * np.sin(x / 120) * np.cos(y / 170) + 0.02 * x
    return np.column_stack([x.ravel(), y.ravel(), z.ravel()]).astype(np.float32), nx, ny


@pytest.mark.parametrize("north_up", [False, True])
def test_grid_surface_matches_vtk_filters_and_faces_up(north_up):
    pts, nx, ny = _grid(north_up)
    ours = grid_surface(pts, nx, ny)
    sg = pv.StructuredGrid()
    sg.points = pts
    sg.dimensions = (nx, ny, 1)
    ref = sg.extract_surface(algorithm="dataset_surface").triangulate().compute_normals(
        cell_normals=False, split_vertices=False)
    assert ours.n_points == ref.n_points and ours.n_cells == ref.n_cells == 2 * (nx - 1) * (ny - 1)
    assert ours.area == pytest.approx(ref.area, rel=1e-4)
    # the same points in grid order, each tagged with its grid index
    assert np.array_equal(ours.points, pts)
    assert np.array_equal(ours.point_data["vtkOriginalPointIds"], np.arange(len(pts)))
    ids = np.asarray(ref.point_data["vtkOriginalPointIds"])
    normals = ours.point_data["Normals"]
    assert ours.active_normals is not None
    assert np.allclose(np.linalg.norm(normals, axis=1), 1, atol=1e-5)
    # up, whichever way the rows run, and within a few degrees of VTK's (the cells' diagonals may differ)
    assert normals[:, 2].min() > 0.5
    ref_normals = np.asarray(ref.point_data["Normals"])
    ref_normals = ref_normals * np.sign(ref_normals[:, 2].mean())  # VTK's face down when the rows run south
    diff = np.linalg.norm(normals[ids] - ref_normals, axis=1)
    assert diff.max() < 0.12 and np.percentile(diff, 99) < 0.04
    tri = ours.regular_faces
    p = ours.points.astype(np.float64)
    face_z = np.cross(p[tri[:, 1]] - p[tri[:, 0]], p[tri[:, 2]] - p[tri[:, 0]])[:, 2]
    assert (face_z > 0).all()  # every triangle counter-clockwise seen from above
