from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from supervision_audit.db import Store, open_store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "unit.sqlite"


@pytest.fixture
def unit_store(db_path: Path) -> Iterator[Store]:
    store = open_store(db_path)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its lowest cost: the tests check behaviour, not the hardness of the hash."""
    from supervision_audit.security.keyring import KdfParams
    from supervision_audit.security.passwords import Costs

    monkeypatch.setattr(Costs, "kdf", KdfParams(time_cost=1, memory_cost=8, parallelism=1))
