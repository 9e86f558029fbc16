"""The per-user cache of derived region data: same data back, recomputed when anything it depends on
changes, and never trusted when torn, planted or inconsistent."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from ydtwin.io import derived_cache
from ydtwin.io.derived_cache import cached_buildings, digest, read_buildings, write_buildings
from ydtwin.model.buildings import BuildingsData


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("YDTWIN_CACHE", raising=False)
    return tmp_path / "cache"


def _data(n: int = 3) -> BuildingsData:
    xy = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float64)
    return BuildingsData(
        np.concatenate([xy + k for k in range(n)]),
        np.arange(n + 1, dtype=np.int64) * 4,
        np.arange(n + 1, dtype=np.int64),
        np.arange(n, dtype=np.int64),
        np.arange(n, dtype=np.float64) * 3 + 6,
        np.zeros(n),
        np.full(n, 4, dtype=np.uint8),
        np.zeros(n, dtype=np.uint8),
        "EPSG:4326",
        {"city": np.array(["苏州", "Wuxi", "苏州"][:n], dtype=object), "levels": np.arange(n, dtype=np.int32)},
    )


def _same(a: BuildingsData, b: BuildingsData) -> None:
    for name in ("xy", "ring_offsets", "part_offsets", "part_building", "height", "min_height", "height_rule",
                 "flags"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
    assert a.crs == b.crs
    assert a.attributes.keys() == b.attributes.keys()
    for key in a.attributes:
        assert list(a.attributes[key]) == list(b.attributes[key]), key
    for key, values in a.attributes.items():
        if values.dtype == object:  # text comes back as the objects the model uses
            assert b.attributes[key].dtype == object, key


def test_second_call_reads_the_entry_and_gets_the_same_data():
    calls = []

    def build():
        calls.append(1)
        return _data()

    first = cached_buildings("blocks", "k" * 64, build)
    second = cached_buildings("blocks", "k" * 64, build)
    assert len(calls) == 1
    _same(first, second)
    assert len(list(derived_cache.cache_folder().glob("blocks-*.npz"))) == 1
    assert not list(derived_cache.cache_folder().glob("*.tmp"))


def test_the_key_follows_file_contents_and_options(tmp_path):
    f = tmp_path / "land.pack"
    f.write_bytes(b"one")
    k1 = digest([f, "corrected"])
    assert digest([f, "corrected"]) == k1
    f.write_bytes(b"two")
    assert digest([f, "corrected"]) != k1
    assert digest([f, "official"]) != digest([f, "corrected"])
    # parts are length-prefixed: moving a boundary between two parts is another key
    assert digest(["ab", "c"]) != digest(["a", "bc"])
    # a missing file is keyed by its name, not an error
    assert digest([tmp_path / "gone"]) != digest([f])


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "offsets", "codes", "dtype", "nan"])
def test_a_damaged_entry_is_computed_again_and_replaced(damage, caplog):
    good = _data()
    path = derived_cache.cache_folder() / f"blocks-{'d' * 32}.npz"
    assert write_buildings(path, good)
    raw = path.read_bytes()
    if damage == "truncated":  # a torn write from an older, non-atomic writer, or a full disk
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(4096))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        if damage == "offsets":
            arrays["ring_offsets"] = arrays["ring_offsets"][::-1].copy()
        elif damage == "codes":
            arrays["code:city"] = arrays["code:city"] + 10
        elif damage == "dtype":
            arrays["height"] = arrays["height"].astype(np.float32)
        elif damage == "nan":
            arrays["xy"][0, 0] = np.nan
        np.savez(path, **arrays)
    with pytest.raises(ValueError):
        read_buildings(path)
    calls = []
    with caplog.at_level(logging.WARNING, logger="ydtwin"):
        out = cached_buildings("blocks", "d" * 64, lambda: calls.append(1) or good)
    assert calls == [1]
    _same(good, out)
    assert any("computed again" in r.getMessage() for r in caplog.records)
    _same(good, read_buildings(path))  # the entry was written anew


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_link_planted_at_the_entry_is_never_followed(tmp_path):
    secret = tmp_path / "secret.npz"
    assert write_buildings(secret, _data(2))
    before = secret.read_bytes()
    folder = derived_cache.cache_folder()
    folder.mkdir(parents=True)
    link = folder / f"blocks-{'e' * 32}.npz"
    link.symlink_to(secret)
    out = cached_buildings("blocks", "e" * 64, lambda: _data(3))
    assert len(out) == 3  # computed, not read through the link
    assert link.is_symlink() and secret.read_bytes() == before  # neither replaced nor written through


def test_attributes_that_are_not_text_or_numbers_are_not_stored():
    data = _data()
    odd = BuildingsData(*(getattr(data, n) for n in ("xy", "ring_offsets", "part_offsets", "part_building",
                                                      "height", "min_height", "height_rule", "flags")),
                        data.crs, {"thing": np.array([object(), None, 1], dtype=object)})
    out = cached_buildings("odd", "f" * 64, lambda: odd)
    assert out is odd
    assert not list(derived_cache.cache_folder().glob("odd-*"))


def test_the_cache_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("YDTWIN_CACHE", "off")
    calls = []
    for _ in range(2):
        cached_buildings("blocks", "g" * 64, lambda: calls.append(1) or _data())
    assert len(calls) == 2
    assert not derived_cache.cache_folder().exists()


def test_an_unwritable_cache_folder_is_not_an_error(cache_home):
    cache_home.mkdir()
    (cache_home / "ydtwin").write_text("a file where the folder should be")
    out = cached_buildings("blocks", "h" * 64, _data)
    assert len(out) == 3


def test_the_region_reads_its_blocks_from_the_cache_the_second_time(monkeypatch):
    """load_region computes the procedural blocks once; a second load gets the same buildings from the cache,
    and a changed blocks model (another region folder) is computed afresh."""
    from ydtwin.io import blocks, region

    calls = []
    real = blocks.procedural_blocks

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(blocks, "procedural_blocks", counting)
    _, first = region.load_region()
    _, second = region.load_region()
    assert len(calls) == 1
    by_role = {layer.role: layer for layer in first}
    again = {layer.role: layer for layer in second}
    for role in ("procedural-blocks", "landmarks"):
        _same(by_role[role].data, again[role].data)
    assert len(by_role["procedural-blocks"].data) > 50_000


def test_a_changed_blocks_model_is_computed_afresh(tmp_path, monkeypatch):
    from ydtwin.io import blocks, region

    folder = tmp_path / "region"
    shutil.copytree(Path(region.default_region_path()).parent, folder)
    _, before = region.load_region(folder)
    model = folder / "blocks.toml"
    text = model.read_text(encoding="utf-8")
    seed_line = next(line for line in text.splitlines() if line.startswith("seed"))
    model.write_text(text.replace(seed_line, "seed = 987654"), encoding="utf-8")
    calls = []
    real = blocks.procedural_blocks
    monkeypatch.setattr(blocks, "procedural_blocks", lambda *a, **k: calls.append(1) or real(*a, **k))
    _, after = region.load_region(folder)
    assert calls == [1]
    a = next(layer for layer in before if layer.role == "procedural-blocks").data
    b = next(layer for layer in after if layer.role == "procedural-blocks").data
    assert len(a) != len(b) or not np.array_equal(a.xy, b.xy)
