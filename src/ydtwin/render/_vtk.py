"""The one place that names VTK modules (pyvista's ``_vtk_core`` pattern)."""

from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonCore import VTK_FONT_FILE, vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkImageData, vtkPolyData
from vtkmodules.vtkRenderingCore import (
    vtkActor2D,
    vtkBillboardTextActor3D,
    vtkCellPicker,
    vtkCoordinate,
    vtkImageMapper,
    vtkPolyDataMapper,
    vtkPolyDataMapper2D,
    vtkRenderer,
    vtkTextActor,
    vtkTextProperty,
    vtkTextRenderer,
    vtkTexture,
    vtkWindowToImageFilter,
    vtkWorldPointPicker,
)
from vtkmodules.vtkRenderingOpenGL2 import vtkTextureObject

__all__ = [
    "VTK_FONT_FILE", "numpy_to_vtk", "vtkActor2D", "vtkBillboardTextActor3D", "vtkCellArray", "vtkCellPicker",
    "vtkCoordinate", "vtkImageData", "vtkImageMapper", "vtkPoints", "vtkPolyData", "vtkPolyDataMapper",
    "vtkPolyDataMapper2D", "vtkRenderer", "vtkTextActor", "vtkTextProperty", "vtkTextRenderer",
    "vtkTexture", "vtkTextureObject", "vtkWindowToImageFilter", "vtkWorldPointPicker", "vtk_to_numpy",
]
