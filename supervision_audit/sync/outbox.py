"""Sending the outbox: batches of the laptop's changes, and taking in the server's answer.

A batch is the outbox's oldest entries, numbered ``first`` to ``last``. Several changes to
one row go as one (the row as it now is, against the old values of the first of them);
rows go parents first, removals children first, then the laptop's log entries in their
order. The answer is taken in one local transaction: the entries up to ``last`` leave the
outbox, and each refused change is kept aside (the laptop's version and the server's,
with the reason) while the laptop takes the server's row, so that nothing is silently lost
and the laptop holds what the server holds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from supervision_audit.db import Store
from supervision_audit.sync.replica import (
    applying,
    clear_orphans,
    drop_pending,
    keep_aside,
    pending_keys,
    remove,
    upsert,
)
from supervision_audit.sync.tables import (
    LOG,
    decode_row,
    encode_row,
    key_text,
    parse_key,
    replicated,
    rows_by_key,
    table,
)

BATCH_ENTRIES = 500


@dataclass
class Batch:
    first: int
    last: int
    items: list[dict[str, Any]] = field(default_factory=list)
    digest: str = ""

    def wire(self, device: str) -> dict[str, Any]:
        return {"device": device, "first": self.first, "last": self.last,
                "digest": self.digest, "items": self.items}


@dataclass
class Refusal:
    table: str
    key: str
    kind: str
    reason: str


def waiting(conn: Connection) -> int:
    """How many changes wait to go up."""
    return int(conn.exec_driver_sql("SELECT count(*) FROM sync_outbox").scalar() or 0)


def digest_of(conn: Connection, first: int, last: int) -> str:
    """A digest of the outbox's entries ``first`` to ``last``: the server keeps it with its
    answer, so that a laptop asking again can tell its own batch (an answer lost) from
    entries numbered anew (a replica restored from a backup)."""
    digest = hashlib.sha256()
    for row in conn.exec_driver_sql(
            "SELECT seq, tbl, op, row_key, old_row FROM sync_outbox WHERE seq BETWEEN ? AND ? "
            "ORDER BY seq", (first, last)):
        digest.update(json.dumps(list(row)).encode("utf-8"))
    return digest.hexdigest()


def renumber_after(store: Store, last: int) -> None:
    """Number the waiting entries after ``last``, the server's high-water mark for this
    device: a replica restored from a backup numbered its new changes again from where the
    backup stood, and they would be taken for changes already applied."""
    with store.write() as session:
        conn = session.connection()
        low = conn.exec_driver_sql("SELECT min(seq) FROM sync_outbox").scalar()
        if low is None or low > last:
            return
        offset = last - int(low) + 1
        conn.exec_driver_sql("UPDATE sync_outbox SET seq = -seq")
        conn.exec_driver_sql("UPDATE sync_outbox SET seq = -seq + ?", (offset,))
        conn.exec_driver_sql("UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM "
                             "sync_outbox) WHERE name = 'sync_outbox'")


def next_batch(conn: Connection, limit: int = BATCH_ENTRIES) -> Batch | None:
    """The oldest waiting changes as one batch (None: nothing waits)."""
    entries = conn.exec_driver_sql(
        "SELECT seq, tbl, op, row_key, old_row FROM sync_outbox ORDER BY seq LIMIT ?",
        (limit,)).all()
    if not entries:
        return None
    groups: dict[tuple[str, str], list[Any]] = {}
    for entry in entries:
        key = key_text(table(entry.tbl), json.loads(entry.row_key))
        groups.setdefault((entry.tbl, key), []).append(entry)
    order = {t.name: i for i, t in enumerate(replicated())}
    data: list[tuple[tuple[int, int], dict[str, Any]]] = []
    log: list[dict[str, Any]] = []
    for (name, key), group in groups.items():
        t = table(name)
        typed = parse_key(t, key)
        current = rows_by_key(conn, t, [typed]).get(typed)
        if name == LOG:
            if current is not None:
                log.append({"seq": group[-1].seq, "t": name, "op": "I", "k": key,
                            "row": encode_row(t, current)})
            continue
        first = group[0]
        if first.op in ("I", "R"):  # R: held, sent again to a restored server
            if current is None:
                continue  # made and removed before it went up: nothing to send
            op = first.op
        else:
            op = "U" if current is not None else "D"
        old = encode_row(t, decode_row(t, json.loads(first.old_row), hex_bytes=True)) \
            if first.old_row else None
        self_linked = any(fk.column.table is t for fk in t.foreign_keys)
        position = group[-1].seq if self_linked else first.seq
        rank = (order[name], position) if op != "D" else (len(order) * 2 - order[name],
                                                          group[-1].seq)
        data.append((rank, {"seq": group[-1].seq, "t": name, "op": op, "k": key,
                            "row": encode_row(t, current) if current is not None else None,
                            "old": old}))
    items = [item for _rank, item in sorted(data, key=lambda d: d[0])] + log
    first, last = entries[0].seq, entries[-1].seq
    return Batch(first, last, items, digest_of(conn, first, last))


def acknowledge(store: Store, answer: dict[str, Any]) -> list[Refusal]:
    """Take in the server's answer to a batch ending at ``answer["last"]``: those entries
    leave the outbox; each refused change is kept aside and the server's row taken."""
    refused = [Refusal(r["t"], r["k"], r["kind"], r["reason"])
               for r in answer.get("refused", [])]
    with store.write() as session:
        conn = session.connection()
        conn.exec_driver_sql("DELETE FROM sync_outbox WHERE seq <= ?", (int(answer["last"]),))
        if not refused:
            return refused
        with applying(session) as conn:
            for item in answer["refused"]:
                name, key = item["t"], item["k"]
                try:
                    t = table(name)
                except KeyError:
                    continue
                typed = parse_key(t, key)
                local = rows_by_key(conn, t, [typed]).get(typed)
                keep_aside(conn, name, key, item["kind"], item["reason"],
                           encode_row(t, local) if local is not None else None,
                           item.get("server_row"), item.get("op", "U"))
                if name == LOG:
                    continue  # the laptop's own log stays as it is
                drop_pending(conn, name, key)
                server = item.get("server_row")
                if server is not None:
                    upsert(conn, name, decode_row(t, server))
                else:
                    remove(conn, name, typed)
            clear_orphans(conn, pending_keys(conn))
    return refused
