"""Every numeric option of the command line is finite and in a stated range, refused in one line otherwise."""

from __future__ import annotations

import math
import random

import pytest

from ydtwin.cli.parser import build_parser

#: (command words, option, a valid value, (low, high))
OPTIONS = [
    (["snapshot", "--out", "x.png"], "--storey-height", "3", (1.0, 20.0)),
    (["snapshot", "--out", "x.png"], "--default-height", "10", (1.0, 1000.0)),
    (["snapshot", "--out", "x.png"], "--exaggeration", "6", (0.1, 100.0)),
    (["snapshot", "--out", "x.png"], "--quality", "90", (1, 100)),
    (["snapshot", "--out", "x.png"], "--tile", "2048", (64, 16384)),
    (["flythrough", "p.json", "--out", "x.mp4"], "--fps", "30", (1, 120)),
    (["path", "preset", "orbit", "--out", "o.json"], "--radius", "12000", (100.0, 500_000.0)),
    (["path", "preset", "corridor", "--out", "o.json"], "--height", "600", (10.0, 50_000.0)),
    (["path", "preset", "orbit", "--out", "o.json"], "--seconds", "10", (0.1, 1800.0)),
    (["path", "preset", "orbit", "--out", "o.json"], "--fps", "30", (1, 120)),
    (["review", "check", "--out", "f.json"], "--year", "2030", (1900, 2200)),
    (["review", "new", "s.json"], "--year", "2030", (1900, 2200)),
]

HOSTILE = ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "-1", "0", "-0", "1e-9", "",
           " ", "1,5", "0x10", "٣", "1e400000", "99999999999999999999", "-99999999999999999999", "3 m", "1/2",
           "None", "true", "9" * 5000]


PARSER = build_parser()


def _parse(words):
    return PARSER.parse_args(words)


@pytest.mark.parametrize("words,option,valid,bounds", OPTIONS, ids=[f"{w[0]} {o}" for w, o, _v, _b in OPTIONS])
def test_hostile_numbers_are_refused_with_the_range(words, option, valid, bounds, capsys):
    """NaN, infinities, overflow, out-of-range and non-numbers: exit 2 and one line naming the option."""
    assert getattr(_parse([*words, option, valid]), option.lstrip("-").replace("-", "_")) == type(bounds[0])(valid)
    lo, hi = bounds
    for text in HOSTILE:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if math.isfinite(value) and lo <= value <= hi and (isinstance(lo, float) or value == int(value)):
            continue  # a valid spelling of a number in range (e.g. "1e-9" is not, "0" may be)
        with pytest.raises(SystemExit) as exc:
            _parse([*words, option, text])
        assert exc.value.code == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and option in err and "Traceback" not in err, (option, text, err)


def test_thousands_of_generated_numbers_either_parse_in_range_or_exit_2(capsys):
    """A generator of numbers and near-numbers over every option: each parses to a finite value within the
    option's range, or exits 2 with one line; nothing else (no traceback, no out-of-range value)."""
    rng = random.Random(20261204)
    tokens = HOSTILE + ["1e", "e5", "--1", "+5", "5.", ".5", "1_000", "1e-320", "4.9e-324", "1.7976931348623157e308"]
    n = 0
    for _ in range(3000):
        words, option, _valid, (lo, hi) = rng.choice(OPTIONS)
        kind = rng.random()
        if kind < 0.4:
            text = repr(rng.uniform(-2 * abs(hi) - 1, 2 * abs(hi) + 1))
        elif kind < 0.6:
            text = str(rng.randint(int(lo) - 50, int(hi) + 50))
        elif kind < 0.8:
            text = f"{rng.choice(['', '-'])}{rng.random():.3g}e{rng.randint(-400, 400)}"
        else:
            text = rng.choice(tokens)
        try:
            args = _parse([*words, option, text])
        except SystemExit as exc:
            assert exc.code == 2
            err = capsys.readouterr().err.strip()
            assert err.count("\n") == 0 and "Traceback" not in err
            continue
        value = getattr(args, option.lstrip("-").replace("-", "_"))
        assert math.isfinite(value) and lo <= value <= hi, (option, text, value)
        n += 1
    assert n > 300  # the generator also produced valid values
