"""Where ydtwin keeps its per-user files: one application data folder, found without Qt.

Linux ``~/.local/share/ydtwin`` (or ``$XDG_DATA_HOME/ydtwin``), Windows ``%LOCALAPPDATA%\\ydtwin``, macOS
``~/Library/Application Support/ydtwin``. Installed plugins, the review autosave and the logs live under it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["autosave_path", "data_folder", "log_folder"]


def data_folder() -> Path:
    """The per-user application data folder (platformdirs; not created here)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("ydtwin", appauthor=False))


def log_folder() -> Path:
    """Where ydtwin.log and crash.log go (created when missing)."""
    folder = data_folder() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def autosave_path() -> Path:
    """The app's review session autosave (journalled from its first edit)."""
    return data_folder() / "review" / "autosave.ydreview"
