#!/usr/bin/env bash
# Set up, then run the whole test suite (lint first). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check supervision_audit tests benchmarks
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
