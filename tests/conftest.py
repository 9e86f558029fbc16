"""Shared test setup.

- ``shared_fixtures``: the real-data folder ``../shared/fixtures`` (skips cleanly when absent).
- Qt: the viewport needs a real X server (pytest-xvfb provides Xvfb); plain widgets use ``offscreen``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"


@pytest.hookimpl(trylast=True)
def pytest_configure(config) -> None:
    # settings (QSettings) and caches of the app under test go to a throwaway place, not the user's
    import tempfile

    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="ydtwin-test-config-")
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="ydtwin-test-data-")
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="ydtwin-test-cache-")
    # pytest-xvfb has set DISPLAY by now when Xvfb is available: the VTK viewport needs xcb there
    if os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    else:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"real-data fixtures not present ({SHARED_FIXTURES.name} folder beside the repo)")
    return SHARED_FIXTURES


@pytest.fixture(scope="session")
def region_data():
    """The bundled region, loaded once: (Region, layers)."""
    from ydtwin.io.region import load_region

    return load_region()


def run_cli(*args: str, env_extra: dict | None = None, no_display: bool = False, timeout: float = 300):
    """Run ``python -m ydtwin ARGS`` in a subprocess → CompletedProcess (text)."""
    env = dict(os.environ)
    if no_display:
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "ydtwin", *args], capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT
    )


@pytest.fixture
def make_window(qtbot):
    """``make_window(view=…, size=(w, h))`` → a shown MainWindow whose buildings are all on screen."""
    from PyQt6.QtCore import QSettings

    from ydtwin.io.region import open_scene
    from ydtwin.qt.app import MainWindow
    from ydtwin.workspace import Workspace

    # each test starts from a first launch: no dock layout remembered from an earlier test's window
    QSettings("ydtwin", "ydtwin").clear()
    windows = []

    def make(view: str = "region", size: tuple[int, int] = (1000, 700)):
        win = MainWindow(Workspace(open_scene()), view=view)
        qtbot.addWidget(win)
        win.resize(*size)
        win.show()
        qtbot.waitExposed(win)
        # buildings are prepared in the background: wait until every visual is on screen
        qtbot.waitUntil(lambda: win.scene_view.pending == 0, timeout=60_000)
        qtbot.wait(300)
        windows.append(win)
        return win

    yield make
    for win in windows:
        win.close()


CODE_RULE_MANIFEST = """\
name = "ydtwin-borderaudit"
display_name = "Border audit (a code rule)"

[[contributions.rules]]
id = "borderaudit.count"
title = "Counts the projects it is given"
python = "borderaudit_rules:count"
severity = "info"
"""

CODE_RULE_MODULE = """\
def count(context):
    n = len(context["projects"])
    return [{"message": f"border audit: {n} projects checked", "location": [120.95, 31.2],
             "cities": ["Shanghai", "Suzhou"], "severity": "warning"}]
"""


@pytest.fixture
def code_rule_plugin(tmp_path, monkeypatch) -> tuple[Path, str]:
    """A trusted third-party plugin whose only contribution is a code rule, found through
    YDTWIN_PLUGIN_PATH (so a CLI subprocess finds it too) → (its parent folder, its name)."""
    from ydtwin.plugins.manager import PluginManager

    root = tmp_path / "third-party-plugins"
    folder = root / "borderaudit"
    folder.mkdir(parents=True)
    (folder / "ydtwin.toml").write_text(CODE_RULE_MANIFEST, encoding="utf-8")
    (folder / "borderaudit_rules.py").write_text(CODE_RULE_MODULE, encoding="utf-8")
    monkeypatch.setenv("YDTWIN_PLUGIN_PATH", str(root))
    PluginManager().trust("ydtwin-borderaudit")  # stored in the test run's own config folder
    yield root, "ydtwin-borderaudit"
    PluginManager().distrust("ydtwin-borderaudit")


@pytest.fixture
def run_review_calls(monkeypatch) -> list[dict]:
    """Every call of ``Workspace.run_review`` (its keyword arguments), which still runs: proves a front end
    goes through the workspace."""
    from ydtwin.workspace import Workspace

    calls: list[dict] = []
    original = Workspace.run_review

    def spy(self, **kw):
        calls.append(kw)
        return original(self, **kw)

    monkeypatch.setattr(Workspace, "run_review", spy)
    return calls


def bounded(fn, *args, seconds: float = 20.0, **kwargs):
    """``fn(*args)`` in a thread: its result or exception, or a test failure if it does not end in time
    (a hang becomes a failing test, not a stuck suite)."""
    out: list = []

    def run():
        try:
            out.append(("ok", fn(*args, **kwargs)))
        except BaseException as exc:  # noqa: BLE001
            out.append(("raised", exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"{getattr(fn, '__name__', fn)} did not finish within {seconds} s"
    kind, value = out[0]
    if kind == "raised":
        raise value
    return value
