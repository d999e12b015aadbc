"""Encryption at rest, sign-in, password resets and recovery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from supervision_audit.errors import StoreError, ValidationError, WrongKeyError
from supervision_audit.security.keyring import keyring_path
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.accounts import create_account, reset_password
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.signin import (
    FirstRun,
    first_run,
    open_with_recovery_key,
    recover_account,
    sign_in,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, list_staff, save_staff

PASSWORD = "correct horse battery"
MARKERS = ("ZEBRA-MARKER-7731", "Quokka-Secret-Worker", "Kestrel disclosure 4410")


@pytest.fixture
def protected(tmp_path: Path):
    path = tmp_path / "org.sqlite"
    opened, recovery = first_run(path, FirstRun("Riverside Children's Trust", "Ada Admin", "AD1",
                                                "ada", PASSWORD))
    yield path, opened, recovery
    opened.store.close()


def _write_markers(opened) -> None:
    with opened.store.write() as session:
        save_staff(session, SYS, StaffInput("S1", "Sam Head", role="senior_manager"))
        save_staff(session, SYS, StaffInput("P1", MARKERS[1], supervisor_staff_id="S1"))
        person = get_by_staff_id(session, "P1")
        values = draft_values(session, SYS, person.id)
        values.update(venue="Room 1", date_agreed="2026-01-05", additions=MARKERS[0],
                      intermediary=MARKERS[2])
        save_contract(session, SYS, person.id, values)


def _plain_sqlite_can_read(path: Path) -> str:
    """Try the file with Python's own sqlite3, in another process (one library per process)."""
    code = ("import sqlite3, sys\n"
            "try:\n"
            f"    print(sqlite3.connect({str(path)!r}).execute("
            "'select count(*) from sqlite_master').fetchone())\n"
            "except Exception as exc:\n"
            "    print('refused:', exc)\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60).stdout


def test_store_is_encrypted_by_default(protected) -> None:
    path, opened, recovery = protected
    assert opened.store.encrypted and recovery is not None
    assert keyring_path(path).exists()
    assert "refused: file is not a database" in _plain_sqlite_can_read(path)


def test_marker_strings_are_not_in_the_file_its_wal_or_backups(protected, tmp_path) -> None:
    path, opened, _ = protected
    _write_markers(opened)
    backup = opened.store.backup_to(tmp_path / "backups" / "copy.sqlite")
    files = [path, Path(f"{path}-wal"), backup, keyring_path(path)]
    assert Path(f"{path}-wal").exists()
    for file in files:
        data = file.read_bytes()
        for marker in MARKERS:
            assert marker.encode() not in data, (file.name, marker)
            assert marker.encode("utf-16-le") not in data
    assert b"correct horse" not in keyring_path(path).read_bytes()
    # the backup is readable with the same key, and holds the markers
    from supervision_audit.db import open_store

    copy = open_store(backup, key=opened.store.key, create=False)
    with copy.read() as session:
        assert get_by_staff_id(session, "P1").name == MARKERS[1]
    copy.close()


def test_sign_in_with_the_right_password(protected) -> None:
    path, opened, _ = protected
    _write_markers(opened)
    opened.store.close()
    again = sign_in(path, "ada", PASSWORD)
    try:
        assert again.actor.is_admin and again.actor.name == "Ada Admin"
        with again.store.read() as session:
            assert {r.staff_id for r in list_staff(session, SYS)} == {"AD1", "S1", "P1"}
    finally:
        again.store.close()


@pytest.mark.parametrize(("username", "password"), [
    ("ada", "wrong password here"), ("nobody", PASSWORD), ("ada", ""),
])
def test_wrong_credentials_fail_cleanly_and_change_nothing(protected, username, password) -> None:
    path, opened, _ = protected
    opened.store.close()
    before = path.read_bytes()
    with pytest.raises(WrongKeyError, match="user name or password is not right"):
        sign_in(path, username, password)
    assert path.read_bytes() == before


def test_admin_resets_a_password_without_losing_data(protected) -> None:
    path, opened, _ = protected
    _write_markers(opened)
    with opened.store.write() as session:
        sam = get_by_staff_id(session, "S1")
        create_account(session, opened.actor, opened.vault, sam.id, "sam", "sams first password")
    opened.store.close()
    admin = sign_in(path, "ada", PASSWORD)
    with admin.store.write() as session:
        reset_password(session, admin.actor, admin.vault, "sam", "sams brand new password")
    admin.store.close()
    with pytest.raises(WrongKeyError):
        sign_in(path, "sam", "sams first password")
    sam = sign_in(path, "sam", "sams brand new password")
    with sam.store.read() as session:
        assert get_by_staff_id(session, "P1").name == MARKERS[1]
    sam.store.close()


def test_recovery_key_opens_the_store_even_without_its_keyring(protected) -> None:
    path, opened, recovery = protected
    _write_markers(opened)
    opened.store.close()
    keyring_path(path).unlink()
    store = open_with_recovery_key(path, recovery.lower().replace("-", " "))
    with store.read() as session:
        assert get_by_staff_id(session, "P1").name == MARKERS[1]
    store.close()
    recover_account(path, recovery, "ada", "a whole new password")
    again = sign_in(path, "ada", "a whole new password")
    assert again.actor.is_admin
    again.store.close()


def test_wrong_recovery_key_is_refused(protected) -> None:
    path, opened, recovery = protected
    opened.store.close()
    wrong = ("A" if recovery[0] != "A" else "B") + recovery[1:]
    with pytest.raises(WrongKeyError, match="could not be unlocked"):
        open_with_recovery_key(path, wrong)
    with pytest.raises(WrongKeyError, match="not a recovery key|incomplete"):
        open_with_recovery_key(path, "not-a-key")


def test_damaged_keyring_gives_a_clear_message(protected) -> None:
    path, opened, _ = protected
    opened.store.close()
    keyring_path(path).write_text("{ this is not json")
    with pytest.raises(StoreError, match="keyring file is damaged"):
        sign_in(path, "ada", PASSWORD)


def test_first_run_refuses_an_existing_store_and_short_passwords(protected, tmp_path) -> None:
    path, _opened, _ = protected
    with pytest.raises(StoreError, match="already exists"):
        first_run(path, FirstRun("Org", "X", "X1", "x", PASSWORD))
    fresh = tmp_path / "fresh.sqlite"
    with pytest.raises(ValidationError, match="at least 10 characters"):
        first_run(fresh, FirstRun("Org", "X", "X1", "x", "short"))
    assert not fresh.exists() and not keyring_path(fresh).exists()


def test_the_last_administrator_and_ones_own_account_stay_open(protected) -> None:
    from supervision_audit.services.accounts import deactivate_account

    _path, opened, _ = protected
    with pytest.raises(ValidationError, match="your own account"):
        with opened.store.write() as session:
            deactivate_account(session, opened.actor, opened.vault, "ada")
