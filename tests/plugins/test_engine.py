"""The plugin engine: manifests, discovery without code, the guard, trust, installs — with hostile plugins."""

import json
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from ydtwin.plugins.discovery import discover, read_manifest
from ydtwin.plugins.guard import MAX_FAILURES, PluginDisabled, PluginFailure
from ydtwin.plugins.install import InstallError, install, scaffold
from ydtwin.plugins.manager import PluginManager
from ydtwin.plugins.trust import PluginSettings

ROAD = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "r", "properties": {"id": "r"},
     "geometry": {"type": "LineString", "coordinates": [[121.3, 31.2], [121.4, 31.25]]}}]}


def make_plugin(root: Path, name: str, body: str = "", *, data: dict | None = ROAD, files: dict | None = None) -> Path:
    """A plugin folder ``root/name`` with a manifest (header + ``body``), data/p.geojson and extra files."""
    folder = root / name
    (folder / "data").mkdir(parents=True)
    short = name.removeprefix("ydtwin-")
    header = f'name = "{name}"\ndisplay_name = "{short}"\n'
    (folder / "ydtwin.toml").write_text(header + textwrap.dedent(body).replace("SHORT", short), encoding="utf-8")
    if data is not None:
        (folder / "data" / "p.geojson").write_text(json.dumps(data), encoding="utf-8")
    for rel, text in (files or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


PROJECT = """
[[contributions.projects]]
id = "SHORT.road"
title = "A road"
theme = "transportation"
kind = "road"
status = "planned"
phase = [2026, 2030]
owner = "Transport bureau"
source = "data/p.geojson"
feature = "r"
"""

READER = """
[[contributions.readers]]
id = "SHORT.reader"
name = "x files"
python = "MODULE:read"
patterns = ["*.MODULE"]
"""


def manager_for(root: Path, tmp_path: Path, **kw) -> PluginManager:
    settings = PluginSettings(tmp_path / "settings" / "plugins.json")
    return PluginManager(settings=settings, extra=[root], repo=False, user=False, entry_points=False, **kw)


def test_broken_plugins_are_listed_with_their_reason_and_the_others_load(tmp_path):
    root = tmp_path / "plugins"
    make_plugin(root, "ydtwin-good", PROJECT)
    bad_toml = root / "ydtwin-badtoml"
    bad_toml.mkdir(parents=True)
    (bad_toml / "ydtwin.toml").write_text('name = "ydtwin-badtoml"\ndisplay_name = [unclosed', encoding="utf-8")
    make_plugin(root, "ydtwin-typo", PROJECT + 'colour = "red"\n')  # unknown key in a project
    make_plugin(root, "ydtwin-nofile", PROJECT.replace("data/p.geojson", "data/missing.geojson"))
    make_plugin(root, "ydtwin-prefix", PROJECT.replace('id = "SHORT.road"', 'id = "other.road"'))
    make_plugin(root, "ydtwin-nofeature", PROJECT.replace('feature = "r"', 'feature = "nope"'))
    make_plugin(root, "ydtwin-escape", PROJECT.replace("data/p.geojson", "../../etc/passwd"))
    make_plugin(root, "ydtwin-future", 'requires_ydtwin = ">=99"\n' + PROJECT)
    m = manager_for(root, tmp_path)
    layers = m.plan_layers()
    status = {d.name: (m.status(d), m.reason(d)) for d in m.discovered}
    assert status["ydtwin-good"][0] == "active"
    assert [layer.plugin for layer in layers] == ["ydtwin-good"]
    assert status["ydtwin-badtoml"][0] == "broken" and "not valid TOML" in status["ydtwin-badtoml"][1]
    assert "contributions.projects.0.colour: unknown key" in status["ydtwin-typo"][1]
    assert "data/missing.geojson" in status["ydtwin-nofile"][1]
    assert "must start with 'prefix.'" in status["ydtwin-prefix"][1]
    assert status["ydtwin-nofeature"][0] == "broken" and "'nope' is not in data/p.geojson" in status["ydtwin-nofeature"][1]
    assert "inside the plugin folder" in status["ydtwin-escape"][1]
    assert "requires ydtwin >=99" in status["ydtwin-future"][1]


def test_discovering_50_plugins_imports_no_plugin_code(tmp_path):
    root = tmp_path / "many"
    for i in range(50):
        make_plugin(root, f"ydtwin-p{i:02d}", PROJECT + READER.replace("MODULE", f"ydtwin_fixture_mod_{i}"),
                    files={f"ydtwin_fixture_mod_{i}.py": "raise RuntimeError('imported during discovery')\n"})
    before = set(sys.modules)
    t0 = time.perf_counter()
    found = discover(extra=[root], builtin=False, repo=False, user=False, entry_points=False)
    seconds = time.perf_counter() - t0
    assert len(found) == 50 and all(d.ok for d in found)
    assert not [m for m in set(sys.modules) - before if m.startswith("ydtwin_fixture_mod_")]
    print(f"discovered 50 plugins in {seconds * 1000:.0f} ms")  # the timing claim lives in benchmarks/plugins.py


def test_code_needs_trust_by_hash_and_safe_mode_turns_it_off(tmp_path):
    root = tmp_path / "plugins"
    folder = make_plugin(root, "ydtwin-coder", READER.replace("MODULE", "coder_reader"),
                         files={"coder_reader.py": "def read(path):\n    raise ValueError('not really')\n"})
    m = manager_for(root, tmp_path)
    coder = m.plugin("ydtwin-coder")
    assert m.status(coder) == "untrusted" and m.reader_for("a.coder_reader") is None
    m.trust("ydtwin-coder")
    assert m.status(coder) == "active" and m.reader_for("a.coder_reader") is not None
    again = manager_for(root, tmp_path)  # remembered
    assert again.status(again.plugin("ydtwin-coder")) == "active"
    (folder / "coder_reader.py").write_text("def read(path):\n    return 42\n", encoding="utf-8")  # changed
    changed = manager_for(root, tmp_path)
    assert changed.status(changed.plugin("ydtwin-coder")) == "untrusted"
    changed.trust("ydtwin-coder")
    safe = manager_for(root, tmp_path, safe_mode=True)
    assert safe.status(safe.plugin("ydtwin-coder")) == "safe mode"
    assert safe.status(safe.plugin("ydtwin-builtins")) == "active"  # ydtwin's own code is not third-party


def test_raising_failing_and_looping_readers_are_reported_and_disabled(tmp_path):
    root = tmp_path / "plugins"
    make_plugin(root, "ydtwin-raiser", READER.replace("MODULE", "raiser_mod"),
                files={"raiser_mod.py": "def read(path):\n    raise ValueError('bad bytes in ' + path.name)\n"})
    make_plugin(root, "ydtwin-noimport", READER.replace("MODULE", "noimport_mod"),
                files={"noimport_mod.py": "import a_module_that_does_not_exist\n"})
    make_plugin(root, "ydtwin-looper", READER.replace("MODULE", "looper_mod"),
                # "forever" for the guard (0.5 s limit); it ends after 3 s so that it does not spin through the
                # rest of the test session (Python cannot stop an abandoned thread)
                files={"looper_mod.py": "import time\n\ndef read(path):\n    end = time.time() + 3\n"
                                        "    while time.time() < end:\n        pass\n"})
    make_plugin(root, "ydtwin-wrongtype", READER.replace("MODULE", "wrongtype_mod"),
                files={"wrongtype_mod.py": "def read(path):\n    return {'not': 'data'}\n"})
    make_plugin(root, "ydtwin-good", PROJECT)
    reports = []
    m = manager_for(root, tmp_path, on_failure=lambda name, text: reports.append((name, text)))
    for name in ("ydtwin-raiser", "ydtwin-noimport", "ydtwin-looper", "ydtwin-wrongtype"):
        m.trust(name)
    m.reader_timeout_s = 0.5

    for _ in range(MAX_FAILURES):
        with pytest.raises(PluginFailure, match="bad bytes in f.raiser_mod"):
            m.read(m.reader_for("f.raiser_mod"), "f.raiser_mod")
    assert m.status(m.plugin("ydtwin-raiser")) == "failed"
    assert m.reader_for("f.raiser_mod") is None  # its registrations were disposed
    with pytest.raises(PluginFailure, match="ModuleNotFoundError"):
        m.read(m.reader_for("x.noimport_mod"), "x.noimport_mod")
    t0 = time.perf_counter()
    with pytest.raises(PluginFailure, match="did not finish within 0.5 s"):
        m.read(m.reader_for("x.looper_mod"), "x.looper_mod")
    assert time.perf_counter() - t0 < 5
    assert m.status(m.plugin("ydtwin-looper")) == "failed"
    with pytest.raises(PluginFailure, match="returned dict, not BuildingsData or VectorData"):
        m.read(m.reader_for("x.wrongtype_mod"), "x.wrongtype_mod")
    with pytest.raises(PluginDisabled):
        m.guard.call("ydtwin-looper", "again", lambda: 1)
    names = {name for name, _ in reports}
    assert {"ydtwin-raiser", "ydtwin-noimport", "ydtwin-looper", "ydtwin-wrongtype"} <= names
    # the others still work
    assert [layer.plugin for layer in m.plan_layers()] == ["ydtwin-good"]


def test_rules_run_through_the_guard(tmp_path):
    root = tmp_path / "plugins"
    rules = """
    [[contributions.rules]]
    id = "SHORT.explodes"
    title = "Explodes"
    python = "rules_mod:explode"

    [[contributions.rules]]
    id = "SHORT.counts"
    title = "Counts"
    python = "rules_mod:count"
    severity = "info"
    """
    make_plugin(root, "ydtwin-rules", rules, files={"rules_mod.py": """
        def explode(context):
            raise RuntimeError("rule exploded")

        def count(context):
            return [{"message": f"{len(context)} projects"}]
        """})
    m = manager_for(root, tmp_path)
    m.trust("ydtwin-rules")
    with pytest.raises(PluginFailure, match="rule exploded"):
        m.run_rule("rules.explodes", [])
    assert m.run_rule("rules.counts", [1, 2, 3]) == [{"message": "3 projects"}]


def test_disabling_disposes_every_registration_and_enabling_restores_them(tmp_path):
    root = tmp_path / "plugins"
    theme = """
    [[contributions.themes]]
    id = "SHORT.wetlands"
    title = "Wetlands"
    colour = "#22aa88"
    """
    make_plugin(root, "ydtwin-wet", theme + PROJECT.replace('theme = "transportation"', 'theme = "wet.wetlands"'))
    m = manager_for(root, tmp_path)
    assert "wet.wetlands" in m.theme_styles() and len(m.plan_layers()) == 1
    m.set_enabled("ydtwin-wet", False)
    assert "wet.wetlands" not in m.theme_styles() and m.plan_layers() == []
    assert m.status(m.plugin("ydtwin-wet")) == "disabled"
    m.set_enabled("ydtwin-wet", True)
    layers = m.plan_layers()
    assert "wet.wetlands" in m.theme_styles() and len(layers) == 1
    assert tuple(round(c, 3) for c in layers[0].themes["wet.wetlands"].rgb) == (0.133, 0.667, 0.533)


# --- installing --------------------------------------------------------------------------------------------


def _zip(path: Path, members: dict, *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, "/etc/passwd")
    return path


GOOD_MANIFEST = 'name = "ydtwin-zipped"\ndisplay_name = "zipped"\n'


def test_a_zip_with_traversal_installs_nothing_anywhere(tmp_path):
    target = tmp_path / "user" / "plugins"
    evil = _zip(tmp_path / "evil.zip", {"ydtwin-zipped/ydtwin.toml": GOOD_MANIFEST,
                                        "ydtwin-zipped/../evil.py": "print('owned')\n",
                                        "../evil.py": "print('owned')\n"})
    with pytest.raises(InstallError, match="outside the plugin folder"):
        install(evil, target_dir=target)
    assert not list(tmp_path.rglob("evil.py"))
    assert not [p for p in target.iterdir()] if target.exists() else True


@pytest.mark.parametrize("members, symlink, message", [
    ({"/abs/ydtwin.toml": GOOD_MANIFEST}, None, "outside the plugin folder"),
    ({"C:/x/ydtwin.toml": GOOD_MANIFEST}, None, "outside the plugin folder"),
    ({"ydtwin.toml": GOOD_MANIFEST}, "link", "symbolic link"),
    ({"readme.txt": "no manifest"}, None, "holds no ydtwin.toml"),
    ({"ydtwin.toml": GOOD_MANIFEST.replace("ydtwin-zipped", "Bad Name")}, None, "not a valid plugin"),
])
def test_hostile_archives_are_refused_before_writing(tmp_path, members, symlink, message):
    target = tmp_path / "plugins"
    with pytest.raises(InstallError, match=message):
        install(_zip(tmp_path / "x.zip", members, symlink=symlink), target_dir=target)
    assert not any(p for p in target.rglob("*") if not p.name.startswith(".")) if target.exists() else True


def test_zip_bombs_are_refused(tmp_path):
    bomb = _zip(tmp_path / "bomb.zip", {"ydtwin.toml": GOOD_MANIFEST, "data/zeros.bin": b"\0" * (64 * 2**20)})
    assert bomb.stat().st_size < 2**20
    with pytest.raises(InstallError, match="zip bomb|expands"):
        install(bomb, target_dir=tmp_path / "plugins")
    assert not (tmp_path / "plugins" / "ydtwin-zipped").exists()


def test_good_zip_and_folder_install_and_replace(tmp_path):
    target = tmp_path / "plugins"
    z = _zip(tmp_path / "ok.zip", {"ydtwin-zipped/ydtwin.toml": GOOD_MANIFEST,
                                   "ydtwin-zipped/data/readme.txt": "hello"})
    folder = install(z, target_dir=target)
    assert folder == target / "ydtwin-zipped" and (folder / "data" / "readme.txt").read_text() == "hello"
    with pytest.raises(InstallError, match="already installed"):
        install(z, target_dir=target)
    assert install(z, target_dir=target, replace=True) == folder
    src = make_plugin(tmp_path / "src", "ydtwin-folder", PROJECT)
    assert read_manifest(install(src, target_dir=target)).ok
    assert not [p for p in target.iterdir() if p.name.startswith(".installing-")]


def test_scaffolded_plugin_is_valid_and_loads(tmp_path):
    from ydtwin.plugins.validate import validate

    folder = scaffold("my-plans", tmp_path)
    found = read_manifest(folder)
    assert found.ok and validate(found, discover(repo=False, user=False, entry_points=False)) == []
    m = manager_for(tmp_path, tmp_path)
    layer = next(layer for layer in m.plan_layers() if layer.plugin == "ydtwin-my-plans")
    assert len(layer.data) == 2 and set(layer.data.attributes["theme"]) == {"transportation", "ecological"}


def test_published_schema_is_current():
    from ydtwin.plugins.manifest import manifest_json_schema

    path = Path(__file__).resolve().parents[2] / "docs" / "ydtwin-plugin.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == manifest_json_schema(), \
        "regenerate with: python packaging/plugin_docs.py"
    sys.path.insert(0, str(path.parents[1] / "packaging"))
    try:
        import plugin_docs
    finally:
        sys.path.pop(0)
    assert plugin_docs.reference() in (path.parent / "plugins.md").read_text(encoding="utf-8"), \
        "the manifest reference in docs/plugins.md is stale: python packaging/plugin_docs.py"


def test_plugin_settings_survive_a_corrupt_file(tmp_path):
    path = tmp_path / "plugins.json"
    path.write_text("{not json", encoding="utf-8")
    settings = PluginSettings(path)
    assert settings.disabled == set()
    settings.set_enabled("ydtwin-x", False)
    assert json.loads(path.read_text())["disabled"] == ["ydtwin-x"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plugins-")]


def test_entry_point_plugins_are_found_without_importing_their_package(tmp_path, monkeypatch):
    import importlib.metadata

    import ydtwin.plugins.discovery as discovery

    pkg = tmp_path / "site" / "ep_plugin_pkg"
    make_plugin(tmp_path / "site", "ep_plugin_pkg", PROJECT)
    manifest = pkg / "ydtwin.toml"
    manifest.write_text(manifest.read_text().replace('name = "ep_plugin_pkg"', 'name = "ydtwin-epplug"')
                        .replace("ep_plugin_pkg.road", "epplug.road"), encoding="utf-8")
    (pkg / "__init__.py").write_text("raise RuntimeError('the package was imported')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    eps = [importlib.metadata.EntryPoint("epplug", "ep_plugin_pkg:ydtwin.toml", "ydtwin.plugins"),
           importlib.metadata.EntryPoint("ghost", "no_such_package_xyz:ydtwin.toml", "ydtwin.plugins"),
           importlib.metadata.EntryPoint("odd", "ep_plugin_pkg:other.toml", "ydtwin.plugins")]
    monkeypatch.setattr(discovery.importlib.metadata, "entry_points", lambda group: eps)
    found = {d.name: d for d in discover(builtin=False, repo=False, user=False, entry_points=True)}
    assert found["ydtwin-epplug"].ok and found["ydtwin-epplug"].origin == "entry_point"
    assert "ep_plugin_pkg" not in sys.modules
    errors = " ".join(d.error for d in found.values())
    assert "'ghost'" in errors and "not installed" in errors and "must name ydtwin.toml" in errors
