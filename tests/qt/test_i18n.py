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
