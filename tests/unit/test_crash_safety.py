"""Crash safety: a writer killed with SIGKILL at random moments loses nothing it reported saved."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from supervision_audit.db import connect_raw, open_store
from supervision_audit.security.keyring import new_store_key
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.staff import StaffInput, list_staff, save_staff

SAVER = """
import sys
from pathlib import Path
from supervision_audit.db import open_store
from supervision_audit.services.staff import StaffInput, save_staff
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
store = open_store(Path(sys.argv[1]), key=bytes.fromhex(sys.argv[2]))
run = sys.argv[3]
i = 0
while True:
    staff_id = f"{run}-{i}"
    with store.write() as session:
        save_staff(session, SYS, StaffInput(staff_id, "Saved " + staff_id, job_title="x" * 150))
    print(staff_id, flush=True)  # reported only once committed
    i += 1
"""

KILLS = int(os.environ.get("CRASH_KILLS", "12"))


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_writer_loses_nothing_it_reported(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    key = new_store_key()
    open_store(path, key=key).close()
    rng = random.Random(20261123)
    reported: set[str] = set()
    for run in range(KILLS):
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(path), key.hex(), f"r{run}"],
                                 stdout=subprocess.PIPE, text=True)
        # wait for its first save, however long start-up takes on a loaded machine, then
        # kill it at a random moment while it saves
        first = child.stdout.readline()  # type: ignore[union-attr]
        assert first.endswith("\n"), "the writer died before saving anything"
        reported.add(first.strip())
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        lines = out.split("\n")
        reported.update(line for line in lines[:-1] if line)  # the last may be cut short
        conn = connect_raw(path, key)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {r[0] for r in conn.execute("SELECT staff_id FROM staff")}
        finally:
            conn.close()
        missing = reported - stored
        assert not missing, f"run {run}: reported saved but lost: {sorted(missing)[:5]}"
    assert len(reported) > KILLS  # the writer really wrote between kills
    store = open_store(path, key=key)
    with store.read() as session:
        assert len(list_staff(session, SYS)) >= len(reported)
    store.close()


def test_two_processes_writing_raise_no_error(tmp_path: Path) -> None:
    """Both writers finish; every row each one wrote is there (busy_timeout serialises them)."""
    path = tmp_path / "two.sqlite"
    key = new_store_key()
    open_store(path, key=key).close()
    code = """
import sys
from pathlib import Path
from supervision_audit.db import open_store
from supervision_audit.services.staff import StaffInput, save_staff
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
store = open_store(Path(sys.argv[1]), key=bytes.fromhex(sys.argv[2]))
for i in range(40):
    with store.write() as session:
        save_staff(session, SYS, StaffInput(f"{sys.argv[3]}{i}", "Writer"))
print("done")
"""
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path), key.hex(), tag],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for tag in ("A", "B")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    store = open_store(path, key=key)
    with store.read() as session:
        ids = {r.staff_id for r in list_staff(session, SYS)}
    store.close()
    assert ids == {f"{t}{i}" for t in "AB" for i in range(40)}
    store = open_store(path, key=key)
    with store.write() as session:  # and it is still writable
        save_staff(session, SYS, StaffInput("C1", "After"))
    store.close()
