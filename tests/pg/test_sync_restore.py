"""The change table pruned once every laptop has pulled past, and a server database restored
from a backup older than its laptops' last sync: against real ``serve`` processes and
PostgreSQL, with real pg_dump and pg_restore. A laptop behind what was pruned, or ahead of a
restored server, rebuilds: nothing it wrote is lost, nothing doubled, and it ends holding
what the server holds."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from supervision_audit.models import Signature, SupervisionRecord
from supervision_audit.pg.store import open_pg_store
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.events import verify_chain
from supervision_audit.services.integrity import signature_problems
from supervision_audit.services.records import save_draft, start_record
from supervision_audit.services.settings import set_setting
from supervision_audit.services.signatures import sign
from supervision_audit.sync.prune import prune
from supervision_audit.sync.replica import read_state
from tests.pg.pg_helpers import create_database, drop_database, libpq_url, running_server
from tests.pg.sync_helpers import PASSWORD, Laptop, completed, seed, server_rows


def _tool(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    assert found, f"{name} is part of PostgreSQL's client programs"
    return found


def _on_server(db: str, work: object) -> None:
    store = open_pg_store(db)
    try:
        with store.write() as session:
            work(session)  # type: ignore[operator]
    finally:
        store.close()


def _record_on(laptop: Laptop, record_id: uuid.UUID) -> tuple[bool, int]:
    """Whether the laptop holds the record final, and how many signatures it has."""
    with laptop.reading() as (session, _actor):
        record = session.get(SupervisionRecord, record_id)
        signatures = session.exec(select(Signature).where(Signature.record_id == record_id))
        return (record is not None and record.locked_at is not None, len(list(signatures)))


@pytest.mark.slow
def test_changes_every_laptop_has_pulled_past_are_pruned_and_a_laptop_left_behind_rebuilds(
        pg_server: str, pg_template: str, tmp_path: Path) -> None:
    db = create_database(pg_server, pg_template)
    try:
        ids = seed(db)
        with running_server(db) as (base, _process):
            mia = Laptop(tmp_path / "mia.sqlite", "mia", base)
            pat = Laptop(tmp_path / "pat.sqlite", "pat", base)
            mia.create()
            pat.create()
            with mia.writing() as (session, actor):
                gone = completed(session, actor, ids["P1"], date(2025, 1, 6))
            mia.sync()
            pat.sync()  # pat holds the record awaiting his signature
            assert _record_on(pat, gone) == (False, 0)
            mia.sync()
            pat.sync()
            # both laptops have pulled past every change: all of them can go
            store = open_pg_store(db)
            try:
                removed = prune(store)
            finally:
                store.close()
            assert removed > 0
            assert server_rows(db, "SELECT count(*) FROM sync_change") == [(0,)]
            assert mia.sync().rebuilt == ""  # nothing new, nothing lost

            # pat goes away; meanwhile the record is withdrawn on the server (removed around
            # the app) and another written for him
            with pat.raw() as store, store.read() as session:
                away_at = read_state(session.connection()).cursor
            server_rows(db, "DELETE FROM supervision_record WHERE id = %s RETURNING id", gone)
            with mia.writing() as (session, actor):
                new = completed(session, actor, ids["P1"], date(2025, 2, 3))
            mia.sync()
            store = open_pg_store(db)
            try:  # pat not seen for 91 days: the changes he has not pulled are pruned
                assert prune(store, now=datetime.now(UTC) + timedelta(days=91)) > 0
            finally:
                store.close()
            (below,), = server_rows(db, "SELECT below FROM sync_pruned")
            assert below > away_at

            report = pat.sync()
            assert "no longer keeps the changes since this laptop last synced" in report.rebuilt
            assert _record_on(pat, new) == (False, 0)
            with pat.reading() as (session, _actor):
                assert session.get(SupervisionRecord, gone) is None  # as the server has it
            assert pat.sync().rebuilt == ""
    finally:
        drop_database(db)


@pytest.mark.slow
def test_a_server_restored_behind_its_laptops_takes_their_changes_again(
        pg_server: str, pg_template: str, tmp_path: Path) -> None:
    db = create_database(pg_server, pg_template)
    restored = create_database(pg_server)
    dump = tmp_path / "audit.dump"
    try:
        ids = seed(db)
        with running_server(db) as (base, _process):
            mia = Laptop(tmp_path / "mia.sqlite", "mia", base)
            pat = Laptop(tmp_path / "pat.sqlite", "pat", base)
            mia.create()
            pat.create()
            with mia.writing() as (session, actor):  # a draft, in last night's backup
                draft = start_record(session, actor, form_key="individual",
                                     held_on=date(2025, 4, 7), supervisee_uuid=ids["P2"])
            mia.sync()
            subprocess.run([_tool("pg_dump"), "-Fc", "-f", str(dump), libpq_url(db)],
                           check=True)  # last night's backup
            with mia.writing() as (session, actor):  # ... written in today
                save_draft(session, actor, draft.id, {**draft.values, "venue": "Oldbury"})
            # today: a record written and signed by both, every laptop synced
            with mia.writing() as (session, actor):
                record_id = completed(session, actor, ids["P1"], date(2025, 3, 3),
                                      venue="Family centre")
                sign(session, actor, "record", record_id, password=PASSWORD)
            mia.sync()
            pat.sync()
            with pat.writing() as (session, actor):
                sign(session, actor, "record", record_id, password=PASSWORD)
            pat.sync()
            mia.sync()
            assert _record_on(mia, record_id) == (True, 2)
            _on_server(db, lambda s: set_setting(s, SYSTEM_ACTOR, "organisation_name",
                                                 "Lost in the restore"))
            mia.sync()
        # the database is lost and restored from last night's backup
        subprocess.run([_tool("pg_restore"), "--exit-on-error", "-d", libpq_url(restored),
                        str(dump)], check=True)
        assert server_rows(restored, "SELECT 1 FROM supervision_record WHERE id = %s",
                           record_id) == []
        with running_server(restored) as (base, _process):
            first = mia.sync(base)
            assert "restored from a backup older than this laptop's last sync" in first.rebuilt
            assert first.sent_again > 0 and first.refused == []
            second = pat.sync(base)
            assert "restored" in second.rebuilt and second.refused == []
            for laptop in (mia, pat):
                again = laptop.sync(base)  # nothing left to go, nothing refused
                assert again.waiting == 0 and again.refused == [] and again.rebuilt == ""
                assert _record_on(laptop, record_id) == (True, 2)
                with laptop.reading() as (session, _actor):
                    assert signature_problems(session, "record", record_id) == []
                    assert verify_chain(session).intact
                    # what the restored server holds, not what it lost
                    assert session.exec(select(SupervisionRecord)).all()
        (values,), = server_rows(restored, "SELECT \"values\" FROM supervision_record "
                                           "WHERE id = %s", draft.id)
        assert values["venue"] == "Oldbury"  # today's draft, not the backup's
        # on the server: the record final with both signatures, each once, the log intact
        assert server_rows(restored, "SELECT count(*) FROM signature WHERE record_id = %s",
                           record_id) == [(2,)]
        (locked,), = server_rows(restored, "SELECT locked_at FROM supervision_record "
                                           "WHERE id = %s", record_id)
        assert locked is not None
        store = open_pg_store(restored)
        try:
            with store.read() as session:
                assert verify_chain(session).intact
        finally:
            store.close()
        signs = server_rows(restored, "SELECT detail FROM event_log WHERE action = "
                                      "'record.sign' ORDER BY seq")
        assert len(signs) == 2 and all("on device laptop-" in d for (d,) in signs)
        with mia.reading() as (session, _actor):
            names = {v for (v,) in session.connection().exec_driver_sql(
                "SELECT value FROM setting WHERE key = 'organisation_name'")}
        assert names != {"Lost in the restore"}  # the laptop holds what the server holds
    finally:
        drop_database(restored)
        drop_database(db)
