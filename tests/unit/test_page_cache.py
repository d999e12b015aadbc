"""Each pooled connection keeps a small page cache; an organisation-wide read lifts its own
while it runs and gives the pages back when it is done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from supervision_audit import db
from supervision_audit.db import open_store
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import visible_staff
from supervision_audit.services.staff import StaffInput, find_by_staff_id, save_staff


def _cache_kib(raw: Any) -> int:
    return -int(raw.execute("PRAGMA cache_size").fetchone()[0])


def test_connections_cache_little_and_give_back_after_a_wide_read(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store.sqlite")
    try:
        with store.write() as session:
            for i in range(50):
                save_staff(session, SYS, StaffInput(f"S{i}", f"Person {i}"))
        statements: list[str] = []
        with store.read() as session:
            raw = session.connection().connection.driver_connection
            raw.set_trace_callback(statements.append)
            assert _cache_kib(raw) == db.PAGE_CACHE_KIB
            find_by_staff_id(session, "S1")  # one person: not organisation-wide
            assert _cache_kib(raw) == db.PAGE_CACHE_KIB
        assert "PRAGMA shrink_memory" not in statements
        with store.read() as session:
            assert session.connection().connection.driver_connection is raw, \
                "the connection used last serves next (its cache is warm)"
            assert len(visible_staff(session, SYS)) == 50  # organisation-wide (db.memo)
            assert _cache_kib(raw) == db.WIDE_CACHE_KIB
        assert "PRAGMA shrink_memory" in statements, "its pages were given back"
        assert _cache_kib(raw) == db.PAGE_CACHE_KIB
        raw.set_trace_callback(None)
    finally:
        store.close()
