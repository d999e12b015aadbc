"""A replica's state, and taking in what the server sends.

A page from the server is applied in one local transaction, with the outbox's triggers
quiet and the store's locks lifted for that transaction only (the server is the record:
a final record comes down final, with its actions and signatures, and a change the server
refused is undone on the laptop); the locks are put back before it commits. The cursor, the
files held and the directory's digest are written in the same transaction, so the cursor
moves only when what it stands for is on the laptop. A row with changes still waiting in
the outbox is left as the laptop has it: its own change goes up next, against the values it
was made on, and the server decides.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.engine import Connection
from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.locks import LOCKS, restoring_statements
from supervision_audit.sync import scope
from supervision_audit.sync.replica_schema import is_replica
from supervision_audit.sync.tables import (
    chunks,
    decode_row,
    encode_row,
    key_columns,
    key_of,
    key_text,
    parse_key,
    replicated,
    table,
)

STATE_KEYS = ("device", "device_key", "server", "username", "cursor", "files", "directory",
              "directory_digest", "last_synced_at", "last_error", "last_contact")


@dataclass
class State:
    device: str
    server: str
    username: str
    device_key: str = ""
    cursor: int = 0
    files: list[uuid.UUID] = field(default_factory=list)
    directory_digest: str = ""
    last_synced_at: str = ""
    last_error: str = ""
    last_contact: str = ""  # when the server last signed this laptop in


class NotAReplica(SupervisionAuditError):
    """The store is a standalone store, not a replica of the organisation's server."""


def read_state(conn: Connection) -> State:
    if not is_replica(conn):
        raise NotAReplica("This store is not a replica of the organisation's server.")
    found = dict(conn.exec_driver_sql("SELECT key, value FROM sync_state").all())
    return State(device=found.get("device", ""), server=found.get("server", ""),
                 username=found.get("username", ""), device_key=found.get("device_key", ""),
                 cursor=int(found.get("cursor", "0")),
                 files=[uuid.UUID(f) for f in json.loads(found.get("files", "[]"))],
                 directory_digest=found.get("directory_digest", ""),
                 last_synced_at=found.get("last_synced_at", ""),
                 last_error=found.get("last_error", ""),
                 last_contact=found.get("last_contact", ""))


def write_state(conn: Connection, **values: Any) -> None:
    for key, value in values.items():
        if key not in STATE_KEYS:
            raise KeyError(key)
        if key == "files":
            value = json.dumps(sorted(str(v) for v in value))
        conn.exec_driver_sql("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT "
                             "(key) DO UPDATE SET value = excluded.value", (key, str(value)))


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def applying(session: Session) -> Iterator[Connection]:
    """The server's rows written as they are: outbox quiet, locks lifted, foreign keys
    checked at commit; all put back before the transaction ends."""
    conn = session.connection()
    conn.exec_driver_sql("UPDATE sync_apply SET applying = 1 WHERE one = 1")
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    for name in LOCKS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    yield conn
    for statement in restoring_statements(list(LOCKS)):
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql("UPDATE sync_apply SET applying = 0 WHERE one = 1")


def pending_keys(conn: Connection) -> set[tuple[str, str]]:
    """The rows with changes waiting to go up (table, key)."""
    out = set()
    for name, raw in conn.exec_driver_sql("SELECT DISTINCT tbl, row_key FROM sync_outbox"):
        out.add((name, key_text(table(name), json.loads(raw))))
    return out


def drop_pending(conn: Connection, name: str, key: str) -> int:
    """Forget the changes waiting to go up for one row (kept aside by the caller)."""
    t = table(name)
    found = [seq for seq, raw in conn.exec_driver_sql(
        "SELECT seq, row_key FROM sync_outbox WHERE tbl = ?", (name,))
        if key_text(t, json.loads(raw)) == key]
    for seq in found:
        conn.exec_driver_sql("DELETE FROM sync_outbox WHERE seq = ?", (seq,))
    return len(found)


def upsert(conn: Connection, name: str, row: dict[str, Any]) -> None:
    upsert_many(conn, name, [row])


def _free_unique(conn: Connection, t: Any, key: str, rows: list[dict[str, Any]],
                 pending: set[tuple[str, str]]) -> None:
    """Rows of another key holding a value these rows hold in a unique column (a team
    renamed, a person made again with the same staff id, a tracker made on two laptops)
    give way: the server's rows are what the laptop holds. One the laptop made itself is
    kept aside first."""
    mine = {row[key] for row in rows}
    for column in (c.name for c in t.columns if c.unique and c.name != key):
        values = [row[column] for row in rows if row.get(column) is not None]
        for chunk in chunks(values):
            for found in conn.execute(select(t).where(t.c[column].in_(chunk))).mappings():
                if found[key] in mine:
                    continue
                text_key = key_text(t, (found[key],))
                if (t.name, text_key) in pending:
                    keep_aside(conn, t.name, text_key, "conflict",
                               f"The server holds another with the same {column.replace('_', ' ')}"
                               " (made elsewhere first); this laptop's is kept here.",
                               encode_row(t, dict(found)), None, "I")
                    drop_pending(conn, t.name, text_key)
                remove(conn, t.name, (found[key],))


def upsert_many(conn: Connection, name: str, rows: list[dict[str, Any]],
                pending: set[tuple[str, str]] | None = None) -> None:
    """Write ``rows`` of table ``name`` as they are (inserted, or replacing the row of the
    same key), one statement for each set of columns."""
    t = table(name)
    keys = [c.name for c in key_columns(t)]
    if len(keys) == 1:
        _free_unique(conn, t, keys[0], rows, pending or set())
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        shapes.setdefault(tuple(row), []).append(row)
    for columns, found in shapes.items():
        statement = insert(t)
        rest = {c: statement.excluded[c] for c in columns if c not in keys}
        conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=rest)
                     if rest else statement.on_conflict_do_nothing(index_elements=keys),
                     found)


def remove(conn: Connection, name: str, key: tuple[Any, ...]) -> None:
    t = table(name)
    conn.execute(delete(t).where(*[c == v for c, v in zip(key_columns(t), key, strict=True)]))


@dataclass
class Applied:
    rows: int = 0
    deleted: int = 0
    kept_local: int = 0  # rows left as the laptop has them: their change goes up first
    files_added: list[uuid.UUID] = field(default_factory=list)
    files_removed: list[uuid.UUID] = field(default_factory=list)
    orphans: int = 0


def _remove_files(conn: Connection, gone: list[uuid.UUID], keeping: set[uuid.UUID],
                  pending: set[tuple[str, str]], applied: Applied) -> list[uuid.UUID]:
    """Remove the rows of files that left the scope (not those another held file shares,
    e.g. a group record); a file with a change still waiting stays until it has gone up.
    The files removed."""
    look = scope.Lookup(conn)
    done = []
    for person in gone:
        rows = scope.gather(conn, [person], scope.ALL_DRAFTS)
        if any((name, key_text(table(name), key_of(table(name), row))) in pending
               for name, found in rows.items() for row in found):
            continue
        doomed = []
        for name, found in rows.items():
            for row in found:
                owners = scope.owners(look, name, row)
                if owners is None or not owners.files & keeping:
                    doomed.append((name, key_of(table(name), row)))
        order = {t.name: i for i, t in enumerate(replicated())}
        for name, key in sorted(doomed, key=lambda d: -order[d[0]]):
            remove(conn, name, key)
            applied.deleted += 1
        done.append(person)
    return done


def _unreferenced_staff(conn: Connection, directory: set[uuid.UUID]) -> None:
    """People no longer in the directory whom no row held names."""
    staff = table("staff")
    named: set[Any] = set(conn.execute(select(staff.c.supervisor_id)).scalars())
    for t in replicated():
        if t.name == "staff":
            continue
        for column in scope.staff_columns(t.name):
            named.update(conn.execute(select(t.c[column]).distinct()).scalars())
    for person in conn.execute(select(staff.c.id)).scalars().all():
        if person not in directory and person not in named:
            remove(conn, "staff", (person,))


def clear_orphans(conn: Connection, pending: set[tuple[str, str]]) -> int:
    """Rows whose parent the laptop may not hold (a parent outside the scope): kept aside
    as a refusal if they were the laptop's own change, then removed."""
    cleared = 0
    for _ in range(10):
        found = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        if not found:
            break
        for name, rowid, _parent, _fk in found:
            t = table(name)
            row = conn.execute(select(t).where(text("rowid = :r")), {"r": rowid}
                               ).mappings().first()
            if row is None:
                continue
            data = dict(row)
            key = key_of(t, data)
            if (name, key_text(t, key)) in pending:
                keep_aside(conn, name, key_text(t, key), "orphan",
                           "What this belongs to is no longer on this laptop (outside its "
                           "scope now); kept here as it was.", encode_row(t, data), None)
                drop_pending(conn, name, key_text(t, key))
            remove(conn, name, key)
            cleared += 1
    return cleared


def keep_aside(conn: Connection, name: str, key: str, kind: str, reason: str,
               local: dict[str, Any] | None, server: dict[str, Any] | None,
               op: str = "U") -> None:
    """A change the server did not take (or could not be kept), with the laptop's version
    and the server's, for the user to see and put right."""
    conn.exec_driver_sql(
        "INSERT INTO sync_refusal (tbl, row_key, op, kind, reason, local_row, server_row) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (name, key, op, kind, reason, json.dumps(local) if local is not None else None,
         json.dumps(server) if server is not None else None))


def apply_page(store: Store, page: dict[str, Any]) -> Applied:
    """Take in one page of a pull, in one transaction with the new cursor."""
    applied = Applied()
    with store.write() as session, applying(session) as conn:
        state = read_state(conn)
        pending = pending_keys(conn)
        files = {uuid.UUID(f) for f in page["files"]}
        held = set(state.files)
        gone = [uuid.UUID(f) for f in page["removed"]]
        applied.files_removed = _remove_files(conn, gone, files, pending, applied)
        files |= set(gone) - set(applied.files_removed)  # to be removed at a later pull
        applied.files_added = sorted(files - held, key=str)
        order = {t.name: i for i, t in enumerate(replicated())}
        # removals first: a row the server made again under a new key (a person added
        # again with the same staff id) finds its old self gone
        for item in sorted(page["deletes"], key=lambda d: -order.get(d["t"], 0)):
            if item["t"] not in order:
                continue
            if (item["t"], item["k"]) in pending:
                applied.kept_local += 1
                continue
            remove(conn, item["t"], parse_key(table(item["t"]), item["k"]))
            applied.deleted += 1
        rows: dict[str, list[dict[str, Any]]] = {}
        for item in page["rows"]:
            t = table(item["t"])
            row = decode_row(t, item["r"])
            if (t.name, key_text(t, key_of(t, row))) in pending:
                applied.kept_local += 1
                continue
            rows.setdefault(t.name, []).append(row)
            applied.rows += 1
        for name, found in rows.items():
            upsert_many(conn, name, found, pending)
        if page.get("directory") is not None:
            _unreferenced_staff(conn, {uuid.UUID(s) for s in page["directory"]})
        applied.orphans = clear_orphans(conn, pending)
        write_state(conn, cursor=page["cursor"], files=files,
                    directory_digest=page["directory_digest"] or state.directory_digest)
    return applied
