"""Plugins: manifests (``ydtwin.toml``), discovery without importing code, the registry and guarded calls.

This package is the home of the plugin engine (see docs/architecture.md §Plugins). It belongs to the
pure core: no Qt, no VTK. Until the engine lands, the app's built-in readers live in ``ydtwin.io``.
"""

#: the entry-point group third-party distributions use to announce a ``ydtwin.toml`` manifest
ENTRY_POINT_GROUP = "ydtwin.plugins"
#: the manifest file name inside a plugin folder
MANIFEST_NAME = "ydtwin.toml"

__all__ = ["ENTRY_POINT_GROUP", "MANIFEST_NAME"]
