"""The Qt shell (PyQt6 + pyvistaqt): windows, docks, the viewport widget. May import every layer below."""
