"""``supervision-audit migrate``: standalone stores moved into the organisation's database
whole, keys kept, signatures checked, the log appended; refused whole when they cannot be."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from supervision_audit.cli import main
from supervision_audit.db import open_store
from supervision_audit.demo import DEMO_PASSWORD, create_demo
from supervision_audit.models import Attachment, EventLog, Signature, SupervisionRecord
from supervision_audit.pg.store import PgStore
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.compliance import compute
from supervision_audit.services.events import verify_chain
from supervision_audit.services.integrity import signature_problems
from supervision_audit.services.signin import FirstRun, first_run
from supervision_audit.services.staff import StaffInput, save_staff
from tests.pg.pg_helpers import libpq_url
from tests.record_helpers import signed_record

DAY = date(2025, 6, 2)


@pytest.fixture
def as_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "admin")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", DEMO_PASSWORD)


def _counts(session: object) -> dict[str, int]:
    out = {}
    for table in SQLModel.metadata.sorted_tables:
        out[table.name] = session.connection().execute(  # type: ignore[attr-defined]
            select(func.count()).select_from(table)).scalar_one()
    return out


def _small_store(path: Path, admin_staff_id: str, people: list[tuple[str, str, str]]) -> None:
    """A store of its own: an administrator, a team of people with their manager, and a
    signed record on the first person's file."""
    opened, _ = first_run(path, FirstRun("Riverside", "Ann Admin", admin_staff_id, "admin",
                                         DEMO_PASSWORD, encrypted=False))
    try:
        with opened.store.write() as s:
            for staff_id, role, boss in people:
                save_staff(s, SYSTEM_ACTOR, StaffInput(
                    staff_id, f"Person {staff_id}", "Social Worker", team="Assessment",
                    role=role, supervisor_staff_id=boss, employment_start=date(2024, 1, 8)),
                    today=date(2024, 1, 8))
            signed_record(s, people[1][0], date(2025, 2, 3))
    finally:
        opened.store.close()


@pytest.mark.slow
def test_the_demo_moves_in_whole_and_reads_the_same(
        tmp_path: Path, pg_store: PgStore, pg_url: str, as_admin: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    demo = tmp_path / "demo.sqlite"
    opened, _ = create_demo(demo, DAY)  # encrypted: migrate signs in to unlock it
    opened.store.close()
    assert main(["migrate", "--from", str(demo), "--to", pg_url]) == 0
    out = capsys.readouterr().out
    source = open_store(demo, key=opened.store.key)
    try:
        with source.read() as s, pg_store.read() as t:
            before, after = _counts(s), _counts(t)
            assert after["event_log"] == before["event_log"] + 1  # and the moving in
            for table, count in before.items():
                if table not in ("event_log", "setting"):
                    assert after[table] == count, table
            signatures = t.exec(select(Signature)).all()
            assert len(signatures) > 100
            assert f"signatures checked against their content: {len(signatures)}" in out
            assert all(signature_problems(t, x.record_kind, x.record_id) == []
                       for x in signatures)
            assert verify_chain(t).intact
            final = select(func.count()).select_from(SupervisionRecord).where(
                SupervisionRecord.locked_at != None)  # noqa: E711
            assert s.exec(final).one() == t.exec(final).one() > 0
            files = {a.id: a.content for a in s.exec(select(Attachment))}
            assert files == {a.id: a.content for a in t.exec(select(Attachment))}
            assert [r.as_json() for r in compute(s, DAY)] == \
                [r.as_json() for r in compute(t, DAY)]
            moved = t.exec(select(EventLog).where(EventLog.action == "store.moved_in")).one()
            assert moved.actor_username == "admin" and "demo.sqlite" in moved.detail
    finally:
        source.close()
    # the same store again is refused, nothing written
    assert main(["migrate", "--from", str(demo), "--to", pg_url]) == 1
    assert "on the server already" in capsys.readouterr().err
    with pg_store.read() as t:
        assert _counts(t) == after


def test_several_stores_one_after_another_and_one_that_shares_people_is_refused(
        tmp_path: Path, pg_store: PgStore, pg_url: str, as_admin: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    first, second, clash = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "c.sqlite"
    _small_store(first, "AD1", [("TM1", "team_manager", ""), ("SW1", "practitioner", "TM1")])
    _small_store(second, "AD2", [("TM2", "team_manager", ""), ("SW2", "practitioner", "TM2")])
    _small_store(clash, "AD3", [("TM1", "team_manager", ""), ("SW3", "practitioner", "TM1")])
    assert main(["migrate", "--from", str(first), "--from", str(second), "--to", pg_url]) == 1
    err = capsys.readouterr().err
    assert "b.sqlite" in err and "user names already on the server: admin" in err
    # each store's administrator has an account of their own on the server
    with psycopg.connect(libpq_url(pg_url), autocommit=True) as conn:
        conn.execute("UPDATE user_account SET username = 'admin-a' WHERE username = 'admin'")
    assert main(["migrate", "--from", str(second), "--to", pg_url]) == 0
    out = capsys.readouterr().out
    assert "teams already on the server, joined: Assessment" in out
    assert "settings the server had, kept" not in out  # the same organisation name
    assert main(["migrate", "--from", str(clash), "--to", pg_url]) == 1
    err = capsys.readouterr().err
    assert "staff ids already on the server: TM1" in err and "Nothing was written" in err
    with pg_store.read() as t:
        people = set(t.exec(select(func.count()).select_from(
            SQLModel.metadata.tables["staff"])).all())
        assert people == {6}  # two administrators, two managers, two workers
        assert len(t.exec(select(SupervisionRecord)).all()) == 2
        assert verify_chain(t).intact


def test_migrate_needs_an_administrator_of_the_store(
        tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "a.sqlite"
    _small_store(store, "AD1", [("TM1", "team_manager", ""), ("SW1", "practitioner", "TM1")])
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "admin")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "not the password")
    assert main(["migrate", "--from", str(store), "--to", pg_url]) == 1
    assert "not right" in capsys.readouterr().err
