"""Changes the server did not take, kept on the laptop with the reason: nothing is lost.

Each holds the laptop's version of the row and the server's (which the laptop now has). A
conflicting draft is merged by its author: read both side by side, then either write the
merged text into the draft as usual, or take the laptop's version whole (``take_mine``: a
new change, made on the server's version, so it goes up as any other); or set it aside
(``dismiss``) once dealt with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from supervision_audit.errors import NotFoundError, Problem, ValidationError
from supervision_audit.models import utcnow
from supervision_audit.sync.rules import ADD_ONLY, NOT_COMPARED
from supervision_audit.sync.tables import (
    LOG,
    SERVER_OWNED,
    decode_row,
    key_columns,
    parse_key,
    rows_by_key,
    table,
)

KINDS = {"conflict": "changed on the server too", "signature": "signature not taken",
         "refused": "not taken", "orphan": "no longer on this laptop"}


@dataclass(frozen=True)
class Kept:
    id: int
    at: str
    table: str
    key: str
    op: str
    kind: str
    reason: str
    local: dict[str, Any] | None
    server: dict[str, Any] | None
    resolved: bool

    @property
    def what(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def differences(self) -> list[str]:
        """The columns where the laptop's version and the server's differ."""
        mine, theirs = self.local or {}, self.server or {}
        return [c for c in sorted(set(mine) | set(theirs))
                if c not in NOT_COMPARED and mine.get(c) != theirs.get(c)]


def kept_changes(conn: Connection, *, open_only: bool = True) -> list[Kept]:
    """The changes the server did not take, oldest first."""
    rows = conn.exec_driver_sql(
        "SELECT id, at, tbl, row_key, op, kind, reason, local_row, server_row, resolved "
        "FROM sync_refusal" + (" WHERE resolved = 0" if open_only else "") + " ORDER BY id"
    ).all()
    return [Kept(r.id, r.at, r.tbl, r.row_key, r.op, r.kind, r.reason,
                 json.loads(r.local_row) if r.local_row else None,
                 json.loads(r.server_row) if r.server_row else None, bool(r.resolved))
            for r in rows]


def _kept(conn: Connection, kept_id: int) -> Kept:
    for item in kept_changes(conn, open_only=False):
        if item.id == kept_id:
            return item
    raise NotFoundError(f"There is no kept change {kept_id} on this laptop.")


def dismiss(session: Session, kept_id: int) -> None:
    """Set a kept change aside: dealt with (it stays listed among the resolved)."""
    conn = session.connection()
    _kept(conn, kept_id)
    conn.exec_driver_sql("UPDATE sync_refusal SET resolved = 1 WHERE id = ?", (kept_id,))


def take_mine(session: Session, kept_id: int) -> None:
    """Write the laptop's version over the row as it now is: a new change, made on the
    server's version (a final record still refuses it: add an addendum instead)."""
    conn = session.connection()
    item = _kept(conn, kept_id)
    if item.table in SERVER_OWNED or item.table in ADD_ONLY or item.table == LOG \
            or item.local is None:
        raise ValidationError(Problem("change", "This change cannot be made again from the "
                                                "laptop: " + item.reason))
    t = table(item.table)
    key = parse_key(t, item.key)
    mine = decode_row(t, item.local)
    current = rows_by_key(conn, t, [key]).get(key)
    keys = {c.name for c in key_columns(t)}
    if current is None:
        conn.execute(t.insert().values(**{c: (None if c == "locked_at" else v)
                                          for c, v in mine.items()}))
    else:
        values = {c: v for c, v in mine.items()
                  if c not in NOT_COMPARED and c not in keys and current.get(c) != v}
        if values:
            if "updated_at" in t.c:
                values["updated_at"] = utcnow()
            conn.execute(update(t).where(*[c == v for c, v in zip(
                key_columns(t), key, strict=True)]).values(**values))
    conn.exec_driver_sql("UPDATE sync_refusal SET resolved = 1 WHERE id = ?", (kept_id,))
