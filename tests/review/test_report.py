"""`ydtwin review new` and `review report`: a session of the findings, an HTML page with its stills, a PDF."""

import base64
import io
import re

import numpy as np
import pytest

from conftest import run_cli

pytestmark = pytest.mark.render


def _umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.mark.slow
def test_session_report_html_and_pdf(tmp_path):
    from PIL import Image

    from ydtwin.review.session import Session

    session = tmp_path / "review.json"
    proc = run_cli("review", "new", str(session), "--plugins", "shanghai,suzhou,jiaxing")
    assert proc.returncode == 0 and "findings, all open" in proc.stdout, proc.stderr
    again = run_cli("review", "new", str(session))
    assert again.returncode == 2 and "already exists" in again.stderr
    s = Session.open(session)
    offset = next(k for k, r in s.findings.items() if r["finding"]["kind"] == "offset")
    s.set_status(offset, "agreed", author="李", city="Suzhou")
    s.comment(offset, "太仓段南移 350 米 <b>not bold</b>", author="李", city="Suzhou")
    loc = s.findings[offset]["finding"]["location"]
    # the planner's own camera for this finding: straight above it, close (the still shows it from there)
    s.set_viewpoint(offset, {"eye": [loc[0], loc[1] - 0.001, 1500.0], "target": [loc[0], loc[1], 0.0]},
                    author="李", city="Suzhou")
    s.close()  # not saved: the report still shows the journal's edits

    html_out = tmp_path / "report.html"
    proc = run_cli("review", "report", str(session), "--out", str(html_out), "--size", "480x270",
                   "--plugins", "shanghai,suzhou,jiaxing", no_display=True)
    assert proc.returncode == 0, proc.stderr
    text = html_out.read_text(encoding="utf-8")
    assert "Summary by city pair" in text and "Shanghai – Suzhou" in text
    # the scenario in words, not a Python dict
    assert "{" not in text.split('class="meta">')[1].split("</p>")[0]
    assert "all plan years" in text and "3 plugins: ydtwin-jiaxing, ydtwin-shanghai, ydtwin-suzhou" in text
    assert oct(session.stat().st_mode & 0o777) == oct(0o666 & ~_umask())  # shared like any file the user writes
    assert "太仓段南移 350 米 &lt;b&gt;not bold&lt;/b&gt;" in text and "agreed" in text
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(images) == len(s.findings) and len(images) >= 4
    for data in images:
        img = np.asarray(Image.open(io.BytesIO(base64.b64decode(data))))
        assert img.shape[:2] == (270, 480) and img.std() > 5  # a real picture, not a blank frame
    assert "http" not in re.sub(r'lang="en"', "", text).split("<body>")[1]  # self-contained: nothing fetched

    pdf = tmp_path / "report.pdf"
    proc = run_cli("review", "report", str(session), "--out", str(pdf), "--size", "320x180",
                   "--plugins", "shanghai,suzhou,jiaxing", no_display=True)
    assert proc.returncode == 0, proc.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000 and b"/Image" in data


def test_a_grouped_finding_lists_what_it_explains(tmp_path):
    """The Wuxi datum finding carries its offsets; the report lists each of them under it."""
    from ydtwin.review.report import report_html
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=["suzhou", "wuxi"])
    session, _result = ws.new_session(tmp_path / "s.json")
    datum = next(r["finding"] for r in session.findings.values() if r["finding"]["kind"] == "datum_suspect")
    assert len(datum["details"]["children"]) == 3
    assert not [r for r in session.findings.values() if r["finding"]["kind"] == "offset"]  # not listed twice
    text = report_html(session, {})
    for child in datum["details"]["children"]:
        assert f"<li>{child['message']}</li>" in text.replace("&#x27;", "'")


def test_the_report_still_of_an_offset_shows_both_sides_and_the_gap(tmp_path):
    """The report of a session holding the Shanghai–Suzhou offset: its still is a plan view in which both
    ends of the link lie inside the frame with a margin and the 350 m gap is drawn (the dimension line's
    yellow between them); the page says which tolerance the check used."""
    from PIL import Image

    from ydtwin.render.export import Exporter
    from ydtwin.render.finding_still import END_LIFT_M, GAP_RGB, _lifted, plan_viewpoint
    from ydtwin.render.in_frame import projector
    from ydtwin.review.report import finding_view
    from ydtwin.review.session import Session
    from ydtwin.workspace import Workspace
    from ydtwin.workspace.review import finding_pins, finding_shot

    ws = Workspace.open(plugin_names=["shanghai", "suzhou"])
    offset = next(f for f in ws.run_review().findings if f.kind == "offset").to_json()
    session = Session(path=tmp_path / "s.json", title="offset", scenario={"region": "yrd8"})
    session.add_finding(offset, viewpoint={"view": finding_view(offset)})
    # the app shows the session's pins: the stills leave them out (they draw their own) and put them back
    pins = ws.scene.add(finding_pins(session))
    before = list(ws.scene.layers)
    out = ws.write_report(tmp_path / "r.html", session=session, size=(640, 360))
    assert list(ws.scene.layers) == before and pins in ws.scene.layers
    text = out.read_text(encoding="utf-8")
    assert "Tolerance: 25 m, the rule&#x27;s connect_m" in text and "350 m apart (tolerance 25 m)" in text
    assert "Sources of the stills: " in text and "plan layers: ILLUSTRATIVE" in text  # once, not in a corner
    (data,) = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    img = np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")).astype(int)
    assert img.shape[:2] == (360, 640) and img.std() > 5

    ends = list(finding_shot(session.findings[offset["id"]]).framed())
    exporter = Exporter(ws.scene, size=(640, 360))
    try:
        plan_viewpoint(exporter.view, ends, (640, 360))
        px = projector(exporter.renderer.GetActiveCamera(), (640, 360))(_lifted(exporter.view, ends, END_LIFT_M))
    finally:
        exporter.close()
    assert ((px >= 0.15 * 360) & (px <= np.array([640, 360]) - 0.15 * 360)).all(), px
    along = np.array([img[int(round(py)), int(round(px_))] for px_, py in
                      (px[0] + t * (px[1] - px[0]) for t in np.linspace(0.2, 0.8, 20))])
    assert (np.abs(along - np.array(GAP_RGB)).sum(axis=-1) < 60).mean() > 0.6
