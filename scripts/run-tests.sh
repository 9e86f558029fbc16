#!/usr/bin/env bash
# Set up what is missing, check the layering contracts, then run the whole test suite.
# Arguments go to pytest (e.g. -k datum, -x).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
echo "== layering contracts (import-linter)"
.venv/bin/lint-imports
echo "== plugins (every plugin in plugins/: manifest, files, data)"
.venv/bin/ydtwin plugins validate plugins/*/
echo "== tests"
exec .venv/bin/python -m pytest "$@"
