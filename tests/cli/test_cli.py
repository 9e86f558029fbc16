"""The command line reads well and fails in one line."""

from conftest import run_cli
from ydtwin import __version__


def test_version():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"ydtwin {__version__}"


def test_help_names_every_command_and_an_example():
    """--help lists the commands a planner needs, with examples, in English and Chinese."""
    proc = run_cli("--help")
    assert proc.returncode == 0
    for word in ("snapshot", "info", "app", "examples:", "长三角"):
        assert word in proc.stdout


def test_bad_size_is_refused():
    proc = run_cli("snapshot", "--out", "x.png", "--size", "huge")
    assert proc.returncode == 2 and "1920x1080" in proc.stderr


def test_bad_region_file_is_one_line(tmp_path):
    proc = run_cli("--region", str(tmp_path / "missing.toml"), "snapshot", "--out", str(tmp_path / "x.png"))
    assert proc.returncode == 2
    assert "region file not found" in proc.stderr and "Traceback" not in proc.stderr
