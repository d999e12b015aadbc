"""A store unchanged since the app last knew it sound is not checked whole again; any other
change (through SQLite or to its bytes, times put back or not) is checked before anything
is written."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from supervision_audit import check_memo, db
from supervision_audit.db import open_store
from supervision_audit.errors import DamagedStoreError
from supervision_audit.security.keyring import new_store_key
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.staff import StaffInput, list_staff, save_staff

PAGE = 4096


class Checks:
    """Every whole-file check (quick_check) the store module runs, in order with writes."""

    def __init__(self) -> None:
        self.events: list[str] = []

    @property
    def count(self) -> int:
        return self.events.count("check")


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Checks:
    seen = Checks()
    real = db.integrity_problem

    def counted(conn: object, path: Path) -> str | None:
        try:
            return real(conn, path)
        finally:
            seen.events.append("check")

    monkeypatch.setattr(db, "integrity_problem", counted)
    return seen


@pytest.fixture(params=["small", "large"])
def size(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A small store is checked before it opens; a large one in the background."""
    if request.param == "large":
        monkeypatch.setattr(db, "INLINE_CHECK_BYTES", 0)
    return str(request.param)


def _filled(path: Path, key: bytes | None = None) -> None:
    store = open_store(path, key=key)
    with store.write() as session:
        for i in range(300):
            save_staff(session, SYS, StaffInput(f"S{i}", f"Person number {i}", job_title="x" * 150))
    store.close()


def _write(path: Path, key: bytes | None, events: list[str], name: str) -> None:
    store = open_store(path, key=key)
    try:
        with store.write() as session:
            events.append("write")
            save_staff(session, SYS, StaffInput(name, name))
    finally:
        store.close()


def _scribble(path: Path, pages: range, keep_times: bool = True) -> bytes:
    """Overwrite the b-tree headers of ``pages`` in place: the size kept and, with
    ``keep_times``, the access and modification times put back as they were."""
    before = os.stat(path)
    with path.open("r+b") as fh:
        for number in pages:
            fh.seek(number * PAGE)
            fh.write(b"\xa5" * 12)
    if keep_times:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert after.st_size == before.st_size
    assert not keep_times or after.st_mtime_ns == before.st_mtime_ns
    return path.read_bytes()


def _last_pages(path: Path, n: int = 4) -> range:
    pages = path.stat().st_size // PAGE
    return range(pages - n, pages)


def test_an_unchanged_store_is_not_checked_again(tmp_path: Path, checks: Checks,
                                                 size: str) -> None:
    path = tmp_path / "store.sqlite"
    _filled(path)
    check_memo.forget(path)
    store = open_store(path)  # changed since its last check, as far as anyone knows
    assert store.wait_for_check() is None
    store.close()
    assert checks.count == 1
    store = open_store(path)
    assert not store.checked_in_background
    with store.read() as session:
        assert len(list_staff(session, SYS)) == 300
    store.close()
    assert checks.count == 1, "the second opening of the unchanged file ran no check"


def test_the_apps_own_writes_do_not_call_for_another_check(tmp_path: Path, checks: Checks,
                                                           size: str) -> None:
    path = tmp_path / "store.sqlite"
    _filled(path)
    for n in range(3):  # as commands one after another, each writing its log entry
        _write(path, None, checks.events, f"N{n}")
    assert checks.count == 0
    store = open_store(path)
    with store.read() as session:
        assert {"N0", "N1", "N2"} <= {s.staff_id for s in list_staff(session, SYS)}
    store.close()


def test_a_store_changed_outside_the_app_is_checked_before_it_is_written(
        tmp_path: Path, checks: Checks, size: str) -> None:
    path = tmp_path / "store.sqlite"
    _filled(path)
    with sqlite3.connect(path) as conn:  # another program, through SQLite
        conn.execute("UPDATE staff SET job_title = 'Changed elsewhere' WHERE staff_id = 'S1'")
    conn.close()
    _write(path, None, checks.events, "AFTER")
    assert checks.events == ["check", "write"]


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_damage_with_size_and_times_kept_is_caught_before_any_write(
        tmp_path: Path, checks: Checks, size: str, encrypted: bool) -> None:
    """Bytes changed in place in pages other than the first, the size kept and the times
    put back: size and modification time alone would be fooled, and SQLite's change
    counter (on the first page) is not touched. The status-change time, which no program
    can put back, shows the file changed."""
    path = tmp_path / "store.sqlite"
    key = new_store_key() if encrypted else None
    _filled(path, key)
    assert check_memo.unchanged_since_check(path, key) is not None
    remembered = check_memo.read_memo(path, key)
    assert remembered is not None
    damaged = _scribble(path, _last_pages(path))
    fp = check_memo.fingerprint(path)
    assert fp is not None
    assert (fp.size, fp.mtime_ns, fp.head) == (remembered.fingerprint.size,
                                               remembered.fingerprint.mtime_ns,
                                               remembered.fingerprint.head)
    with pytest.raises(DamagedStoreError, match="damaged"):
        _write(path, key, checks.events, "NEVER")
    assert "write" not in checks.events
    assert checks.count == 1
    assert path.read_bytes() == damaged, "nothing was written to the damaged file"
    assert not check_memo.memo_path(path).exists(), "the damaged file is not remembered"


def test_a_forged_memo_vouches_for_nothing(tmp_path: Path, checks: Checks) -> None:
    """The memo of an encrypted store is signed with a key derived from the store's key:
    one rewritten to fit a changed file, or signed with another key, is not believed."""
    path = tmp_path / "store.sqlite"
    key = new_store_key()
    _filled(path, key)
    memo_file = check_memo.memo_path(path)
    _scribble(path, _last_pages(path), keep_times=False)
    forged = json.loads(memo_file.read_text())
    now = check_memo.fingerprint(path)
    assert now is not None
    forged.update(size=now.size, mtime_ns=now.mtime_ns, ctime_ns=now.ctime_ns, head=now.head)
    memo_file.write_text(json.dumps(forged))
    assert check_memo.unchanged_since_check(path, key) is None
    check_memo.remember(path, new_store_key(), now, datetime.now(UTC))  # another key's memo
    assert check_memo.unchanged_since_check(path, key) is None
    with pytest.raises(DamagedStoreError):
        open_store(path, key=key)
    assert checks.count == 1


def test_a_store_whose_log_holds_frames_is_checked(tmp_path: Path, checks: Checks) -> None:
    """While another program has written to the store and not closed it (or ended without
    closing it), the file alone is not the store: it is checked."""
    path = tmp_path / "store.sqlite"
    _filled(path)
    other = sqlite3.connect(path)
    try:
        other.execute("PRAGMA journal_mode = WAL")
        other.execute("UPDATE staff SET job_title = 'Pending' WHERE staff_id = 'S2'")
        other.commit()
        assert Path(f"{path}-wal").stat().st_size > 0
        assert check_memo.unchanged_since_check(path, None) is None
        open_store(path).close()
    finally:
        other.close()
    assert checks.count == 1


def test_damage_met_while_open_is_not_remembered(tmp_path: Path, checks: Checks,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "INLINE_CHECK_BYTES", 0)
    path = tmp_path / "store.sqlite"
    _filled(path)
    store = open_store(path)  # remembered sound: not checked
    assert not store.checked_in_background
    _scribble(path, _last_pages(path))  # behind its back, while it is open
    with pytest.raises(DamagedStoreError):
        with store.read() as session:
            list_staff(session, SYS)
    store.close()
    assert check_memo.unchanged_since_check(path, None) is None
    store = open_store(path)
    assert store.checked_in_background
    assert "damaged" in (store.wait_for_check() or "")
    store.close()


def test_an_unchanged_store_is_still_checked_whole_once_a_week(
        tmp_path: Path, checks: Checks) -> None:
    path = tmp_path / "store.sqlite"
    _filled(path)
    memo = check_memo.read_memo(path, None)
    assert memo is not None
    check_memo.remember(path, None, memo.fingerprint,
                        datetime.now(UTC) - check_memo.MAX_AGE - timedelta(hours=1))
    open_store(path).close()
    assert checks.count == 1
    fresh = check_memo.read_memo(path, None)
    assert fresh is not None and fresh.checked_at > memo.checked_at
    open_store(path).close()
    assert checks.count == 1


def test_closing_interrupts_a_check_nothing_waits_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check still running when the store closes is stopped, not waited for, when no
    write waits on it; the file is then not remembered, and is checked next time."""
    monkeypatch.setattr(db, "INLINE_CHECK_BYTES", 0)
    path = tmp_path / "store.sqlite"
    _filled(path)
    check_memo.forget(path)
    real = db.integrity_problem
    outcome: list[str] = []
    opened: list[db.Store] = []

    def running_when_closed(conn: object, where: Path) -> str | None:
        while not opened or not opened[0]._closing:  # until close() has begun
            threading.Event().wait(0.01)
        try:
            found = real(conn, where)
        except Exception as exc:
            outcome.append(str(exc))
            raise
        outcome.append(f"finished: {found}")
        return found

    monkeypatch.setattr(db, "integrity_problem", running_when_closed)
    store = open_store(path)
    opened.append(store)
    store.close()
    assert not store.checking
    assert outcome == ["interrupted"], "the check was stopped, not run to its end"
    assert store.wait_for_check() is None, "an abandoned check finds no damage"
    assert check_memo.unchanged_since_check(path, None) is None


def test_commands_one_after_another_check_only_a_changed_store(
        tmp_path: Path, checks: Checks, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """As a person runs the command line on a large encrypted store: no command waits for a
    check of a store only the app has written since its last check; each sign-in is still
    logged."""
    from sqlmodel import select

    from supervision_audit.cli import main
    from supervision_audit.models import EventLog
    from supervision_audit.services.signin import sign_in

    monkeypatch.setattr(db, "INLINE_CHECK_BYTES", 0)
    password = "a long enough password 42"
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "admin")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", password)
    path = tmp_path / "store.sqlite"
    assert main(["--db", str(path), "init", "--organisation", "Org"]) == 0
    for _ in range(2):
        assert main(["--db", str(path), "list-staff", "--json"]) == 0
    assert checks.count == 0
    check_memo.forget(path)  # changed since, as far as the app knows
    for _ in range(2):
        assert main(["--db", str(path), "list-staff", "--json"]) == 0
    assert checks.count == 1, "checked once, then remembered"
    capsys.readouterr()
    opened = sign_in(path, "admin", password)
    try:
        with opened.store.read() as session:
            kinds = [e.action for e in session.exec(select(EventLog)).all()]
    finally:
        opened.store.close()
    assert kinds.count("sign_in") == 5  # the four commands and this reading
