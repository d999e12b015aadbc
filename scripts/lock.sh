#!/usr/bin/env bash
# Refresh requirements.lock from pyproject.toml: exact versions with their hashes, for every
# platform (Windows and macOS included), resolved by uv. Run after changing dependencies in
# pyproject.toml (`--upgrade` moves every package to its newest release); the README's
# commands then install what it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=".lock-tools"
[ -x "$tools/bin/uv" ] || { python3 -m venv "$tools" && "$tools/bin/python" -m pip install -q uv; }
"$tools/bin/uv" pip compile pyproject.toml --extra test --universal --generate-hashes \
  --python-version 3.11 -o requirements.lock "$@"
