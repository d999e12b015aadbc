"""The store: pragmas, identity checks, migrations, transactions and locking."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlcipher3 import dbapi2 as sqlite3  # the app's one SQLite library
from sqlmodel import SQLModel, select

from supervision_audit.db import APPLICATION_ID, open_store, schema_head
from supervision_audit.errors import ForeignFileError, NewerSchemaError, StoreLockedError
from supervision_audit.models import Contract, Staff, Team


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_has_identity_and_safe_pragmas(unit_store) -> None:
    with unit_store.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert pragma("application_id") == APPLICATION_ID
        assert pragma("user_version") == schema_head()


def test_schema_head_counts_the_migrations() -> None:
    assert schema_head() >= 2


def test_models_and_migrations_agree(unit_store) -> None:
    with unit_store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diffs == []


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(ForeignFileError, match="another application"):
        open_store(path)
    assert _digest(path) == before
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0


def test_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Dear diary, this is not a database.\n" * 20)
    before = _digest(path)
    with pytest.raises(ForeignFileError, match="not a database file"):
        open_store(path)
    assert _digest(path) == before


def test_newer_schema_is_refused_and_untouched(db_path: Path) -> None:
    open_store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {schema_head() + 1}")
    conn.close()
    before = _digest(db_path)
    with pytest.raises(NewerSchemaError, match="newer version"):
        open_store(db_path)
    assert _digest(db_path) == before


def test_first_schema_upgrades_with_a_backup_and_keeps_data(db_path: Path) -> None:
    old = open_store(db_path, upgrade_to=1)
    with old.engine.connect() as conn:
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert "staff" in tables and "contract" not in tables
        assert conn.exec_driver_sql("PRAGMA user_version").scalar() == 1
    with old.write() as session:
        team = Team(name="Assessment Team")
        session.add(team)
        session.flush()
        session.add(Staff(staff_id="P1", name="Łucja Żak", team_id=team.id))
    old.close()

    store = open_store(db_path)
    with store.read() as session:
        assert session.exec(select(Staff.name)).all() == ["Łucja Żak"]
        assert session.exec(select(Contract)).all() == []
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA user_version").scalar() == schema_head()
    store.close()
    backups = list(db_path.parent.glob("unit.before-upgrade-v1-*.sqlite"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert copy.execute("SELECT name FROM staff").fetchall() == [("Łucja Żak",)]
    copy.close()


@pytest.mark.both_engines
def test_a_failed_write_lands_nothing(unit_store) -> None:
    with pytest.raises(RuntimeError):
        with unit_store.write() as session:
            session.add(Team(name="Half-written team"))
            session.flush()
            raise RuntimeError("power cut")
    with unit_store.read() as session:
        assert session.exec(select(Team)).all() == []


def test_locked_database_gives_a_clear_message_and_loses_nothing(db_path: Path) -> None:
    store = open_store(db_path, busy_timeout_ms=100)
    with store.write() as session:
        session.add(Team(name="Kept"))
    other = sqlite3.connect(db_path, timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreLockedError, match="in use by another program"):
            with store.write() as session:
                session.add(Team(name="Blocked"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    with store.read() as session:
        assert [t.name for t in session.exec(select(Team))] == ["Kept"]
    store.close()


def test_queries_have_their_indexes(unit_store) -> None:
    with unit_store.engine.connect() as conn:
        plan = " ".join(str(r) for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT * FROM staff WHERE supervisor_id = 'x' AND active = 1"))
    assert "ix_staff_supervisor_active" in plan


@pytest.mark.both_engines
def test_memo_keeps_an_answer_for_a_read_session_and_never_in_a_write(unit_store) -> None:
    from supervision_audit.db import memo

    calls: list[int] = []

    def work() -> int:
        calls.append(1)
        return len(calls)

    with unit_store.read() as session:
        assert memo(session, "k", work) == 1
        assert memo(session, "k", work) == 1  # the same snapshot: the same answer
    with unit_store.read() as session:
        assert memo(session, "k", work) == 2  # a new session asks again
    with unit_store.write() as session:
        assert memo(session, "k", work) == 3
        assert memo(session, "k", work) == 4  # a write may change what work reads


@pytest.mark.both_engines
def test_a_write_session_sees_its_own_new_supervisor_at_once(unit_store) -> None:
    from supervision_audit.services.access import SYSTEM_ACTOR, Actor, visible_staff
    from supervision_audit.services.staff import StaffInput, save_staff

    with unit_store.write() as session:
        boss = save_staff(session, SYSTEM_ACTOR, StaffInput("B1", "Boss", role="team_manager"))
        actor = Actor("boss", boss.id, "Boss", boss.role)
        assert visible_staff(session, actor) == {boss.id}
        worker = save_staff(session, SYSTEM_ACTOR,
                            StaffInput("W1", "Worker", supervisor_staff_id="B1"))
        assert visible_staff(session, actor) == {boss.id, worker.id}
