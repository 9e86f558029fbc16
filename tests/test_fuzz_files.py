"""Generated hostile files through every loader a planner can point ydtwin at: project files, review sessions,
flight paths, findings for a tour. Each case either loads or is refused with one line (YdtwinError or the
format's own one-line error); never a traceback of another kind, never a hang."""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

import pytest

from ydtwin.errors import YdtwinError

SEED = 20261204
#: worst time one case may take (a loader that loops or balloons fails here, not in CI's time limit)
CASE_LIMIT_S = 5.0


def _value(rng: random.Random, depth: int = 0):
    """A random JSON-ish value: every JSON type, odd numbers and strings, nesting."""
    kinds = ["int", "float", "str", "bool", "null", "list", "dict", "odd"]
    kind = rng.choice(kinds if depth < 4 else kinds[:5] + ["odd"])
    if kind == "int":
        return rng.choice([0, -1, 1, 2030, 10**30, -(10**30), rng.randint(-10**6, 10**6)])
    if kind == "float":
        return rng.choice([0.5, -0.0, 1e308, -1e308, 5e-324, rng.uniform(-200, 200)])
    if kind == "str":
        return rng.choice(["", "x", "ydtwin_project", "open", "../../etc/shadow", "/dev/zero", "上海", "\u202e",
                           "a" * 10_000, "NaN", "EPSG:4326", "ydtwin-review-session/1"])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "list":
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == "dict":
        keys = ["id", "name", "path", "layers", "findings", "finding", "status", "location", "eye", "target",
                "keyframes", "seconds", "fps", "size", "format", "viewpoint", "history", "comments", "x"]
        return {rng.choice(keys): _value(rng, depth + 1) for _ in range(rng.randint(0, 5))}
    return rng.choice([math.nan, math.inf, -math.inf])


def _mutate(rng: random.Random, doc):
    """A valid document with one thing broken: a key dropped, a value replaced, a type changed."""
    doc = json.loads(json.dumps(doc))

    def walk(node, depth=0):
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
            r = rng.random()
            if r < 0.25:
                del node[key]
            elif r < 0.6 or depth > 6:
                node[key] = _value(rng)
            else:
                walk(node[key], depth + 1)
        elif isinstance(node, list) and node:
            i = rng.randrange(len(node))
            if rng.random() < 0.5:
                node[i] = _value(rng)
            else:
                walk(node[i], depth + 1)

    walk(doc)
    return doc


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _cases(rng: random.Random, valid: dict, n: int):
    """Texts: random values, mutations of a valid document, truncations, deep nesting, non-JSON bytes."""
    text = json.dumps(valid)
    for i in range(n):
        r = i % 6
        if r == 0:
            yield json.dumps(_value(rng), allow_nan=True)
        elif r in (1, 2):
            yield json.dumps(_mutate(rng, valid), allow_nan=True)
        elif r == 3:
            yield text[: rng.randrange(len(text))]
        elif r == 4:
            yield rng.choice([_deep(rng.choice([100, 5_000, 200_000])), '{"a":' * 50_000, "\x00\xff\xfe", "",
                              " ", "null", "[]", "{}", '{"format": "ydtwin-review-session/1", "findings": 5}'])
        else:
            yield json.dumps(valid).replace("1", rng.choice(["NaN", "Infinity", "1e999", "-1"]), 1)


def _run(load, texts, tmp_path: Path, accepted: tuple[type[BaseException], ...]) -> dict:
    counts = {"loaded": 0, "refused": 0}
    path = tmp_path / "case.json"
    for text in texts:
        path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
        t0 = time.perf_counter()
        try:
            load(path)
            counts["loaded"] += 1
        except accepted as exc:
            line = str(exc)
            assert line and "\n" not in line.strip() and len(line) < 2000, (text[:200], line[:500])
            counts["refused"] += 1
        except BaseException as exc:  # anything else is a bug: say which case
            raise AssertionError(f"{type(exc).__name__}: {exc!s:.300} for {text[:300]!r}") from exc
        assert time.perf_counter() - t0 < CASE_LIMIT_S, text[:200]
        for extra in tmp_path.iterdir():  # a loader leaves nothing behind (journals, locks, temporaries)
            if extra != path and extra.suffix != ".geojson":
                raise AssertionError(f"{extra.name} left behind by {text[:200]!r}")
    return counts


@pytest.mark.slow
def test_project_files(tmp_path):
    from ydtwin.model.project import load_project

    valid = {"ydtwin_project": 1, "region": None, "layers": [{"path": "b.geojson", "crs": None, "color_by": "",
             "visible": True, "opacity": 1.0, "replaces": "area", "points": {"hidden_classes": [7, 18],
                                                                             "point_size": 2.0, "shaded": False}}],
             "base_layers": {"terrain": {"visible": True, "opacity": 1.0}},
             "viewpoints": [{"name": "v", "eye": [121.0, 31.0, 3000.0], "target": [121.0, 31.1, 0.0],
                             "view_angle": 30.0}], "plan_year": 2030,
             "dems": ["b.geojson"], "terrain_colouring": "hillshade", "sea_level": 2.0}
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "b.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    counts = _run(load_project, list(_cases(random.Random(SEED), valid, 1500)), tmp_path / "p", (YdtwinError,))
    print("project files:", counts)
    assert counts["refused"] > 1000 and counts["loaded"] >= 1


@pytest.mark.slow
def test_review_sessions(tmp_path):
    from ydtwin.review.session import Session

    def load(path):
        s = Session.open(path, read_only=True)
        s.recover()
        return s

    valid = {"format": "ydtwin-review-session/1", "title": "t", "created": "2026-12-04T00:00:00+00:00",
             "saved": "2026-12-04T00:00:00+00:00", "scenario": {},
             "findings": [{"finding": {"id": "f1", "kind": "offset", "severity": "warning", "rule": "r",
                                       "cities": ["Suzhou"], "projects": ["a"], "location": [120.9, 31.1],
                                       "message": "m"},
                           "status": "open", "viewpoint": None, "history": [], "comments": []}]}
    (tmp_path / "s").mkdir()
    counts = _run(load, list(_cases(random.Random(SEED + 1), valid, 1500)), tmp_path / "s", (YdtwinError,))
    print("review sessions:", counts)
    assert counts["refused"] > 1000


@pytest.mark.slow
def test_flight_paths(tmp_path):
    from ydtwin.flythrough.path import FlightPath, PathError

    valid = FlightPath(title="t", keyframes=[{"eye": [121.0, 31.0, 3000.0], "target": [121.0, 31.1, 0.0]},
                                             {"eye": [121.1, 31.0, 3000.0], "target": [121.1, 31.1, 0.0]}])
    doc = json.loads(valid.model_dump_json())
    (tmp_path / "f").mkdir()
    counts = _run(FlightPath.load, list(_cases(random.Random(SEED + 2), doc, 1500)), tmp_path / "f",
                  (YdtwinError, PathError))
    print("flight paths:", counts)
    assert counts["refused"] > 1000


@pytest.mark.slow
def test_findings_for_a_tour(tmp_path):
    from ydtwin.workspace.review import findings_for_tour

    valid = {"region": "yrd8", "findings": [{"id": "f1", "kind": "offset", "severity": "warning",
                                             "location": [120.9, 31.1], "message": "m"}]}
    (tmp_path / "t").mkdir()
    counts = _run(findings_for_tour, list(_cases(random.Random(SEED + 3), valid, 1000)), tmp_path / "t", (YdtwinError,))
    print("tour findings:", counts)
    assert counts["refused"] > 300
