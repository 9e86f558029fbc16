"""Which OpenGL the renderer gets, and making offscreen rendering work without an X server.

VTK picks its window class at first use and dlopens GL at run time: a missing libEGL or Mesa driver
shows up as a segfault at the first Render, not as a Python exception. So we check the libraries
before VTK is imported and fail with one line instead.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from dataclasses import dataclass

from ydtwin.errors import YdtwinError

_EGL_WINDOW = "vtkEGLRenderWindow"
_GL_DEBIAN_PACKAGES = "libegl1 libgl1-mesa-dri"


class BackendError(YdtwinError):
    """No usable OpenGL for rendering."""


def has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _loadable(*names: str) -> bool:
    for name in names:
        try:
            ctypes.CDLL(name)
            return True
        except OSError:
            continue
    return False


def prepare_offscreen() -> str:
    """Choose the offscreen window class before VTK is imported; returns its name.

    On Linux without a display: EGL (Mesa llvmpipe, or the GPU's EGL driver). Raises BackendError with
    the Debian packages to install when no EGL implementation can be loaded.
    """
    if not sys.platform.startswith("linux") or has_display():
        return os.environ.get("VTK_DEFAULT_OPENGL_WINDOW", "default")
    chosen = os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", _EGL_WINDOW)
    if chosen == _EGL_WINDOW:
        if not _loadable("libEGL.so.1", "libEGL.so"):
            raise BackendError(f"no EGL library for offscreen rendering — install: {_GL_DEBIAN_PACKAGES}")
        if not _loadable("libEGL_mesa.so.0", "libEGL_nvidia.so.0"):
            raise BackendError(
                f"no EGL driver (Mesa or NVIDIA) for offscreen rendering — install: {_GL_DEBIAN_PACKAGES}"
            )
    elif chosen == "vtkOSOpenGLRenderWindow" and not _loadable("libOSMesa.so.8", "libOSMesa.so"):
        raise BackendError("VTK_DEFAULT_OPENGL_WINDOW asks for OSMesa but libOSMesa is not installed")
    return chosen


@dataclass(frozen=True)
class GLInfo:
    vendor: str
    renderer: str
    version: str

    @property
    def software(self) -> bool:
        text = self.renderer.lower()
        return any(k in text for k in ("llvmpipe", "softpipe", "swiftshader", "software", "swrast"))

    def label(self) -> str:
        kind = "software" if self.software else "GPU"
        return f"{kind}: {self.renderer}"


def gl_info(render_window) -> GLInfo:
    """Parse VTK's capability report of a render window that has rendered at least once."""
    report = render_window.ReportCapabilities() or ""

    def field(name: str) -> str:
        m = re.search(rf"OpenGL {name} string:\s*(.+)", report)
        return m.group(1).strip() if m else "unknown"

    return GLInfo(vendor=field("vendor"), renderer=field("renderer"), version=field("version"))


def cell_picker():
    """A cell picker with a tight tolerance (exact hits on triangles)."""
    from ydtwin.render import _vtk

    picker = _vtk.vtkCellPicker()
    picker.SetTolerance(0.0005)
    return picker


def world_point_picker():
    """Reads the depth buffer at a pixel: cheap enough to follow the mouse."""
    from ydtwin.render import _vtk

    return _vtk.vtkWorldPointPicker()
