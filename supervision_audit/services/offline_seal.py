"""Exports from a laptop's replica, sealed later by the organisation's server.

A replica holds the organisation's seal certificate but never its key. A record exported
there is printed with "Not yet sealed" on every page and remembered here (``seal_request``,
a table of the replica's own, never synced): which record, the day printed on it, the
content its signatures cover, where the file was put and the SHA-256 of what was written.
At the next sync the server prints the same record from its own copy, for the same day,
and seals it; the sealed copy replaces the file where the user put it if that file is still
the one exported, or else waits here and is what the next export of that record writes
(while the record is as it was). The server never seals bytes a laptop sends.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Connection
from sqlmodel import Session

NOT_YET_SEALED = "Not yet sealed: exported offline; the organisation's server seals it at " \
                 "the next sync"
TABLE = """CREATE TABLE IF NOT EXISTS seal_request (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  printed_on TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  path TEXT NOT NULL,
  written_sha256 TEXT NOT NULL,
  sealed BLOB,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"""


@dataclass(frozen=True)
class SealRequest:
    id: int
    kind: str
    subject_id: uuid.UUID
    printed_on: date
    content_hash: str
    path: Path
    written_sha256: str
    sealed: bytes | None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as found:
        for block in iter(lambda: found.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remember(session: Session, kind: str, subject_id: uuid.UUID, printed_on: date,
             content_hash: str, out: Path) -> None:
    """An export printed "not yet sealed", for the server to seal at the next sync."""
    conn = session.connection()
    conn.exec_driver_sql(TABLE)
    conn.exec_driver_sql(
        "INSERT INTO seal_request (kind, subject_id, printed_on, content_hash, path, "
        "written_sha256) VALUES (?, ?, ?, ?, ?, ?)",
        (kind, str(subject_id), printed_on.isoformat(), content_hash,
         str(Path(out).resolve()), sha256_of(Path(out))))


def _rows(conn: Connection, where: str = "", params: tuple[object, ...] = ()
          ) -> list[SealRequest]:
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                            "name = 'seal_request'").fetchone() is None:
        return []
    return [SealRequest(r[0], r[1], uuid.UUID(r[2]), date.fromisoformat(r[3]), r[4], Path(r[5]),
                        r[6], r[7])
            for r in conn.exec_driver_sql(
                "SELECT id, kind, subject_id, printed_on, content_hash, path, written_sha256, "
                f"sealed FROM seal_request {where} ORDER BY id", params)]


def waiting(conn: Connection) -> list[SealRequest]:
    """The exports the server has not sealed yet."""
    return _rows(conn, "WHERE sealed IS NULL")


def sealed_copy(session: Session, kind: str, subject_id: uuid.UUID, content_hash: str
                ) -> bytes | None:
    """A sealed copy the server made of this document as it still is (None: none)."""
    for found in reversed(_rows(session.connection(), "WHERE sealed IS NOT NULL AND kind = ? "
                                "AND subject_id = ?", (kind, str(subject_id)))):
        if found.content_hash == content_hash and found.sealed:
            return bytes(found.sealed)
    return None


def took_sealed(conn: Connection, request: SealRequest, data: bytes) -> bool:
    """The server's sealed copy of ``request``: it replaces the exported file if that is
    still the one written (True), or waits here for the next export."""
    from supervision_audit.exports.atomic import atomic_output

    path = request.path
    try:
        same = path.is_file() and sha256_of(path) == request.written_sha256
    except OSError:
        same = False
    if same:
        with atomic_output(path) as tmp:
            tmp.write_bytes(data)
        conn.exec_driver_sql("DELETE FROM seal_request WHERE id = ?", (request.id,))
        return True
    conn.exec_driver_sql("UPDATE seal_request SET sealed = ? WHERE id = ?", (data, request.id))
    return False


def refused(conn: Connection, request: SealRequest) -> None:
    """The server will not seal this export (the record changed since): forgotten; the
    file keeps its "not yet sealed" mark."""
    conn.exec_driver_sql("DELETE FROM seal_request WHERE id = ?", (request.id,))
