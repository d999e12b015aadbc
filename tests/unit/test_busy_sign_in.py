"""Signing in to read while another program holds the store for a long write (an import
committing): the read works, and the sign-in is logged once the store is free."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import col, select

from supervision_audit.db import open_store
from supervision_audit.models import EventLog
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.signin import FirstRun, first_run, sign_in
from supervision_audit.services.staff import StaffInput, list_staff, save_staff

PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "org.sqlite"
    opened, _ = first_run(path, FirstRun("Org", "Ada Admin", "AD1", "ada", PASSWORD,
                                         encrypted=False))
    opened.store.close()
    return path


@contextmanager
def long_write(db: Path) -> Iterator[None]:
    """Another connection in the middle of a write transaction (an import adding people)
    until the block ends; then it commits."""
    holding, release, failed = threading.Event(), threading.Event(), []

    def hold() -> None:
        store = open_store(db, create=False)
        try:
            with store.write() as session:
                save_staff(session, SYS, StaffInput("IMP1", "Imported Person"))
                holding.set()
                release.wait(120)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            failed.append(exc)
            holding.set()
        finally:
            store.close()

    writer = threading.Thread(target=hold)
    writer.start()
    assert holding.wait(60) and not failed
    try:
        yield
    finally:
        release.set()
        writer.join(60)
    assert not failed


def _sign_ins(db: Path) -> list[EventLog]:
    store = open_store(db, create=False)
    try:
        with store.read() as session:
            return list(session.exec(select(EventLog).where(EventLog.action == "sign_in")
                                     .order_by(col(EventLog.seq))))
    finally:
        store.close()


def test_a_read_only_command_works_while_an_import_commits(db) -> None:
    before = len(_sign_ins(db))
    env = {**os.environ, "SUPERVISION_AUDIT_USER": "ada",
           "SUPERVISION_AUDIT_PASSWORD": PASSWORD}
    with long_write(db):
        reader = subprocess.Popen(
            [sys.executable, "-m", "supervision_audit.cli", "--db", str(db), "list-staff"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        first_line = reader.stdout.readline()  # printed while the import still holds on
        assert first_line.startswith("AD1\tAda Admin"), reader.stderr.read()
        assert reader.poll() is None  # it waits to write its sign-in, having answered
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    assert "busy" not in err and "in use" not in err
    entries = _sign_ins(db)
    assert len(entries) == before + 1 and entries[-1].actor_username == "ada"


def test_a_sign_in_during_a_long_write_is_logged_with_the_next_write(db) -> None:
    with long_write(db):
        opened = sign_in(db, "ada", PASSWORD)  # does not wait for the writer
        with opened.store.read() as session:  # reading works meanwhile
            assert "AD1" in {r.staff_id for r in list_staff(session, opened.actor)}
        assert opened.store.pending
    before = len(_sign_ins(db))
    with opened.store.write() as session:  # its next write: the sign-in goes first
        save_staff(session, SYS, StaffInput("P9", "Pat Nine"))
    assert not opened.store.pending
    opened.store.close()
    check = open_store(db, create=False)
    with check.read() as session:
        last = session.exec(select(EventLog).order_by(col(EventLog.seq).desc()).limit(2)).all()
    check.close()
    assert [e.action for e in reversed(last)] == ["sign_in", "staff.create"]
    assert len(_sign_ins(db)) == before + 1
