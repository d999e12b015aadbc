"""A replica's own tables: the outbox, the sync state and the refusals kept for the user.

The outbox is filled by triggers, so every write to the store, by the window, the command
line or anything else, is queued in the same transaction as the write itself (the
transactional outbox): nothing is written that is not queued, nothing queued that was not
written. Each entry has the device's next number (``seq``), the row's key and, for a change
or a removal, the row as it was (its old values: what the change was made against). While
the sync layer applies what the server sent (``sync_apply.applying`` = 1, in the same
transaction), the triggers stay quiet.

A standalone store has none of this; a replica is an ordinary encrypted store with these
tables beside the app's, which the app itself never reads.
"""

from __future__ import annotations

from sqlalchemy import JSON, LargeBinary, Table
from sqlalchemy.engine import Connection

from supervision_audit.sync.tables import LOG, ignored_on_update, key_columns, replicated, table

TABLES = (
    """CREATE TABLE IF NOT EXISTS sync_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tbl TEXT NOT NULL,
  op TEXT NOT NULL,
  row_key TEXT NOT NULL,
  old_row TEXT,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))""",
    "CREATE INDEX IF NOT EXISTS ix_sync_outbox_row ON sync_outbox (tbl, row_key)",
    """CREATE TABLE IF NOT EXISTS sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS sync_apply (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  applying INTEGER NOT NULL DEFAULT 0)""",
    "INSERT OR IGNORE INTO sync_apply (one, applying) VALUES (1, 0)",
    """CREATE TABLE IF NOT EXISTS sync_refusal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  tbl TEXT NOT NULL,
  row_key TEXT NOT NULL,
  op TEXT NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  local_row TEXT,
  server_row TEXT,
  resolved INTEGER NOT NULL DEFAULT 0)""",
)
QUIET = "(SELECT applying FROM sync_apply WHERE one = 1) = 0"


def _q(name: str) -> str:
    return f'"{name}"'


def _value(t: Table, column: str, row: str) -> str:
    kind = t.c[column].type
    if isinstance(kind, JSON):
        return f"json({row}.{_q(column)})"
    if isinstance(kind, LargeBinary):
        return f"hex({row}.{_q(column)})"
    return f"{row}.{_q(column)}"


def _key(t: Table, row: str) -> str:
    return "json_array(" + ", ".join(f"{row}.{_q(c.name)}" for c in key_columns(t)) + ")"


def _old(t: Table) -> str:
    return "json_object(" + ", ".join(f"'{c.name}', {_value(t, c.name, 'OLD')}"
                                      for c in t.columns) + ")"


def capture_triggers(t: Table) -> dict[str, str]:
    """The triggers that queue every insert, change and removal of ``t``'s rows (the event
    log: inserts, as it takes nothing else)."""
    name = t.name
    insert = (f"CREATE TRIGGER sync_out_{name}_i AFTER INSERT ON {name} WHEN {QUIET} "
              f"BEGIN INSERT INTO sync_outbox (tbl, op, row_key) "
              f"VALUES ('{name}', 'I', {_key(t, 'NEW')}); END")
    if name == LOG:
        return {f"sync_out_{name}_i": insert}
    compared = [c.name for c in t.columns if c.name not in ignored_on_update(name)]
    changed = " OR ".join(f"NEW.{_q(c)} IS NOT OLD.{_q(c)}" for c in compared)
    return {
        f"sync_out_{name}_i": insert,
        f"sync_out_{name}_u": (
            f"CREATE TRIGGER sync_out_{name}_u AFTER UPDATE ON {name} "
            f"WHEN {QUIET} AND ({changed}) BEGIN INSERT INTO sync_outbox "
            f"(tbl, op, row_key, old_row) VALUES ('{name}', 'U', {_key(t, 'OLD')}, "
            f"{_old(t)}); END"),
        f"sync_out_{name}_d": (
            f"CREATE TRIGGER sync_out_{name}_d AFTER DELETE ON {name} WHEN {QUIET} "
            f"BEGIN INSERT INTO sync_outbox (tbl, op, row_key, old_row) "
            f"VALUES ('{name}', 'D', {_key(t, 'OLD')}, {_old(t)}); END"),
    }


def all_triggers() -> dict[str, str]:
    out: dict[str, str] = {}
    for t in [*replicated(), table(LOG)]:
        out.update(capture_triggers(t))
    return out


def _normal(sql: str) -> str:
    return " ".join(sql.split())


def ensure_replica_schema(conn: Connection) -> list[str]:
    """Create the replica's tables and put its triggers as they should be (a table added by
    a later version gets its own); the names of the triggers (re)made. ``conn`` is in a
    write transaction."""
    for statement in TABLES:
        conn.exec_driver_sql(statement)
    found = {name: sql for name, sql in conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE "
        "'sync_out_%'").fetchall()}
    remade = []
    for name, sql in all_triggers().items():
        if _normal(found.get(name) or "") != _normal(sql):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            conn.exec_driver_sql(sql)
            remade.append(name)
    return remade


def is_replica(conn: Connection) -> bool:
    """Whether the store behind ``conn`` is a replica."""
    return conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                        "name = 'sync_state'").fetchone() is not None
