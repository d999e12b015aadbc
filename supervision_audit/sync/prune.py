"""Where the change sequence stands, pruning it, and telling a laptop it must rebuild.

The change table only grows; a change is needed until every laptop has pulled past it.
Each pull records the cursor its laptop sent (``sync_device.pulled_to``: the laptop has
committed everything up to there). ``prune`` removes the changes at or below the lowest of
those cursors among the laptops of open accounts seen within ``STALE_DAYS``; a laptop away
longer (or one whose device record is older than this) that comes back with a cursor below
what was pruned is told to rebuild: push what it has, then take its files again whole.

The head is the highest change kept, or how far the changes were pruned if that is higher,
so pruning every change does not move it back. A database restored from a backup taken
before changes that laptops have already pulled has a head below their cursors: such a
laptop is told the server was restored, and pushes again everything it holds that is its
own to write (the server takes what it lacks and finds the rest unchanged), then takes its
files again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection

if TYPE_CHECKING:  # laptops read the names below without the server's modules
    from supervision_audit.pg.store import PgStore

STALE_DAYS = 90
RESTORED = "restored"
PRUNED = "pruned"


def head(conn: Connection) -> int:
    """The highest change number this transaction sees (0: none yet): the table's, or, all
    of it pruned, how far it was pruned. (Not the sequence's last value: a writer may have
    drawn a number it has not committed yet, and a cursor past it would skip its change.)"""
    return int(conn.execute(text(
        "SELECT greatest((SELECT coalesce(max(seq), 0) FROM sync_change), "
        "(SELECT coalesce(max(below), 0) FROM sync_pruned))")).scalar() or 0)


def floor(conn: Connection) -> int:
    """The changes at or below this number have been pruned."""
    return int(conn.execute(text("SELECT coalesce(max(below), 0) FROM sync_pruned")).scalar()
               or 0)


def rebuild_needed(conn: Connection, cursor: int) -> str:
    """Why a laptop at ``cursor`` cannot pull changes from here ("" when it can)."""
    if cursor > head(conn):
        return RESTORED
    if 0 < cursor < floor(conn):
        return PRUNED
    return ""


def rebuild_reason(why: str) -> str:
    if why == RESTORED:
        return ("The server's database was restored from a backup older than this laptop's "
                "last sync.")
    return "The server no longer keeps the changes since this laptop last synced."


def pulled_to(conn: Connection, device: str, account: uuid.UUID) -> int | None:
    """The cursor ``device`` (``account``'s) last pulled from (None: no such device)."""
    return conn.execute(text("SELECT pulled_to FROM sync_device WHERE device_id = :d AND "
                             "account_id = :a"), {"d": device, "a": account}).scalar()


def record_pulled(conn: Connection, device: str, account: uuid.UUID, cursor: int) -> None:
    """``device`` has everything up to ``cursor`` (``conn`` in a write transaction)."""
    conn.execute(text("UPDATE sync_device SET pulled_to = :c, last_seen = now() "
                      "WHERE device_id = :d AND account_id = :a"),
                 {"c": cursor, "d": device, "a": account})


def prune(store: PgStore, now: datetime | None = None, stale_days: int = STALE_DAYS) -> int:
    """Remove the changes every laptop in use has pulled past; how many were removed."""
    since = (now or datetime.now(UTC)) - timedelta(days=stale_days)
    with store.write() as session:
        conn = session.connection()
        lowest = conn.execute(text(
            "SELECT min(d.pulled_to) FROM sync_device d JOIN user_account a "
            "ON a.id = d.account_id WHERE a.active AND d.last_seen >= :since"),
            {"since": since}).scalar()
        below = head(conn) if lowest is None else int(lowest)
        if below <= floor(conn):
            return 0
        gone = conn.execute(text("DELETE FROM sync_change WHERE seq <= :b"), {"b": below})
        conn.execute(text("INSERT INTO sync_pruned (one, below) VALUES (1, :b) ON CONFLICT "
                          "(one) DO UPDATE SET below = excluded.below"), {"b": below})
        return int(gone.rowcount or 0)
