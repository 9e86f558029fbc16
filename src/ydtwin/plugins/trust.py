"""Which plugins the user has switched off, and which code plugins they trust (by content hash).

Stored as JSON in the user config folder (``plugins.json``), written atomically. A trust decision names
the exact content of the plugin folder (SHA-256 over its files): any change to the plugin, code or data,
asks again. Hashing reads regular files only, in chunks: a FIFO or a device in a plugin folder (or a link
to one) is hashed by its kind, never read, and a plugin whose files cannot be read is simply not trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path

from ydtwin.plugins.limits import LimitError, open_regular, read_limited

__all__ = ["PluginSettings", "plugin_hash"]

_SKIP_DIRS = {"__pycache__", ".git", ".hg", ".svn"}
#: the largest settings file read
MAX_SETTINGS_BYTES = 4 * 2**20


def plugin_hash(folder: Path) -> str:
    """SHA-256 over the plugin folder's files (relative path and bytes, in sorted order; caches skipped)."""
    folder = Path(folder)
    h = hashlib.sha256()
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in names:
            if not name.endswith((".pyc", ".pyo")):
                files.append(Path(root) / name)
    for path in sorted(files, key=lambda p: p.relative_to(folder).as_posix()):
        rel = path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape")
        h.update(len(rel).to_bytes(4, "little") + rel)
        _hash_file(h, path)
    return h.hexdigest()


def _hash_file(h, path: Path) -> None:
    """The file's size and bytes, read in chunks; a file that is not a regular one by its kind alone."""
    st = os.stat(path)  # through a link: what would be read
    if not stat.S_ISREG(st.st_mode):
        h.update(b"\xff special " + stat.filemode(st.st_mode).encode())
        return
    try:
        f = open_regular(path, 2**62, str(path))
    except LimitError:  # swapped for a special file since the stat above
        h.update(b"\xff special")
        return
    with f:
        size = os.fstat(f.fileno()).st_size
        h.update(size.to_bytes(8, "little"))
        done = 0
        while done < size and (chunk := f.read(min(2**20, size - done))):
            h.update(chunk)
            done += len(chunk)


def _settings_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("ydtwin", appauthor=False)) / "plugins.json"


class PluginSettings:
    """``disabled`` plugin names and ``trusted`` {name: hash}; ``save()`` writes atomically."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else _settings_path()
        self.disabled: set[str] = set()
        self.trusted: dict[str, str] = {}
        try:
            doc = json.loads(read_limited(self.path, MAX_SETTINGS_BYTES, str(self.path)).decode("utf-8"))
            self.disabled = {str(n) for n in doc.get("disabled", [])}
            self.trusted = {str(k): str(v) for k, v in doc.get("trusted", {}).items()}
        except (OSError, ValueError, AttributeError, TypeError, RecursionError):  # none yet, or unusable: start clean
            pass

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"disabled": sorted(self.disabled), "trusted": dict(sorted(self.trusted.items()))}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".plugins-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=2)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def is_trusted(self, name: str, folder: Path) -> bool:
        stored = self.trusted.get(name)
        if stored is None:
            return False
        try:
            return stored == plugin_hash(folder)
        except (OSError, ValueError):  # a file of the plugin cannot be read: its content is not known
            return False

    def trust(self, name: str, folder: Path) -> None:
        self.trusted[name] = plugin_hash(folder)
        self.save()

    def distrust(self, name: str) -> None:
        self.trusted.pop(name, None)
        self.save()

    def set_enabled(self, name: str, enabled: bool) -> None:
        (self.disabled.discard if enabled else self.disabled.add)(name)
        self.save()
