"""The positional accuracy a plan states (``accuracy_m``): checked in the manifest, carried to the plans layer,
said by ``plugins validate``."""

import math

import pytest
from test_engine import PROJECT, make_plugin

from ydtwin.plugins.discovery import read_manifest
from ydtwin.plugins.projects import load_projects


@pytest.mark.parametrize("value", ["0", "-5", "1000.5", "nan", "inf", "-inf", '"25"', "true", "[25]"])
@pytest.mark.parametrize("where", ["plugin", "project"])
def test_a_bad_accuracy_is_refused_naming_its_key(tmp_path, value, where):
    """Finite, above 0, at most 1000 m, a number (not text, not a boolean): anything else is one problem
    naming the key."""
    body = f"accuracy_m = {value}\n" + PROJECT if where == "plugin" else PROJECT + f"accuracy_m = {value}\n"
    found = read_manifest(make_plugin(tmp_path, "ydtwin-acc", body))
    assert found.manifest is None and len(found.errors) == 1, found.errors
    key = "accuracy_m" if where == "plugin" else "contributions.projects.0.accuracy_m"
    assert found.errors[0].startswith(f"ydtwin.toml: {key}: Input should be "), found.errors[0]


def test_the_stated_accuracy_reaches_the_plans_layer(tmp_path):
    """The project's own accuracy wins over the plugin's; a plugin stating none gives None (the review then
    assumes its default)."""
    from ydtwin.plugins.validate import _themes

    second = PROJECT.replace('"SHORT.road"', '"SHORT.road2"') + "accuracy_m = 0.5\n"
    found = read_manifest(make_plugin(tmp_path / "a", "ydtwin-acc", "accuracy_m = 25\n" + PROJECT + second))
    assert found.ok, found.errors
    layer = load_projects(found, _themes(found, []))
    assert list(layer.data.attributes["accuracy_m"]) == [25.0, 0.5]
    plain = read_manifest(make_plugin(tmp_path / "b", "ydtwin-plain", PROJECT))
    assert list(load_projects(plain, _themes(plain, [])).data.attributes["accuracy_m"]) == [None]
    assert math.isclose(found.manifest.contributions.projects[1].accuracy_m, 0.5)


def test_plugins_validate_says_the_accuracy(tmp_path):
    from conftest import run_cli

    folder = make_plugin(tmp_path, "ydtwin-acc", "accuracy_m = 25\n" + PROJECT)
    proc = run_cli("plugins", "validate", str(folder))
    assert proc.returncode == 0 and "1 projects (positional accuracy 25 m)" in proc.stdout, proc.stdout + proc.stderr
    bad = make_plugin(tmp_path / "bad", "ydtwin-bad", "accuracy_m = 0\n" + PROJECT)
    proc = run_cli("plugins", "validate", str(bad))
    assert proc.returncode == 2 and "accuracy_m" in proc.stdout and "greater than 0" in proc.stdout, proc.stdout
