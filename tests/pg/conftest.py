"""A real PostgreSQL server for the organisation-store tests, and a fresh database for each.

``scripts/run-tests.sh`` starts a throwaway server (``scripts/test-services.sh``) and names it
in SUPERVISION_AUDIT_TEST_PG. Run on their own, these tests start one the same way; they are
skipped only when there is no server and this account is not root (CI runs as root, so they
run there).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from supervision_audit.pg.store import PgStore, open_pg_store
from tests.pg.pg_helpers import ROOT, create_database, drop_database, libpq_url


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database (``postgres``)."""
    url = os.environ.get("SUPERVISION_AUDIT_TEST_PG")
    if url:
        yield url
        return
    started = subprocess.run(["bash", str(ROOT / "scripts" / "test-services.sh"), "start"],
                             capture_output=True, text=True)
    found = dict(line.removeprefix("export ").split("=", 1)
                 for line in started.stdout.splitlines() if "=" in line)
    if started.returncode != 0 or "SUPERVISION_AUDIT_TEST_PG" not in found:
        if os.geteuid() != 0:
            pytest.skip("no PostgreSQL server (set SUPERVISION_AUDIT_TEST_PG, or install "
                        "postgresql-15): " + started.stderr.strip())
        raise RuntimeError("could not start PostgreSQL for the tests: " + started.stderr)
    try:
        yield found["SUPERVISION_AUDIT_TEST_PG"]
    finally:
        subprocess.run(["bash", str(ROOT / "scripts" / "test-services.sh"), "stop",
                        found["SUPERVISION_AUDIT_TEST_PG_DIR"]], check=False)


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A database at this build's schema, migrated once, that the tests' databases copy."""
    url = create_database(pg_server)
    open_pg_store(url).close()
    name = make_url(url).database
    yield str(name)
    drop_database(url)


@pytest.fixture
def pg_empty_url(pg_server: str) -> Iterator[str]:
    """A new, empty database on the server; dropped after the test."""
    url = create_database(pg_server)
    yield url
    drop_database(url)


@pytest.fixture
def pg_url(pg_server: str, pg_template: str) -> Iterator[str]:
    """A new database at this build's schema (nothing in it); dropped after the test."""
    url = create_database(pg_server, pg_template)
    yield url
    drop_database(url)


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[PgStore]:
    """The organisation's store on that database, at this build's schema."""
    store = open_pg_store(pg_url)
    yield store
    store.close()


@pytest.fixture
def raw(pg_url: str, pg_store: PgStore) -> Iterator[psycopg.Connection]:
    """A plain psycopg connection to the same database: going around the app."""
    with psycopg.connect(libpq_url(pg_url), autocommit=True) as conn:
        yield conn


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its lowest cost: the tests check behaviour, not the hardness of the hash."""
    from supervision_audit.security.keyring import KdfParams
    from supervision_audit.security.passwords import Costs

    monkeypatch.setattr(Costs, "kdf", KdfParams(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def store(pg_store: PgStore) -> PgStore:
    """The tests' ``store`` is the PostgreSQL one here: the shared fixtures (``people``)
    and helpers write to it through the same services."""
    return pg_store
