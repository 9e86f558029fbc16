"""The application layer: a Qt-free workspace with the use cases both front ends call.

Layering: ``ydtwin.cli`` (commands) and ``ydtwin.qt`` (widgets) sit on this package; it sits on the render
layer (offscreen stills for reports) and the pure core. It never imports Qt.
"""

from ydtwin.workspace.layers import LayerRequest, LoadedLayer, layer_name, load_summary
from ydtwin.workspace.review import ReviewResult
from ydtwin.workspace.workspace import Workspace, WorkspaceEvents

__all__ = ["LayerRequest", "LoadedLayer", "ReviewResult", "Workspace", "WorkspaceEvents", "layer_name", "load_summary"]
