#!/usr/bin/env bash
# Set up, then run the whole test suite (lint first). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check supervision_audit tests benchmarks
export QT_QPA_PLATFORM=offscreen
# a throwaway PostgreSQL server for the organisation-server tests, stopped when they end
eval "$(bash scripts/test-services.sh start)"
trap 'bash scripts/test-services.sh stop "${SUPERVISION_AUDIT_TEST_PG_DIR:-}"' EXIT
.venv/bin/python -m pytest "$@"
