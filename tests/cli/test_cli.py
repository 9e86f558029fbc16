"""The command line reads well and fails in one line."""

import pytest

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


@pytest.mark.slow
def test_snapshot_with_real_footprints_headless(tmp_path, shared_fixtures):
    """`ydtwin snapshot --layer` shows loaded footprints without an X server; the view can be the layer."""
    import numpy as np
    from PIL import Image

    out = tmp_path / "苏州.png"
    proc = run_cli("snapshot", "--out", str(out), "--size", "640x400", "--layer",
                   str(shared_fixtures / "osm" / "suzhou_osm_buildings.geojson"), "--color-by", "height",
                   "--view", "120.70,31.31,120.73,31.335", "--no-legend", no_display=True)
    assert proc.returncode == 0, proc.stderr
    assert "loaded suzhou_osm_buildings.geojson: 2,000 buildings" in proc.stdout
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    assert img.std() > 10
    # the 450 m IFS tower is yellow at the top of the height ramp: warm, saturated pixels (no legend: its
    # coloured rows must not be what is counted)
    warm = (img[..., 0] > 200) & (img[..., 1] > 150) & (img[..., 2] < 90)
    assert warm.sum() > 25


def test_snapshot_with_a_bad_layer_is_one_line(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
                   '"geometry": {"type": "Polygon", "coordinates": [[[351900, 3457700], [351950, 3457700], '
                   '[351950, 3457750], [351900, 3457700]]]}}]}', encoding="utf-8")
    proc = run_cli("snapshot", "--out", str(tmp_path / "x.png"), "--layer", str(bad), no_display=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.geojson" in lines[0] and "cannot be lon/lat" in lines[0]
    assert not (tmp_path / "x.png").exists()


def test_info_reports_heights_and_rejects_of_building_files(tmp_path, shared_fixtures):
    proc = run_cli("info", str(shared_fixtures / "pbf" / "test.osm.pbf"))
    assert proc.returncode == 0, proc.stderr
    assert "OSM PBF building footprints" in proc.stdout
    assert "heights:  levels 10, default 2,161" in proc.stdout
    assert "48 building ways with missing nodes" in proc.stdout


@pytest.mark.slow
def test_places_and_numbers_that_cannot_be_made_are_refused(tmp_path):
    """Views and orbits outside the region, zero or negative numbers, unknown plugins: one line, exit 2 (an
    empty-sky picture or a silent default would look like success)."""
    cases = [
        (("snapshot", "--out", str(tmp_path / "o.png"), "--view", "200,31,201,32"), "outside the region"),
        (("path", "preset", "orbit", "--around", "100,31", "--out", str(tmp_path / "p.json")), "outside the region"),
        (("path", "preset", "orbit", "--seconds", "0", "--out", str(tmp_path / "p.json")), "between 0.1 and 1800 s"),
        (("path", "preset", "corridor", "--height", "-5", "--out", str(tmp_path / "p.json")), "between 10 and 50000 m"),
        (("flythrough", str(tmp_path / "p.json"), "--out", str(tmp_path / "v.mp4"), "--fps", "0"), "between 1 and 120"),
        (("snapshot", "--out", str(tmp_path / "o.png"), "--tile", "0"), "between 64 and 16384 px"),
        (("review", "check", "--plugins", "nosuch", "--out", str(tmp_path / "f.json")), "no plugin named nosuch"),
        (("review", "report", str(tmp_path / "none.json"), "--out", str(tmp_path / "r.html")), "no such review session"),
        (("review", "report", str(tmp_path / "none.json"), "--out", str(tmp_path / "r.docx")), ".html, .pdf or .csv"),
    ]
    for args, needle in cases:
        proc = run_cli(*args)
        assert proc.returncode == 2, args
        # the error is one line
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert needle in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)
    assert not any(tmp_path.iterdir())  # nothing written


def test_the_app_without_a_display_is_one_line():
    proc = run_cli("app", no_display=True, env_extra={"QT_QPA_PLATFORM": ""})
    assert proc.returncode == 2 and "needs a display" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_flight_path_naming_a_layer_the_scene_lacks_is_refused(tmp_path):
    path = tmp_path / "orbit.json"
    assert run_cli("path", "preset", "orbit", "--around", "Suzhou", "--out", str(path)).returncode == 0
    import json

    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["keyframes"][0]["layers"] = {"Nosuch": False}
    path.write_text(json.dumps(doc), encoding="utf-8")
    proc = run_cli("flythrough", str(path), "--out", str(tmp_path / "v.mp4"), no_display=True)
    assert proc.returncode == 2 and "'Nosuch' are not in the scene" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "v.mp4").exists()


def test_review_check_is_the_workspaces_review_with_code_rules(code_rule_plugin, run_review_calls, tmp_path):
    """`ydtwin review check` calls the workspace's run_review, so plugins' code rules run from the CLI too."""
    import json

    from ydtwin.cli import main

    assert main(["review", "check", "--out", str(tmp_path / "f.json"), "--year", "2030"]) == 0
    assert run_review_calls == [{"year": 2030}]
    doc = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert "borderaudit.count" in {f["kind"] for f in doc["findings"]} and "borderaudit.count" in doc["rules"]


@pytest.mark.slow
def test_a_tour_from_a_session_written_by_review_new(tmp_path):
    """`ydtwin path preset review --findings S` visits the findings of a session from `ydtwin review new`."""
    import json

    session = tmp_path / "review.json"
    proc = run_cli("review", "new", str(session), "--plugins", "suzhou,shanghai,wuxi")
    assert proc.returncode == 0, proc.stderr
    n = len(json.loads(session.read_text(encoding="utf-8"))["findings"])
    proc = run_cli("path", "preset", "review", "--findings", str(session), "--out", str(tmp_path / "tour.json"))
    assert proc.returncode == 0, proc.stderr
    tour = json.loads((tmp_path / "tour.json").read_text(encoding="utf-8"))
    assert len(tour["keyframes"]) == n > 0
    assert f"1/{n} [" in tour["tracks"]["captions"][0]["text"]


def test_absurd_years_are_refused():
    proc = run_cli("review", "check", "--out", "x.json", "--year", "99999")
    assert proc.returncode == 2 and "between 1900 and 2200" in proc.stderr


def test_outputs_never_replace_a_session_or_an_input_and_are_checked_first(tmp_path):
    """A session (the one file planners cannot re-create) is never replaced by findings, a report or a flight
    path; an output equal to an input, in a missing folder or in /proc is refused before any work, one line,
    exit 2, nothing created."""
    import json

    session = tmp_path / "review.json"
    assert run_cli("review", "new", str(session), "--plugins", "suzhou,shanghai").returncode == 0
    before = session.read_bytes()
    cases = [
        (("review", "check", "--out", str(session)), "is a review session"),
        (("path", "preset", "review", "--findings", str(session), "--out", str(session)), "review"),
        (("review", "report", str(session), "--out", str(session), "--format", "html"), "review"),
        (("snapshot", "--out", str(tmp_path / "missing" / "x.png")), "missing"),
        (("snapshot", "--out", "/proc/x.png"), "/proc"),
        (("review", "check", "--out", str(tmp_path / "nofolder" / "f.json")), "nofolder"),
    ]
    for args, needle in cases:
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1 and needle in proc.stderr, (args, proc.stderr)
    assert session.read_bytes() == before
    assert json.loads(before)["format"].startswith("ydtwin-review-session/")
    assert not (tmp_path / "missing").exists() and not (tmp_path / "nofolder").exists()


@pytest.mark.slow
def test_project_is_the_workspaces_load_project(tmp_path, monkeypatch):
    """`--project FILE` opens the file with the workspace's ``load_project`` (the window's File ▸ Open project
    applies the same ``open_project``): the sea level and the terrain's colouring come back, and the command's
    own options follow it."""
    import json

    from ydtwin.cli.common import workspace_from_args
    from ydtwin.cli.parser import build_parser
    from ydtwin.workspace import Workspace

    calls = []
    real = Workspace.load_project
    monkeypatch.setattr(Workspace, "load_project", lambda self, path: calls.append(path) or real(self, path))
    path = tmp_path / "p.ydtwin.json"
    path.write_text(json.dumps({"ydtwin_project": 1, "sea_level": 1.5, "terrain_colouring": "hillshade"}),
                    encoding="utf-8")
    args = build_parser().parse_args(["snapshot", "--out", str(tmp_path / "x.png"), "--project", str(path),
                                      "--plugins", "none", "--terrain-colour", "elevation"])
    ws = workspace_from_args(args)
    assert calls == [str(path)] and ws.scene.sea_level == 1.5
    assert any(layer.role == "inundation" for layer in ws.scene.layers)
    assert ws.scene.layer("terrain").colouring == "elevation"  # --terrain-colour after the project


def test_a_bad_project_is_one_line(tmp_path):
    bad = tmp_path / "bad.ydtwin.json"
    bad.write_text('{"ydtwin_project": 1, "sea_level": 99}', encoding="utf-8")
    proc = run_cli("snapshot", "--out", str(tmp_path / "x.png"), "--project", str(bad), no_display=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.ydtwin.json" in lines[0] and "sea_level" in lines[0], proc.stderr
    assert not (tmp_path / "x.png").exists()
