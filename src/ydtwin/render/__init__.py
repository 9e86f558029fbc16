"""Rendering with pyvista/VTK — no Qt. ``SceneView`` binds a Scene to a Plotter; ``snapshot`` renders offscreen.

Import ``ydtwin.render.backend`` (and call ``prepare_offscreen``) before anything imports VTK when
rendering without a display.
"""
