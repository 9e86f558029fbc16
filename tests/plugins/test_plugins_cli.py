"""`ydtwin plugins …` and plans in headless snapshots."""

import os
import zipfile

import numpy as np
import pytest

from conftest import run_cli


def _env(tmp_path):
    return {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_validate_all_passes_on_the_bundled_plugins():
    proc = run_cli("plugins", "validate", "--all")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("shanghai", "suzhou", "wuxi", "nantong", "jiaxing", "ningbo", "zhoushan", "huzhou", "ecocorridors"):
        assert f"ok   ydtwin-{name} " in proc.stdout
    assert "plugins valid" in proc.stdout


def test_new_validate_install_list_and_a_bad_plugin(tmp_path):
    env = _env(tmp_path)
    proc = run_cli("plugins", "new", "my-plans", "--dir", str(tmp_path), env_extra=env)
    assert proc.returncode == 0 and "(valid)" in proc.stdout, proc.stderr
    folder = tmp_path / "ydtwin-my-plans"
    proc = run_cli("plugins", "install", str(folder), env_extra=env)
    assert proc.returncode == 0 and "installed ydtwin-my-plans 0.1.0" in proc.stdout, proc.stderr
    assert (tmp_path / "data" / "ydtwin" / "plugins" / "ydtwin-my-plans" / "ydtwin.toml").is_file()
    listed = run_cli("plugins", "list", env_extra=env)
    line = next(li for li in listed.stdout.splitlines() if li.startswith("ydtwin-my-plans"))
    assert "user" in line and "active" in line and "2 projects" in line
    (folder / "ydtwin.toml").write_text((folder / "ydtwin.toml").read_text() + "\nbogus = 1\n", encoding="utf-8")
    bad = run_cli("plugins", "validate", str(folder), env_extra=env)
    assert bad.returncode == 2 and "FAIL ydtwin-my-plans" in bad.stdout and "bogus: unknown key" in bad.stdout
    proc = run_cli("plugins", "disable", "my-plans", env_extra=env)
    assert proc.returncode == 0 and "disabled" in proc.stdout


def test_install_of_a_traversal_zip_is_one_line_and_writes_nothing(tmp_path):
    env = _env(tmp_path)
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ydtwin.toml", 'name = "ydtwin-evil"\ndisplay_name = "evil"\n')
        zf.writestr("../evil.py", "print('owned')\n")
    proc = run_cli("plugins", "install", str(z), env_extra=env)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "outside the plugin folder" in proc.stderr
    assert not list(tmp_path.rglob("evil.py"))


@pytest.mark.render
@pytest.mark.slow
def test_snapshot_shows_the_eight_cities_plans(tmp_path):
    """The plans change the region snapshot, in their theme colours (transportation magenta #EE3377)."""
    from PIL import Image

    with_plans, without = tmp_path / "plans.png", tmp_path / "none.png"
    for out, plugins in ((with_plans, "all"), (without, "none")):
        proc = run_cli("snapshot", "--out", str(out), "--size", "960x600", "--view", "Suzhou", "--plugins", plugins,
                       no_display=True)
        assert proc.returncode == 0, proc.stderr
    a = np.asarray(Image.open(with_plans))[..., :3].astype(int)
    b = np.asarray(Image.open(without))[..., :3].astype(int)
    changed = np.abs(a - b).sum(axis=2) > 60
    assert changed.mean() > 0.005
    # pixels that became a transportation shade (magenta: red high, green low, blue between)
    red = (a[..., 0] > 150) & (a[..., 1] < 120) & (a[..., 0] - a[..., 2] > 50) & changed
    assert red.sum() > 200
    bad = run_cli("snapshot", "--out", str(tmp_path / "x.png"), "--plugins", "atlantis", no_display=True)
    assert bad.returncode == 2 and "no plugin named atlantis" in bad.stderr
    assert os.path.getsize(with_plans) > 10_000
