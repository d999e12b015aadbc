#!/usr/bin/env bash
# Set up everything the app (or its tests) needs on a fresh Debian machine: the system
# libraries Qt needs, a virtual environment, and the Python packages at the exact versions
# (and hashes) of requirements.lock.
#   bash scripts/setup.sh app    # to run the app
#   bash scripts/setup.sh test   # to run the test suite and build the desktop folder
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-app}"
case "$purpose" in app|test) ;; *) echo "usage: $0 app|test" >&2; exit 2 ;; esac
say() { printf '%s\n' "$*"; }

py=""
for candidate in python3 python3.11 python3.12 python3.13; do
  if command -v "$candidate" >/dev/null 2>&1 && \
     "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    py="$candidate"; break
  fi
done
[ -n "$py" ] || { echo "Python 3.11 or newer is needed (python3 --version to check)." >&2; exit 1; }
pyver="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"

# Qt offscreen needs these; a real window the X/xcb ones too; printing needs libcups2.
qt_base="libgl1 libegl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 libcups2"
qt_window="xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0"
# the tests read PDFs back (poppler: pdftotext, pdftoppm, pdfsig; qpdf --check on the
# archival PDFs); the desktop build needs objdump (binutils) and Python's shared library
tools="poppler-utils qpdf binutils libpython$pyver"
wanted="$qt_base $qt_window"
[ "$purpose" = "test" ] && wanted="$wanted $tools"
# venv needs ensurepip, which Debian ships apart from Python itself
if [ ! -x .venv/bin/python ] && ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  wanted="$wanted python$pyver-venv"
fi

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
fi
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Please install these system packages first:$missing" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "These system packages are missing and this account cannot install them (no sudo):" >&2
    echo "  $missing" >&2
    echo "Run this once as root (su -), then run this command again:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
    exit 1
  fi
  say "Installing system packages (a minute or two):$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment in .venv"
  "$py" -m venv .venv
fi

stamp=".venv/.installed"
want="$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log=".venv/pip-install.log"
  : > "$log"
  .venv/bin/python -m pip install -q --upgrade pip >> "$log" 2>&1 || \
    say "(pip could not upgrade itself; carrying on with the one there is)"
  say "Installing the Python packages of requirements.lock (about 2 minutes the first time):"
  set +e
  .venv/bin/python -m pip install --require-hashes --no-deps -r requirements.lock 2>&1 \
    | tee -a "$log" | grep --line-buffered -E '^(Collecting|Successfully installed)' \
    | sed -u -e 's/^Collecting /  /' -e 's/^Successfully installed .*/  done./'
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] && .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e . \
    >> "$log" 2>&1
  rc=$(( rc + $? ))
  set -e
  if [ "$rc" -ne 0 ]; then
    tail -40 "$log" >&2
    echo "Installing the Python packages failed (the end of the log is above; all of it in $log)." >&2
    exit 1
  fi
  .venv/bin/python -c "import supervision_audit, PySide6, sqlmodel, sqlcipher3"
  echo "$want" > "$stamp"
fi
