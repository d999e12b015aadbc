"""Whose file a row belongs to, and so which laptops may hold it.

The same rules as the desktop (``services.access``): a person's replica holds the files they
may read (their own, their supervisees', those below them in the line; an inspector's
granted teams), a draft only on its author's, and the staff directory they may see (with
everyone above those people in the line, so that the line of management, and with it every
access check, works on the laptop as on the server). The functions here run on either
engine: the server uses them to filter what goes down, a laptop to find what to remove when
a file leaves its scope.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from supervision_audit.models import Staff
from supervision_audit.services.access import Action, Actor, permitted, visible_staff
from supervision_audit.sync.tables import chunks, key_columns, rows_where, table

RECORD = "supervision_record"
# tables whose rows belong to the file named by one column
FILE_COLUMN = {
    "supervisor_change": "supervisee_id",
    "contract": "supervisee_id",
    "supervision_session": "supervisee_id",
    "case_load": "supervisee_id",
    "asye_tracker": "supervisee_id",
    "file_audit": "supervisee_id",
    "direct_observation": "supervisor_id",
    "attachment": "staff_id",
}
# rows that belong to a record, and go where it goes
VIA_RECORD = ("group_attendee", "action_item", "action_review", "case_discussion")
# what a signature or an addendum is of (Signature.record_kind)
SUBJECT_TABLE = {"record": RECORD, "contract": "contract", "addendum": "addendum",
                 "asye": "asye_tracker", "audit": "file_audit",
                 "observation": "direct_observation"}
SIGNED = ("signature", "addendum")
ALL_DRAFTS = uuid.UUID(int=0)  # gather every draft (a laptop removing a file)


@dataclass(frozen=True)
class Owners:
    """The files a row belongs to; a draft is its author's alone."""

    files: frozenset[uuid.UUID]
    author: uuid.UUID | None = None

    def seen_by(self, held: set[uuid.UUID] | frozenset[uuid.UUID], me: uuid.UUID) -> bool:
        return bool(self.files & held) and self.author in (None, me)


class Lookup:
    """Rows read by key on one connection, each once."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._rows: dict[tuple[str, Any], dict[str, Any] | None] = {}
        self._attendees: dict[Any, frozenset[uuid.UUID]] = {}

    def row(self, name: str, key: Any) -> dict[str, Any] | None:
        if (name, key) not in self._rows:
            t = table(name)
            found = self.conn.execute(select(t).where(key_columns(t)[0] == key)
                                      ).mappings().first()
            self._rows[(name, key)] = dict(found) if found is not None else None
        return self._rows[(name, key)]

    def attendees(self, record_id: Any) -> frozenset[uuid.UUID]:
        if record_id not in self._attendees:
            t = table("group_attendee")
            self._attendees[record_id] = frozenset(self.conn.execute(
                select(t.c.staff_id).where(t.c.record_id == record_id)).scalars())
        return self._attendees[record_id]


def _record_owners(look: Lookup, row: Mapping[str, Any]) -> Owners:
    author = row["supervisor_id"] if row["status"] == "draft" else None
    if row["supervisee_id"] is not None:
        return Owners(frozenset({row["supervisee_id"]}), author)
    return Owners(frozenset({row["supervisor_id"]}) | look.attendees(row["id"]), author)


def owners(look: Lookup, name: str, row: Mapping[str, Any]) -> Owners | None:
    """The files ``row`` of table ``name`` belongs to (None: not a file's row, or its
    parent is gone)."""
    if name == RECORD:
        return _record_owners(look, row)
    if name in FILE_COLUMN:
        return Owners(frozenset({row[FILE_COLUMN[name]]}))
    if name in VIA_RECORD:
        record = look.row(RECORD, row["record_id"])
        return _record_owners(look, record) if record is not None else None
    if name == "audit_action":
        audit = look.row("file_audit", row["audit_id"])
        return Owners(frozenset({audit["supervisee_id"]})) if audit is not None else None
    if name in SIGNED:
        subject_table = SUBJECT_TABLE.get(row["record_kind"])
        subject = look.row(subject_table, row["record_id"]) if subject_table else None
        return owners(look, subject_table, subject) if subject and subject_table else None
    if name == "user_account":
        return Owners(frozenset({row["staff_id"]}))
    return None


# -- whose files, whose names ------------------------------------------------------------

def readable_files(session: Session, actor: Actor, today: date) -> frozenset[uuid.UUID]:
    """The files ``actor`` may read: the replica holds exactly these."""
    return frozenset(s for s in visible_staff(session, actor, today)
                     if permitted(session, actor, Action.READ_FILE, s, today))


def supervisors(conn: Connection) -> dict[uuid.UUID, uuid.UUID | None]:
    staff = Staff.__table__  # type: ignore[attr-defined]
    return dict(conn.execute(select(staff.c.id, staff.c.supervisor_id)).tuples().all())


def with_line(ids: Iterable[uuid.UUID], bosses: Mapping[uuid.UUID, uuid.UUID | None]
              ) -> set[uuid.UUID]:
    """``ids`` and everyone above them in the line of management."""
    out: set[uuid.UUID] = set()
    for person in ids:
        current: uuid.UUID | None = person
        while current is not None and current not in out:
            out.add(current)
            current = bosses.get(current)
    return out


def directory(session: Session, actor: Actor, today: date) -> frozenset[uuid.UUID]:
    """The people whose names the replica holds: those ``actor`` sees, and their lines."""
    return frozenset(with_line(visible_staff(session, actor, today),
                               supervisors(session.connection())))


def staff_columns(name: str) -> list[str]:
    """The columns of table ``name`` that name a member of staff."""
    return [fk.parent.name for fk in table(name).foreign_keys
            if fk.column.table.name == "staff"]


def people_named(rows: Mapping[str, list[dict[str, Any]]]) -> set[uuid.UUID]:
    """Everyone the rows name (signers, auditors, attendees, past supervisors ...)."""
    out: set[uuid.UUID] = set()
    for name, found in rows.items():
        if name in ("staff", "team", "setting"):
            continue
        columns = staff_columns(name)
        for row in found:
            out.update(row[c] for c in columns if row.get(c) is not None)
    return out


# -- a file's rows -----------------------------------------------------------------------

def _signed_rows(conn: Connection, name: str, subjects: dict[str, list[Any]]
                 ) -> list[dict[str, Any]]:
    t = table(name)
    out: list[dict[str, Any]] = []
    for kind, ids in subjects.items():
        for chunk in chunks(ids):
            out += [dict(r) for r in conn.execute(select(t).where(
                t.c.record_kind == kind, t.c.record_id.in_(chunk))).mappings()]
    return out


def gather(conn: Connection, files: Iterable[uuid.UUID], author: uuid.UUID
           ) -> dict[str, list[dict[str, Any]]]:
    """Every row of the files ``files``, by table; drafts only ``author``'s
    (``ALL_DRAFTS``: every draft)."""
    wanted = list(dict.fromkeys(files))
    out: dict[str, list[dict[str, Any]]] = {}
    if not wanted:
        return out
    records = table(RECORD)
    attendee = table("group_attendee")
    group_ids: list[Any] = []
    for chunk in chunks(wanted):
        group_ids += conn.execute(select(attendee.c.record_id)
                                  .where(attendee.c.staff_id.in_(chunk))).scalars().all()
    found = {r["id"]: r for r in rows_where(conn, records, "supervisee_id", wanted)}
    found.update((r["id"], r) for r in rows_where(conn, records, "id", group_ids))
    found.update((r["id"], r) for r in rows_where(conn, records, "supervisor_id", wanted)
                 if r["form_key"] == "group")
    out[RECORD] = [r for r in found.values() if r["status"] != "draft"
                   or author == ALL_DRAFTS or r["supervisor_id"] == author]
    record_ids = [r["id"] for r in out[RECORD]]
    for name in VIA_RECORD:
        out[name] = rows_where(conn, table(name), "record_id", record_ids)
    for name, column in FILE_COLUMN.items():
        out[name] = rows_where(conn, table(name), column, wanted)
    out["audit_action"] = rows_where(conn, table("audit_action"), "audit_id",
                                     [r["id"] for r in out["file_audit"]])
    subjects = {kind: [r["id"] for r in out[SUBJECT_TABLE[kind]]]
                for kind in SUBJECT_TABLE if kind != "addendum"}
    out["addendum"] = _signed_rows(conn, "addendum", subjects)
    subjects["addendum"] = [r["id"] for r in out["addendum"]]
    out["signature"] = _signed_rows(conn, "signature", subjects)
    return out
