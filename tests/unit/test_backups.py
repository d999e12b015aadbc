"""Backups: taken consistently, pruned, checked before restore; damaged stores never written."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from supervision_audit.db import open_store
from supervision_audit.errors import DamagedStoreError, StoreError
from supervision_audit.security.keyring import keyring_path
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.backups import (
    check_backup,
    list_backups,
    restore_backup,
    take_backup,
)
from supervision_audit.services.log_anchor import anchor_path
from supervision_audit.services.signin import FirstRun, first_run, sign_in
from supervision_audit.services.staff import StaffInput, list_staff, save_staff

PASSWORD = "correct horse battery"


@pytest.fixture
def opened(tmp_path: Path):
    opened, _ = first_run(tmp_path / "org.sqlite",
                          FirstRun("Org", "Ada Admin", "AD1", "ada", PASSWORD))
    yield opened
    opened.store.close()


def _add(opened, staff_id: str) -> None:
    with opened.store.write() as session:
        save_staff(session, SYS, StaffInput(staff_id, f"Person {staff_id}"))


def test_backup_keeps_the_newest_n_with_their_keyring(opened, tmp_path) -> None:
    folder = tmp_path / "backups"
    made = []
    for i in range(4):
        _add(opened, f"P{i}")
        made.append(take_backup(opened.store, folder, keep=2))
    kept = list_backups(folder, opened.store.path)
    assert kept == sorted(made[-2:], reverse=True)
    assert all(keyring_path(p).exists() for p in kept)
    assert all(anchor_path(p).exists() for p in kept)
    assert len(list(folder.iterdir())) == 6  # two backups, two keyrings, two log anchors
    assert check_backup(kept[0], opened.store.key).staff == 5


def test_restore_brings_back_the_backup_and_keeps_the_replaced_file(opened, tmp_path) -> None:
    _add(opened, "KEEP")
    backup = take_backup(opened.store, tmp_path / "b")
    _add(opened, "LATER")
    path, key = opened.store.path, opened.store.key
    opened.store.close()
    kept = restore_backup(backup, path, key)
    again = sign_in(path, "ada", PASSWORD)
    with again.store.read() as session:
        ids = {r.staff_id for r in list_staff(session, SYS)}
    again.store.close()
    assert "KEEP" in ids and "LATER" not in ids
    old = open_store(kept, key=key, create=False)
    with old.read() as session:
        assert "LATER" in {r.staff_id for r in list_staff(session, SYS)}
    old.close()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign"])
def test_restore_refuses_a_bad_backup_and_changes_nothing(opened, tmp_path, damage) -> None:
    backup = take_backup(opened.store, tmp_path / "b")
    data = backup.read_bytes()
    if damage == "truncate":
        backup.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        backup.write_bytes(data[:4096] + bytes(range(256)) * 64 + data[4096 + 256 * 64:])
    else:
        backup.write_bytes(b"PK\x03\x04 definitely not a database" * 100)
    path, key = opened.store.path, opened.store.key
    opened.store.close()
    before = path.read_bytes()
    with pytest.raises(StoreError):
        restore_backup(backup, path, key)
    assert path.read_bytes() == before


def test_a_restore_whose_file_swap_fails_puts_the_database_back(opened, tmp_path,
                                                                  monkeypatch) -> None:
    """On Windows a database still open in another program cannot be moved: the move of
    the backup into place fails after the database was moved aside. Everything moves back,
    the message says so, and the database is as it was."""
    _add(opened, "KEEP")
    backup = take_backup(opened.store, tmp_path / "b")
    _add(opened, "LATER")
    path, key = opened.store.path, opened.store.key
    opened.store.close()
    before = path.read_bytes()
    real_replace = Path.replace

    def replace(self: Path, target):  # type: ignore[no-untyped-def]
        if self.name.endswith(".restoring"):
            raise PermissionError(13, "The process cannot access the file", str(self))
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(StoreError, match="Nothing was restored") as caught:
        restore_backup(backup, path, key)
    assert "could not be put in place of org.sqlite" in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if "restor" in p.name) == []
    monkeypatch.undo()
    again = sign_in(path, "ada", PASSWORD)
    with again.store.read() as session:
        assert "LATER" in {r.staff_id for r in list_staff(session, SYS)}
    again.store.close()


def test_damaged_store_is_refused_before_any_write(tmp_path) -> None:
    path = tmp_path / "plain.sqlite"
    store = open_store(path)
    with store.write() as session:
        for i in range(300):
            save_staff(session, SYS, StaffInput(f"S{i}", f"Person number {i} " + "x" * 150,
                                                job_title="y" * 200))
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for number in range(2, len(data) // page):  # scribble over the b-tree page headers
        for offset in range(number * page, number * page + 12):
            data[offset] = 0xA5
    path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    with pytest.raises(DamagedStoreError, match="damaged"):
        open_store(path)
    assert path.read_bytes() == damaged


WRITER = """
import sys, time
from pathlib import Path
from supervision_audit.db import open_store
from supervision_audit.services.staff import StaffInput, save_staff
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
store = open_store(Path(sys.argv[1]), key=bytes.fromhex(sys.argv[2]))
i = 0
deadline = None
while deadline is None or time.monotonic() < deadline:
    with store.write() as session:
        save_staff(session, SYS, StaffInput(f"W{i}", f"Writer {i}"))
    if deadline is None:  # its seconds of writing count from its first save
        print("writing", flush=True)
        deadline = time.monotonic() + float(sys.argv[3])
    i += 1
print(i)
"""


@pytest.mark.slow
def test_backup_taken_while_another_process_writes_restores_cleanly(opened, tmp_path) -> None:
    path, key = opened.store.path, opened.store.key
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), key.hex(), "3"],
                              stdout=subprocess.PIPE, text=True)
    backups = []
    assert writer.stdout.readline() == "writing\n"  # however long it took to start
    for _ in range(3):
        backups.append(take_backup(opened.store, tmp_path / "b", keep=5))
        time.sleep(0.3)
    written = int(writer.communicate(timeout=60)[0].split()[-1])
    assert writer.returncode == 0 and written > 0
    for backup in backups:
        check = check_backup(backup, key)
        assert check.staff >= 1
    opened.store.close()
    restore_backup(backups[-1], path, key)
    again = sign_in(path, "ada", PASSWORD)
    with again.store.read() as session:
        ids = {r.staff_id for r in list_staff(session, SYS)}
    again.store.close()
    assert "AD1" in ids and any(i.startswith("W") for i in ids)
