"""The server's change sequence: a table of changes, written by triggers in the same
transaction as each change, however it is made (the API, a pushed batch, ``accounts``,
``migrate``).

Why a table rather than a sequence column on every table: the models (and so what was
signed) stay as they are, a deletion leaves a trace to send to laptops (with the row as it
was, to know whose it was), and one trigger function covers every table. The numbers are
handed out in commit order: the trigger takes the writers' advisory lock (which every write
of the app holds already), so no transaction can commit a lower number after a reader has
seen a higher one, and a laptop's cursor never skips a change.

``sync_device`` remembers, per device, the highest outbox number applied (pushes are
idempotent), what that last push answered (so a laptop that lost the answer gets it again),
the head of the device's own log chain, and the hash of the device's key.
"""

from __future__ import annotations

from sqlalchemy import text

from supervision_audit.pg.store import MIGRATE_LOCK, WRITE_LOCK, PgStore, explain_pg
from supervision_audit.sync.tables import ignored_on_update, key_columns, replicated

CHANGE_TABLE = """CREATE TABLE IF NOT EXISTS sync_change (
  seq BIGSERIAL PRIMARY KEY,
  tbl TEXT NOT NULL,
  row_key TEXT NOT NULL,
  op CHAR(1) NOT NULL,
  old_row JSONB,
  at TIMESTAMPTZ NOT NULL DEFAULT now())"""
CHANGE_INDEX = "CREATE INDEX IF NOT EXISTS ix_sync_change_row ON sync_change (tbl, row_key, seq)"
DEVICE_TABLE = """CREATE TABLE IF NOT EXISTS sync_device (
  device_id TEXT PRIMARY KEY,
  account_id UUID NOT NULL,
  username TEXT NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0,
  last_result JSONB,
  log_head TEXT NOT NULL DEFAULT '',
  log_seq BIGINT NOT NULL DEFAULT 0,
  first_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen TIMESTAMPTZ NOT NULL DEFAULT now())"""
# a device's own key (its SHA-256), which signs the laptop in for syncing without the password
DEVICE_KEY = "ALTER TABLE sync_device ADD COLUMN IF NOT EXISTS key_hash TEXT NOT NULL DEFAULT ''"
# the cursor each device last pulled from (all below it is on the laptop): pruning's floor
DEVICE_PULLED = ("ALTER TABLE sync_device ADD COLUMN IF NOT EXISTS pulled_to BIGINT NOT NULL "
                 "DEFAULT 0")
# the changes up to ``below`` have been pruned (``prune``)
PRUNED_TABLE = """CREATE TABLE IF NOT EXISTS sync_pruned (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  below BIGINT NOT NULL DEFAULT 0)"""

CAPTURE = f"""CREATE OR REPLACE FUNCTION sync_capture() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
  now_row jsonb;
  c text;
  parts text[] := '{{}}';
BEGIN
  PERFORM pg_advisory_xact_lock({WRITE_LOCK});
  IF TG_OP = 'DELETE' THEN now_row := to_jsonb(OLD); ELSE now_row := to_jsonb(NEW); END IF;
  IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - string_to_array(TG_ARGV[1], ','))
                          = (now_row - string_to_array(TG_ARGV[1], ',')) THEN
    RETURN NULL;  -- nothing but bookkeeping changed
  END IF;
  FOREACH c IN ARRAY string_to_array(TG_ARGV[0], ',') LOOP
    parts := parts || (now_row ->> c);
  END LOOP;
  INSERT INTO sync_change (tbl, row_key, op, old_row)
  VALUES (TG_TABLE_NAME, array_to_string(parts, '|'), left(TG_OP, 1),
          CASE WHEN TG_OP = 'DELETE' THEN now_row END);
  RETURN NULL;
END
$body$"""


def capture_statements() -> list[str]:
    """The change table, the device table and a capture trigger on every replicated table."""
    out = [CHANGE_TABLE, CHANGE_INDEX, DEVICE_TABLE, DEVICE_KEY, DEVICE_PULLED, PRUNED_TABLE,
           CAPTURE]
    for t in replicated():
        keys = ",".join(c.name for c in key_columns(t))
        ignored = ",".join(sorted(ignored_on_update(t.name)))
        out += [f"DROP TRIGGER IF EXISTS sync_capture ON {t.name}",
                f"CREATE TRIGGER sync_capture AFTER INSERT OR UPDATE OR DELETE ON {t.name} "
                f"FOR EACH ROW EXECUTE FUNCTION sync_capture('{keys}', '{ignored}')"]
    return out


def ensure_server_sync(store: PgStore) -> None:
    """Create (or bring up to date) the change sequence in the organisation's database;
    several server processes starting at once do it once."""
    try:
        with store.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK})
            for statement in capture_statements():
                conn.exec_driver_sql(statement)
    except Exception as exc:  # noqa: BLE001 - reported as the database's problem
        raise explain_pg(exc, store.url) from exc
