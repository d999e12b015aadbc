"""The README's backup of the organisation's database: pg_dump, then pg_restore into an
empty database, gives back every record with its signatures fitting, the log's chain intact
and the locks in force."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlmodel import select

from supervision_audit.models import Signature
from supervision_audit.pg.store import PgStore, open_pg_store
from supervision_audit.services.events import verify_chain
from supervision_audit.services.integrity import signature_problems
from tests.pg.pg_helpers import libpq_url
from tests.record_helpers import signed_record


def _tool(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    assert found, f"{name} is part of PostgreSQL's client programs"
    return found


def test_a_dump_restores_into_an_empty_database_whole_and_locked(
        pg_store: PgStore, pg_url: str, pg_empty_url: str, people: dict[str, uuid.UUID],
        tmp_path: Path) -> None:
    with pg_store.write() as s:
        record = signed_record(s, "P1", date(2025, 2, 3))
    dump = tmp_path / "audit.dump"
    subprocess.run([_tool("pg_dump"), "-Fc", "-f", str(dump), libpq_url(pg_url)], check=True)
    subprocess.run([_tool("pg_restore"), "--exit-on-error", "-d", libpq_url(pg_empty_url),
                    str(dump)], check=True)
    restored = open_pg_store(pg_empty_url)
    try:
        with restored.read() as s:
            signatures = s.exec(select(Signature)).all()
            assert {x.record_id for x in signatures} == {record.id}
            assert signature_problems(s, "record", record.id) == []
            assert verify_chain(s).intact
    finally:
        restored.close()
    with psycopg.connect(libpq_url(pg_empty_url), autocommit=True) as conn, \
            pytest.raises(psycopg.errors.IntegrityError, match="final record"):
        conn.execute("DELETE FROM supervision_record WHERE id = %s", (record.id,))
