"""The unit tests' stores. A test (or module) marked ``both_engines`` whose store is
``unit_store`` runs twice: on a SQLite file and on PostgreSQL (a fresh database on the server
named in SUPERVISION_AUDIT_TEST_PG, which scripts/run-tests.sh starts). Without that server
the PostgreSQL run is skipped, saying so; every other test runs on SQLite only."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supervision_audit.db import open_store

PG_ENV = "SUPERVISION_AUDIT_TEST_PG"
ENGINES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_engines: run on SQLite and on PostgreSQL (the "
                                       f"latter when {PG_ENV} names a server)")
    config.addinivalue_line("markers", "sqlite_only: in a both_engines module, SQLite only")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marked = metafunc.definition.get_closest_marker
    if "engine" in metafunc.fixturenames and marked("both_engines") is not None \
            and marked("sqlite_only") is None:
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The store's engine: SQLite, or (a ``both_engines`` test's second run) PostgreSQL."""
    name = getattr(request, "param", "sqlite")
    if name == "postgresql" and not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL run: {PG_ENV} names no server (scripts/run-tests.sh starts "
                    "one; scripts/test-services.sh start, by hand)")
    return str(name)


@pytest.fixture(scope="session")
def pg_unit_template() -> Iterator[str]:
    """A database at this build's schema, migrated once, that each test's database copies."""
    from sqlalchemy.engine import make_url

    from supervision_audit.pg.store import open_pg_store
    from tests.pg.pg_helpers import create_database, drop_database

    url = create_database(os.environ[PG_ENV])
    open_pg_store(url).close()
    yield str(make_url(url).database)
    drop_database(url)


def _opened(engine: str, path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    if engine == "sqlite":
        store = open_store(path)
        yield store
        store.close()
        return
    from supervision_audit.pg.store import open_pg_store
    from tests.pg.pg_helpers import create_database, drop_database

    url = create_database(os.environ[PG_ENV], request.getfixturevalue("pg_unit_template"))
    store = open_pg_store(url, pool_size=2, max_overflow=2)
    try:
        yield store
    finally:
        store.close()
        drop_database(url)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "unit.sqlite"


@pytest.fixture
def unit_store(engine: str, db_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh, empty store: a SQLite file at ``db_path``, or a PostgreSQL database."""
    yield from _opened(engine, db_path, request)


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its lowest cost: the tests check behaviour, not the hardness of the hash."""
    from supervision_audit.security.keyring import KdfParams
    from supervision_audit.security.passwords import Costs

    monkeypatch.setattr(Costs, "kdf", KdfParams(time_cost=1, memory_cost=8, parallelism=1))
