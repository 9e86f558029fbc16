#!/bin/sh
# Refresh the interface translations: collect the strings (pylupdate6, part of PyQt6), translate them in
# Qt Linguist (or any editor: src/ydtwin/qt/i18n/*.ts is XML), then compile the .qm files the app loads
# (lrelease: Debian package qt6-l10n-tools). The .qm files are committed: running the app needs neither tool.
set -eu
cd "$(dirname "$0")/.."
LRELEASE="${LRELEASE:-$(command -v lrelease || echo /usr/lib/qt6/bin/lrelease)}"
for ts in src/ydtwin/qt/i18n/ydtwin_*.ts; do
    .venv/bin/pylupdate6 src/ydtwin/qt/*.py -ts "$ts"
    .venv/bin/python packaging/merge_mixin_contexts.py "$ts"
    "$LRELEASE" -silent "$ts" -qm "${ts%.ts}.qm"
done
