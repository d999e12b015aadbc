"""A laptop that cannot simply pull: the server was restored from a backup older than the
laptop's last sync, or pruned the changes since it last synced (``prune``).

Before it pushes, the laptop asks the server where it stands (``GET /v1/sync/device``, with
its cursor). Restored: everything the server may have lost that was this laptop's to write
goes up again (each row of its files, its own signatures and addenda, its log entries after
the last the server holds, queued in its outbox as "held" changes, parents first): the
server adds what it lacks, finds the rest unchanged, and takes the laptop's content where
it holds an older one, under the same rules as any change (a refusal is kept on the laptop
with its reason, as ever). Then, restored or pruned, the laptop lets go of its files and
takes them again whole from the server (a back-fill, page by page, safe to cut off: the
next sync goes on with it), so it holds what the server holds and nothing it no longer does.
"""

from __future__ import annotations

from typing import Any

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.sync.prune import RESTORED, rebuild_reason
from supervision_audit.sync.replica import (
    Applied,
    _remove_files,
    applying,
    pending_keys,
    read_state,
    write_state,
)
from supervision_audit.sync.replica_schema import _key
from supervision_audit.sync.tables import LOG, SERVER_OWNED, replicated, table

# rows of these tables the laptop's user made themselves, by the column that names them
OWN_ONLY = {"signature": "signer_staff_id", "addendum": "author_staff_id"}


def standing(link: Any, device: str, cursor: int) -> tuple[str, int]:
    """Why this laptop must rebuild ("" : it need not), and the last of its log entries the
    server holds."""
    status, body = link.call("GET", f"/v1/sync/device/{device}?cursor={cursor}")
    if status == 404:
        return "", 0  # a server older than this: it neither prunes nor says
    if status != 200:
        raise SupervisionAuditError(f"The server did not say where this laptop stands: "
                                    f"{body.get('detail', status)}")
    return str(body.get("rebuild") or ""), int(body.get("log_seq") or 0)


def queue_again(store: Store, log_seq: int) -> int:
    """Queue as "held" every row of the laptop's files that is its user's to write, and its
    log entries after ``log_seq``; how many were queued."""
    queued = 0
    with store.write() as session:
        conn = session.connection()
        state = read_state(conn)
        me = conn.exec_driver_sql("SELECT staff_id FROM user_account WHERE username = ?",
                                  (state.username,)).scalar()
        for t in replicated():
            if t.name in SERVER_OWNED:
                continue
            where = f"WHERE {OWN_ONLY[t.name]} = ?" if t.name in OWN_ONLY else ""
            found = conn.exec_driver_sql(
                f"INSERT INTO sync_outbox (tbl, op, row_key) SELECT '{t.name}', 'R', "
                f"{_key(t, t.name)} FROM {t.name} {where}", (me,) if where else ())
            queued += int(found.rowcount or 0)
        log = table(LOG)
        found = conn.exec_driver_sql(
            f"INSERT INTO sync_outbox (tbl, op, row_key) SELECT '{LOG}', 'I', "
            f"{_key(log, LOG)} FROM {LOG} WHERE seq > ? AND NOT EXISTS (SELECT 1 FROM "
            f"sync_outbox o WHERE o.tbl = '{LOG}' AND o.row_key = {_key(log, LOG)}) "
            "ORDER BY seq", (log_seq,))
        queued += int(found.rowcount or 0)
    return queued


def let_go_of_files(store: Store) -> int:
    """Remove the laptop's files (not those with changes still waiting) and its settings, and
    start its pull again from nothing, in one transaction; how many rows were removed."""
    applied = Applied()
    with store.write() as session, applying(session) as conn:
        state = read_state(conn)
        _remove_files(conn, list(state.files), set(), pending_keys(conn), applied)
        # the settings come again with the directory (one the server no longer has, gone)
        applied.deleted += int(conn.exec_driver_sql("DELETE FROM setting").rowcount or 0)
        write_state(conn, cursor=0, files=[], directory_digest="")
    return applied.deleted


def explain(why: str) -> str:
    return rebuild_reason(why) + (" This laptop sent its own again and took its files again "
                                  "from the server." if why == RESTORED else
                                  " This laptop took its files again from the server.")
