"""The organisation's log on the server: every read of a file logged (who, what, from which
device) through the log writer's turns, the chain's checkpoints sealed with the server's
log key (a file outside the database), and changes made around the app with SQL found by
``verify-log --database``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlmodel import Session, col, select

from supervision_audit.models import EventLog
from supervision_audit.pg.log_seal import read_key_file, seal_log
from supervision_audit.pg.log_writer import LogWriter
from supervision_audit.pg.store import WRITE_LOCK, PgStore, open_pg_store
from supervision_audit.services.events import (
    CHECKPOINT,
    CHECKPOINT_EVERY,
    NewEvent,
    Who,
    _digest,
    verify_chain,
)
from tests.pg.pg_helpers import ROOT, create_database, drop_database, libpq_url, running_server
from tests.pg.server_helpers import PASSWORD, Org, seed_organisation


def test_entries_waiting_for_the_writers_lock_are_chained_together_in_one_turn(
        pg_store: PgStore, raw: psycopg.Connection) -> None:
    """While another writer holds the lock, entries from many threads wait in the log
    writer's queue; once it is free they land in two transactions, not twenty (the first,
    already waiting on the lock, then all the rest), the chain intact and every entry there
    when its thread is let go."""
    writer = LogWriter(pg_store)

    def read(n: int) -> None:
        writer.append([NewEvent(Who(f"reader{n}"), "file.read", "staff", f"P{n}",
                                detail=f"device laptop-{n}")])

    def waiting_on_the_lock() -> bool:
        return bool(raw.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
            "wait_event = 'advisory'").fetchone()[0])  # type: ignore[index]

    def until(done: Callable[[], bool]) -> None:
        for _ in range(1200):
            if done():
                return
            time.sleep(0.05)
        raise AssertionError("the log writer did not get there in a minute")

    raw.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))
    try:
        with ThreadPoolExecutor(20) as pool:
            try:
                done = [pool.submit(read, 0)]
                until(waiting_on_the_lock)  # the first turn has begun and waits
                done += [pool.submit(read, n) for n in range(1, 20)]
                until(lambda: writer._jobs.qsize() == 19)
                assert not any(f.done() for f in done), "no entry lands while locked"
            finally:
                raw.execute("SELECT pg_advisory_unlock_all()")
            for future in done:
                future.result(timeout=60)
        rows = raw.execute("SELECT actor_username, detail, xmin::text FROM event_log "
                           "WHERE action = 'file.read'").fetchall()
        assert sorted(r[0] for r in rows) == sorted(f"reader{n}" for n in range(20))
        assert {r[1] for r in rows} == {f"device laptop-{n}" for n in range(20)}
        assert len({r[2] for r in rows}) == 2, "one turn for the first, one for the rest"
        assert writer.turns == 2
        with pg_store.read() as session:
            assert verify_chain(session).intact
    finally:
        raw.execute("SELECT pg_advisory_unlock_all()")
        writer.close()


@pytest.fixture
def sealed_org(pg_server: str, pg_template: str, tmp_path: Path) -> Iterator[tuple[Org, Path]]:
    """The small organisation on a server whose log key is ``tmp_path/log.key``."""
    db = create_database(pg_server, pg_template)
    key = tmp_path / "log.key"
    try:
        records = seed_organisation(db)
        with running_server(db, "--log-key", str(key), log_to=tmp_path / "serve.log"
                            ) as (base, process):
            yield Org(base, db, process, records), key
    finally:
        drop_database(db)


def _verify(org: Org, key: Path, user: str = "admin") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "supervision_audit", "verify-log", "--database", org.db,
         "--log-key", str(key)], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "SUPERVISION_AUDIT_USER": user,
             "SUPERVISION_AUDIT_PASSWORD": PASSWORD}, stdin=subprocess.DEVNULL)


def test_every_read_is_logged_with_its_device_before_the_answer_and_the_log_is_sealed(
        sealed_org: tuple[Org, Path]) -> None:
    org, key = sealed_org
    token = org.token("pat")
    reads = CHECKPOINT_EVERY + 20

    def read(n: int) -> None:
        answer = org.get("/v1/staff/P1/records", token=token, device=f"laptop-{n % 4}")
        assert answer.status_code == 200, answer.text

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(read, range(reads)))
    logged = org.log("file.read")  # each was in the log before its answer left
    assert len(logged) == reads
    assert {(who, subject) for who, subject, _ in logged} == {("pat", "P1")}
    assert all("GET /v1/staff/P1/records" in detail and "from 127.0.0.1" in detail
               for _, _, detail in logged)
    assert sorted({detail.split("device ")[1].split(";")[0] for _, _, detail in logged}) == [
        f"laptop-{n}" for n in range(4)]
    opened = org.get(f"/v1/records/{org.records['P1']}", token=token, device="laptop-9")
    assert opened.status_code == 200
    assert [(w, s) for w, s, d in org.log("record.open") if "device laptop-9" in d] == [
        ("pat", str(org.records["P1"]))]
    assert org.log(CHECKPOINT), "the reads crossed a checkpoint"
    assert Path(str(key) + ".anchor").exists()
    result = _verify(org, key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checkpoints signed with the server's anchor key vouch for it up to entry" in \
        result.stdout


@contextmanager
def around_the_app(db: str) -> Iterator[Session]:
    """A session on the database with its triggers off, as the database's owner can: going
    around the app (and its append-only log) with SQL."""
    store = PgStore(db)
    try:
        with Session(store.engine) as session, session.begin():
            session.connection().exec_driver_sql("SET LOCAL session_replication_role = replica")
            yield session
    finally:
        store.close()


def _rewrite(session: Session, from_seq: int) -> None:
    """Every hash from ``from_seq`` on made again, as someone with the database but not the
    log key would, so that the chain alone fits."""
    prev = session.exec(select(EventLog).where(EventLog.seq == from_seq - 1)).one()
    for entry in session.exec(select(EventLog).where(col(EventLog.seq) >= from_seq)
                              .order_by(col(EventLog.seq))):
        entry.prev_hash = prev.hash
        entry.hash = _digest(entry.prev_hash, entry)
        prev = entry
    session.flush()


@pytest.fixture
def sealed_log(pg_server: str, pg_template: str, tmp_path: Path
               ) -> Iterator[tuple[Org, Path, int]]:
    """The small organisation's database, and a log appended by the server's log writer
    with its key in ``tmp_path``: past two checkpoints; the seq of the first checkpoint."""
    db = create_database(pg_server, pg_template)
    key = tmp_path / "log.key"
    try:
        seed_organisation(db)
        store = open_pg_store(db)
        seal_log(store, key)
        writer = LogWriter(store)
        for n in range(2 * CHECKPOINT_EVERY // 10):
            writer.append([NewEvent(Who("pat"), "file.read", "staff", "P1",
                                    detail=f"device laptop-{n}; {i}") for i in range(10)])
        writer.close()
        with store.read() as session:
            first = session.exec(select(EventLog.seq).where(EventLog.action == CHECKPOINT)
                                 .order_by(col(EventLog.seq))).first()
        store.close()
        assert first is not None
        yield Org("", db, None, {}), key, first  # type: ignore[arg-type]
    finally:
        drop_database(db)


def test_the_sealed_log_verifies_on_the_server_store(sealed_log: tuple[Org, Path, int]
                                                      ) -> None:
    org, key, _first = sealed_log
    assert read_key_file(key).read_file() is not None, "the anchor file holds the latest"
    result = _verify(org, key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checkpoints signed with the server's anchor key" in result.stdout


def test_only_those_who_may_view_the_log_verify_it(sealed_log: tuple[Org, Path, int]
                                                   ) -> None:
    org, key, _first = sealed_log
    result = _verify(org, key, "pat")  # a practitioner
    assert result.returncode != 0
    assert "view the access log" in result.stderr and "intact" not in result.stdout
    assert _verify(org, key, "head").returncode == 0  # a senior manager


def test_a_log_row_altered_with_sql_is_found(sealed_log: tuple[Org, Path, int]) -> None:
    org, key, first = sealed_log
    with around_the_app(org.db) as session:
        session.connection().exec_driver_sql(
            f"UPDATE event_log SET detail = 'nothing was read' WHERE seq = {first - 5}")
    result = _verify(org, key)
    assert result.returncode == 1, result.stdout
    assert f"The log is broken at entry {first - 5}: its content was changed" in result.stdout


def test_a_log_rewritten_with_its_hashes_made_again_is_found_by_its_checkpoints(
        sealed_log: tuple[Org, Path, int]) -> None:
    org, key, first = sealed_log
    with around_the_app(org.db) as session:
        entry = session.exec(select(EventLog).where(EventLog.seq == first - 5)).one()
        entry.detail = "nothing was read"
        _rewrite(session, first - 5)
    with psycopg.connect(libpq_url(org.db)) as conn:
        assert conn.execute("SELECT detail FROM event_log WHERE seq = %s",
                            (first - 5,)).fetchone() == ("nothing was read",)
    result = _verify(org, key)
    assert result.returncode == 1, result.stdout
    assert f"the checkpoint at entry {first} vouched for entry {first - 1}" in result.stdout


def test_a_log_cut_short_is_found_by_the_anchor_file(sealed_log: tuple[Org, Path, int]
                                                     ) -> None:
    org, key, first = sealed_log
    with around_the_app(org.db) as session:
        session.connection().exec_driver_sql(f"DELETE FROM event_log WHERE seq > {first}")
    result = _verify(org, key)
    assert result.returncode == 1, result.stdout
    assert "the log was cut short" in result.stdout
    # (the entry after the cut is verify-log's own sign-in)
    assert f"the log now ends at entry {first + 1})" in result.stdout
    assert f"Entries up to {first} are vouched for by a checkpoint" in result.stdout


def test_a_server_refuses_to_start_without_the_key_that_sealed_its_log(
        sealed_log: tuple[Org, Path, int], tmp_path: Path) -> None:
    org, _key, _first = sealed_log
    store = open_pg_store(org.db)
    try:
        with pytest.raises(Exception, match="sealed with a key that is not at"):
            seal_log(store, tmp_path / "elsewhere" / "log.key")
        assert not (tmp_path / "elsewhere" / "log.key").exists()
    finally:
        store.close()


@pytest.mark.slow
def test_two_worker_processes_answer_and_log_on_one_unbroken_chain(
        pg_server: str, pg_template: str, tmp_path: Path) -> None:
    db = create_database(pg_server, pg_template)
    log = tmp_path / "serve.log"
    try:
        records = seed_organisation(db)
        with running_server(db, "--workers", "2", "--log-key", str(tmp_path / "log.key"),
                            log_to=log) as (base, process):
            for _ in range(600):  # both workers up
                if log.read_text().count("Application startup complete") == 2:
                    break
                time.sleep(0.1)
            org = Org(base, db, process, records)
            token = org.token("pat")

            def read(n: int) -> int:
                return org.get("/v1/staff/P1/records", token=token,
                               device=f"laptop-{n}").status_code

            with ThreadPoolExecutor(8) as pool:
                assert list(pool.map(read, range(60))) == [200] * 60
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0
        lines = log.read_text()
        assert "Traceback" not in lines
        answered_by = {json.loads(line)["pid"] for line in lines.splitlines()
                       if line.startswith("{") and '"/v1/staff/P1/records"' in line}
        assert len(answered_by) == 2, "both workers answered"
        assert len(org.log("file.read")) == 60
        store = open_pg_store(db, upgrade=False)
        try:
            with store.read() as session:
                assert verify_chain(session).intact, "the two writers never forked the chain"
        finally:
            store.close()
    finally:
        drop_database(db)
