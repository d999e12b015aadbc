"""The event log: every opening, export, print and change, hash-chained and append-only."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
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
    """Append one entry, chained to the last, in the caller's transaction."""
    last = session.exec(select(EventLog).order_by(col(EventLog.seq).desc()).limit(1)).first()
    entry = EventLog(
        seq=(last.seq or 0) + 1 if last else 1,
        at=utcnow(), actor_username=who.username, actor_staff_id=who.staff_id, action=action,
        subject_kind=subject_kind, subject_id=str(subject_id), about_staff_id=about_staff_id,
        detail=detail, prev_hash=last.hash if last else "", hash="",
    )
    entry.hash = _digest(entry.prev_hash, entry)
    session.add(entry)
    session.flush()
    anchor = session.info.get(ANCHOR_INFO)
    if anchor is not None and action != CHECKPOINT and (
            entry.seq % CHECKPOINT_EVERY == 0 or action.endswith(".export")
            or action == "backup"):
        anchor.checkpoint(session, entry)
    return entry


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
