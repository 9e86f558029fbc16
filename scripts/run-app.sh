#!/usr/bin/env bash
# Set up what is missing, then open ydtwin on the bundled region. Arguments go to `ydtwin`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$#" -eq 0 ]; then
    echo "ydtwin: no display found; the desktop app needs one. Without a screen, try:" >&2
    echo "  .venv/bin/ydtwin snapshot --out region.png" >&2
    exit 2
fi
exec .venv/bin/ydtwin "$@"
