#!/usr/bin/env bash
# Set up ydtwin on Debian/Ubuntu: Debian packages where missing, a virtual environment (.venv) and the
# Python packages. Used by run-app.sh and run-tests.sh; safe to run again (it only installs what changed).
#   scripts/setup.sh app    what the app needs
#   scripts/setup.sh test   plus what the tests need (Xvfb, pytest …)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"

# OpenGL for VTK (EGL offscreen, Mesa software fallback), the Qt xcb platform, a font with Chinese glyphs
debs=(libegl1 libgl1 libgl1-mesa-dri libdbus-1-3 libfontconfig1 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render0 libxcb-render-util0
      libxcb-shape0 libxcb-util1 libxcb-xkb1 libxcb-xinerama0 libxrender1 libxcursor1 libx11-xcb1 libsm6 libice6
      fonts-wqy-microhei)
if [ "$mode" = "test" ]; then
    debs+=(xvfb xauth)
fi

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    debs+=(python3 python3-venv)
elif ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    debs+=(python3-venv)
fi

if command -v dpkg-query >/dev/null 2>&1; then
    missing=()
    for p in "${debs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "ydtwin setup: installing Debian packages: ${missing[*]}"
        if [ "$(id -u)" -eq 0 ]; then
            SUDO=""
        elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            SUDO="sudo"
        else
            echo "ydtwin setup: cannot install Debian packages (not root, no password-less sudo)." >&2
            echo "ydtwin setup: ask an administrator to run:  apt-get install --no-install-recommends ${missing[*]}" >&2
            exit 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        # apt and dpkg are verbose even with -qq: their output goes to a log, shown only when they fail
        # (not in .venv, which may not exist yet)
        apt_log="$(mktemp "${TMPDIR:-/tmp}/ydtwin-apt.XXXXXX")"
        if { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
                >"$apt_log" 2>&1; then
            rm -f "$apt_log"
        else
            echo "ydtwin setup: apt-get failed; the last lines of its output (all of it in $apt_log):" >&2
            tail -n 20 "$apt_log" >&2
            echo "ydtwin setup: install by hand:  ${SUDO:+$SUDO }apt-get update && ${SUDO:+$SUDO }apt-get install" \
                "--no-install-recommends ${missing[*]}" >&2
            exit 1
        fi
    fi
else
    echo "ydtwin setup: not a Debian system; make sure OpenGL (EGL/Mesa) and the Qt xcb libraries are installed."
fi

"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "ydtwin setup: Python 3.11 or newer is needed ($("$PYTHON" --version 2>&1) found)" >&2
    exit 1
}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

# Stamps (the hash of pyproject.toml) say what is installed: .ydtwin-installed the app, .ydtwin-installed[test]
# the app and the test extras. An app run after a test install installs nothing; a test run after an app
# install adds the test extras only.
want="$(sha256sum < pyproject.toml | cut -d' ' -f1)"
stamp_app=".venv/.ydtwin-installed"
stamp_test=".venv/.ydtwin-installed[test]"
is_current() { [ -f "$1" ] && [ "$(cat "$1")" = "$want" ]; }

pip_install() {
    if ! .venv/bin/python -m pip install -q "$@"; then
        echo "ydtwin setup: pip failed. Behind a proxy that intercepts TLS, give pip its certificate" \
            "(PIP_CERT=/path/to/ca.pem or: .venv/bin/pip config set global.cert /path/to/ca.pem) and set HTTPS_PROXY." >&2
        exit 1
    fi
}

if is_current "$stamp_test" || { [ "$mode" != "test" ] && is_current "$stamp_app"; }; then
    :   # all there
elif is_current "$stamp_app"; then
    echo "ydtwin setup: installing the test packages into .venv"
    mapfile -t test_reqs < <(.venv/bin/python -c 'import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["test"]))')
    pip_install "${test_reqs[@]}"
    echo "$want" > "$stamp_test"
else
    echo "ydtwin setup: installing Python packages into .venv (first time: a few minutes)"
    extra=""
    if [ "$mode" = "test" ]; then extra="[test]"; fi
    pip_install --upgrade pip
    pip_install -e ".${extra}"
    echo "$want" > "$stamp_app"
    if [ "$mode" = "test" ]; then echo "$want" > "$stamp_test"; fi
fi
