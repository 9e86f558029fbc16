"""The 3D viewport widget: pyvistaqt's interactor, drawing each frame once."""

from __future__ import annotations

from pyvistaqt import QtInteractor


class Viewport(QtInteractor):
    """A ``QtInteractor`` whose interactive frames are rendered once.

    Mouse navigation makes VTK's interactor render the window; the finished frame schedules a repaint of
    the GL widget, and the widget's repaint renders the scene again, so every navigation frame cost two
    renders. Here the interactor only asks for a repaint (VTK's ``RenderEvent`` with rendering disabled on
    the interactor) and the repaint renders, as Qt's own VTK widget does in C++.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        iren = self.iren.interactor
        iren.EnableRenderOff()
        iren.AddObserver("RenderEvent", self._frame_requested)

    def _frame_requested(self, *_args) -> None:
        if getattr(self, "_in_paint", False) or getattr(self, "_closed", False):
            return
        try:
            self.update()
        except RuntimeError:  # the widget is being destroyed
            pass

    #: called after each frame the widget drew (the host keeps its deferred work apart from frames)
    painted = None
    #: while True, repaints draw nothing (the window's start view is not set yet: a frame of the scene from
    #: VTK's default camera would cost as much as the first real one and show nothing useful)
    hold_frames = False

    def paintGL(self) -> None:
        if self.hold_frames:
            return
        iren = self.iren.interactor if self.iren is not None else None
        if iren is None:
            super().paintGL()
            return
        iren.EnableRenderOn()  # the repaint itself renders through the interactor
        try:
            super().paintGL()
        finally:
            iren.EnableRenderOff()
            if self.painted is not None:
                self.painted()
