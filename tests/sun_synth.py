"""A synthetic block for the sunlight tests: buildings given as boxes in metres east and north of a corner in
Pudong, and areas given the same way (scene metres turned into lon/lat)."""

import numpy as np
import shapely

#: the block's south-west corner (lon, lat) and its box: 400 × 400 m
SW = (121.60, 31.20)


def bare_workspace():
    """A workspace on the bundled region with its procedural blocks and landmarks hidden: only the test's buildings
    cast shadows."""
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=[])
    for layer in ws.scene.layers:
        if getattr(layer, "kind", "") == "buildings":
            layer.visible = False
    return ws


def buildings_layer(ws, name, boxes, heights, *, nature="synthetic"):
    """Buildings from boxes in metres east/north of SW (scene metres turned into lon/lat)."""
    from ydtwin.model.buildings import BuildingsData, BuildingsLayer
    from ydtwin.model.layer import Provenance

    proj = ws.scene.projection
    x0, y0 = proj.to_scene(np.array([SW[0]]), np.array([SW[1]]))
    geoms = []
    for bx0, by0, bx1, by1 in boxes:
        g = shapely.box(x0[0] + bx0, y0[0] + by0, x0[0] + bx1, y0[0] + by1)
        geoms.append(shapely.transform(g, lambda c: np.column_stack(proj.from_scene(c[:, 0], c[:, 1]))))
    data = BuildingsData.from_geometries(np.array(geoms, dtype=object), height=np.asarray(heights, float),
                                         crs="EPSG:4326")
    return BuildingsLayer(name, data, provenance=Provenance("test", "CC0", nature=nature), replaces="none")


def area_box(ws, x0, y0, x1, y1):
    """The lon/lat box of a box in metres east/north of SW."""
    proj = ws.scene.projection
    ox, oy = proj.to_scene(np.array([SW[0]]), np.array([SW[1]]))
    lon, lat = proj.from_scene(np.array([ox[0] + x0, ox[0] + x1]), np.array([oy[0] + y0, oy[0] + y1]))
    return float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])
