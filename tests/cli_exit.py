"""Running ``ydtwin`` in a test: the exit status whether the command returned it or argparse exited."""


def exit_status(argv: list[str]) -> int:
    from ydtwin.cli import main

    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own checks exit
        return int(exc.code)


def one_error_line(capsys) -> str:
    """What the command wrote to stderr, asserted to be one line."""
    err = capsys.readouterr().err.strip()
    assert err and len(err.splitlines()) == 1, err
    return err


def spy_on(monkeypatch, cls, name: str) -> list:
    """Record each call of ``cls.name`` as (positional args, keyword args, result); the call still runs."""
    calls = []
    real = getattr(cls, name)

    def spy(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        calls.append((args, kwargs, result))
        return result

    monkeypatch.setattr(cls, name, spy)
    return calls


#: a 40 × 40 m footprint inside Suzhou's old town (lon/lat ring)
GUSU_RING = [[120.620, 31.310], [120.6204, 31.310], [120.6204, 31.3104], [120.620, 31.3104], [120.620, 31.310]]
