#!/bin/sh
# Build the Linux desktop app with PyInstaller and smoke-test it: the one command is
#
#     sh packaging/installer/build.sh
#
# from the repository root, in the environment `bash scripts/setup.sh` made (.venv). It installs the pinned
# PyInstaller, writes build/installer/dist/ydtwin/ (run ./ydtwin there) and build/installer/ydtwin-linux-x86_64.tar.gz,
# then starts the built app under Xvfb on the bundled region, waits until the whole scene is drawn, saves the
# view and quits; the build fails unless that screenshot shows the region (not a blank frame).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PYTHON:-"$ROOT/.venv/bin/python"}
OUT="$ROOT/build/installer"
"$PY" -m pip install --quiet "pyinstaller==6.22.3"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$OUT/dist" --workpath "$OUT/work" \
    "$ROOT/packaging/installer/ydtwin.spec"
tar -C "$OUT/dist" -czf "$OUT/ydtwin-linux-x86_64.tar.gz" ydtwin
"$PY" "$ROOT/packaging/installer/smoke_test.py" "$OUT/dist/ydtwin/ydtwin"
