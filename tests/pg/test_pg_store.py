"""The organisation's store on PostgreSQL: the same migrations and models as SQLite, refusing
databases that are not its own, one writer at a time, and the same compliance figures."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

from supervision_audit.db import memo, open_store, schema_head
from supervision_audit.demo import ADMIN, DEMO_PASSWORD, seed_demo_files
from supervision_audit.errors import ForeignFileError, NewerSchemaError, StoreError
from supervision_audit.models import EventLog
from supervision_audit.pg.store import PgStore, open_pg_store
from supervision_audit.services.access import SYSTEM_ACTOR, actor_for
from supervision_audit.services.accounts import Vault, add_account
from supervision_audit.services.compliance import compute
from supervision_audit.services.events import Who, log_event, verify_chain
from supervision_audit.services.staff import StaffInput, save_staff
from tests.pg.pg_helpers import libpq_url


def test_an_empty_database_gets_the_schema_the_models_declare(pg_empty_url: str) -> None:
    store = open_pg_store(pg_empty_url)
    try:
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), SQLModel.metadata) == []
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert version == f"{schema_head():04d}"
    finally:
        store.close()


def test_a_database_of_another_application_is_refused_untouched(pg_empty_url: str) -> None:
    with psycopg.connect(libpq_url(pg_empty_url), autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int PRIMARY KEY)")
    with pytest.raises(ForeignFileError, match="another application"):
        open_pg_store(pg_empty_url)
    with psycopg.connect(libpq_url(pg_empty_url), autocommit=True) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                              ).fetchall()
    assert tables == [("invoices",)]


def test_a_newer_schema_is_refused(pg_url: str) -> None:
    with psycopg.connect(libpq_url(pg_url), autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(NewerSchemaError, match="newer version"):
        open_pg_store(pg_url)


def test_a_server_that_cannot_be_reached_is_named_without_its_password() -> None:
    with pytest.raises(StoreError, match="could not be reached") as caught:
        open_pg_store("postgresql://someone:secret@127.0.0.1:1/nowhere")
    assert "secret" not in str(caught.value)
    with pytest.raises(StoreError, match="not a PostgreSQL URL"):
        PgStore("sqlite:///x.sqlite")


def test_writers_take_turns_so_the_event_log_chain_never_forks(pg_store: PgStore) -> None:
    problems: list[BaseException] = []

    def append(name: str) -> None:
        try:
            for n in range(15):
                with pg_store.write() as s:
                    log_event(s, Who(name), "test.append", detail=str(n))
        except BaseException as exc:  # noqa: BLE001 - reported below
            problems.append(exc)

    threads = [threading.Thread(target=append, args=(f"writer{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    with pg_store.read() as s:
        assert len(s.exec(select(EventLog)).all()) == 60
        assert verify_chain(s).intact


def _demo(store: object, day: date) -> list[dict[str, object]]:
    """The demo organisation written through the services; its compliance figures."""
    vault = Vault(Path("unused"), None)
    with store.write() as s:  # type: ignore[attr-defined]
        person = save_staff(s, SYSTEM_ACTOR, StaffInput(ADMIN[0], ADMIN[1], ADMIN[2],
                                                        role="other"))
        admin = add_account(s, vault, person.id, "admin", DEMO_PASSWORD, is_admin=True)
        seed_demo_files(s, actor_for(s, admin), vault, day)
    with store.read() as s:  # type: ignore[attr-defined]
        return [row.as_json() for row in compute(s, day)]


@pytest.mark.slow
def test_the_demo_gives_the_same_compliance_on_postgresql_as_on_sqlite(
        pg_store: PgStore, tmp_path: Path) -> None:
    day = date(2025, 6, 2)
    on_pg = _demo(pg_store, day)
    sqlite = open_store(tmp_path / "demo.sqlite")
    try:
        on_sqlite = _demo(sqlite, day)
    finally:
        sqlite.close()
    assert len(on_pg) > 20
    # the demo has short sessions, late copies, escalations and unsigned records to count
    assert any(row["short_sessions_12m"] for row in on_pg)
    assert any(row["late_copies_12m"] for row in on_pg)
    assert any(row["escalations"] for row in on_pg)
    assert on_pg == on_sqlite


def test_an_organisation_wide_read_works_on_postgresql(pg_store: PgStore) -> None:
    """``memo`` lifts SQLite's page cache for a wide read; on PostgreSQL it leaves the
    connection alone (SQLite's PRAGMA is a syntax error there, which stopped every list,
    dashboard and compliance the server answers)."""
    with pg_store.read() as session:
        assert memo(session, "answer", lambda: 42) == 42
        assert memo(session, "answer", lambda: 0) == 42  # kept for the session
