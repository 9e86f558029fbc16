"""Flooded land: the water of a sea-level or storm-surge scenario over the land it reaches (an InundationLayer),
a flat surface at the scenario's level beside the sea surface, never over it (the two share no cell)."""

from __future__ import annotations

import numpy as np

from ydtwin.geo.inundation import water_cells
from ydtwin.geo.terrain_detail import sea_surface_cells
from ydtwin.model.inundation import InundationLayer
from ydtwin.render.visuals import TERRAIN_BLOCK, VISUALS, Visual, water_mesh


class InundationVisual(Visual):
    """The flooded land cells as water at the level (× the scene's exaggeration), in blocks like the terrain's."""

    def build(self) -> None:
        layer: InundationLayer = self.layer  # type: ignore[assignment]
        result = layer.result
        grid = result.grid
        proj = self.ctx.scene.projection
        z = result.level_m * self.ctx.scene.vertical_exaggeration
        # the sea surface covers the cells with sea at a corner: the flood takes the others it reaches
        cells = water_cells(result.flooded) & ~_sea_surface(self.ctx.scene, result)
        if not cells.any():
            return
        lon_axis, lat_axis = grid.axes()
        ny, nx = grid.shape
        for j0 in range(0, ny - 1, TERRAIN_BLOCK):
            j1 = min(j0 + TERRAIN_BLOCK, ny - 1)
            for i0 in range(0, nx - 1, TERRAIN_BLOCK):
                i1 = min(i0 + TERRAIN_BLOCK, nx - 1)
                block = cells[j0:j1, i0:i1]
                if not block.any():
                    continue
                lon, lat = np.meshgrid(lon_axis[i0 : i1 + 1], lat_axis[j0 : j1 + 1])
                x, y = proj.to_scene(lon.ravel(), lat.ravel(), grid.crs)
                origin = np.array([x.mean(), y.mean(), z])
                xy = np.column_stack([x, y])
                mesh = water_mesh(xy, (i1 - i0 + 1, j1 - j0 + 1), block, np.r_[origin[:2], 0.0])
                if mesh is not None:
                    self._add(mesh, origin, base_opacity=1.0, color=layer.style.color, specular=0.3,
                              specular_power=30, name=f"flood-{layer.id}-{i0}-{j0}")

    def legend_entries(self) -> list[tuple[str, tuple[float, float, float]]]:
        layer: InundationLayer = self.layer  # type: ignore[assignment]
        if not layer.visible or not layer.result.flooded.any():
            return []
        text = self.ctx.translate("Flooded land at {level} m (connected to the sea)")
        return [(text.format(level=f"{layer.level_m:+g}"), layer.style.color)]


def _sea_surface(scene, result) -> np.ndarray:
    """The cells the terrain's sea surface covers, from the land mask the scenario was computed on (everything
    that is not open sea or another water body) and the terrain's detail."""
    from ydtwin.model.layer import TerrainLayer

    for layer in scene.layers:
        if isinstance(layer, TerrainLayer) and layer.land_mask is not None and layer.land_mask.shape == result.sea.shape:
            return sea_surface_cells(layer.land_mask, layer.detail)
    return sea_surface_cells(~result.sea)


VISUALS[InundationLayer] = InundationVisual
