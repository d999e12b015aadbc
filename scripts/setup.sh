#!/usr/bin/env bash
# Set up everything the app (or its tests) needs on a fresh Debian machine:
# the system libraries Qt needs, a virtual environment and the Python packages.
#   bash scripts/setup.sh app    # to run the app
#   bash scripts/setup.sh test   # to run the test suite
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-app}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# Qt offscreen needs these; a real window additionally the X/xcb ones.
qt_base="libgl1 libegl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0"
qt_window="xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0"
tools="poppler-utils"   # pdftotext / pdftoppm / pdfsig, used by tests to read PDFs back
case "$purpose" in
  app)  wanted="$qt_base $qt_window" ;;
  test) wanted="$qt_base $qt_window $tools" ;;
  *)    echo "usage: $0 app|test" >&2; exit 2 ;;
esac

missing=""
for pkg in $wanted; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages:$missing"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "Please install these system packages first:$missing" >&2
    exit 1
  fi
fi

py=""
for candidate in python3 python3.11 python3.12 python3.13; do
  if command -v "$candidate" >/dev/null 2>&1 && \
     "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    py="$candidate"; break
  fi
done
[ -n "$py" ] || { echo "Python 3.11 or newer is needed." >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv || {
    echo "Creating the virtual environment failed; installing python3-venv." >&2
    $sudo apt-get install -y -qq python3-venv >/dev/null && "$py" -m venv .venv
  }
fi

extras=""
[ "$purpose" = "test" ] && extras="[test]"
stamp=".venv/.installed-$purpose"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log=".venv/pip-install.log"
  .venv/bin/python -m pip install -q --upgrade pip > "$log" 2>&1 || \
    echo "(pip could not upgrade itself; carrying on with the one there is)"
  if ! .venv/bin/python -m pip install -q -e ".$extras" >> "$log" 2>&1; then
    cat "$log" >&2
    echo "Installing the Python packages failed (the whole log is above and in $log)." >&2
    exit 1
  fi
  .venv/bin/python -c "import supervision_audit, PySide6, sqlmodel, sqlcipher3"
  echo "$want" > "$stamp"
fi
