"""Chinese interface: ydtwin's translations and Qt's own (qtbase_zh_CN) load and show."""

import pytest
from PyQt6.QtCore import QCoreApplication


@pytest.fixture
def chinese(qapp):
    from ydtwin.qt.support import install_translators, remove_translators

    translators = install_translators(qapp, "zh_CN")
    yield translators
    remove_translators(qapp, translators)


def test_both_translation_files_load(chinese):
    assert len(chinese) == 2  # Qt's qtbase_zh_CN and ydtwin_zh_CN
    assert QCoreApplication.translate("MainWindow", "&File") == "文件(&F)"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"  # from Qt's own file


def test_english_installs_nothing(qapp):
    from ydtwin.qt.support import install_translators

    assert install_translators(qapp, "en") == []
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


def test_every_string_is_translated():
    """The shipped .ts has no unfinished message, and the compiled .qm is there."""
    import xml.etree.ElementTree as ET

    from ydtwin.qt.support import I18N_DIR

    ts = I18N_DIR / "ydtwin_zh_CN.ts"
    messages = list(ET.parse(ts).iter("message"))
    assert len(messages) > 40
    unfinished = [m.find("source").text for m in messages if m.find("translation").get("type") == "unfinished"
                  or not (m.find("translation").text or "").strip()]
    assert unfinished == []
    assert (I18N_DIR / "ydtwin_zh_CN.qm").stat().st_size > 1000


def test_layers_panel_in_chinese(chinese, qtbot):
    from ydtwin.io.region import open_scene
    from ydtwin.qt.layers_panel import LayersPanel

    panel = LayersPanel(open_scene())
    qtbot.addWidget(panel)
    groups = {panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())}
    assert {"基础地理", "城市", "建筑"} <= groups
    names = [panel._items[layer.id].text(0) for layer in panel.scene.layers]
    assert "城市街区 (程序生成)" in names and "地形" in names
    assert panel.remove_button.text() == "移除"
    panel.close_panel()


def test_the_views_attribution_in_chinese(chinese):
    """The attribution line of the view speaks the interface's language (the window hands the scene view
    the LayersPanel translations)."""
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.io.region import open_scene
    from ydtwin.render.scene_view import SceneView

    plotter = pv.Plotter(off_screen=True, window_size=[900, 600])
    view = SceneView(open_scene(), plotter, request_render=lambda: None,
                     translate=lambda text: QCoreApplication.translate("LayersPanel", text))
    try:
        text = view.attribution()
        assert "地形垂直夸大 ×6" in text and "海底：合成" in text and "\n数据：" in text
        assert "城市街区: 程序生成".upper() in text.upper()
        assert "Data:" not in text and "vertical" not in text
    finally:
        view.close()
        plotter.close()


def test_the_translation_tools_still_find_every_translated_string(tmp_path):
    """packaging/update_translations.sh collects the strings again with pylupdate6: every string translated in the
    shipped .ts must be one it finds in the code (a string it cannot see — translated through a variable, or in
    the Qt-free layers — needs a QT_TRANSLATE_NOOP marker), or the next refresh would drop its Chinese."""
    import shutil
    import subprocess
    import sys
    import xml.etree.ElementTree as ET
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pylupdate = Path(sys.executable).with_name("pylupdate6")
    if not pylupdate.exists():
        pytest.skip("pylupdate6 (PyQt6) is not installed beside this Python")
    shipped = root / "src" / "ydtwin" / "qt" / "i18n" / "ydtwin_zh_CN.ts"
    fresh = tmp_path / "fresh.ts"
    shutil.copy(shipped, fresh)
    sources = sorted(str(p) for p in (root / "src" / "ydtwin" / "qt").glob("*.py"))
    subprocess.run([str(pylupdate), *sources, "-ts", str(fresh)], check=True, capture_output=True)
    subprocess.run([sys.executable, str(root / "packaging" / "merge_mixin_contexts.py"), str(fresh)], check=True,
                   capture_output=True)

    def translated(path: Path) -> set[tuple[str, str]]:
        out = set()
        for context in ET.parse(path).getroot().iter("context"):
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation is not None and translation.get("type") is None and translation.text:
                    out.add((context.findtext("name"), message.findtext("source")))
        return out

    lost = translated(shipped) - translated(fresh)
    assert not lost, f"translated strings the tools no longer find in the code: {sorted(lost)}"
