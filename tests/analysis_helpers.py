"""What the analysis tests share: running ``ydtwin`` (the exit status whether the command returned it or argparse
exited), spying on a workspace method, plan zones with height limits and drawn areas around the synthetic block of
``sun_synth``."""

import numpy as np
import shapely

from sun_synth import SW


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


def zone_layer(ws, boxes_limits, *, end=2020, city="Shanghai"):
    """A plans layer of zones given as boxes in metres east/north of SW, each with its height limit (or None)."""
    from ydtwin.model.layer import Provenance, VectorData
    from ydtwin.model.plans import PLAN_FIELDS, PlansLayer

    proj = ws.scene.projection
    x0, y0 = proj.to_scene(np.array([SW[0]]), np.array([SW[1]]))
    geoms, rows = [], []
    for k, ((bx0, by0, bx1, by1), limit) in enumerate(boxes_limits):
        g = shapely.box(x0[0] + bx0, y0[0] + by0, x0[0] + bx1, y0[0] + by1)
        geoms.append(shapely.transform(g, lambda c: np.column_stack(proj.from_scene(c[:, 0], c[:, 1]))))
        rows.append({"id": f"test.zone{k}", "title": f"Zone {k}", "title_zh": "", "theme": "tourism", "kind": "urban",
                     "status": "built", "start": end, "end": end, "owner": "x", "capacity": 0, "grade": "",
                     "city": city, "plugin": "ydtwin-test", "max_height_m": limit})
    attrs = {f: np.array([r[f] for r in rows], dtype=object) for f in (*PLAN_FIELDS, "max_height_m")}
    for f in ("start", "end", "capacity"):
        attrs[f] = attrs[f].astype(np.int64)
    return PlansLayer("test plans", VectorData(np.array(geoms, dtype=object), "EPSG:4326", attrs), themes={},
                      plugin="ydtwin-test", city=city, provenance=Provenance("test", "CC0", nature="illustrative"))


def square(ws, x0, y0, x1, y1):
    """A drawn area: the lon/lat corners of a box in metres east/north of SW."""
    proj = ws.scene.projection
    ox, oy = proj.to_scene(np.array([SW[0]]), np.array([SW[1]]))
    xs, ys = np.array([x0, x1, x1, x0]) + ox[0], np.array([y0, y0, y1, y1]) + oy[0]
    lon, lat = proj.from_scene(xs, ys)
    return list(zip(lon.tolist(), lat.tolist(), strict=True))


class PanelHost:
    """A stand-in for the window's services to an analysis panel: work runs at once (failures come back as
    values, as from the window's runner), lines are kept, clicks hit the ``ground`` points in turn (none: sky),
    and a scene tool taking the clicks stops the one before it."""

    def __init__(self):
        self.lines = []
        self.runs = 0
        self.tool = None
        self.ground = []

    def run(self, work, done=None, failed=None):
        self.runs += 1
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001 - as the window's runner
            failed(exc)
        else:
            done(result)

    def log(self, text, *, error=False):
        self.lines.append(("ERROR " if error else "") + text)

    def viewport_pixels(self):
        return 800, 600

    def world_at(self, x, y):
        return self.ground.pop(0) if self.ground else None

    def set_scene_tool(self, tool):
        old, self.tool = self.tool, tool
        if old is not None and old is not tool:
            old.stop()
