#!/usr/bin/env bash
# Set up, then open Supervision Audit on a seeded demo organisation.
# Extra arguments go to the app, e.g. `bash scripts/run-app.sh --reset` for a fresh demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
export PYTHONUNBUFFERED=1  # the demo accounts print before the window opens
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
  cat <<'MSG'
No display found (this is a machine without a desktop, or a terminal without DISPLAY set).
The window opens on an invisible virtual screen (xvfb-run), so nothing appears and the app
seems to wait: it is running. Press Ctrl+C to stop it.
To use the window, run this command in a desktop session (or over `ssh -X`, which sets
DISPLAY); the command line works anywhere: .venv/bin/supervision-audit --help
MSG
  exec xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/supervision-audit demo --open "$@"
fi
exec .venv/bin/supervision-audit demo --open "$@"
