"""A laptop's batch of changes, taken in by the server in one transaction.

Each change is applied under the sync rules (``rules``) in a savepoint of its own: taken,
or refused with its reason (the rest of the batch still lands). The batch and the device's
new high-water mark (the last outbox number in it) commit together, so a batch is applied
once: a laptop that sends again numbers it has sent (it lost the answer) is told so, with
the answer it lost. Log entries from the laptop are checked (an entry changed since it was
written is refused; a break in the device's chain, as after restoring a backup, is written
into the log before the entries that follow it) and appended to the organisation's log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from supervision_audit.errors import NotFoundError, ValidationError
from supervision_audit.models import EventLog
from supervision_audit.services.access import Actor, PermissionDenied
from supervision_audit.services.events import _digest, log_event
from supervision_audit.sync.rules import Refused, apply_change, row_now
from supervision_audit.sync.tables import LOG, decode_row, encode_row, parse_key, table

SYSTEM_NAMES = ("system", "")
UNIQUE_VIOLATION = "23505"


class DeviceRefused(PermissionDenied):
    """This device may not push as this account."""


@dataclass(frozen=True)
class AlreadyApplied:
    """The batch starts at or below what the server has applied for this device."""

    last: int
    result: dict[str, Any] | None


def _device(session: Session, device: str, actor: Actor) -> Any:
    conn = session.connection()
    found = conn.execute(text("SELECT * FROM sync_device WHERE device_id = :d"),
                         {"d": device}).mappings().first()
    if found is None:
        conn.execute(text("INSERT INTO sync_device (device_id, account_id, username) "
                          "VALUES (:d, :a, :u)"),
                     {"d": device, "a": actor.account_id, "u": actor.username})
        found = conn.execute(text("SELECT * FROM sync_device WHERE device_id = :d"),
                             {"d": device}).mappings().one()
    elif found["account_id"] != actor.account_id:
        raise DeviceRefused(f"The device {device} is another account's replica "
                            f"({found['username']}): it cannot push as {actor.username}.")
    return found


def device_state(session: Session, device: str, actor: Actor) -> dict[str, Any]:
    """How far the server has applied ``device``'s outbox (nothing yet: 0), for its own
    account only."""
    found = session.connection().execute(
        text("SELECT last_seq, log_seq, account_id FROM sync_device WHERE device_id = :d"),
        {"d": device}).mappings().first()
    if found is None:
        return {"last_seq": 0, "log_seq": 0}
    if found["account_id"] != actor.account_id:
        raise DeviceRefused(f"The device {device} is another account's replica.")
    return {"last_seq": found["last_seq"], "log_seq": found["log_seq"]}


def _which(diag: Any) -> str:
    """The unique column a clash was on, as a reason names it."""
    detail = str(getattr(diag, "message_detail", "") or "")
    column = detail.partition("(")[2].partition(")")[0]
    return f"the same {column.replace('_', ' ')}" if column else "the same"


def _kind(exc: Exception) -> str:
    if isinstance(exc, IntegrityError) and \
            getattr(exc.orig, "sqlstate", "") == UNIQUE_VIOLATION:
        return "conflict"
    return str(getattr(exc, "kind", "refused"))


def _reason(exc: Exception) -> str:
    if isinstance(exc, IntegrityError):
        orig = exc.orig
        diag = getattr(orig, "diag", None)
        message = getattr(diag, "message_primary", None) or str(orig).splitlines()[0]
        if "foreign key" in message.lower():
            return ("It refers to something the server does not hold (refused earlier in "
                    "this batch, or outside what this account may change).")
        if getattr(orig, "sqlstate", "") == UNIQUE_VIOLATION:
            return ("Another was made on the server first (" + _which(diag) + "); the laptop "
                    "keeps its own to compare.")
        return str(message)
    if isinstance(exc, ValidationError):
        return exc.summary if not exc.problems else "; ".join(p.message for p in exc.problems)
    return str(exc)


class _Log:
    """The device's log chain as the server knows it, and appending to the
    organisation's log."""

    def __init__(self, session: Session, device: str, head: str, seq: int):
        self.session, self.device, self.head, self.seq = session, device, head, seq

    def append(self, actor: Actor, row: dict[str, Any]) -> None:
        entry = EventLog(**row)
        if entry.actor_username not in (actor.username, *SYSTEM_NAMES):
            raise Refused(f"A log entry by {entry.actor_username} does not come from "
                          f"{actor.username}'s laptop.")
        if entry.hash != _digest(entry.prev_hash, entry):
            raise Refused(f"The laptop's log entry {entry.seq} was changed after it was "
                          "written (its hash does not fit it).")
        if entry.seq != self.seq + 1 or entry.prev_hash != self.head:
            # kept, and the break in the device's chain is written into the log first
            log_event(self.session, actor.who, "sync.log_break", subject_kind="device",
                      subject_id=self.device[:64], about_staff_id=actor.staff_id,
                      detail=f"device {self.device}: its log entry {entry.seq} does not "
                             f"follow its entry {self.seq} as the server had it (a replica "
                             "restored from a backup, or replaced); its entries are appended "
                             "from here")
        last = self.session.exec(select(EventLog).order_by(col(EventLog.seq).desc())
                                 .limit(1)).first()
        copy = EventLog(seq=(last.seq or 0) + 1 if last else 1, id=entry.id, at=entry.at,
                        actor_username=entry.actor_username,
                        actor_staff_id=entry.actor_staff_id, action=entry.action,
                        subject_kind=entry.subject_kind, subject_id=entry.subject_id,
                        about_staff_id=entry.about_staff_id,
                        detail=(f"{entry.detail}; " if entry.detail else "")
                        + f"on device {self.device} (its entry {entry.seq})",
                        prev_hash=last.hash if last else "", hash="")
        copy.hash = _digest(copy.prev_hash, copy)
        self.session.add(copy)
        self.session.flush()
        self.head, self.seq = entry.hash, entry.seq or 0


def push(session: Session, actor: Actor, device: str, first: int, last: int,
         items: list[dict[str, Any]], today: date, digest: str = ""
         ) -> dict[str, Any] | AlreadyApplied:
    """Apply a batch (outbox numbers ``first`` to ``last``, ``digest`` the laptop's digest
    of those entries) from ``device``; the answer, kept to be given again."""
    found = _device(session, device, actor)
    if first <= found["last_seq"]:
        result = found["last_result"]
        return AlreadyApplied(int(found["last_seq"]), result if result else None)
    log = _Log(session, device, found["log_head"], int(found["log_seq"]))
    applied, unchanged, refused = 0, 0, []
    for item in items:
        name, op = str(item["t"]), str(item["op"])
        try:
            t = table(name)
            with session.begin_nested():
                if name == LOG:
                    log.append(actor, decode_row(t, item["row"]))
                    outcome = "applied"
                else:
                    key = parse_key(t, str(item["k"]))
                    outcome = apply_change(
                        session, actor, name, op, key,
                        decode_row(t, item["row"]) if item.get("row") is not None else None,
                        decode_row(t, item["old"]) if item.get("old") is not None else None,
                        today)
            applied += outcome == "applied"
            unchanged += outcome == "unchanged"
        except (Refused, PermissionDenied, ValidationError, NotFoundError, IntegrityError,
                KeyError) as exc:
            kind = _kind(exc)
            reason = _reason(exc) if not isinstance(exc, KeyError) else \
                f"The server has no table {name}."
            refused.append({"seq": item["seq"], "t": name, "k": str(item["k"]), "op": op,
                            "kind": kind, "reason": reason})
        session.expire_all()
    for entry in refused:  # what the laptop is to hold instead: the server's row now
        if entry["t"] != LOG and entry["t"] in table_names():
            t = table(entry["t"])
            now = row_now(session, entry["t"], parse_key(t, entry["k"]))
            entry["server_row"] = encode_row(t, now) if now is not None else None
    result = {"first": first, "last": last, "digest": digest, "applied": applied,
              "unchanged": unchanged, "refused": refused}
    session.connection().execute(text(
        "UPDATE sync_device SET last_seq = :s, last_result = CAST(:r AS JSONB), "
        "log_head = :h, log_seq = :ls, last_seen = now() WHERE device_id = :d"),
        {"s": last, "r": json.dumps(result), "h": log.head, "ls": log.seq, "d": device})
    log_event(session, actor.who, "sync.push", subject_kind="device", subject_id=device[:64],
              about_staff_id=actor.staff_id,
              detail=f"changes {first} to {last}: {applied} applied, {unchanged} already so, "
                     f"{len(refused)} refused" + "".join(
                         f"; {r['t']} {r['k']}: {r['reason']}" for r in refused[:20]))
    return result


def table_names() -> set[str]:
    from sqlmodel import SQLModel

    return set(SQLModel.metadata.tables)
