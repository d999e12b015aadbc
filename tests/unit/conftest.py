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
