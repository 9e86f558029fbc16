"""The desktop window under Xvfb: a real viewport, views, the model driving the view."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.viewport]

if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") != "xcb":
    pytest.skip("the Qt+VTK viewport needs an X server (Xvfb via pytest-xvfb)", allow_module_level=True)


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.mark.slow
def test_window_shows_the_region(window, qtbot):
    """The viewport renders real content (not black, not uniform) and names the GL backend."""
    window.viewport.render()
    img = window.viewport.screenshot(return_img=True)
    assert img.std() > 20 and img.mean() > 30
    qtbot.waitUntil(lambda: window._backend.text() != "", timeout=5000)
    assert window._backend.text().startswith(("software:", "GPU:"))


@pytest.mark.slow
def test_city_view_moves_the_camera(window, qtbot):
    """Choosing Ningbo in the toolbar points the camera at Ningbo (focal point within its outline box)."""
    idx = window._views.findData("Ningbo")
    window._views.setCurrentIndex(idx)
    assert window.flying  # animated, not a jump
    qtbot.waitUntil(lambda: not window.flying, timeout=10_000)
    fx, fy, _ = window.viewport.camera.focal_point
    lon, lat = window.scene.projection.from_scene(fx, fy)
    b = window.scene.region.city_bounds["330200"]
    assert b[0] <= float(lon) <= b[2] and b[1] <= float(lat) <= b[3]


@pytest.mark.slow
def test_layer_toggle_goes_through_the_model(window, qtbot):
    """Hiding a layer in the model hides its actors in the viewport after the coalesced render."""
    layer = window.scene.layer("district-boundaries")
    layer.visible = False
    qtbot.wait(50)
    actors = window.scene_view.visuals[layer.id].actors
    assert actors and not any(a.GetVisibility() for a in actors)
    layer.visible = True


@pytest.mark.slow
def test_click_on_a_landmark_fills_the_identify_panel(window, qtbot):
    """A click (press and release without a drag) on the Shanghai Tower shows its record in the panel."""
    window.set_view("121.495,31.228,121.507,31.240")
    window.viewport.render()
    scene = window.scene
    x, y = scene.projection.to_scene(121.5010, 31.2355)
    ren = window.viewport.renderer
    ren.SetWorldPoint(float(x), float(y), 560.0, 1.0)  # above every block in front of it
    ren.WorldToDisplay()
    dx, dy, _ = ren.GetDisplayPoint()
    from PyQt6.QtCore import QPoint, Qt
    from PyQt6.QtTest import QTest

    widget = window.viewport.interactor
    ratio = widget.devicePixelRatioF()
    pos = QPoint(int(round(dx / ratio)), int(round((widget.height() * ratio - 1 - dy) / ratio)))
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    qtbot.wait(50)
    table = window.identify_table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows.get("name") == "Shanghai Tower" and rows.get("height_m") == "632.0"
    assert rows.get("provenance") == "schematic"
    landmarks = window.scene.layer("landmarks")
    assert window.scene_view.highlighted == (landmarks.id, 0)  # the picked tower is outlined
    info = window.identify_at(2, 2)  # a corner of the view: a procedural block there
    blocks = window.scene.layer("procedural-blocks")
    assert info["layer"] == blocks.name and window.scene_view.highlighted == (blocks.id, info["building"])
    window.scene_view.highlight(None, -1)
    assert window.scene_view.highlighted is None


@pytest.mark.slow
def test_cursor_readout_gives_lon_lat_of_the_ground(window, qtbot):
    """The status bar's cursor position comes from the depth buffer: a pixel over Taihu reads Taihu."""
    window.set_view("Suzhou")
    for layer in window.scene.layers:  # lines draped above the ground (plans, borders) would be what it reads
        if layer.role not in ("terrain", "lakes"):
            layer.visible = False
    window.viewport.render()
    lon0, lat0 = 120.25, 31.20  # Taihu, flat water: the drawn surface is at sea level
    x, y = window.scene.projection.to_scene(lon0, lat0)
    ren = window.viewport.renderer
    ren.SetWorldPoint(float(x), float(y), 0.0, 1.0)
    ren.WorldToDisplay()
    dx, dy, _ = ren.GetDisplayPoint()
    # the lake is drawn a little nearer than it is (a depth offset): the readout still finds it where it is
    lon, lat, z = window.scene_view.world_at(int(dx), int(dy))
    assert abs(lon - lon0) < 0.01 and abs(lat - lat0) < 0.01 and abs(z) < 300
    window._cursor_pos = (int(dx), int(dy))
    window._update_cursor()
    text = window._cursor.text()
    assert "°E" in text and "°N" in text
    # the height shown is the DEM's at that place (Taihu: a few metres), not the exaggerated drawing's
    ground = window.scene_view.ground_elevation(lon, lat)
    assert ground is not None and -5 < ground < 10 and f"{ground:,.0f} m" in text


@pytest.mark.slow
def test_side_panels_leave_the_view_its_room(window, qtbot):
    """At 1000 × 700 with every right-hand panel built, the view keeps over half the window; a panel brought to
    the front widens to its form only as far as the view keeps half; each panel scrolls rather than squeezing."""
    from PyQt6.QtWidgets import QScrollArea

    assert window.viewport.width() > 0.5 * window.width()
    window.sunlight_action.trigger()
    qtbot.waitUntil(lambda: window.sunlight_dock.isVisible(), timeout=5000)
    qtbot.wait(100)
    assert window.viewport.width() >= 0.49 * window.width()
    assert window.sunlight_dock.width() > 200  # widened towards its form
    for dock in (window.review_dock, window.flythrough_dock, window.measure_dock, window.sunlight_dock):
        assert isinstance(dock.widget(), QScrollArea) and dock.panel() is not None


@pytest.mark.slow
def test_window_layout_is_remembered(qtbot):
    from ydtwin.io.region import open_scene
    from ydtwin.qt.app import MainWindow
    from ydtwin.workspace import Workspace

    scene = open_scene()
    first = MainWindow(Workspace(scene))
    qtbot.addWidget(first)
    first.resize(900, 640)
    first.show()
    qtbot.waitExposed(first)
    first.close()
    second = MainWindow(Workspace(open_scene()))
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (900, 640)
    second.close()
    safe = MainWindow(Workspace(open_scene(), safe_mode=True))
    qtbot.addWidget(safe)
    assert (safe.width(), safe.height()) == (1400, 900)  # the default, not the remembered layout
    safe.close()


@pytest.mark.slow
def test_bookmarks_and_projects_round_trip(window, qtbot, tmp_path, shared_fixtures):
    """A bookmark and a loaded layer go into a project file; opening it restores both in a fresh window."""
    from ydtwin.io.region import open_scene
    from ydtwin.qt.app import MainWindow
    from ydtwin.workspace import Workspace

    window.set_view("Zhoushan")
    window.add_bookmark("舟山 islands")
    osm = shared_fixtures / "osm" / "suzhou_osm_buildings.geojson"
    window.open_file(osm)
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    layer = window.scene.layer("suzhou_osm_buildings")
    layer.color_by = "height"
    window.scene.layer("district-boundaries").visible = False
    path = window.save_project(tmp_path / "评审.ydtwin.json")
    assert path is not None and path.exists()

    other = MainWindow(Workspace(open_scene()))
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    assert other.open_project(path)
    qtbot.waitUntil(lambda: other.job is None and "suzhou_osm_buildings" in [x.name for x in other.scene.layers],
                    timeout=60_000)
    assert other.scene.layer("suzhou_osm_buildings").color_by == "height"
    assert other.scene.layer("district-boundaries").visible is False
    assert [b.name for b in other.workspace.bookmarks] == ["舟山 islands"]
    other.fly_to(other.workspace.bookmarks[0], seconds=0.1)
    qtbot.waitUntil(lambda: not other.flying, timeout=5_000)
    fx, fy, _ = other.viewport.camera.focal_point
    lon, lat = other.scene.projection.from_scene(fx, fy)
    assert 121.5 < float(lon) < 123.2 and 29.5 < float(lat) < 31.0  # Zhoushan
    other.close()


@pytest.mark.slow
def test_picking_stays_exact_after_moving_to_a_150_percent_screen(window, qtbot):
    """Simulate the move to a 150 % screen (the ratio changes, the logical size does not): after
    pixel_ratio_changed the render window has the new device size and a click still picks the tower."""
    from PyQt6.QtCore import QPoint, Qt
    from PyQt6.QtTest import QTest

    widget = window.viewport.interactor
    widget.devicePixelRatioF = lambda: 1.5  # what Qt reports on the new screen
    window.pixel_ratio_changed()
    w, h = window.viewport.render_window.GetSize()
    assert (w, h) == (round(widget.width() * 1.5), round(widget.height() * 1.5))
    window.set_view("121.495,31.228,121.507,31.240")
    window.viewport.render()
    x, y = window.scene.projection.to_scene(121.5010, 31.2355)
    ren = window.viewport.renderer
    ren.SetWorldPoint(float(x), float(y), 560.0, 1.0)
    ren.WorldToDisplay()
    dx, dy, _ = ren.GetDisplayPoint()
    pos = QPoint(int(round(dx / 1.5)), int(round((h - 1 - dy) / 1.5)))
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    qtbot.wait(50)
    table = window.identify_table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows.get("name") == "Shanghai Tower"
    del widget.devicePixelRatioF
    window.pixel_ratio_changed()


@pytest.mark.slow
def test_unhandled_errors_are_logged_not_fatal(window, qtbot):
    """An exception escaping a slot reaches the hook: logged, shown in the status bar, the app goes on; a
    native crash would leave its stacks in crash.log."""
    import faulthandler
    import sys

    from ydtwin.qt.support import install_exception_hooks
    from ydtwin.workspace.paths import log_folder

    install_exception_hooks()
    assert faulthandler.is_enabled()
    try:
        raise RuntimeError("a slot went wrong")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert "a slot went wrong" in window.statusBar().currentMessage()
    assert "a slot went wrong" in (log_folder() / "ydtwin.log").read_text(encoding="utf-8")
    assert (log_folder() / "crash.log").exists()
    window.viewport.render()  # still alive


@pytest.mark.slow
def test_keyboard_and_districts(window, qtbot):
    """Arrow keys orbit (never past the zenith), + zooms; a district is a fly-to target."""
    import numpy as np
    from PyQt6.QtCore import Qt

    cam = window.viewport.camera
    window.viewport.interactor.setFocus()
    before = np.array(cam.position)
    qtbot.keyClick(window.viewport.interactor, Qt.Key.Key_Right)
    assert not np.allclose(np.array(cam.position), before)
    for _ in range(30):
        window.orbit(elevation=5)
    d = np.array(cam.position) - np.array(cam.focal_point)
    assert 88.0 <= np.degrees(np.arcsin(d[2] / np.linalg.norm(d))) <= 89.5
    dist = cam.distance
    window.orbit(zoom=1.25)
    assert cam.distance == pytest.approx(dist / 1.25, rel=1e-6)
    districts = window.scene_view.districts()
    huangpu = next(code for _city, code, name in districts if name == "黄浦区")
    window.fly_to(f"district:{huangpu}", seconds=0.1)
    qtbot.waitUntil(lambda: not window.flying, timeout=5_000)
    lon, lat = window.scene.projection.from_scene(*cam.focal_point[:2])
    assert 121.45 < float(lon) < 121.53 and 31.18 < float(lat) < 31.26  # Huangpu, central Shanghai


@pytest.mark.slow
def test_mouse_navigation_draws_each_frame_once(window, qtbot):
    """Dragging orbits the camera, and each mouse move renders the scene once (not once by the interactor
    and again by the widget's repaint)."""
    from PyQt6.QtCore import QEvent, QPointF, Qt
    from PyQt6.QtGui import QMouseEvent
    from PyQt6.QtWidgets import QApplication

    widget = window.viewport.interactor
    renders = []
    tag = window.viewport.render_window.AddObserver("StartEvent", lambda *_: renders.append(1))
    before = window.viewport.screenshot(return_img=True)
    position = window.viewport.camera.position

    def send(kind, x, buttons):
        local = QPointF(x, widget.height() / 2)
        QApplication.sendEvent(widget, QMouseEvent(kind, local, QPointF(widget.mapToGlobal(local.toPoint())),
                                                   Qt.MouseButton.LeftButton, buttons, Qt.KeyboardModifier.NoModifier))

    x0 = widget.width() // 3
    send(QEvent.Type.MouseButtonPress, x0, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    renders.clear()
    for i in range(1, 9):
        send(QEvent.Type.MouseMove, x0 + 12 * i, Qt.MouseButton.LeftButton)
        QApplication.processEvents()
    moves_renders = len(renders)
    send(QEvent.Type.MouseButtonRelease, x0 + 96, Qt.MouseButton.NoButton)
    qtbot.wait(100)
    window.viewport.render_window.RemoveObserver(tag)
    assert window.viewport.camera.position != position
    assert 4 <= moves_renders <= 8  # one frame per move at most (Qt may merge repaints), never two
    after = window.viewport.screenshot(return_img=True)
    assert after.std() > 20 and (abs(after.astype(int) - before.astype(int)).sum(axis=2) > 30).mean() > 0.05


@pytest.mark.slow
def test_fly_to_follows_the_clock_on_a_slow_machine(window, qtbot):
    """A fly-to takes its duration whatever the frame rate: with every frame made 150 ms slower, a 0.6 s
    flight still ends within about a second, at its goal (counting frames would take 6 s here)."""
    import time

    slow = window.viewport.renderer.AddObserver("StartEvent", lambda *_: time.sleep(0.15))
    try:
        goal = window.scene_view.viewpoint_for("Ningbo")
        t0 = time.monotonic()
        window.fly_to("Ningbo", seconds=0.6)
        qtbot.waitUntil(lambda: not window.flying, timeout=5_000)
        elapsed = time.monotonic() - t0
    finally:
        window.viewport.renderer.RemoveObserver(slow)
    assert 0.55 <= elapsed < 1.5
    now = window.scene_view.viewpoint()
    assert abs(now.target[0] - goal.target[0]) < 1e-6 and abs(now.target[1] - goal.target[1]) < 1e-6


@pytest.mark.slow
def test_launch_to_first_frame_is_logged(qtbot):
    """The window says how long it took from launch to its first frame (log panel and ydtwin.log)."""
    import time

    from ydtwin.io.region import open_scene
    from ydtwin.qt.app import MainWindow
    from ydtwin.workspace import Workspace

    started = time.perf_counter()
    win = MainWindow(Workspace(open_scene()), started=started)
    qtbot.addWidget(win)
    # the first frame is the first view's: nothing is drawn before it is set, buildings are started after it
    cameras_drawn = []
    tag = win.viewport.renderer.AddObserver(
        "StartEvent", lambda *_: cameras_drawn.append((win.viewport.hold_frames, win.scene_view.pending)))
    assert win.viewport.hold_frames and win.scene_view.pending == 2  # blocks and landmarks, not started yet
    win.show()
    qtbot.waitUntil(lambda: "Launch to first frame:" in win.log_view.toPlainText(), timeout=60_000)
    line = next(t for t in win.log_view.toPlainText().splitlines() if "Launch to first frame" in t)
    ms = float(line.split(":")[1].split("ms")[0].replace(",", ""))
    assert 0 < ms < (time.perf_counter() - started) * 1000 + 1
    assert cameras_drawn and not any(held for held, _ in cameras_drawn)
    # ... and the buildings follow without anything asked of the user
    qtbot.waitUntil(lambda: win.scene_view.pending == 0, timeout=60_000)
    qtbot.wait(300)
    assert win.scene_view.visuals[win.scene.layer("procedural-blocks").id].triangles > 0
    win.viewport.renderer.RemoveObserver(tag)
    win.close()


def test_logs_land_in_the_folder_the_readme_names(tmp_path):
    """With a fresh HOME (no XDG variables), the app's log goes to ~/.local/share/ydtwin/logs/ydtwin.log:
    the folder the README names, whatever Qt's application names are at the time."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    code = ("import logging\nfrom ydtwin.qt.support import install_exception_hooks\ninstall_exception_hooks()\n"
            "logging.getLogger('ydtwin').info('hello from a test')\n")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    log = tmp_path / ".local" / "share" / "ydtwin" / "logs" / "ydtwin.log"
    assert "hello from a test" in log.read_text(encoding="utf-8")
    assert (log.parent / "crash.log").exists()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "~/.local/share/ydtwin/logs" in readme
