"""The event log's anchor: checkpoints signed with a key kept beside the store (not in it),
so that a log rewritten from an entry on with every hash recomputed, or cut short, is seen by
verify-log, which names the first entry after the last checkpoint that still holds."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from supervision_audit.cli import main
from supervision_audit.db import Store
from supervision_audit.models import EventLog
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.backups import restore_backup, take_backup
from supervision_audit.services.events import (
    CHECKPOINT,
    CHECKPOINT_EVERY,
    _digest,
    log_event,
    verify_chain,
)
from supervision_audit.services.log_anchor import anchor_path, verify_log
from supervision_audit.services.signin import FirstRun, first_run, sign_in

PASSWORD = "correct horse battery"


@pytest.fixture
def opened(tmp_path, monkeypatch):
    opened, _ = first_run(tmp_path / "org.sqlite",
                          FirstRun("Org", "Ada Admin", "AD1", "ada", PASSWORD))
    with opened.store.write() as session:
        for number in range(2 * CHECKPOINT_EVERY + 30):
            log_event(session, SYS.who, "record.open", detail=f"look {number}")
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "ada")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", PASSWORD)
    yield opened
    opened.store.close()


def _checkpoints(store: Store) -> list[tuple[int, int]]:
    """(checkpoint entry, entry it vouches for) in the log."""
    with store.read() as session:
        return [(e.seq, json.loads(e.detail)["seq"]) for e in session.exec(
            select(EventLog).where(EventLog.action == CHECKPOINT).order_by(col(EventLog.seq)))]


def _attacker(store: Store) -> Store:
    """The store as someone with the file and its key opens it: SQL, not the app (no lock
    put back, no anchor)."""
    return Store(store.path, key=store.key)


def _rewrite_from(store: Store, seq: int, detail: str) -> None:
    """Change entry ``seq`` and recompute every hash after it, as a careful forger would."""
    forger = _attacker(store)
    try:
        with forger.write() as session:
            session.connection().exec_driver_sql("DROP TRIGGER event_log_no_update")
            entries = list(session.exec(select(EventLog).order_by(col(EventLog.seq))))
            prev = ""
            for entry in entries:
                if entry.seq == seq:
                    entry.detail = detail
                if entry.seq >= seq:
                    entry.prev_hash, entry.hash = prev, _digest(prev, entry)
                prev = entry.hash
    finally:
        forger.close()


def _cut_last(store: Store, count: int) -> int:
    """Remove the last ``count`` entries; the last entry left."""
    forger = _attacker(store)
    try:
        with forger.write() as session:
            connection = session.connection()
            connection.exec_driver_sql("DROP TRIGGER event_log_no_delete")
            last = connection.exec_driver_sql("SELECT max(seq) FROM event_log").scalar()
            connection.exec_driver_sql(f"DELETE FROM event_log WHERE seq > {last - count}")
            return int(last - count)
    finally:
        forger.close()


def test_checkpoints_are_written_regularly_and_after_exports_and_backups(opened,
                                                                         tmp_path) -> None:
    points = _checkpoints(opened.store)
    vouched = [seq for _entry, seq in points]
    assert all(seq % CHECKPOINT_EVERY == 0 for seq in vouched[1:])
    assert len(vouched) >= 3
    backup = take_backup(opened.store, tmp_path / "b")
    with opened.store.read() as session:
        last = session.exec(select(EventLog).order_by(col(EventLog.seq).desc())).first()
    assert last.action == CHECKPOINT  # the backup's log ends anchored
    assert json.loads(anchor_path(opened.store.path).read_text())["seq"] == last.seq
    assert anchor_path(backup).exists()
    with opened.store.read() as session:
        report = verify_log(session, opened.store.log_anchor)
    assert report.intact and report.anchored_to == last.seq


def test_attack_rewrite_an_entry_and_recompute_the_chain(opened, capsys) -> None:
    target = CHECKPOINT_EVERY + 50
    _rewrite_from(opened.store, target, "nothing was opened")
    with opened.store.read() as session:
        assert verify_chain(session).intact  # the chain alone is fooled
        report = verify_log(session, opened.store.log_anchor)
    last_good = max(entry for entry, seq in _checkpoints(opened.store) if seq < target)
    assert report.first_break == last_good + 1 <= target
    assert "has since been rewritten" in report.reason
    opened.store.close()
    assert main(["--db", str(opened.store.path), "verify-log"]) == 1
    out = capsys.readouterr().out
    assert f"broken at entry {last_good + 1}" in out
    assert f"Entries up to {last_good} are vouched for by a checkpoint" in out


def test_attack_cut_off_the_last_entries(opened, capsys) -> None:
    with opened.store.write() as session:  # an anchor file at the very end
        from supervision_audit.services.log_anchor import checkpoint_now

        checkpoint_now(session)
    anchored = json.loads(anchor_path(opened.store.path).read_text())["seq"]
    left = _cut_last(opened.store, 50)
    last_good = _checkpoints(opened.store)[-1][0]
    with opened.store.read() as session:
        assert verify_chain(session).intact  # the chain alone is fooled
        report = verify_log(session, opened.store.log_anchor)
    assert report.first_break == last_good + 1
    assert report.reason == (f"the log was cut short: entry {anchored}, anchored beside the "
                             f"store, is missing (the log now ends at entry {left})")
    opened.store.close()
    assert main(["--db", str(opened.store.path), "verify-log"]) == 1
    assert f"broken at entry {last_good + 1}: the log was cut short: entry {anchored}" \
        in capsys.readouterr().out


def test_attack_cut_off_the_end_and_delete_the_anchor_file(opened) -> None:
    _cut_last(opened.store, 50)
    anchor_path(opened.store.path).unlink()
    with opened.store.read() as session:
        report = verify_log(session, opened.store.log_anchor)
    last_good = _checkpoints(opened.store)[-1][0]
    assert report.first_break == last_good + 1
    assert "anchor file" in report.reason and "missing" in report.reason


def test_a_forged_checkpoint_is_named(opened) -> None:
    forger = _attacker(opened.store)
    with forger.write() as session:  # a checkpoint made without the anchor key
        log_event(session, SYS.who, CHECKPOINT, detail=json.dumps(
            {"seq": 5, "head": "0" * 64, "kid": "guess", "mac": "0" * 64}))
    forger.close()
    with opened.store.read() as session:
        report = verify_log(session, opened.store.log_anchor)
    assert not report.intact and "forged" in report.reason


def test_no_checkpoint_is_written_over_a_log_cut_short(opened) -> None:
    """Carrying on after a truncation does not bless it: the anchor file keeps the
    evidence and no new checkpoint is made."""
    with opened.store.write() as session:
        from supervision_audit.services.log_anchor import checkpoint_now

        checkpoint_now(session)
    before = anchor_path(opened.store.path).read_text()
    _cut_last(opened.store, 5)
    with opened.store.write() as session:
        for number in range(CHECKPOINT_EVERY + 5):
            log_event(session, SYS.who, "record.open", detail=f"later {number}")
    assert anchor_path(opened.store.path).read_text() == before
    with opened.store.read() as session:
        assert not verify_log(session, opened.store.log_anchor).intact


def test_a_restored_backup_brings_its_own_anchor(opened, tmp_path) -> None:
    backup = take_backup(opened.store, tmp_path / "b")
    with opened.store.write() as session:
        for number in range(CHECKPOINT_EVERY):
            log_event(session, SYS.who, "record.open", detail=f"after {number}")
    path, key = opened.store.path, opened.store.key
    opened.store.close()
    restore_backup(backup, path, key)
    again = sign_in(path, "ada", PASSWORD)
    try:
        with again.store.read() as session:
            report = verify_log(session, again.store.log_anchor)
    finally:
        again.store.close()
    assert report.intact and report.anchored_to is not None


def test_a_new_store_does_not_take_an_anchor_left_by_an_earlier_one(tmp_path) -> None:
    path = tmp_path / "org.sqlite"
    anchor_path(path).write_text('{"format": "supervision-audit-log-anchor", "seq": 9, '
                                 '"head": "x", "kid": "k", "mac": "m"}')
    opened, _ = first_run(path, FirstRun("Org", "Ada Admin", "AD1", "ada", PASSWORD))
    try:
        with opened.store.read() as session:
            report = verify_log(session, opened.store.log_anchor)
    finally:
        opened.store.close()
    assert report.intact and report.anchored_to is not None
