"""The command line on a pipe that closes early (`supervision-audit list-staff | head`): it
stops quietly, with no traceback."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "a long enough password"


def _cli(*args: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "SUPERVISION_AUDIT_USER": "admin",
           "SUPERVISION_AUDIT_PASSWORD": PASSWORD}
    return subprocess.run([sys.executable, "-m", "supervision_audit", *args], stdout=stdout,
                          stderr=subprocess.PIPE, env=env, timeout=180, check=False)


@pytest.mark.slow  # four commands in their own processes
def test_a_long_listing_into_a_pipe_closed_early_exits_quietly(tmp_path: Path) -> None:
    db = tmp_path / "org.sqlite"
    assert _cli("--db", str(db), "init", "--no-encryption",
                "--organisation", "Pipe Test Council").returncode == 0
    people = tmp_path / "staff.csv"
    with people.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["staff_id", "name", "job_title", "team", "location", "role",
                         "supervisor_id", "employment_start", "asye_start", "email", "phone"])
        writer.writerow(["M1", "Morag Lead", "Team manager", "North", "Oldbury",
                         "team_manager", "", "2020-01-06", "", "", ""])
        for n in range(400):  # far more than a pipe's buffer holds once listed
            writer.writerow([f"P{n:03d}", f"Person Number {n:03d}", "Social worker", "North",
                             "Oldbury", "practitioner", "M1", "2021-03-01", "", "", ""])
    imported = _cli("--db", str(db), "import-staff", str(people))
    assert imported.returncode == 0, imported.stderr.decode()
    assert len(_cli("--db", str(db), "list-staff").stdout.decode().splitlines()) > 400

    read, write = os.pipe()
    os.close(read)  # the reader (say `head`) has already gone
    try:
        result = _cli("--db", str(db), "list-staff", stdout=write)
    finally:
        os.close(write)
    assert result.stderr.decode() == ""
    assert result.returncode == 0
