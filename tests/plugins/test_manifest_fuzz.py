"""Generated manifests through discovery and validation: whatever a ydtwin.toml holds (random TOML structures,
wrong types, unknown keys, huge strings, deep nesting, odd unicode, bytes that are not text), the answer is
a valid plugin or a broken one with a one-line reason — never a traceback, never a hang."""

import copy
import json
import math
import re
import shutil
import tempfile
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import bounded
from ydtwin.plugins.discovery import discover, read_manifest
from ydtwin.plugins.limits import MAX_MANIFEST_BYTES
from ydtwin.plugins.validate import validate

pytestmark = pytest.mark.slow

#: seconds one generated case may take (discovery + validation of one manifest)
CASE_LIMIT_S = 10.0
#: the longest reason accepted as "one line"
MAX_REASON_CHARS = 4000

ROAD = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "r", "properties": {"id": "r"},
     "geometry": {"type": "LineString", "coordinates": [[121.3, 31.2], [121.4, 31.25]]}}]}

BASE = {
    "name": "ydtwin-fuzz",
    "display_name": "Fuzz",
    "version": "0.1.0",
    "schema_version": 1,
    "requires_ydtwin": ">=0.1",
    "city": {"name": "Suzhou", "adcode": "320500"},
    "contributions": {
        "projects": [{"id": "fuzz.road", "title": "A road", "theme": "transportation", "kind": "road",
                      "status": "planned", "phase": [2026, 2030], "owner": "Bureau", "source": "data/p.geojson",
                      "feature": "r", "capacity": 4, "grade": "at_grade"}],
        "layers": [{"id": "fuzz.layer", "name": "Layer", "source": "data/p.geojson",
                    "style": {"colour": "#22aa88", "line_width": 2.0, "fill": False}}],
        "themes": [{"id": "fuzz.wet", "title": "Wetlands", "colour": "#22aa88"}],
        "rules": [{"id": "fuzz.rule", "title": "Rule", "check": "interconnection", "severity": "warning",
                   "params": {"border_m": 800, "classes": ["road"]}}],
    },
}

# --- a small TOML writer (the standard library reads TOML but does not write it) ----------------------------


_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


def _string(s: str) -> str:
    return '"' + _ESCAPE.sub(lambda m: "\\" + m.group() if m.group() in '"\\' else f"\\u{ord(m.group()):04x}", s) + '"'


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(k: str) -> str:
    return k if _BARE_KEY.fullmatch(k) else _string(k)


class HugeInt:
    """An integer literal of more digits than Python converts from text (4,300)."""

    def __repr__(self) -> str:
        return "HugeInt()"


def toml_value(v) -> str:
    if isinstance(v, HugeInt):
        return "1" + "0" * 4400
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, (datetime, date, dtime)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def toml_document(doc: dict) -> str:
    return "\n".join(f"{_key(k)} = {toml_value(v)}" for k, v in doc.items()) + "\n"


# --- strategies ---------------------------------------------------------------------------------------------------

ODD = st.characters(codec="utf-8") | st.sampled_from(
    ["\u202e", "\u200b", "\ufeff", "\x00", "\x1b", "\u2028", "\U0001f600", "苏", "\ud7ff", "\n", "\r", "\t", "\x7f"])
DOMAIN = st.sampled_from([
    "ydtwin-fuzz", "fuzz", "fuzz.road", "builtins.interconnection", "builtins", "ydtwin-builtins", ">=0.1", ">=99",
    "not a specifier", "data/p.geojson", "data/missing.geojson", "../escape.geojson", "/etc/passwd", "C:/x",
    "data/\x00nul", "a" * 300, "EPSG:4326", "EPSG:3857", "GCJ-02", "BD-09", "not a crs", "transportation",
    "fuzz.wet", "road", "rail", "industrial", "facility", "planned", "built", "at_grade", "tunnel", "#22aa88",
    "red", "mod:fn", "os:system", "interconnection", "r", "x" * 100_000, "字" * 20_000, "\n" * 1_000,
])
STRINGS = DOMAIN | st.text(ODD, max_size=30)
SCALARS = (STRINGS | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from([0, -1, 2**63, 10**400, 1900, 2200, 2201, HugeInt(), datetime(2026, 1, 1),
                              date(2026, 1, 1), dtime(12, 0)]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(STRINGS.filter(bool), inner, max_size=3), max_leaves=8)


def _containers(node, path=()):
    """Every dict and list in a document, with its path."""
    yield path, node
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        if isinstance(v, (dict, list)):
            yield from _containers(v, (*path, k))


@st.composite
def mutated_manifests(draw) -> str:
    """The base manifest with a few random edits: values replaced by others of any type, keys removed,
    unknown keys added, list items duplicated or dropped."""
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 2, 3, 6]))):
        containers = list(_containers(doc))
        _path, node = draw(st.sampled_from(containers))
        op = draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
        if isinstance(node, dict):
            keys = list(node)
            if op == "add" or not keys:
                node[draw(STRINGS.filter(bool) | st.sampled_from(["colour", "python", "theme", "id"]))] = draw(VALUES)
            else:
                key = draw(st.sampled_from(keys))
                if op == "delete":
                    del node[key]
                elif op == "duplicate" and isinstance(node[key], list) and node[key]:
                    node[key].append(copy.deepcopy(node[key][0]))
                else:
                    node[key] = draw(DOMAIN | VALUES)
        elif isinstance(node, list):
            if node and op == "delete":
                node.pop(draw(st.integers(0, len(node) - 1)))
            elif node and op == "replace":
                node[draw(st.integers(0, len(node) - 1))] = draw(VALUES)
            else:
                node.append(draw(VALUES))
    return toml_document(doc)


@st.composite
def raw_manifests(draw) -> bytes:
    """Text that is barely (or not) TOML: random structures, deep nesting, truncation, odd bytes."""
    kind = draw(st.sampled_from(["structure", "nested", "truncated", "bytes", "repeat"]))
    if kind == "structure":
        doc = draw(st.dictionaries(STRINGS.filter(bool), VALUES, max_size=6))
        return toml_document(doc).encode("utf-8", "surrogatepass")
    if kind == "nested":
        depth = draw(st.sampled_from([10, 100, 400, 1_000, 10_000, 100_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a = ", "}"), ("[{a = ", "}]")]))
        key = draw(st.sampled_from(["x", "city", "contributions", "params"]))
        head = 'name = "ydtwin-fuzz"\ndisplay_name = "F"\n'
        return (head + f"{key} = " + opener * depth + "1" + closer * depth + "\n").encode()
    if kind == "truncated":
        text = toml_document(BASE)
        return text[: draw(st.integers(0, len(text)))].encode()
    if kind == "repeat":
        unit = draw(st.sampled_from(["[[contributions.rules]]\n", 'x = "', "a.b.c.d.e = 1\n", "# c\n", "{", "["]))
        return (unit * draw(st.integers(1, 50_000))).encode()
    return draw(st.binary(max_size=400))


# --- the property ---------------------------------------------------------------------------------------------


def _one_line(text: str) -> bool:
    return bool(text) and "\n" not in text and "\r" not in text and len(text) <= MAX_REASON_CHARS


class _Workspace:
    """One plugin folder reused by every case (a good plugin beside it must always load)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ydtwin-fuzz-"))
        self.folder = self.root / "ydtwin-fuzz"
        (self.folder / "data").mkdir(parents=True)
        (self.folder / "data" / "p.geojson").write_text(json.dumps(ROAD), encoding="utf-8")
        good = self.root / "ydtwin-steady"
        (good / "data").mkdir(parents=True)
        (good / "data" / "p.geojson").write_text(json.dumps(ROAD), encoding="utf-8")
        steady = toml_document({**BASE, "name": "ydtwin-steady", "contributions": {
            "projects": [{**BASE["contributions"]["projects"][0], "id": "steady.road"}]}})
        (good / "ydtwin.toml").write_text(steady, encoding="utf-8")

    def check(self, manifest: bytes, *, with_validate: bool = True) -> None:
        (self.folder / "ydtwin.toml").write_bytes(manifest)
        t0 = time.perf_counter()
        found, problems, everything = bounded(self._run, with_validate, seconds=CASE_LIMIT_S)
        assert time.perf_counter() - t0 < CASE_LIMIT_S
        assert found.ok or (found.errors and _one_line(found.error)), found.error[:500]
        if found.ok:
            assert found.manifest is not None
        if with_validate:
            assert all(_one_line(p) for p in problems), problems[:3]
            assert found.ok or problems
        assert everything["ydtwin-steady"].ok, everything["ydtwin-steady"].error

    def _run(self, with_validate: bool):
        """Discovery of the case alone and beside a good plugin, and validation: what a command does."""
        found = read_manifest(self.folder)
        problems = validate(found, []) if with_validate else []
        everything = {d.name: d for d in discover(extra=[self.root], builtin=False, repo=False, user=False,
                                                  entry_points=False)}
        return found, problems, everything


@pytest.fixture(scope="module")
def workspace():
    ws = _Workspace()
    yield ws
    shutil.rmtree(ws.root, ignore_errors=True)


FUZZ = settings(max_examples=1300, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@FUZZ
@given(manifest=mutated_manifests())
def test_mutated_manifests_are_valid_or_broken_with_one_line(workspace, manifest):
    """Thousands of edits of a valid manifest: each is a valid plugin or a broken one with a one-line reason,
    validation answers in lines too, and the plugin beside it keeps loading."""
    workspace.check(manifest.encode("utf-8", "surrogatepass"))


@settings(FUZZ, max_examples=500)
@given(manifest=raw_manifests())
def test_raw_manifests_are_valid_or_broken_with_one_line(workspace, manifest):
    """Random TOML structures, nesting up to 10^5 levels, truncated manifests, repeated headers and bytes
    that are not text: never a traceback, never a hang."""
    workspace.check(manifest)


@pytest.mark.parametrize("manifest", [
    b"\xef\xbb\xbf" + toml_document(BASE).encode(),  # a byte-order mark
    toml_document(BASE).encode("utf-16"),
    b"name = \"ydtwin-fuzz\"\ndisplay_name = \"" + b"x" * (MAX_MANIFEST_BYTES - 40) + b"\"\n",  # just under the limit
    b"#" * (MAX_MANIFEST_BYTES + 1),
    ("x = {" + ", ".join(f"k{i} = {i}" for i in range(60_000)) + "}\n").encode(),  # a huge inline table
    toml_document({**BASE, "contributions": {"rules": [dict(BASE["contributions"]["rules"][0], id=f"fuzz.r{i}")
                                                         for i in range(3_000)]}}).encode(),
    toml_document({**BASE, "contributions": {"projects": [{"id": 1}] * 5_000}}).encode(),  # 5,000 × many errors
], ids=["bom", "utf16", "just-under-limit", "over-limit", "huge-inline-table", "3000-rules", "5000-bad-projects"])
def test_extreme_manifests_are_answered_quickly(workspace, manifest):
    """The edges a generator rarely reaches: a BOM, UTF-16, sizes at the limit, a huge inline table,
    thousands of contributions or errors — each answered within the case limit."""
    workspace.check(manifest, with_validate=False)
