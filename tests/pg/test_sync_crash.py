"""Nothing lost, nothing doubled: a sync cut off at any moment (its answer lost, its process
killed) and run again leaves the laptop and the server holding the same, once."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.models import EventLog, SupervisionRecord
from supervision_audit.security.keyring import keyring_path
from supervision_audit.services.events import verify_chain
from supervision_audit.services.signatures import sign
from supervision_audit.sync.client import ServerLink
from supervision_audit.sync.outbox import next_batch, waiting
from supervision_audit.sync.replica import read_state
from tests.pg.pg_helpers import ROOT, create_database, drop_database, running_server
from tests.pg.sync_helpers import PASSWORD, Laptop, completed, seed, server_rows


@dataclass
class Org:
    base: str
    db: str
    ids: dict[str, uuid.UUID]


@pytest.fixture
def org(pg_server: str, pg_template: str) -> Iterator[Org]:
    db = create_database(pg_server, pg_template)
    try:
        ids = seed(db)
        with running_server(db) as (base, _process):
            yield Org(base, db, ids)
    finally:
        drop_database(db)


def _in_step(org: Org, laptop: Laptop, records: dict[uuid.UUID, str]) -> None:
    """The laptop has nothing waiting; every record it wrote is on the server once, as
    written; each of its log entries is in the organisation's log exactly once; both
    stores are sound and their logs' chains intact."""
    with laptop.raw() as store, store.read() as session:
        conn = session.connection()
        assert waiting(conn) == 0
        assert conn.exec_driver_sql("PRAGMA quick_check").scalar() == "ok"
        assert verify_chain(session).intact
        device = read_state(conn).device
        local_log = {e.id for e in session.exec(select(EventLog).order_by(col(EventLog.seq)))}
        local = {r.id: r.values.get("discussion") for r in session.exec(
            select(SupervisionRecord).where(col(SupervisionRecord.id).in_(list(records))))}
    assert local == records
    on_server = dict(server_rows(
        org.db, """SELECT id, "values" ->> 'discussion' FROM supervision_record
                   WHERE id = ANY(%s)""", list(records)))
    assert on_server == records
    appended = [i for (i,) in server_rows(
        org.db, "SELECT id FROM event_log WHERE detail LIKE %s", f"%on device {device} %")]
    assert len(appended) == len(set(appended)) and set(appended) == local_log
    server_chain = server_rows(org.db, "SELECT seq, prev_hash, hash FROM event_log "
                                       "ORDER BY seq")
    assert all(prev == before[2] for before, (_s, prev, _h) in zip(
        server_chain, server_chain[1:], strict=False))


def test_a_push_whose_answer_was_lost_is_answered_again_and_nothing_doubled(
        org: Org, tmp_path: Path) -> None:
    mia = Laptop(tmp_path / "mia.sqlite", "mia", org.base)
    mia.create()
    with mia.writing() as (session, actor):
        record_id = completed(session, actor, org.ids["P1"], date(2025, 7, 7),
                              discussion="Before the line dropped")
        sign(session, actor, "record", record_id, password=PASSWORD)
    with mia.raw() as store:  # the server applies the batch; its answer never arrives
        with store.read() as session:
            state = read_state(session.connection())
            batch = next_batch(session.connection())
        assert batch is not None
        link = ServerLink(org.base, state.device)
        link.sign_in("mia", PASSWORD)
        status, _answer = link.post("/v1/sync/push", batch.wire(state.device))
        assert status == 200
    assert mia.outbox() > 1  # still waiting on the laptop (and its sign-in since)
    report = mia.sync()
    assert report.refused == []
    _in_step(org, mia, {record_id: "Before the line dropped"})
    assert server_rows(org.db, "SELECT count(*) FROM signature WHERE record_id = %s",
                       record_id) == [(1,)]


def _sync_killed(laptop: Laptop, after: str, delay: float) -> str:
    """``supervision-audit sync`` as its own process, killed (SIGKILL) ``delay`` seconds
    after it prints a line starting ``after``; what it printed."""
    env = {**os.environ, "SUPERVISION_AUDIT_USER": laptop.username,
           "SUPERVISION_AUDIT_PASSWORD": PASSWORD}
    process = subprocess.Popen(
        [sys.executable, "-m", "supervision_audit", "--db", str(laptop.path), "sync"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    seen = []
    try:
        for line in process.stdout:
            seen.append(line)
            if line.startswith(after):
                time.sleep(delay)
                break
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    return "".join(seen)


@pytest.mark.slow
def test_a_sync_killed_at_any_moment_then_run_again_loses_and_doubles_nothing(
        org: Org, tmp_path: Path) -> None:
    mia = Laptop(tmp_path / "mia.sqlite", "mia", org.base)
    mia.create()
    written: dict[uuid.UUID, str] = {}
    # killed as it signs in, while it pushes (at several moments), between its push and
    # its pull, after a page of its pull
    moments = [("signed in", 0.0), ("signed in", random.uniform(0.01, 0.1)),
               ("signed in", random.uniform(0.1, 0.3)), ("signed in", random.uniform(0.3, 0.6)),
               ("pushed", 0.0), ("pushed", random.uniform(0.01, 0.2)), ("pulled", 0.0)]
    day = date(2025, 8, 4)
    for number, (after, delay) in enumerate(moments):
        with mia.writing() as (session, actor):
            for person in ("P1", "P2"):
                text = f"Round {number}, {person}"
                record_id = completed(session, actor, org.ids[person], day, discussion=text)
                sign(session, actor, "record", record_id, password=PASSWORD)
                written[record_id] = text
        day += timedelta(days=7)
        _sync_killed(mia, after, delay)
    assert mia.sync().refused == []
    _in_step(org, mia, written)
    assert server_rows(org.db, "SELECT count(*) FROM signature WHERE record_id = ANY(%s)",
                       list(written)) == [(len(written),)]


def test_a_replica_restored_from_a_backup_loses_none_of_what_is_written_after(
        org: Org, tmp_path: Path) -> None:
    mia = Laptop(tmp_path / "mia.sqlite", "mia", org.base)
    mia.create()
    written: dict[uuid.UUID, str] = {}
    with mia.writing() as (session, actor):
        written[completed(session, actor, org.ids["P1"], date(2025, 9, 1),
                          discussion="Before the backup")] = "Before the backup"
    mia.sync()
    kept = tmp_path / "backup"
    kept.mkdir()
    for part in (mia.path, keyring_path(mia.path)):  # a copy of the replica, as it stood
        shutil.copy2(part, kept / part.name)
    with mia.writing() as (session, actor):
        written[completed(session, actor, org.ids["P1"], date(2025, 9, 8),
                          discussion="After the backup")] = "After the backup"
    mia.sync()
    for part in (mia.path, keyring_path(mia.path)):  # the backup put back
        shutil.copy2(kept / part.name, part)
    for extra in (Path(f"{mia.path}-wal"), Path(f"{mia.path}-shm")):
        extra.unlink(missing_ok=True)
    with mia.writing() as (session, actor):  # numbered again from where the backup stood
        written[completed(session, actor, org.ids["P2"], date(2025, 9, 15),
                          discussion="After the restore")] = "After the restore"
    assert mia.sync().refused == []
    breaks = server_rows(org.db, "SELECT detail FROM event_log WHERE action = "
                                 "'sync.log_break'")
    assert len(breaks) == 1 and "restored from a backup" in breaks[0][0]  # said, not hidden
    on_server = dict(server_rows(
        org.db, """SELECT id, "values" ->> 'discussion' FROM supervision_record
                   WHERE id = ANY(%s)""", list(written)))
    assert on_server == written
    with mia.reading() as (session, _actor):
        assert {r.id for r in session.exec(select(SupervisionRecord).where(
            col(SupervisionRecord.id).in_(list(written))))} == set(written)


@pytest.mark.slow
def test_the_server_killed_while_a_laptop_syncs_loses_and_doubles_nothing(
        pg_server: str, pg_template: str, tmp_path: Path) -> None:
    db = create_database(pg_server, pg_template)
    try:
        ids = seed(db)
        written: dict[uuid.UUID, str] = {}
        with running_server(db) as (base, _process):
            mia = Laptop(tmp_path / "mia.sqlite", "mia", base)
            mia.create()
        org = Org(base, db, ids)
        day = date(2025, 10, 6)
        for number, delay in enumerate((0.0, 0.05, 0.15, 0.3)):
            with mia.writing() as (session, actor):
                for person in ("P1", "P2"):
                    text = f"Round {number}, {person}"
                    record_id = completed(session, actor, ids[person], day, discussion=text)
                    sign(session, actor, "record", record_id, password=PASSWORD)
                    written[record_id] = text
            day += timedelta(days=7)
            with running_server(db) as (base, process):
                worker = threading.Thread(target=_try_sync, args=(mia, base))
                worker.start()
                time.sleep(delay)
                process.send_signal(signal.SIGKILL)  # mid-push or mid-pull, or not at all
                process.wait(timeout=60)
                worker.join(timeout=300)
                assert not worker.is_alive()
        with running_server(db) as (base, _process):
            org = Org(base, db, ids)
            assert mia.sync(server=base).refused == []
            _in_step(org, mia, written)
    finally:
        drop_database(db)


def _try_sync(laptop: Laptop, server: str) -> None:
    try:
        laptop.sync(server=server)
    except SupervisionAuditError:
        pass  # the server went away: said so, nothing lost (checked after)
