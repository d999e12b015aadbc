"""Fixtures shared by every test: a fresh store, a small organisation, private Qt settings.

Qt is told to draw off screen before anything imports it, so the UI tests run anywhere.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from supervision_audit.db import Store, open_store  # noqa: E402
from supervision_audit.services.access import SYSTEM_ACTOR, Actor  # noqa: E402
from supervision_audit.services.staff import StaffInput, save_staff  # noqa: E402

SEED_DAY = date(2025, 1, 6)

# Qt's off-screen platform (used for tests) cannot pass a window's size limits on and warns
# each time a window with a layout is shown; the warning says nothing about the app.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


# staff id, name, job title, team, role, supervisor's staff id, employment start, ASYE start
ORGANISATION: tuple[tuple[str, str, str, str, str, str, date | None, date | None], ...] = (
    ("S1", "Sam Head", "Head of Service", "Leadership", "senior_manager", "", None, None),
    ("M1", "Mia Manager", "Team Manager", "Assessment", "team_manager", "S1", None, None),
    ("M2", "Omar Hussain", "Team Manager", "Children in Care", "team_manager", "S1", None, None),
    ("P1", "Pat Worker", "Social Worker", "Assessment", "practitioner", "M1",
     date(2024, 3, 1), None),
    ("P2", "Łucja Żak", "Senior Social Worker", "Assessment", "practitioner", "M1",
     date(2019, 10, 14), None),
    ("P3", "Aisha Rahman", "Social Worker (ASYE)", "Children in Care", "asye", "M2",
     date(2024, 9, 2), date(2024, 9, 2)),
    ("P10", "Ben Carter", "Social Worker", "Children in Care", "practitioner", "M2",
     date(2022, 5, 9), None),
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty database in the test's own folder."""
    opened = open_store(tmp_path / "t.sqlite")
    yield opened
    _finish_background_jobs()
    opened.close()


def _finish_background_jobs() -> None:
    """A UI test may leave a job running (a read the window abandoned): stop it and let it
    end before its store is closed, so that no test's work runs on into the next."""
    workers = sys.modules.get("supervision_audit.ui.common.workers")
    if workers is not None:
        workers.stop_all(timeout_ms=10_000, read_wait_ms=10_000)


@pytest.fixture
def people(store: Store) -> dict[str, uuid.UUID]:
    """A small organisation saved through the service; staff id -> the person's UUID."""
    ids: dict[str, uuid.UUID] = {}
    with store.write() as session:
        for staff_id, name, title, team, role, boss, start, asye in ORGANISATION:
            person = save_staff(session, SYSTEM_ACTOR, StaffInput(
                staff_id, name, title, team=team, role=role, supervisor_staff_id=boss,
                employment_start=start, asye_start=asye, location="Oldbury",
                email=f"{staff_id.lower()}@example.org", phone="0121 000 0000"), today=SEED_DAY)
            ids[staff_id] = person.id
    return ids


@pytest.fixture
def actor() -> Actor:
    """Who the tests act as: the app itself, which may do everything (access rules have
    tests of their own)."""
    return SYSTEM_ACTOR


@pytest.fixture
def isolated_qsettings(tmp_path: Path) -> Iterator[Path]:
    """Point every QSettings file at a folder of the test's own (never the user's)."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "qsettings"
    folder.mkdir()
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    yield folder


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data directory (demo store, certificate) in a folder of the test's own."""
    from supervision_audit import paths

    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setattr(paths, "data_dir", lambda: folder)
    return folder


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its lowest cost: tests check behaviour, not the hardness of the hash."""
    from supervision_audit.security.keyring import KdfParams
    from supervision_audit.security.passwords import Costs

    monkeypatch.setattr(Costs, "kdf", KdfParams(time_cost=1, memory_cost=8, parallelism=1))
