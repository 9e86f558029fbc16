"""The 26-city region drawn: `ydtwin --region yrd26 snapshot` names every city on the overview still."""

import numpy as np
import pytest

pytestmark = pytest.mark.render

SIZE = (1920, 1080)


def test_the_26_city_overview_names_every_city(tmp_path, monkeypatch):
    from PIL import Image

    from ydtwin.cli import main
    from ydtwin.io.region import open_scene
    from ydtwin.render import overlay
    from ydtwin.render.export import Exporter

    out = tmp_path / "yrd26.png"
    assert main(["--region", "yrd26", "snapshot", "--out", str(out), "--size", "960x540"]) == 0
    rgb = np.asarray(Image.open(out).convert("RGB"))
    assert rgb.shape == (540, 960, 3) and rgb.std() > 20  # drawn, not blank

    placed = []
    real = overlay.place_labels
    monkeypatch.setattr(overlay, "place_labels", lambda *a, **k: placed.extend(real(*a, **k)) or placed)
    scene = open_scene("yrd26")
    ex = Exporter(scene)
    try:
        ex.set_view("region", SIZE)
        image, _ = ex.image(SIZE)
        content = ex.overlay_content(SIZE)
        overlay.draw_overlays(image, overlay.OverlayOptions(), content)
    finally:
        ex.close()
    texts = [text for _xy, text, _c, _a in placed]
    for city in scene.region.cities:  # every city's name, in both languages, on the still
        assert any(city.name_zh in t and city.name in t for t in texts), city.name
    moved = [a for _xy, _t, _c, a in placed if a is not None]
    assert len(moved) < 8  # most sit on their city; the few in the crowded delta moved with a leader
