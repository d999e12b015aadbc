#!/usr/bin/env bash
# Set up, then open Supervision Audit on a seeded demo organisation.
# Extra arguments go to the app, e.g. `bash scripts/run-app.sh --reset` for a fresh demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
export PYTHONUNBUFFERED=1  # the demo accounts print before the window opens
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
  echo "No display found: the window opens on a virtual screen (xvfb-run)."
  exec xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/supervision-audit demo --open "$@"
fi
exec .venv/bin/supervision-audit demo --open "$@"
