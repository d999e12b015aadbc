"""Laptops for the sync tests: replicas made from a real server process, opened and written
the way the window does (signed in, through the services), synced over HTTP on 127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlmodel import Session

from supervision_audit.db import Store, open_store
from supervision_audit.pg.store import open_pg_store
from supervision_audit.security.keyring import KdfParams, load_keyring
from supervision_audit.security.passwords import Costs
from supervision_audit.services.access import SYSTEM_ACTOR, Actor
from supervision_audit.services.accounts import Vault, add_account
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.signin import OpenStore, sign_in
from supervision_audit.services.staff import StaffInput, save_staff
from supervision_audit.sync.client import SyncReport, sync_store
from supervision_audit.sync.setup import create_replica
from tests.conftest import ORGANISATION, SEED_DAY
from tests.pg.pg_helpers import libpq_url

PASSWORD = "correct horse battery"
NO_VAULT = Vault(Path(), None)
# account user names of the tests' organisation (tests/conftest.ORGANISATION)
USERS = {"head": "S1", "mia": "M1", "omar": "M2", "pat": "P1", "lucja": "P2",
         "aisha": "P3", "ben": "P10"}


def seed(db: str) -> dict[str, uuid.UUID]:
    """The tests' organisation on the server, an account for each person; staff id -> key."""
    saved = Costs.kdf
    Costs.kdf = KdfParams(time_cost=1, memory_cost=8, parallelism=1)
    store = open_pg_store(db)
    try:
        with store.write() as s:
            ids = {}
            for staff_id, name, title, team, role, boss, start, asye in ORGANISATION:
                ids[staff_id] = save_staff(s, SYSTEM_ACTOR, StaffInput(
                    staff_id, name, title, team=team, role=role, supervisor_staff_id=boss,
                    employment_start=start, asye_start=asye), today=SEED_DAY).id
            ids["A1"] = save_staff(s, SYSTEM_ACTOR, StaffInput(
                "A1", "Ada Admin", "Administrator", role="other"), today=SEED_DAY).id
            add_account(s, NO_VAULT, ids["A1"], "admin", PASSWORD, is_admin=True)
            for username, staff_id in USERS.items():
                add_account(s, NO_VAULT, ids[staff_id], username, PASSWORD)
        return ids
    finally:
        store.close()
        Costs.kdf = saved


def server_rows(db: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows read from the server's database going around the app."""
    with psycopg.connect(libpq_url(db)) as conn:
        return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


@dataclass
class Laptop:
    """One replica file and its user."""

    path: Path
    username: str
    server: str

    def create(self) -> SyncReport:
        return create_replica(self.path, self.server, self.username, PASSWORD)

    @contextmanager
    def opened(self) -> Iterator[OpenStore]:
        found = sign_in(self.path, self.username, PASSWORD)
        try:
            yield found
        finally:
            found.store.close()

    @contextmanager
    def writing(self) -> Iterator[tuple[Session, Actor]]:
        with self.opened() as found, found.store.write() as session:
            yield session, found.actor

    @contextmanager
    def reading(self) -> Iterator[tuple[Session, Actor]]:
        with self.opened() as found, found.store.read() as session:
            yield session, found.actor

    @contextmanager
    def raw(self) -> Iterator[Store]:
        """The replica opened with its key, without signing in (which would log a sign-in,
        a change waiting to go)."""
        keyring = load_keyring(self.path)
        assert keyring is not None
        found = open_store(self.path, key=keyring.unlock(self.username, PASSWORD),
                           create=False)
        try:
            yield found
        finally:
            found.close()

    def sync(self, server: str | None = None) -> SyncReport:
        with self.opened() as found:
            return sync_store(found.store, self.username, PASSWORD, server=server)

    def outbox(self) -> int:
        with self.reading() as (session, _actor):
            return int(session.connection().exec_driver_sql(
                "SELECT count(*) FROM sync_outbox").scalar() or 0)

    def refusals(self) -> list[tuple[str, str, str]]:
        with self.reading() as (session, _actor):
            return [tuple(r) for r in session.connection().exec_driver_sql(  # type: ignore[misc]
                "SELECT tbl, kind, reason FROM sync_refusal ORDER BY id").all()]


def completed(session: Session, actor: Actor, supervisee: uuid.UUID, day: date,
              **values: Any) -> uuid.UUID:
    """A record written and completed by ``actor`` (the supervisor) on a laptop."""
    record = start_record(session, actor, form_key="individual", held_on=day,
                          supervisee_uuid=supervisee)
    complete_record(session, actor, record.id, {**record.values, "start_time": "10:00",
                                                "end_time": "11:30", **values})
    return record.id
