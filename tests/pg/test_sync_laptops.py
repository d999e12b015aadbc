"""Two laptops and one server: a real ``supervision-audit serve`` process on 127.0.0.1 in
front of a real PostgreSQL, and two replica files written through the services while
offline, then synced over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from supervision_audit.cli import main
from supervision_audit.models import Signature, Staff, SupervisionRecord, UserAccount
from supervision_audit.pg.store import open_pg_store
from supervision_audit.security.keyring import keyring_path
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import deactivate_account
from supervision_audit.services.events import verify_chain
from supervision_audit.services.integrity import signature_problems
from supervision_audit.services.records import records_of
from supervision_audit.services.settings import set_setting
from supervision_audit.services.signatures import sign
from supervision_audit.services.signin import sign_in
from supervision_audit.sync.client import SyncError, sync_store
from supervision_audit.sync.replica import read_state
from supervision_audit.sync.replica_schema import is_replica
from supervision_audit.sync.trust import AccountClosed
from tests.pg.pg_helpers import create_database, drop_database, running_server
from tests.pg.sync_helpers import NO_VAULT, PASSWORD, Laptop, completed, seed, server_rows


@dataclass
class Org:
    base: str
    db: str
    ids: dict[str, uuid.UUID]


@pytest.fixture(scope="module")
def org(pg_server: str, pg_template: str) -> Iterator[Org]:
    db = create_database(pg_server, pg_template)
    try:
        ids = seed(db)
        with running_server(db) as (base, _process):
            yield Org(base, db, ids)
    finally:
        drop_database(db)


def laptop(org: Org, tmp_path: Path, username: str, name: str = "") -> Laptop:
    return Laptop(tmp_path / f"{name or username}.sqlite", username, org.base)


def test_a_replica_holds_its_users_scope_and_opens_offline_as_any_store(
        org: Org, tmp_path: Path) -> None:
    mia = laptop(org, tmp_path, "mia")
    mia.create()
    with mia.reading() as (session, actor):
        people = {p.staff_id for p in session.exec(select(Staff))}
        accounts = [a.username for a in session.exec(select(UserAccount))]
    assert actor.username == "mia"
    # her file and her supervisees', the line above them; nobody from the other team
    assert {"M1", "P1", "P2", "S1"} <= people
    assert not {"P3", "P10", "M2"} & people
    assert accounts == ["mia"]  # her own account only


def test_a_record_written_offline_on_one_laptop_is_signed_on_the_other(
        org: Org, tmp_path: Path) -> None:
    mia, pat = laptop(org, tmp_path, "mia"), laptop(org, tmp_path, "pat")
    mia.create()
    pat.create()
    with mia.writing() as (session, actor):  # offline: nothing reaches the server yet
        record_id = completed(session, actor, org.ids["P1"], date(2025, 3, 3),
                              discussion="Caseload reviewed")
        sign(session, actor, "record", record_id, password=PASSWORD)
    assert server_rows(org.db, "SELECT 1 FROM supervision_record WHERE id = %s",
                       record_id) == []
    assert mia.outbox() > 0
    report = mia.sync()
    assert report.refused == [] and report.pushed > 0 and report.waiting == 0
    pat.sync()
    with pat.writing() as (session, actor):
        seen = {r.id for r in records_of(session, actor, org.ids["P1"])}
        assert record_id in seen
        sign(session, actor, "record", record_id, password=PASSWORD)
    assert pat.sync().refused == []
    mia.sync()
    with mia.reading() as (session, _actor):
        record = session.get(SupervisionRecord, record_id)
        assert record is not None and record.locked_at is not None  # final on her laptop
        assert len(list(session.exec(select(Signature).where(
            Signature.record_id == record_id)))) == 2
        assert signature_problems(session, "record", record_id) == []
        assert verify_chain(session).intact
    (locked,), = server_rows(org.db, "SELECT locked_at FROM supervision_record WHERE id = %s",
                             record_id)
    assert locked is not None
    # each laptop's log entries were appended to the organisation's log, chained there
    details = [d for (d,) in server_rows(
        org.db, "SELECT detail FROM event_log WHERE action = 'record.sign' ORDER BY seq")]
    assert sum("on device laptop-" in d for d in details) == 2


def _cli(monkeypatch: pytest.MonkeyPatch, *args: str, user: str = "mia",
         password: str = PASSWORD) -> int:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", user)
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", password)
    return main(list(args))


def test_the_command_line_makes_a_replica_syncs_it_and_says_where_it_stands(
        org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "laptop.sqlite"
    assert _cli(monkeypatch, "--db", str(path), "replica", "init", "--server", org.base) == 0
    out = capsys.readouterr().out
    assert f"Replica of mia's files made at {path}" in out
    assert path.exists() and keyring_path(path).exists()
    assert _cli(monkeypatch, "--db", str(path), "sync") == 0
    out = capsys.readouterr().out
    assert "signed in to the server" in out and "pushed: " in out and "waiting to go: 0" in out
    assert _cli(monkeypatch, "--db", str(path), "sync", "--status") == 0
    out = capsys.readouterr().out
    assert f"server: {org.base}" in out and "last synced: 20" in out
    assert "waiting to go: 1 change(s)" in out  # this command's own sign-in, logged


@pytest.mark.parametrize(("server", "password", "message"), [
    ("ftp://example.org", PASSWORD, "is not the server's address"),
    ("http://127.0.0.1:9", PASSWORD, "could not be reached"),
    (None, "not the password", "did not sign you in"),
])
def test_a_replica_that_cannot_be_made_leaves_nothing_behind(
        org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], server: str | None, password: str,
        message: str) -> None:
    path = tmp_path / "laptop.sqlite"
    assert _cli(monkeypatch, "--db", str(path), "replica", "init", "--server",
                server or org.base, password=password) == 1
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_standalone_store_is_no_replica_to_sync(
        org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "standalone.sqlite"
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    assert main(["--db", str(path), "init", "--organisation", "Elsewhere"]) == 0
    capsys.readouterr()
    assert _cli(monkeypatch, "--db", str(path), "sync", user="admin") == 1
    assert "not a replica" in capsys.readouterr().err
    store = sign_in(path, "admin", PASSWORD).store
    try:
        with store.read() as session:
            assert not is_replica(session.connection())  # and it stays as it was
    finally:
        store.close()


def test_a_laptop_syncs_with_its_own_key_until_its_account_is_closed(
        org: Org, tmp_path: Path) -> None:
    ben = laptop(org, tmp_path, "ben")
    ben.create()
    with ben.opened() as found:
        report = sync_store(found.store, "ben", None)  # no password asked
        assert report.refused == [] and report.waiting == 0
    store = open_pg_store(org.db)
    try:
        with store.write() as session:
            deactivate_account(session, SYSTEM_ACTOR, NO_VAULT, "ben")
    finally:
        store.close()
    with ben.opened() as found, pytest.raises(AccountClosed, match="account has been closed"):
        sync_store(found.store, "ben", None)
    refused = server_rows(org.db, "SELECT detail FROM event_log WHERE action = "
                                  "'sign_in.failed' AND actor_username = 'ben'")
    assert refused and "device key: This account has been closed." in refused[-1][0]
    assert not ben.path.exists()  # its replica wiped (tests/pg/test_sync_trust.py)


def test_a_page_the_laptop_cannot_take_in_is_said_and_its_cursor_stays(
        org: Org, tmp_path: Path) -> None:
    lucja = laptop(org, tmp_path, "lucja")
    lucja.create()
    with lucja.raw() as store, store.write() as session:  # around the app: a broken laptop
        conn = session.connection()
        cursor = read_state(conn).cursor
        for event in ("INSERT", "UPDATE"):
            conn.exec_driver_sql(f"CREATE TRIGGER refuse_setting_{event} BEFORE {event} ON "
                                 "setting BEGIN SELECT RAISE(ABORT, 'this laptop refuses "
                                 "settings'); END")
    store = open_pg_store(org.db)
    try:
        with store.write() as session:
            set_setting(session, SYSTEM_ACTOR, "organisation_name", "Renamed")
    finally:
        store.close()
    with pytest.raises(SyncError, match="could not take in the server's changes .*this "
                                        "laptop refuses settings.*nothing of them was written"):
        lucja.sync()
    with lucja.raw() as store, store.read() as session:
        assert read_state(session.connection()).cursor == cursor
