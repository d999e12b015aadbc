"""The event log: every opening, export, print and change, hash-chained and append-only."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from supervision_audit.db import ANCHOR_INFO
from supervision_audit.models import EventLog, utcnow


@dataclass(frozen=True)
class Who:
    """Who did it, as the log names them."""

    username: str
    staff_id: uuid.UUID | None = None


SYSTEM = Who("system")
CHECKPOINT = "log.checkpoint"  # an entry vouching for the chain's head (services/log_anchor)
CHECKPOINT_EVERY = 100


def _digest(prev_hash: str, entry: EventLog) -> str:
    body = json.dumps({
        "seq": entry.seq, "id": str(entry.id), "at": entry.at.isoformat(),
        "actor_username": entry.actor_username,
        "actor_staff_id": str(entry.actor_staff_id) if entry.actor_staff_id else None,
        "action": entry.action, "subject_kind": entry.subject_kind,
        "subject_id": entry.subject_id,
        "about_staff_id": str(entry.about_staff_id) if entry.about_staff_id else None,
        "detail": entry.detail,
    }, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


# a read session on the organisation's server collects the entries it would log here (a
# list of NewEvent), for the server to append to the chain once the read is done
# (pg/log_writer): a read needs no writer's turn, and each entry still lands before the
# answer leaves
DEFERRED_LOG = "deferred_log"


@dataclass(frozen=True)
class NewEvent:
    """An entry still to be chained: what ``log_event`` is told, and when it happened."""

    who: Who
    action: str
    subject_kind: str = ""
    subject_id: str = ""
    about_staff_id: uuid.UUID | None = None
    detail: str = ""
    at: datetime = field(default_factory=utcnow)


def _chained(last: EventLog | None, new: NewEvent) -> EventLog:
    entry = EventLog(
        seq=(last.seq or 0) + 1 if last else 1,
        at=new.at, actor_username=new.who.username, actor_staff_id=new.who.staff_id,
        action=new.action, subject_kind=new.subject_kind, subject_id=new.subject_id,
        about_staff_id=new.about_staff_id, detail=new.detail,
        prev_hash=last.hash if last else "", hash="",
    )
    entry.hash = _digest(entry.prev_hash, entry)
    return entry


def _last_entry(session: Session) -> EventLog | None:
    return session.exec(select(EventLog).order_by(col(EventLog.seq).desc()).limit(1)).first()


def log_event(
    session: Session,
    who: Who,
    action: str,
    *,
    subject_kind: str = "",
    subject_id: uuid.UUID | str = "",
    about_staff_id: uuid.UUID | None = None,
    detail: str = "",
) -> EventLog:
    """Append one entry, chained to the last, in the caller's transaction (in a session
    that defers its log, the entry is kept for the server to chain: it has no place in the
    chain yet)."""
    new = NewEvent(who, action, subject_kind, str(subject_id), about_staff_id, detail)
    deferred: list[NewEvent] | None = session.info.get(DEFERRED_LOG)
    if deferred is not None:
        deferred.append(new)
        return _chained(None, new)
    entry = _chained(_last_entry(session), new)
    session.add(entry)
    session.flush()
    anchor = session.info.get(ANCHOR_INFO)
    if anchor is not None and action != CHECKPOINT and (
            entry.seq % CHECKPOINT_EVERY == 0 or action.endswith(".export")
            or action == "backup"):
        anchor.checkpoint(session, entry)
    return entry


def log_events(session: Session, batch: Sequence[NewEvent]) -> list[EventLog]:
    """Append several entries in order, chained, with one read of the chain's head and one
    flush (the server's group commit). A checkpoint follows the batch when it reached a
    multiple of ``CHECKPOINT_EVERY`` or holds an export or backup."""
    last = _last_entry(session)
    start = (last.seq or 0) if last else 0
    made = []
    for new in batch:
        last = _chained(last, new)
        made.append(last)
    session.add_all(made)
    session.flush()
    anchor = session.info.get(ANCHOR_INFO)
    if anchor is not None and last is not None and made and (
            (last.seq or 0) // CHECKPOINT_EVERY > start // CHECKPOINT_EVERY
            or any(e.action.endswith(".export") or e.action == "backup" for e in made)):
        anchor.checkpoint(session, last)
    return made


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_break: int | None  # seq of the first entry that does not fit, None when intact
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_chain(session: Session) -> ChainReport:
    """Walk the log from the start; report the first entry whose hash or link does not fit."""
    prev_hash = ""
    expected_seq = 1
    count = 0
    for entry in session.exec(select(EventLog).order_by(col(EventLog.seq))):
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(count, entry.seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return ChainReport(count, entry.seq, "it does not link to the entry before it")
        if entry.hash != _digest(prev_hash, entry):
            return ChainReport(count, entry.seq, "its content was changed after it was written")
        prev_hash = entry.hash
        expected_seq += 1
    return ChainReport(count, None)


def events(
    session: Session,
    *,
    about_staff_id: uuid.UUID | None = None,
    actor_staff_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 5000,
) -> list[EventLog]:
    """Entries for a person (about them or by them) and a period, newest first."""
    query = select(EventLog)
    if about_staff_id is not None:
        query = query.where(EventLog.about_staff_id == about_staff_id)
    if actor_staff_id is not None:
        query = query.where(EventLog.actor_staff_id == actor_staff_id)
    if since is not None:
        query = query.where(EventLog.at >= since)
    if until is not None:
        query = query.where(EventLog.at < until)
    return list(session.exec(query.order_by(col(EventLog.seq).desc()).limit(limit)))
