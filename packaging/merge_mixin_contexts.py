"""Move the strings pylupdate6 files under the main window's mixins (``FilesMixin``, ``NavigationMixin``, ``MenusMixin``)
into the ``MainWindow`` context, where ``self.tr`` looks them up at run time.

Usage: python packaging/merge_mixin_contexts.py src/ydtwin/qt/i18n/ydtwin_zh_CN.ts
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

MIXINS = ("FilesMixin", "BasemapMixin", "TilesMixin", "ExchangeMixin", "ModelsMixin", "NavigationMixin",
          "MenusMixin")


def merge(path: str) -> int:
    tree = ET.parse(path)
    root = tree.getroot()
    contexts = {c.findtext("name"): c for c in root.iter("context")}
    window = contexts.get("MainWindow")
    moved = 0
    for name in MIXINS:
        mixin = contexts.get(name)
        if mixin is None or window is None:
            continue
        known = {m.findtext("source"): m for m in window.iter("message")}
        for message in mixin.findall("message"):
            old = known.get(message.findtext("source"))
            if old is None:
                window.append(message)
            else:  # the window's entry keeps its translation; the mixin's location replaces the old one
                for loc in old.findall("location"):
                    old.remove(loc)
                for loc in message.findall("location"):
                    old.insert(0, loc)
                translation = old.find("translation")
                if translation is not None and translation.get("type") == "vanished":
                    del translation.attrib["type"]
            moved += 1
        root.remove(mixin)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return moved


if __name__ == "__main__":
    for ts in sys.argv[1:]:
        print(f"{ts}: {merge(ts)} strings moved into MainWindow")
