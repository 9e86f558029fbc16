"""The one place that names VTK modules (pyvista's ``_vtk_core`` pattern)."""

from vtkmodules.vtkCommonCore import VTK_FONT_FILE
from vtkmodules.vtkRenderingCore import (
    vtkBillboardTextActor3D,
    vtkCellPicker,
    vtkPolyDataMapper,
    vtkTextProperty,
    vtkWorldPointPicker,
)

__all__ = [
    "VTK_FONT_FILE", "vtkBillboardTextActor3D", "vtkCellPicker", "vtkPolyDataMapper", "vtkTextProperty",
    "vtkWorldPointPicker",
]
