"""Review in the app: the timeline drives every city's plans, checks fill the panel, markers are pinned."""

import os

import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]

if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") != "xcb":
    pytest.skip("the Qt+VTK viewport needs an X server (Xvfb via pytest-xvfb)", allow_module_level=True)


@pytest.fixture
def window(make_window):
    return make_window(view="Shanghai", size=(1200, 800))


def test_plan_year_shades_every_citys_plans(window, qtbot):
    from ydtwin.model.plans import PlansLayer
    from ydtwin.render.plans import PlansVisual

    sh = next(layer for layer in window.scene.layers if isinstance(layer, PlansLayer) and layer.city == "Shanghai")
    visual = window.scene_view.visuals[sh.id]
    # the meshes (the visual's other actors are the projects' names)
    before = [a.GetMapper().GetInput() for a in visual.actors if hasattr(a, "GetMapper")]
    window.set_plan_year(2015)
    assert window.scene.plan_year == 2015 and window.year_slider.isEnabled()
    assert isinstance(window.scene_view.visuals[sh.id], PlansVisual)
    after = [a.GetMapper().GetInput() for a in window.scene_view.visuals[sh.id].actors if hasattr(a, "GetMapper")]
    assert after != before  # rebuilt in the year's shades
    i = list(sh.data.attributes["id"]).index("shanghai.hsr")
    assert sh.status_at(2015)[i] == "planned" and sh.status_at(2024)[i] == "built"
    window.set_plan_year(None)
    assert window.scene.plan_year is None and not window.year_slider.isEnabled()
    window.viewport.render()


def test_checks_fill_the_panel_pin_markers_and_statuses_change(window, qtbot, tmp_path):
    panel = window.review_panel
    panel.run_checks()
    qtbot.waitUntil(lambda: not panel.running, timeout=60_000)
    kinds = {r["finding"]["kind"] for r in panel.session.findings.values()}
    assert {"offset", "dangling", "class_mismatch", "phase_mismatch", "datum_suspect", "conflict"} <= kinds
    assert panel.table.rowCount() == len(panel.session.findings)
    pinned = next(layer for layer in window.scene.layers if layer.name == "Findings")
    # a label and a pin (mast + ball on the ground) per finding: the labels, plus one mesh for all pins
    visual = window.scene_view.visuals[pinned.id]
    assert pinned.pins and len(visual.actors) == len(panel.session.findings) + 1
    panel.kind_filter.setCurrentIndex(panel.kind_filter.findData("offset"))
    assert panel.table.rowCount() == 1  # Jiading–Taicang; the three Wuxi offsets are the datum finding's children
    panel.table.selectAll()
    panel.set_status(panel.selected_ids(), "agreed")
    assert all(panel.session.findings[f]["status"] == "agreed" for f in panel.visible_ids())
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("open"))
    assert panel.table.rowCount() == 0
    panel.status_filter.setCurrentIndex(0)
    panel.fly_to_row(0)
    qtbot.waitUntil(lambda: not window.flying, timeout=10_000)
    # a planner's own camera for the finding: fly-to goes exactly there afterwards
    window.scene_view.set_view("Shanghai")
    chosen = window.scene_view.viewpoint()
    panel.table.selectRow(0)
    panel.save_view(panel.selected_ids())
    window.scene_view.set_view("region")
    panel.fly_to_row(0)
    qtbot.waitUntil(lambda: not window.flying, timeout=10_000)
    now = window.scene_view.viewpoint()
    assert all(abs(a - b) < 1e-6 for a, b in zip(now.eye + now.target, chosen.eye + chosen.target, strict=True))
    # the thread: a comment from this planner's city, shown with the status history
    panel.my_city.setCurrentIndex(panel.my_city.findData("Suzhou"))
    panel.table.selectRow(0)
    panel.comment_edit.setText("太仓段南移 <350 m>")
    assert panel.add_comment() and panel.comment_edit.text() == ""
    rec = panel.session.findings[panel.selected_ids()[0]]
    assert rec["comments"][-1]["text"] == "太仓段南移 <350 m>" and rec["comments"][-1]["city"] == "Suzhou"
    shown = panel.detail.toPlainText()
    assert "太仓段南移 <350 m>" in shown and "open → agreed" in shown and "(Suzhou)" in shown
    panel.save(tmp_path / "review.ydreview")
    from ydtwin.review.session import Session

    saved = Session.open(tmp_path / "review.ydreview", read_only=True)
    assert sum(r["status"] == "agreed" for r in saved.findings.values()) == 1  # the one offset row
    window.viewport.render()


def test_unsaved_review_edits_are_offered_back_at_the_next_start(window, make_window, qtbot):
    panel = window.review_panel
    finding = {"id": "manual:1", "kind": "offset", "severity": "warning", "cities": ["Shanghai", "Suzhou"],
               "projects": [], "location": [121.19, 31.46], "message": "checked on site"}
    panel.session.add_finding(finding, viewpoint={"view": "121.1,31.4,121.3,31.5"})
    for i in range(50):
        panel.session.comment("manual:1", f"note {i}", author="Li", city="Suzhou")
    # no save: the app "crashes"; the next start finds the journal
    second = make_window(view="Shanghai", size=(900, 600))
    assert second.review_panel.recover_button.isVisible() or second.review_panel._recoverable
    assert "unsaved review session was found" in second.log_view.toPlainText()
    assert second.review_panel.recover() == 51
    rec = second.review_panel.session.findings["manual:1"]
    assert [c["text"] for c in rec["comments"]] == [f"note {i}" for i in range(50)]
    assert second.review_panel.table.rowCount() == 1


def test_a_manual_finding_is_placed_where_the_planner_clicks(window, qtbot):
    panel = window.review_panel
    w, h = window.viewport.render_window.GetSize()
    window.viewport.render()
    panel.add_button.setChecked(True)
    assert panel.placing
    fid = panel.place_at(w // 2, h // 2, message="pipe crossing to be checked on site")
    assert not panel.placing and fid.startswith("manual:")
    rec = panel.session.findings[fid]
    lon, lat = rec["finding"]["location"]
    fx, fy, _ = window.viewport.camera.focal_point
    clon, clat = window.scene.projection.from_scene(fx, fy)
    assert abs(lon - float(clon)) < 0.05 and abs(lat - float(clat)) < 0.05  # near the view's centre
    assert "Shanghai" in rec["finding"]["cities"] and panel.table.rowCount() == 1
    assert "Findings" in [layer.name for layer in window.scene.layers]


def test_compare_two_scenarios_with_linked_cameras_and_a_swipe(window, qtbot):
    import numpy as np

    window.open_compare()
    qtbot.waitUntil(lambda: getattr(window, "compare_window", None) is not None, timeout=60_000)
    cmp_ = window.compare_window
    qtbot.waitExposed(cmp_)
    a, b = cmp_.viewports
    cmp_.set_scenario(0, year=2020, plugins=["shanghai", "suzhou"])
    cmp_.set_scenario(1, year=2035)
    assert cmp_.scenes[0].plan_year == 2020 and cmp_.scenes[1].plan_year == 2035
    assert window.scene.plan_year == 2020  # A is the main window's own scenario
    visible_a = {layer.plugin for layer in cmp_.scenes[0].layers if getattr(layer, "plugin", "") and layer.visible}
    assert visible_a == {"ydtwin-shanghai", "ydtwin-suzhou"}
    # move A's camera: B follows at its next frame
    a.camera.Azimuth(30)
    a.render()
    b.render()
    assert np.allclose(a.camera.position, b.camera.position) and np.allclose(a.camera.focal_point,
                                                                            b.camera.focal_point)
    img_a, img_b = a.screenshot(return_img=True), b.screenshot(return_img=True)
    assert img_a.std() > 10 and img_b.std() > 10 and not np.array_equal(img_a, img_b)  # different scenarios
    cmp_.swipe_check.setChecked(True)
    cmp_.set_swipe_position(0.3)
    qtbot.wait(50)
    assert a.geometry().x() == b.geometry().x() == 0 and a.width() < 0.35 * b.width()
    assert abs(a.renderer.GetActiveCamera().GetWindowCenter()[0] - (1 - 1 / 0.3)) < 1e-3
    # the two halves line up: A's pixels are B's left part, apart from what the scenarios change
    cmp_.set_scenario(0, year=2035, plugins=[p.removeprefix("ydtwin-") for p in
                                             {layer.plugin for layer in cmp_.scenes[1].layers
                                              if getattr(layer, "plugin", "")}])
    a.render()
    b.render()

    def agreement() -> float:
        a.render()
        b.render()
        ia, ib = a.screenshot(return_img=True).astype(int), b.screenshot(return_img=True).astype(int)
        h, w = min(ia.shape[0], ib.shape[0]), ia.shape[1]
        return float((np.abs(ia[:h, : w - 2] - ib[:h, : w - 2]).sum(axis=2) < 40).mean())

    aligned = agreement()
    a.renderer.GetActiveCamera().SetWindowCenter(0.0, 0.0)  # what a swipe without the shift would show
    misaligned = agreement()
    # (overlays sized by viewport — legend, scale bar, attribution — differ between the two widths)
    assert aligned > 0.6 and aligned > misaligned + 0.15, (aligned, misaligned)
    cmp_.close()
    window.set_plan_year(None)
    window.viewport.render()


def test_projects_table_and_a_locked_session_opens_read_only(window, qtbot, tmp_path):
    from ydtwin.review.session import Session

    projects = window.review_panel.projects
    total = projects.table.rowCount()
    assert total >= 64
    projects.city.setCurrentIndex(projects.city.findData("Suzhou"))
    suzhou = projects.table.rowCount()
    assert 8 <= suzhou < total
    projects.theme.setCurrentIndex(projects.theme.findData("transportation"))
    assert 0 < projects.table.rowCount() < suzhou
    window.set_plan_year(2015)
    projects.status.setCurrentIndex(projects.status.findData("built"))
    assert all(projects.table.item(r, 4).text() == "built" for r in range(projects.table.rowCount()))
    window.set_plan_year(None)

    path = tmp_path / "held.ydreview"
    s = Session(path=path, title="held")
    s.add_finding({"id": "x:1", "kind": "offset", "severity": "warning", "cities": ["Shanghai"], "projects": [],
                   "location": [121.2, 31.3], "message": "m"})
    s.save()
    holder = Session.open(path)  # another planner has it
    asked = []
    assert window.review_panel.open_session(path, ask=lambda text: asked.append(text) or True)
    assert "being edited by" in asked[0] and window.review_panel.session.read_only
    assert "(read-only)" in window.log_view.toPlainText()
    holder.close()


def test_the_review_panel_runs_plugins_code_rules_through_the_workspace(code_rule_plugin, run_review_calls,
                                                                          make_window, qtbot):
    """The app's Run checks is the workspace's run_review: a trusted plugin's code rule finds its finding
    in the panel, as `ydtwin review check` does."""

    window = make_window(view="Shanghai", size=(1000, 700))
    panel = window.review_panel
    panel.run_checks()
    qtbot.waitUntil(lambda: not panel.running, timeout=60_000)
    assert run_review_calls == [{"year": None, "visible_only": True}]
    kinds = {rec["finding"]["kind"] for rec in panel.session.findings.values()}
    assert "borderaudit.count" in kinds and "offset" in kinds
    assert panel.session is window.workspace.session


def test_the_review_panel_writes_the_report_the_cli_writes(window, qtbot, tmp_path):
    """Review ▸ Report… writes the session's report through the workspace, with a still of every finding."""
    import base64
    import io
    import re

    import numpy as np
    from PIL import Image

    panel = window.review_panel
    panel.run_checks()
    qtbot.waitUntil(lambda: not panel.running, timeout=60_000)
    out = panel.write_report(tmp_path / "审查.html")
    assert out is not None and out.exists()
    html = out.read_text(encoding="utf-8")
    stills = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(stills) == len(panel.session.findings) > 0
    rgb = np.asarray(Image.open(io.BytesIO(base64.b64decode(stills[0]))).convert("RGB"))
    assert rgb.std() > 10 and len(np.unique(rgb.reshape(-1, 3), axis=0)) > 50
    assert "Review report written" in window.log_view.toPlainText()
