"""Trust and access on laptops, against a real ``serve`` process and PostgreSQL: a closed
account's replica is wiped at its next contact with the server; a laptop that has not
reached the server for longer than the organisation allows stops signing in offline until it
does. The laptop's calendar is moved by the ``today`` a sign-in is given, never by waiting."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from supervision_audit.cli import main
from supervision_audit.errors import StoreError
from supervision_audit.pg.store import open_pg_store
from supervision_audit.security.wipe import note_path
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import account_named, deactivate_account
from supervision_audit.services.signin import sign_in
from supervision_audit.services.signin_guard import guard_path
from supervision_audit.sync.client import sync_store
from supervision_audit.sync.replica import read_state, write_state
from supervision_audit.sync.trust import AccountClosed, OfflineTooLong, replica_files
from tests.pg.pg_helpers import create_database, drop_database, running_server
from tests.pg.sync_helpers import NO_VAULT, PASSWORD, Laptop, completed, seed, server_rows

DEAD_SERVER = "http://127.0.0.1:9"  # nothing listens on the discard port


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


def close_account(org: Org, username: str) -> None:
    store = open_pg_store(org.db)
    try:
        with store.write() as session:
            deactivate_account(session, SYSTEM_ACTOR, NO_VAULT, username)
    finally:
        store.close()


def point_at(laptop: Laptop, server: str) -> None:
    """The laptop's idea of where the server is (a dead address: the server is out of
    reach, as in a car)."""
    with laptop.raw() as store, store.write() as session:
        write_state(session.connection(), server=server)


def _cli(monkeypatch: pytest.MonkeyPatch, *args: str, user: str) -> int:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", user)
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    return main(list(args))


def test_a_closed_accounts_laptop_is_wiped_at_its_next_sync_and_says_so(
        org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    omar = Laptop(tmp_path / "omar.sqlite", "omar", org.base)
    omar.create()
    with omar.writing() as (session, actor):  # written offline: it never reaches the server
        completed(session, actor, org.ids["P10"], date(2025, 3, 3), discussion="Not sent")
    waiting = omar.outbox()
    assert waiting > 0
    upgraded = tmp_path / "omar.before-upgrade-v40-20261101-090000.sqlite"
    with omar.raw() as store:  # a copy the app took before an upgrade, beside it
        store.backup_to(upgraded)
    assert upgraded.exists()
    close_account(org, "omar")

    assert _cli(monkeypatch, "--db", str(omar.path), "sync", user="omar") == 1
    said = capsys.readouterr().err
    assert "This account has been closed." in said
    assert f"replica of the organisation's records ({omar.path.name}) has been wiped" in said
    sent_not = re.search(r"with (\d+) change\(s\) that had not gone to the server", said)
    assert sent_not and int(sent_not[1]) >= waiting  # the record, and the sign-in's own
    # nothing of the replica is left on the laptop: store, journal, keyring, memo, guard
    assert [p for p in replica_files(omar.path) if p.exists()] == []
    assert [p.name for p in tmp_path.iterdir()] == [note_path(omar.path).name]
    # signing in again says what happened, instead of offering to make a new store
    with pytest.raises(StoreError, match=r"omar\.sqlite was wiped from this machine on "
                                         r"\d\d/\d\d/\d{4} \d\d:\d\d: .*account has been "
                                         r"closed.*\(the account omar\)"):
        sign_in(omar.path, "omar", PASSWORD)
    told = server_rows(org.db, "SELECT detail FROM event_log WHERE action = 'sign_in.failed' "
                               "AND actor_username = 'omar' ORDER BY seq")
    assert "The laptop was told to wipe its replica." in told[-1][0]
    # and the server holds nothing the closed account wrote offline
    assert server_rows(org.db, "SELECT 1 FROM supervision_record r JOIN staff s ON "
                               "s.id = r.supervisee_id WHERE s.staff_id = 'P10'") == []


def test_a_window_open_on_the_replica_cannot_reach_it_once_wiped(
        org: Org, tmp_path: Path) -> None:
    """The window's store is the one the background sync wiped: it is closed for good, and
    nothing makes a new, empty file where the replica was."""
    ben = Laptop(tmp_path / "ben.sqlite", "ben", org.base)
    ben.create()
    close_account(org, "ben")
    with ben.opened() as found:
        with pytest.raises(AccountClosed, match="has been wiped"):
            sync_store(found.store, "ben", None)  # the window's sync: by the laptop's key
        with pytest.raises(StoreError, match="has been wiped"):
            with found.store.read() as session:
                session.connection()
    assert not ben.path.exists() and not guard_path(ben.path).exists()


def test_offline_sign_in_stops_after_the_organisations_days_until_the_server_is_reached(
        org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    aisha = Laptop(tmp_path / "aisha.sqlite", "aisha", org.base)
    aisha.create()
    point_at(aisha, DEAD_SERVER)  # away from the network from now on
    today = date.today()

    def open_on(day: date) -> None:
        sign_in(aisha.path, "aisha", PASSWORD, today=day).store.close()

    assert _cli(monkeypatch, "--db", str(aisha.path), "sync", "--status", user="aisha") == 0
    assert (f"last reached the server: {today:%d/%m/%Y}; signs in offline until "
            f"{today + timedelta(days=30):%d/%m/%Y}") in capsys.readouterr().out
    open_on(today + timedelta(days=30))  # the 30th day offline: still signs in
    for _ in range(4):  # refused each time, and never counted as a wrong password
        with pytest.raises(OfflineTooLong) as refused:
            open_on(today + timedelta(days=31))
    said = str(refused.value)
    assert f"has not reached the organisation's server since {today:%d/%m/%Y} (31 days)" in said
    assert "allows signing in offline for 30 days" in said
    assert "Connect the laptop to the network you sync on and sign in again" in said
    assert "could not be reached" in said

    # back on the network: the same sign-in reaches the server first, then opens
    point_at(aisha, org.base)
    open_on(today + timedelta(days=45))
    with aisha.raw() as store, store.read() as session:
        state = read_state(session.connection())
    assert state.last_contact[:10] >= f"{today:%Y-%m-%d}"

    # the organisation shortens the limit; the laptop takes it at its next sync
    assert _cli(monkeypatch, "replica", "offline-days", "10", "--database", org.db,
                user="admin") == 0
    assert "up to 10 day(s)" in capsys.readouterr().out
    aisha.sync()
    point_at(aisha, DEAD_SERVER)
    open_on(today + timedelta(days=10))
    with pytest.raises(OfflineTooLong, match="allows signing in offline for 10 days"):
        open_on(today + timedelta(days=11))
    assert _cli(monkeypatch, "replica", "offline-days", "0", "--database", org.db,
                user="admin") == 1
    assert "from 1 to 3650" in capsys.readouterr().err


def test_a_laptop_away_too_long_whose_account_was_closed_is_wiped_when_it_signs_in(
        org: Org, tmp_path: Path) -> None:
    pat = Laptop(tmp_path / "pat.sqlite", "pat", org.base)
    pat.create()
    close_account(org, "pat")
    sign_in(pat.path, "pat", PASSWORD).store.close()  # within the limit: offline as ever
    with pytest.raises(AccountClosed, match="has been wiped"):
        sign_in(pat.path, "pat", PASSWORD, today=date.today() + timedelta(days=40))
    assert [p for p in replica_files(pat.path) if p.exists()] == []
    with pytest.raises(StoreError, match="wiped from this machine"):
        sign_in(pat.path, "pat", PASSWORD)
    # reopened on the server, the account makes a new replica in the same place
    store = open_pg_store(org.db)
    try:
        with store.write() as session:
            account = account_named(session, "pat")
            assert account is not None
            account.active = True
    finally:
        store.close()
    pat.create()
    assert not note_path(pat.path).exists()
    sign_in(pat.path, "pat", PASSWORD).store.close()
