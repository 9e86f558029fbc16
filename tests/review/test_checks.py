"""Cross-border checks: the bundled plans' deliberate cases found exactly, synthetic cases, determinism."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
import shapely
from pyproj import Geod

from conftest import run_cli
from ydtwin.model.layer import Provenance, VectorData
from ydtwin.model.plans import PLAN_FIELDS, PlansLayer
from ydtwin.review.checks import run_checks

GEOD = Geod(ellps="WGS84")
RULES = [
    SimpleNamespace(id="builtins.interconnection", check="interconnection", severity="warning",
                    params={"border_m": 800, "water_m": 6000, "search_m": 1500, "connect_m": 25, "phase_years": 3}),
    SimpleNamespace(id="builtins.industry-near-protection", check="buffer_conflict", severity="error",
                    params={"kinds_a": ["industrial", "port"], "kinds_b": ["ecological", "water_source"],
                            "buffer_m": 1000}),
    SimpleNamespace(id="builtins.corridor-through-protection", check="crossing_conflict", severity="warning",
                    params={"classes": ["road", "rail"], "kinds_b": ["ecological", "water_source"]}),
]


@pytest.fixture(scope="module")
def bundled(region_data, tmp_path_factory):
    from ydtwin.plugins.manager import PluginManager
    from ydtwin.plugins.trust import PluginSettings

    region, layers = region_data
    bounds = next(layer for layer in layers if layer.role == "city-boundaries")
    outlines = dict(zip((str(n) for n in bounds.data.attributes["name"]), bounds.data.geometries, strict=True))
    m = PluginManager(settings=PluginSettings(tmp_path_factory.mktemp("s") / "p.json"), user=False,
                      entry_points=False)
    plans = [layer for layer in m.layers() if layer.kind == "plans"]
    rules = [e.contribution for e in m.rules.values()]
    return plans, outlines, region.projection, rules


def test_the_bundled_plans_give_exactly_the_deliberate_findings(bundled):
    plans, outlines, projection, rules = bundled
    findings = run_checks(plans, outlines, projection, rules)
    problems = sorted((f.kind, tuple(f.projects)) for f in findings if f.kind != "connected")
    assert problems == sorted([
        ("class_mismatch", ("jiaxing.xitang-lize-road", "suzhou.lize-xitang-road")),
        ("conflict", ("jiaxing.jiashan-industry", "shanghai.jinze-water-source")),
        ("dangling", ("jiaxing.pinghu-jinshan-road",)),
        # the Wuxi datum shift and the three offsets it causes: one finding, the offsets its children
        ("datum_suspect", ("suzhou.suxichang-south", "suzhou.taihu-pipeline", "suzhou.xiangcheng-xishan-road",
                           "wuxi.suxichang-south", "wuxi.taihu-pipeline", "wuxi.xishan-xiangcheng-road")),
        ("grade_mismatch", ("suzhou.suxichang-south", "wuxi.suxichang-south")),
        ("offset", ("shanghai.jiayi-road", "suzhou.loujiang-road")),
        ("phase_mismatch", ("jiaxing.pingjin-rail", "shanghai.jinping-rail")),
        # Metro 11 (2013) and S1 (2023) are both built: history, not a phase mismatch
    ])
    connected = {tuple(f.projects) for f in findings if f.kind == "connected"}
    for pair in [("shanghai.hsr", "suzhou.hsr"), ("huzhou.hsr", "suzhou.hsr"), ("nantong.tsjy", "suzhou.tsjy"),
                 ("jiaxing.tsjy", "suzhou.tsjy"), ("jiaxing.tsjy", "ningbo.tsjy"),
                 ("ningbo.yz-rail", "zhoushan.yz-rail"), ("shanghai.yingdian-road", "suzhou.xinle-road"),
                 ("shanghai.donghai-bridge", "zhoushan.donghai-bridge")]:
        assert pair in connected, pair
    datum = next(f for f in findings if f.kind == "datum_suspect")
    assert datum.details["suspect_city"] == "Wuxi" and datum.severity == "error"
    children = datum.details["children"]
    assert sorted(tuple(c["projects"]) for c in children) == [
        ("suzhou.suxichang-south", "wuxi.suxichang-south"), ("suzhou.taihu-pipeline", "wuxi.taihu-pipeline"),
        ("suzhou.xiangcheng-xishan-road", "wuxi.xishan-xiangcheng-road")]
    assert all(c["kind"] == "offset" and 440 <= c["details"]["distance_m"] <= 500 for c in children)
    assert "3 offsets" in datum.message


def test_a_phase_gap_matters_only_while_one_side_is_not_built(bundled):
    """Metro 11 (open 2013) and S1 (open 2023) meet at Huaqiao: both are built today, so their gap is history,
    not a mismatch, whatever year the plans are seen in; a gap with a side still to build is reported."""
    plans, outlines, projection, rules = bundled

    def phase(year):
        return {tuple(f.projects) for f in run_checks(plans, outlines, projection, rules, year=year)
                if f.kind == "phase_mismatch"}

    assert ("shanghai.metro-11-huaqiao", "suzhou.s1-kunshan") not in phase(None) | phase(2025) | phase(2040)
    assert ("jiaxing.pingjin-rail", "shanghai.jinping-rail") in phase(None) & phase(2035)


def test_the_offset_is_measured_within_ten_metres(bundled):
    plans, outlines, projection, rules = bundled
    layers = {layer.plugin: layer for layer in plans}
    ends = []
    for plugin, pid, which in (("ydtwin-shanghai", "shanghai.jiayi-road", -1),
                               ("ydtwin-suzhou", "suzhou.loujiang-road", 0)):
        data = layers[plugin].data
        g = data.geometries[list(data.attributes["id"]).index(pid)]
        ends.append(shapely.get_coordinates(g)[which])
    true_m = GEOD.inv(*ends[0], *ends[1])[2]
    finding = next(f for f in run_checks(plans, outlines, projection, rules)
                   if f.kind == "offset" and "shanghai.jiayi-road" in f.projects)
    assert abs(finding.details["distance_m"] - true_m) <= 10
    assert abs(finding.details["distance_m"] - 350) <= 10


def test_deterministic_fast_and_by_year(bundled):
    import time

    plans, outlines, projection, rules = bundled
    t0 = time.perf_counter()
    a = [f.to_json() for f in run_checks(plans, outlines, projection, rules)]
    seconds = time.perf_counter() - t0
    b = [f.to_json() for f in run_checks(plans, outlines, projection, rules)]
    assert a == b and len({f["id"] for f in a}) == len(a)
    print(f"checks over all eight cities: {seconds * 1000:.0f} ms")
    in_2030 = run_checks(plans, outlines, projection, rules, year=2030)
    # Jiaxing's side opens in 2035: in 2030 Shanghai's railway ends at the border with nothing beyond
    assert ("dangling", ["shanghai.jinping-rail"]) in [(f.kind, f.projects) for f in in_2030]
    assert not any("jiaxing.pingjin-rail" in f.projects for f in in_2030)


# --- synthetic cases: two square cities side by side, border at lon 121.0 ---------------------------------


def _plans(city, rows):
    geoms = np.array([g for g, _ in rows], dtype=object)
    attrs = {f: [] for f in PLAN_FIELDS}
    for i, (_g, a) in enumerate(rows):
        full = {"id": f"{city.lower()}.p{i}", "title": f"{city} {i}", "title_zh": "", "theme": "transportation",
                "kind": "road", "status": "planned", "start": 2025, "end": 2030, "owner": "x", "capacity": 4,
                "grade": "at_grade", "city": city, "plugin": f"ydtwin-{city.lower()}", **a}
        for f in PLAN_FIELDS:
            attrs[f].append(full[f])
    attributes = {f: np.array(v, dtype=object) for f, v in attrs.items()}
    for f in ("start", "end", "capacity"):
        attributes[f] = np.array(attrs[f], dtype=np.int64)
    return PlansLayer(city, VectorData(geoms, "EPSG:4326", attributes), themes={}, plugin=f"ydtwin-{city.lower()}",
                      city=city, provenance=Provenance("test", "CC0", nature="synthetic"))


def test_synthetic_pairs(region_data):
    region, _ = region_data
    outlines = {"West": shapely.box(120.9, 31.0, 121.0, 31.2), "East": shapely.box(121.0, 31.0, 121.1, 31.2)}
    dy = 200 / 111_000  # 200 m north
    line = shapely.LineString
    west = _plans("West", [
        (line([(120.95, 31.05), (121.0, 31.05)]), {}),                            # connected
        (line([(120.95, 31.10), (121.0, 31.10)]), {}),                            # offset 200 m
        (line([(120.95, 31.15), (121.0, 31.15)]), {"kind": "road", "capacity": 6}),  # 6 lanes vs 2
        (line([(120.95, 31.18), (121.0, 31.18)]), {}),                            # dangling
        (shapely.box(120.99, 31.02, 120.998, 31.03), {"kind": "industrial", "theme": "industry"}),
    ])
    east = _plans("East", [
        (line([(121.0, 31.05), (121.05, 31.05)]), {}),
        (line([(121.0, 31.10 + dy), (121.05, 31.10 + dy)]), {"end": 2040}),
        (line([(121.0, 31.15), (121.05, 31.15)]), {"capacity": 2, "grade": "tunnel"}),
        (shapely.box(121.004, 31.02, 121.01, 31.03), {"kind": "water_source", "theme": "ecological"}),
    ])
    found = {(f.kind, tuple(f.projects)): f for f in run_checks([west, east], outlines, region.projection, RULES)}
    assert ("connected", ("east.p0", "west.p0")) in found
    off = found[("offset", ("east.p1", "west.p1"))]
    assert abs(off.details["distance_m"] - 200) <= 10
    assert ("phase_mismatch", ("east.p1", "west.p1")) in found
    assert found[("class_mismatch", ("east.p2", "west.p2"))].details["capacity"] == {"West": 6, "East": 2}
    assert ("grade_mismatch", ("east.p2", "west.p2")) in found
    assert ("dangling", ("west.p3",)) in found
    conflict = found[("conflict", ("east.p3", "west.p4"))]
    assert conflict.severity == "error" and 500 < conflict.details["distance_m"] < 700
    lon, lat = off.location
    assert abs(lon - 121.0) < 0.001 and abs(lat - (31.10 + dy / 2)) < 0.001
    with pytest.raises(ValueError, match="unknown check"):
        run_checks([west], outlines, region.projection, [SimpleNamespace(id="x", check="nope", params={},
                                                                         severity="info")])


def test_at_grade_over_water_from_the_terrain(region_data):
    """Two synthetic cities whose border runs through the region's largest lake: a road declared at grade
    meeting the border in the lake is a grade mismatch once the terrain is known; bridges there are not."""
    from ydtwin.review.checks import WaterMap

    region, layers = region_data
    water = WaterMap.from_layers(layers)
    lake = water.lakes.geoms if hasattr(water.lakes, "geoms") else [water.lakes]
    # a point well inside a lake, and a line through it west → east
    poly = max(lake, key=lambda g: g.area)
    p = poly.representative_point()
    assert water.at(p.x, p.y) == "a lake" and water.at(120.62, 31.30) is None  # Suzhou old town: land
    assert water.at(122.8, 30.5) == "the sea or the estuary"
    outlines = {"West": shapely.box(p.x - 0.1, p.y - 0.1, p.x, p.y + 0.1),
                "East": shapely.box(p.x, p.y - 0.1, p.x + 0.1, p.y + 0.1)}
    line = shapely.LineString
    west = _plans("West", [(line([(p.x - 0.05, p.y), (p.x, p.y)]), {}),
                           (line([(p.x - 0.05, p.y + 0.08), (p.x, p.y + 0.08)]), {"grade": "bridge"})])
    east = _plans("East", [(line([(p.x, p.y), (p.x + 0.05, p.y)]), {"grade": "bridge"}),
                           (line([(p.x, p.y + 0.08), (p.x + 0.05, p.y + 0.08)]), {"grade": "bridge"})])
    without = run_checks([west, east], outlines, region.projection, RULES)
    with_terrain = run_checks([west, east], outlines, region.projection, RULES, water=water)
    new = [f for f in with_terrain if f.id not in {g.id for g in without}]
    assert len(new) == 1 and new[0].kind == "grade_mismatch" and new[0].details["terrain"] == "a lake"
    assert "West 0 (West) is declared at grade" in new[0].message


@pytest.mark.slow
def test_review_check_cli_writes_findings_json(tmp_path):
    out = tmp_path / "findings.json"
    proc = run_cli("review", "check", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    kinds = {f["kind"] for f in doc["findings"]}
    assert {"connected", "offset", "dangling", "class_mismatch", "grade_mismatch", "phase_mismatch",
            "datum_suspect", "conflict"} <= kinds
    for f in doc["findings"]:
        assert {"id", "kind", "severity", "cities", "projects", "location", "message"} <= set(f)
        assert 119 < f["location"][0] < 123.5 and 28.8 < f["location"][1] < 32.8
    only = run_cli("review", "check", "--out", str(tmp_path / "two.json"), "--plugins", "shanghai,suzhou")
    assert only.returncode == 0
    two = json.loads((tmp_path / "two.json").read_text())
    assert set(two["plugins"]) == {"ydtwin-shanghai", "ydtwin-suzhou"}
    assert all(set(f["cities"]) <= {"Shanghai", "Suzhou"} for f in two["findings"] if f["kind"] != "dangling")


@pytest.mark.slow
def test_code_rules_from_a_trusted_plugin_join_the_findings(tmp_path):
    import sys as _sys
    from pathlib import Path

    _sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
    from test_engine import make_plugin

    rules = """
    [[contributions.rules]]
    id = "SHORT.long-rail"
    title = "Long railways"
    python = "rule_mod:long_rail"
    severity = "info"

    [[contributions.rules]]
    id = "SHORT.broken"
    title = "Broken"
    python = "rule_mod:broken"
    """
    make_plugin(tmp_path / "plugins", "ydtwin-ruler", rules, files={"rule_mod.py": """
        def long_rail(context):
            rails = [p for p in context["projects"] if p["kind"] == "rail"]
            return [{"message": f"{len(rails)} railway sections", "projects": [p["id"] for p in rails][:2],
                     "location": [121.0, 31.0], "cities": ["Shanghai"]}]

        def broken(context):
            return "not a list"
        """})
    env = {"YDTWIN_PLUGIN_PATH": str(tmp_path / "plugins"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    out = tmp_path / "f.json"
    untrusted = run_cli("review", "check", "--out", str(out), env_extra=env)
    assert untrusted.returncode == 0 and "ruler.long-rail" not in out.read_text()  # untrusted code never runs
    assert run_cli("plugins", "trust", "ruler", env_extra=env).returncode == 0
    proc = run_cli("review", "check", "--out", str(out), env_extra=env)
    assert proc.returncode == 0
    doc = json.loads(out.read_text())
    mine = [f for f in doc["findings"] if f["kind"] == "ruler.long-rail"]
    assert len(mine) == 1 and mine[0]["message"].endswith("railway sections") and mine[0]["severity"] == "info"
    assert "ruler.broken" in proc.stderr and "not a list" in proc.stderr
    assert any(f["kind"] == "offset" for f in doc["findings"])  # the built-in checks still ran


# --- the connection tolerance and the accuracy each plan states ------------------------------------------


def _pair_at(gap_m: float, accuracy_west, accuracy_east):
    """West and East roads meeting the border at lon 121.0, ``gap_m`` apart north-south, each plan stating
    ``accuracy_*`` (None: none stated)."""
    dy = gap_m / 110_900  # metres → degrees of latitude at 31° N
    line = shapely.LineString
    west = _plans("West", [(line([(120.95, 31.10), (121.0, 31.10)]), {})])
    east = _plans("East", [(line([(121.0, 31.10 + dy), (121.05, 31.10 + dy)]), {})])
    for layer, accuracy in ((west, accuracy_west), (east, accuracy_east)):
        layer.data.attributes["accuracy_m"] = np.array([accuracy], dtype=object)
    return [west, east]


def test_the_tolerance_follows_the_accuracy_both_plans_state(region_data):
    """A gap between the rule's connect_m (25 m) and what two schematic plans' accuracies allow
    (√(25² + 25²) ≈ 35 m) is a connection between schematic plans and an offset between surveys; the
    finding says which tolerance it used and why."""
    region, _ = region_data
    outlines = {"West": shapely.box(120.9, 31.0, 121.0, 31.2), "East": shapely.box(121.0, 31.0, 121.1, 31.2)}

    def link(accuracy_west, accuracy_east):
        found = run_checks(_pair_at(30.0, accuracy_west, accuracy_east), outlines, region.projection, RULES[:1])
        (f,) = [f for f in found if f.kind in ("connected", "offset")]
        return f

    coarse = link(25.0, 25.0)
    assert coarse.kind == "connected" and 28 <= coarse.details["distance_m"] <= 32
    assert coarse.details["tolerance_m"] == pytest.approx(25 * 2 ** 0.5, abs=0.1)
    assert "positional accuracies" in coarse.details["tolerance"] and "West 25 m" in coarse.details["tolerance"]
    assert coarse.details["accuracy_m"] == {"West": 25.0, "East": 25.0}

    precise = link(0.5, 0.5)
    assert precise.kind == "offset" and precise.details["tolerance_m"] == 25.0
    assert "the rule's connect_m" in precise.details["tolerance"] and "tolerance 25 m" in precise.message

    # a plan that states nothing counts the default accuracy (10 m): with a survey, 25 m still holds
    unstated = link(None, 0.5)
    assert unstated.kind == "offset" and "West 10 m, assumed: none stated" in unstated.details["tolerance"]
    # one coarse side is enough when it alone exceeds the gap: √(40² + 0.5²) > 30
    assert link(40.0, 0.5).kind == "connected"
    # both ends of the link are in the finding, in the order of its projects
    east_end, west_end = precise.details["ends"]
    assert precise.projects == ["east.p0", "west.p0"]
    assert east_end[1] > west_end[1] and abs(west_end[0] - 121.0) < 1e-6


def test_connection_tolerance_rule():
    """max(connect_m, factor × √(a² + b²)), unstated sides at the default accuracy."""
    from ydtwin.model.plans import DEFAULT_ACCURACY_M
    from ydtwin.review.checks import connection_tolerance

    assert connection_tolerance(25, ("A", 30.0), ("B", 40.0))[0] == pytest.approx(50.0)
    assert connection_tolerance(25, ("A", 30.0), ("B", 40.0), factor=2.0)[0] == pytest.approx(100.0)
    assert connection_tolerance(25, ("A", 1.0), ("B", 1.0))[0] == 25.0
    tolerance, why = connection_tolerance(5, ("A", None), ("B", None))
    assert tolerance == pytest.approx(DEFAULT_ACCURACY_M * 2 ** 0.5) and why.count("assumed: none stated") == 2


@pytest.mark.parametrize("factor", [0, -1, float("nan"), float("inf"), "two", True])
def test_a_bad_accuracy_factor_names_the_rule(region_data, factor):
    region, _ = region_data
    outlines = {"West": shapely.box(120.9, 31.0, 121.0, 31.2), "East": shapely.box(121.0, 31.0, 121.1, 31.2)}
    rule = SimpleNamespace(**{**vars(RULES[0]), "params": {**RULES[0].params, "accuracy_factor": factor}})
    with pytest.raises(ValueError, match="builtins.interconnection: accuracy_factor must be a number above 0"):
        run_checks(_pair_at(30.0, None, None), outlines, region.projection, [rule])
