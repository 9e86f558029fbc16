"""Layering is a failing check: the pure core never loads Qt or VTK, and import-linter guards it."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

PURE = ["ydtwin", "ydtwin.model", "ydtwin.geo", "ydtwin.io", "ydtwin.plugins", "ydtwin.review",
        "ydtwin.flythrough", "ydtwin.flythrough.path", "ydtwin.flythrough.presets",
        "ydtwin.io.region", "ydtwin.io.info", "ydtwin.cli", "ydtwin.workspace", "ydtwin.tiling",
        "ydtwin.tiling.build", "ydtwin.tiling.pack", "ydtwin.workspace.tiles", "ydtwin.clock"]


def test_pure_packages_import_no_qt_or_vtk():
    """Importing the core, the CLI and the workspace in a fresh interpreter loads no PyQt6, vtkmodules or pyvista."""
    code = (
        "import importlib, sys\n"
        f"for m in {PURE!r}: importlib.import_module(m)\n"
        "from ydtwin.io.region import load_region; load_region()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PyQt6', 'vtkmodules', 'vtk', 'pyvista', 'pyvistaqt'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _lint(cwd, src):
    exe = shutil.which("lint-imports") or os.path.join(os.path.dirname(sys.executable), "lint-imports")
    env = dict(os.environ, PYTHONPATH=str(src))
    return subprocess.run([exe, "--no-cache"], cwd=cwd, capture_output=True, text=True, env=env)


def test_import_linter_contracts_pass():
    """The contracts in pyproject.toml hold for the code as it is."""
    proc = _lint(ROOT, ROOT / "src")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "BROKEN" not in proc.stdout


def test_import_linter_catches_a_layer_crossing(tmp_path):
    """Add `import pyvista` to ydtwin.geo in a copy: the contracts fail."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "ydtwin" / "geo" / "tiles.py"
    target.write_text(target.read_text() + "\nimport pyvista  # a layer crossing\n")
    proc = _lint(tmp_path, tmp_path / "src")
    assert proc.returncode != 0
    assert "BROKEN" in proc.stdout or "broken" in proc.stdout


#: layer crossings the first wave had or invited, each of which a contract must catch
CROSSINGS = {
    "the window imports the command line (the old qt/app.py → cli loop)":
        ("qt/app.py", "from ydtwin.cli.common import plugin_names  # a crossing\n"),
    "a panel reaches into a CLI command":
        ("qt/review_panel.py", "import ydtwin.cli.review  # a crossing\n"),
    "the workspace imports Qt":
        ("workspace/review.py", "import PyQt6.QtGui  # a crossing\n"),
    "the workspace imports the window (a PDF through a Qt module)":
        ("workspace/review.py", "from ydtwin.printing import html_to_pdf  # a crossing\n"),
    "the render layer imports the workspace":
        ("render/snapshot.py", "import ydtwin.workspace  # a crossing\n"),
}


@pytest.mark.parametrize("what", sorted(CROSSINGS))
def test_the_application_layer_contracts_catch(what, tmp_path):
    """The CLI is on top, the window never imports it, the workspace imports no Qt and no front end."""
    rel, line = CROSSINGS[what]
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "ydtwin" / rel
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    proc = _lint(tmp_path, tmp_path / "src")
    assert proc.returncode != 0, proc.stdout
    assert "BROKEN" in proc.stdout or "broken" in proc.stdout


def test_the_layer_picture_is_generated_from_the_contract():
    """docs/images/layers.svg is what packaging/layer_diagram.py makes from pyproject.toml's contract."""
    proc = subprocess.run([sys.executable, str(ROOT / "packaging" / "layer_diagram.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
