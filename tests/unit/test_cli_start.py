"""`--version` and `--help` answer without loading the store's libraries (SQLAlchemy,
SQLModel), Qt, the PDF and workbook libraries or the bank holidays: start-up stays short."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "PySide6", "reportlab", "openpyxl", "pyhanko", "holidays",
         "alembic", "sqlcipher3")
PROBE = """
import contextlib, io, json, sys
from supervision_audit.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))
"""


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_load_nothing_heavy(option: str) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE, option], capture_output=True,
                            text=True, timeout=60, check=True)
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
