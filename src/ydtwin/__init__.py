"""ydtwin — a desktop 3D digital twin of the Yangtze River Delta for joint review of city plans.

Importing ``ydtwin`` loads neither Qt nor VTK: the pure core (``model``, ``geo``, ``io``, ``plugins``,
``review``) stays importable on a machine without a display or OpenGL.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
