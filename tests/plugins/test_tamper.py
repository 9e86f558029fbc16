"""Plugins that cannot tamper: namespaced names, discovery that never raises, limits checked before reading,
imports guarded like calls. Each test states the rule it holds the engine to."""

import os
import sys
import time
import zipfile
from pathlib import Path

import pytest
from test_engine import PROJECT, READER, make_plugin, manager_for

from conftest import bounded, run_cli
from ydtwin.plugins.discovery import BUILTIN_DIR, discover, read_manifest
from ydtwin.plugins.guard import MAX_FAILURES, Guard, PluginDisabled, PluginFailure
from ydtwin.plugins.install import InstallError, install
from ydtwin.plugins.limits import MAX_MANIFEST_BYTES
from ydtwin.plugins.manager import PluginManager
from ydtwin.plugins.trust import PluginSettings, plugin_hash

ERROR_RULE = "builtins.industry-near-protection"
SILENCER = f"""
[[contributions.rules]]
id = "{ERROR_RULE}"
title = "Nothing to see"
severity = "info"
check = "buffer_conflict"
params = {{ kinds_a = ["none"], kinds_b = ["none"], buffer_m = 0 }}
"""
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and devices")


def _builtin_rule(m: PluginManager):
    entry = m.rules[ERROR_RULE]
    return entry.plugin, entry.contribution.severity, dict(entry.contribution.params)


# --- 1. names are unique and namespaced ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["builtins", "ydtwin-builtins"])
def test_a_data_plugin_cannot_redefine_a_builtin_rule(tmp_path, name):
    """A plugin whose short name is the built-in plugin's ('builtins') may not contribute ids in its
    namespace: it is refused and listed as broken with the reason, and the built-in error rule stays."""
    root = tmp_path / "plugins"
    make_plugin(root, name, SILENCER, data=None)
    m = manager_for(root, tmp_path)
    plugin, severity, params = _builtin_rule(m)
    assert (plugin, severity) == ("ydtwin-builtins", "error") and params["buffer_m"] == 1000
    impostor = next(d for d in m.discovered if d.origin == "path")
    assert m.status(impostor) == "broken"
    assert "reserved" in m.reason(impostor) or "already found" in m.reason(impostor)
    assert m.status(m.plugin("ydtwin-builtins")) == "active"


def test_the_builtin_namespace_is_reserved_even_when_the_builtin_plugin_is_not_discovered(tmp_path):
    """The short name 'builtins' belongs to ydtwin wherever a plugin is read (validate on one folder too)."""
    folder = make_plugin(tmp_path, "builtins", SILENCER, data=None)
    found = read_manifest(folder)
    assert not found.ok and "'builtins'" in found.error and "reserved" in found.error
    assert read_manifest(BUILTIN_DIR, "builtin").ok


def test_two_plugins_with_one_short_name_keep_the_first_and_refuse_the_second(tmp_path):
    """'suzhou' and 'ydtwin-suzhou' share the namespace 'suzhou.': the first found keeps it, the second is
    listed as a name conflict and contributes nothing."""
    root = tmp_path / "plugins"
    rule = '[[contributions.rules]]\nid = "twin.check"\ntitle = "T"\ncheck = "interconnection"\nseverity = "SEV"\n'
    make_plugin(root, "twin", rule.replace("SEV", "error"), data=None)
    make_plugin(root, "ydtwin-twin", rule.replace("SEV", "info"), data=None)
    m = manager_for(root, tmp_path)
    assert m.rules["twin.check"].plugin == "twin" and m.rules["twin.check"].contribution.severity == "error"
    second = m.plugin("ydtwin-twin")
    assert m.status(second) == "broken" and "name conflict" in m.reason(second) and "'twin'" in m.reason(second)


def test_the_manager_never_lets_a_plugin_replace_another_ones_id(tmp_path):
    """Even handed a list discovery did not check (out of order, errors cleared), a plugin never replaces a
    built-in contribution, and of two plugins with one id the second is refused whole."""
    evil = read_manifest(make_plugin(tmp_path / "a", "builtins", SILENCER, data=None))
    evil.errors.clear()
    builtin = read_manifest(BUILTIN_DIR, "builtin")
    reports = []
    m = PluginManager(settings=PluginSettings(tmp_path / "s.json"), discovered=[evil, builtin],
                      on_failure=lambda name, text: reports.append((name, text)))
    assert _builtin_rule(m)[:2] == ("ydtwin-builtins", "error")
    assert m.status(evil) == "broken" and "built-in" in m.reason(evil)
    assert any(name == "builtins" for name, _ in reports)  # shown, not silent

    theme = '[[contributions.themes]]\nid = "dup.wet"\ntitle = "TITLE"\ncolour = "#22aa88"\n'
    first = read_manifest(make_plugin(tmp_path / "b", "ydtwin-dup", theme.replace("TITLE", "one"), data=None))
    second = read_manifest(make_plugin(tmp_path / "c", "dup", theme.replace("TITLE", "two"), data=None))
    m = PluginManager(settings=PluginSettings(tmp_path / "s.json"), discovered=[first, second])
    assert m.themes["dup.wet"].contribution.title == "one"
    assert m.status(second) == "broken" and "conflicts with ydtwin-dup" in m.reason(second)
    m.set_enabled("ydtwin-dup", False)  # the first one's claims go with it ...
    m.set_enabled("dup", True)  # ... and the second may then take them
    assert m.themes["dup.wet"].contribution.title == "two" and m.status(second) == "active"


def test_plugins_list_shows_the_impostor_as_broken_with_its_reason(tmp_path):
    """`ydtwin plugins list` names the refused plugin, 'broken', and why; the built-in one stays active."""
    root = tmp_path / "plugins"
    make_plugin(root, "builtins", SILENCER, data=None)
    proc = run_cli("plugins", "list", env_extra={"YDTWIN_PLUGIN_PATH": str(root),
                                                 "XDG_DATA_HOME": str(tmp_path / "data"),
                                                 "XDG_CONFIG_HOME": str(tmp_path / "config")}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    line = next(li for li in proc.stdout.splitlines() if li.startswith("builtins "))
    assert " broken " in line and "reserved" in line
    assert " active " in next(li for li in proc.stdout.splitlines() if li.startswith("ydtwin-builtins "))


# --- 2. discovery never raises --------------------------------------------------------------------------------


def _raw_plugin(root: Path, name: str, manifest: bytes | str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    data = manifest.encode("utf-8") if isinstance(manifest, str) else manifest
    (folder / "ydtwin.toml").write_bytes(data)
    return folder


@pytest.mark.parametrize("body", [
    "a = " + "[" * 100_000 + "]" * 100_000,
    "a = " + "{b = " * 100_000 + "1" + "}" * 100_000,
    "[contributions]\nrules = " + "[" * 5_000 + "]" * 5_000,
    "x = 1" + "9" * 5_000,  # an integer Python will not convert
], ids=["arrays-1e5", "inline-tables-1e5", "rules-5e3", "huge-int"])
def test_a_deeply_nested_manifest_is_one_broken_plugin_not_a_crash(tmp_path, body):
    """Errors as values: one manifest nested 10^5 levels (or an unconvertible value) makes its plugin broken
    with one reason; discovery returns and the other plugins load."""
    root = tmp_path / "plugins"
    _raw_plugin(root, "ydtwin-deep", 'name = "ydtwin-deep"\ndisplay_name = "deep"\n' + body)
    make_plugin(root, "ydtwin-good", PROJECT)
    found = {d.name: d for d in discover(extra=[root], builtin=False, repo=False, user=False, entry_points=False)}
    assert found["ydtwin-good"].ok
    deep = found["ydtwin-deep"]
    assert not deep.ok and deep.manifest is None and len(deep.errors) == 1 and "\n" not in deep.error
    m = manager_for(root, tmp_path)
    assert [layer.plugin for layer in m.plan_layers()] == ["ydtwin-good"]


# --- 3. size limits before reading ------------------------------------------------------------------------------


def test_an_oversized_manifest_is_refused_unread(tmp_path):
    """A manifest over MAX_MANIFEST_BYTES (here a 150 MB sparse file) is refused from its size, at once,
    without being read."""
    root = tmp_path / "plugins"
    folder = root / "ydtwin-huge"
    folder.mkdir(parents=True)
    with open(folder / "ydtwin.toml", "wb") as f:
        f.truncate(150 * 2**20)
    make_plugin(root, "ydtwin-good", PROJECT)
    t0 = time.perf_counter()
    found = {d.path.name: d for d in discover(extra=[root], builtin=False, repo=False, user=False, entry_points=False)}
    assert time.perf_counter() - t0 < 2
    assert found["ydtwin-good"].ok
    assert "150.0 MiB" in found["ydtwin-huge"].error and "limit" in found["ydtwin-huge"].error
    just_over = _raw_plugin(tmp_path / "other", "ydtwin-over", "#" * (MAX_MANIFEST_BYTES + 1))
    assert "over the 1.0 MiB limit" in read_manifest(just_over).error


@posix_only
def test_a_fifo_or_device_as_manifest_is_refused_without_waiting(tmp_path):
    """A manifest that is a FIFO (which would block for ever) or a link to /dev/zero (which never ends) is
    not a regular file: refused at once, the other plugins load."""
    root = tmp_path / "plugins"
    (root / "ydtwin-fifo").mkdir(parents=True)
    os.mkfifo(root / "ydtwin-fifo" / "ydtwin.toml")
    (root / "ydtwin-zero").mkdir()
    (root / "ydtwin-zero" / "ydtwin.toml").symlink_to("/dev/zero")
    make_plugin(root, "ydtwin-good", PROJECT)
    found = {d.path.name: d for d in bounded(discover, extra=[root], builtin=False, repo=False, user=False,
                                               entry_points=False)}
    assert found["ydtwin-good"].ok
    assert "named pipe" in found["ydtwin-fifo"].error and "character device" in found["ydtwin-zero"].error


@posix_only
@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "oversized"])
def test_install_refuses_endless_streams_and_oversized_archives_before_reading(tmp_path, monkeypatch, kind):
    """`plugins install` takes a folder or a regular file within MAX_ARCHIVE_BYTES: /dev/zero, a FIFO or an
    oversized file is refused from its kind or size, before a byte is read."""
    import ydtwin.plugins.install as install_module

    if kind == "dev-zero":
        source = Path("/dev/zero")
    elif kind == "fifo":
        source = tmp_path / "plugin.zip"
        os.mkfifo(source)
    else:
        source = tmp_path / "plugin.zip"
        monkeypatch.setattr(install_module, "MAX_ARCHIVE_BYTES", 2**20)
        with open(source, "wb") as f:
            f.truncate(2**20 + 1)
    with pytest.raises(InstallError, match="character device|named pipe|over the"):
        bounded(install, source, target_dir=tmp_path / "target")
    assert not (tmp_path / "target").exists() or not list((tmp_path / "target").iterdir())


def test_install_checks_declared_sizes_and_special_files_before_writing(tmp_path):
    """A zip whose manifest member declares more than MAX_MANIFEST_BYTES, and a folder holding a FIFO, are
    refused with one line before anything is written."""
    z = tmp_path / "big.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("ydtwin.toml", 'name = "ydtwin-big"\ndisplay_name = "big"\n' + "#" * (MAX_MANIFEST_BYTES + 10))
    with pytest.raises(InstallError, match="limit of a manifest"):
        install(z, target_dir=tmp_path / "target")
    assert not (tmp_path / "target").exists()
    if hasattr(os, "mkfifo"):
        folder = make_plugin(tmp_path / "src", "ydtwin-piped", PROJECT)
        os.mkfifo(folder / "data" / "pipe")
        with pytest.raises(InstallError, match="named pipe"):
            bounded(install, folder, target_dir=tmp_path / "target")
        assert not (tmp_path / "target").exists()


@posix_only
def test_cli_install_of_dev_zero_is_one_line_and_exit_2(tmp_path):
    """`ydtwin plugins install /dev/zero` ends at once with one line and exit code 2 (it used to read until
    the kernel killed it)."""
    proc = run_cli("plugins", "install", "/dev/zero", timeout=60,
                   env_extra={"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "character device" in proc.stderr


@posix_only
def test_trusting_a_plugin_never_reads_a_fifo_in_it(tmp_path):
    """The trust hash reads regular files only: a FIFO or a link to /dev/zero in a plugin folder is hashed by
    its kind (reading it would block or never end)."""
    folder = make_plugin(tmp_path, "ydtwin-odd", PROJECT)
    os.mkfifo(folder / "data" / "pipe")
    (folder / "data" / "zero").symlink_to("/dev/zero")
    first = bounded(plugin_hash, folder)
    assert first == bounded(plugin_hash, folder)
    (folder / "data" / "p.geojson").write_text("{}", encoding="utf-8")
    assert bounded(plugin_hash, folder) != first


# --- 4. imports get the same guard as calls ----------------------------------------------------------------------


def _code_plugin(root: Path, name: str, module: str, source: str) -> None:
    make_plugin(root, name, READER.replace("MODULE", module), files={f"{module}.py": source})


def test_a_module_that_loops_at_import_is_abandoned_and_its_plugin_disabled(tmp_path):
    """A trusted plugin whose module does not finish importing is abandoned after the import time limit and
    disabled; the command goes on. (The module ends after 3 s so that it does not outlive the test: Python
    cannot stop an abandoned thread.)"""
    root = tmp_path / "plugins"
    _code_plugin(root, "ydtwin-slowimport", "slowimport_mod",
                 "import time\nend = time.time() + 3\nwhile time.time() < end:\n    time.sleep(0.01)\n\n"
                 "def read(path):\n    raise AssertionError('never reached')\n")
    make_plugin(root, "ydtwin-good", PROJECT)
    m = manager_for(root, tmp_path)
    m.trust("ydtwin-slowimport")
    m.guard.import_timeout_s = 0.5
    t0 = time.perf_counter()
    with pytest.raises(PluginFailure, match=r"import slowimport_mod:read: did not finish within 0.5 s"):
        m.read(m.reader_for("f.slowimport_mod"), "f.slowimport_mod")
    assert time.perf_counter() - t0 < 2.5
    assert m.status(m.plugin("ydtwin-slowimport")) == "failed"
    assert [layer.plugin for layer in m.plan_layers()] == ["ydtwin-good"]


@pytest.mark.parametrize("statement, shown", [
    ("import sys\nsys.exit(0)", "SystemExit: called sys.exit(0)"),
    ("raise SystemExit('bye')", "SystemExit: called sys.exit('bye')"),
    ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    ("class Odd(BaseException):\n    def __str__(self):\n        raise RuntimeError('no text')\n\nraise Odd()", "Odd"),
], ids=["sys-exit", "system-exit-text", "keyboard-interrupt", "base-exception-without-text"])
def test_a_module_that_ends_the_process_at_import_is_a_plugin_failure(tmp_path, statement, shown):
    """sys.exit, a KeyboardInterrupt raised by plugin code, or any BaseException at import never ends the
    run: each is one failure line; after MAX_FAILURES the plugin is disabled and the others keep working."""
    root = tmp_path / "plugins"
    _code_plugin(root, "ydtwin-quitter", "quitter_mod", statement + "\n\ndef read(path):\n    return None\n")
    make_plugin(root, "ydtwin-good", PROJECT)
    reports = []
    m = manager_for(root, tmp_path, on_failure=lambda name, text: reports.append(text))
    m.trust("ydtwin-quitter")
    for _ in range(MAX_FAILURES):
        with pytest.raises(PluginFailure) as info:
            m.read(m.reader_for("f.quitter_mod"), "f.quitter_mod")
        assert shown in str(info.value) and "\n" not in str(info.value)
    assert m.status(m.plugin("ydtwin-quitter")) == "failed" and m.reader_for("f.quitter_mod") is None
    assert len(reports) == MAX_FAILURES and all(shown in text for text in reports)
    assert [layer.plugin for layer in m.plan_layers()] == ["ydtwin-good"]
    assert "quitter_mod" not in sys.modules


def test_calls_in_the_callers_thread_turn_sys_exit_into_a_failure_but_let_ctrl_c_through():
    """A call without a time limit (a panel's factory on the UI thread) reports sys.exit and other
    BaseExceptions as failures; a KeyboardInterrupt there may be the user's Ctrl+C, so it stops the app."""
    guard = Guard()

    def quits():
        sys.exit(3)

    with pytest.raises(PluginFailure, match=r"SystemExit: called sys.exit\(3\)"):
        guard.call("ydtwin-p", "panel x", quits)

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        guard.call("ydtwin-p", "panel x", interrupted)
    with pytest.raises(PluginFailure, match="KeyboardInterrupt"):  # off-thread it can only be the plugin's
        guard.call("ydtwin-p", "rule y", interrupted, timeout=5)
    assert guard.failures("ydtwin-p") == 2  # the Ctrl+C was not the plugin's failure
    with pytest.raises(PluginFailure):
        guard.call("ydtwin-p", "panel x", quits)
    with pytest.raises(PluginDisabled):  # after MAX_FAILURES
        guard.call("ydtwin-p", "panel x", lambda: 1)


def test_an_exception_with_a_hostile_text_is_still_one_short_line():
    """A plugin's exception whose text is huge, multi-line or full of control characters is shown as one
    bounded line."""
    guard = Guard()

    def noisy():
        raise ValueError("line one\nline two\r\n\x1b[31mred\u202e" + "x" * 100_000)

    with pytest.raises(PluginFailure) as info:
        guard.call("ydtwin-p", "rule z", noisy)
    text = str(info.value)
    assert "\n" not in text and "\r" not in text and "\x1b" not in text and "\u202e" not in text
    assert len(text) < 1000 and "line one line two" in text
