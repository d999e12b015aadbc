"""What goes down to a laptop: the changes since its cursor that are in its scope, the files
newly in its scope in full (back-fill), and which files have left it.

One pull is answered from one snapshot of the database (``PgStore.read``): the change
numbers it sends and the rows it reads agree. The laptop says which files it holds; the
server works out which it may hold now (``scope``), so a supervisee moved in is back-filled
(a page of files at a time) and one moved out is named for removal. Rows are sent as they
now stand (several changes to one row send it once). A row whose parent the laptop may not
hold yet comes with that parent.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from supervision_audit.services.access import Actor
from supervision_audit.sync import scope
from supervision_audit.sync.prune import head
from supervision_audit.sync.tables import (
    decode_row,
    encode_row,
    key_of,
    parse_key,
    private_setting,
    replicated,
    rows_by_key,
    rows_where,
    table,
)

# the directory and the organisation's own: sent by who may see them, not by whose file
DIRECTORY = frozenset({"staff", "team", "setting", "user_account"})
CHANGES_PER_PULL = 5000
BACKFILL_ROWS = 20000  # a page of back-fill stops after the file that passes this
FILES_AT_ONCE = 25


@dataclass
class Page:
    """One answer to a pull, before it is put on the wire."""

    cursor: int
    more: bool
    files: list[uuid.UUID]
    removed: list[uuid.UUID]
    backfilled: list[uuid.UUID]
    upserts: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = field(default_factory=dict)
    deletes: list[tuple[str, str]] = field(default_factory=list)
    directory: list[uuid.UUID] | None = None
    digest: str = ""
    changes: int = 0

    def add(self, name: str, row: dict[str, Any]) -> bool:
        """Add a row to send; False when it is there already."""
        rows = self.upserts.setdefault(name, {})
        key = key_of(table(name), row)
        if key in rows:
            return False
        rows[key] = row
        return True

    def wire(self) -> dict[str, Any]:
        order = [t.name for t in replicated()]
        return {
            "cursor": self.cursor, "more": self.more,
            "files": [str(f) for f in self.files],
            "removed": [str(f) for f in self.removed],
            "backfilled": [str(f) for f in self.backfilled],
            "rows": [{"t": name, "r": encode_row(table(name), row)}
                     for name in order for row in self.upserts.get(name, {}).values()],
            "deletes": [{"t": name, "k": key} for name, key in self.deletes],
            "directory": [str(s) for s in self.directory] if self.directory is not None
            else None,
            "directory_digest": self.digest,
        }


def digest_of(people: Iterable[uuid.UUID]) -> str:
    return hashlib.sha256(",".join(sorted(str(p) for p in people)).encode()).hexdigest()


def _head(conn: Connection) -> int:
    return head(conn)  # pruning does not move it back


def _backfill(conn: Connection, page: Page, added: list[uuid.UUID], me: uuid.UUID) -> None:
    """Whole files, a page at a time (at least one file)."""
    sent = 0
    for first in range(0, len(added), FILES_AT_ONCE):
        if sent > BACKFILL_ROWS:
            break
        group = added[first:first + FILES_AT_ONCE]
        for name, rows in scope.gather(conn, group, me).items():
            for row in rows:
                sent += page.add(name, row)
        page.backfilled += group


def _directory_rows(conn: Connection, page: Page, people: Iterable[uuid.UUID]) -> None:
    staff = rows_where(conn, table("staff"), "id", people)
    for row in staff:
        page.add("staff", row)
    for row in rows_where(conn, table("team"), "id", {r["team_id"] for r in staff}):
        page.add("team", row)


def _global_rows(conn: Connection, page: Page, actor: Actor) -> None:
    """Settings (not the server's own) and the user's own account."""
    for row in conn.execute(select(table("setting"))).mappings():
        if not private_setting(row["key"]):
            page.add("setting", dict(row))
    for row in rows_where(conn, table("user_account"), "id", [actor.account_id]):
        page.add("user_account", row)


def _directory_seen(name: str, row: dict[str, Any], directory: frozenset[uuid.UUID],
                       teams: set[Any], actor: Actor) -> bool:
    if name == "staff":
        return row["id"] in directory
    if name == "team":
        return row["id"] in teams
    if name == "setting":
        return not private_setting(row["key"])
    if name == "user_account":
        return row["id"] == actor.account_id
    return False


def _changes(conn: Connection, page: Page, cursor: int, actor: Actor,
             directory: frozenset[uuid.UUID], holding: set[uuid.UUID]) -> int:
    """The rows changed after ``cursor`` that the laptop holds (or should); the new cursor."""
    found = conn.execute(text(
        "SELECT seq, tbl, row_key, op, old_row FROM sync_change WHERE seq > :c "
        "ORDER BY seq LIMIT :n"), {"c": cursor, "n": CHANGES_PER_PULL + 1}).all()
    page.more = page.more or len(found) > CHANGES_PER_PULL
    found = found[:CHANGES_PER_PULL]
    latest: dict[tuple[str, str], Any] = {}
    for change in found:
        latest.pop((change.tbl, change.row_key), None)
        latest[(change.tbl, change.row_key)] = change
    by_table: dict[str, list[str]] = {}
    for name, key in latest:
        by_table.setdefault(name, []).append(key)
    look = scope.Lookup(conn)
    staff = table("staff")
    teams = set(conn.execute(select(staff.c.team_id).where(staff.c.id.in_(list(directory)))
                             ).scalars()) if directory else set()
    for name, keys in by_table.items():
        try:
            t = table(name)
        except KeyError:
            continue
        current = rows_by_key(conn, t, [parse_key(t, k) for k in keys])
        for key in keys:
            row = current.get(parse_key(t, key))
            page.changes += 1
            if row is not None and name in DIRECTORY:
                if _directory_seen(name, row, directory, teams, actor):
                    page.add(name, row)
                continue
            if row is not None:
                owners = scope.owners(look, name, row)
                if owners is not None and owners.seen_by(holding, actor.staff_id):
                    page.add(name, row)
                elif owners is not None and owners.files & holding:
                    page.deletes.append((name, key))  # in scope, but no longer theirs
                continue
            old = _last_old_row(conn, name, key, latest[(name, key)])
            owners = scope.owners(look, name, decode_row(t, old, hex_bytes=True)) \
                if old is not None and name not in DIRECTORY else None
            if owners is None or owners.files & holding:
                page.deletes.append((name, key))  # a key, nothing more
    return found[-1].seq if found and page.more else -1


def _last_old_row(conn: Connection, name: str, key: str, change: Any) -> dict[str, Any] | None:
    if change.op == "D":
        return change.old_row  # type: ignore[no-any-return]
    return conn.execute(text(  # type: ignore[no-any-return]
        "SELECT old_row FROM sync_change WHERE tbl = :t AND row_key = :k AND op = 'D' "
        "ORDER BY seq DESC LIMIT 1"), {"t": name, "k": key}).scalar()


def _with_parents(conn: Connection, page: Page, actor: Actor, holding: set[uuid.UUID]
                  ) -> None:
    """Each row's parents (a record's session, a contract's successor ...) that the laptop
    may hold, sent with it: a row never arrives before what it points at."""
    look = scope.Lookup(conn)
    pending = [(name, row) for name, rows in page.upserts.items()
               if name not in DIRECTORY for row in list(rows.values())]
    while pending:
        name, row = pending.pop()
        for fk in table(name).foreign_keys:
            parent = fk.column.table.name
            value = row.get(fk.parent.name)
            if value is None or parent in DIRECTORY or \
                    (value,) in page.upserts.get(parent, {}):
                continue
            found = look.row(parent, value)
            owners = scope.owners(look, parent, found) if found is not None else None
            if found is not None and owners is not None and \
                    owners.seen_by(holding, actor.staff_id) and page.add(parent, found):
                pending.append((parent, found))


def pull(session: Session, actor: Actor, cursor: int, held: Iterable[uuid.UUID],
         directory_digest: str, today: date) -> Page:
    """The next page of changes for a laptop of ``actor`` at ``cursor``, holding ``held``."""
    conn = session.connection()
    head = _head(conn)
    readable = scope.readable_files(session, actor, today)
    directory = scope.directory(session, actor, today)
    held_now = set(held)
    keep = held_now & readable
    added = sorted(readable - held_now, key=str)
    page = Page(cursor=head, more=False, files=[], removed=sorted(held_now - readable, key=str),
                backfilled=[])
    _backfill(conn, page, added, actor.staff_id)
    page.more = len(page.backfilled) < len(added)
    holding = keep | set(page.backfilled)
    page.files = sorted(holding, key=str)
    if cursor > 0 or keep:
        stopped_at = _changes(conn, page, cursor, actor, directory, holding)
        if stopped_at >= 0:
            page.cursor = stopped_at
    else:
        page.cursor = head  # a first pull: the back-fill holds everything up to here
    _with_parents(conn, page, actor, holding)
    page.digest = digest_of(directory)
    if directory_digest != page.digest:
        page.directory = sorted(directory, key=str)
        _directory_rows(conn, page, directory)
        _global_rows(conn, page, actor)
    named = scope.people_named({n: list(r.values()) for n, r in page.upserts.items()})
    sent_staff = {k[0] for k in page.upserts.get("staff", {})}
    extra = named - directory - sent_staff
    if extra:
        _directory_rows(conn, page, scope.with_line(extra, scope.supervisors(conn)) - sent_staff)
    return page
