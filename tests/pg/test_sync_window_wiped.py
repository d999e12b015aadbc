"""A laptop's window open while its account is closed on the server: the next background
sync wipes the replica under it, and the window says so and closes, instead of staying open
on a store nothing can read (against a real ``serve`` process and PostgreSQL: only the
server's answer says an account is closed)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from supervision_audit.pg.store import open_pg_store
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import deactivate_account
from supervision_audit.sync.trust import replica_files
from supervision_audit.ui.admin.backup_ui import backup_settings
from supervision_audit.ui.app import create_main_window
from supervision_audit.ui.common import messages
from tests.pg.pg_helpers import create_database, drop_database, running_server
from tests.pg.sync_helpers import NO_VAULT, Laptop, seed

SHOTS = os.environ.get("SUPERVISION_AUDIT_SHOTS")


@dataclass
class Org:
    base: str
    db: str
    ids: dict[str, uuid.UUID]


@pytest.fixture(scope="module")
def org(pg_server: str, pg_template: str) -> Iterator[Org]:
    db = create_database(pg_server, pg_template)
    try:
        ids = seed(db)
        with running_server(db) as (base, _process):
            yield Org(base, db, ids)
    finally:
        drop_database(db)


def test_the_window_says_its_replica_was_wiped_and_closes(
        qtbot, org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        isolated_qsettings: Path) -> None:
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "show_critical",
                        lambda _parent, title, text: told.append((title, text)))
    ben = Laptop(tmp_path / "ben.sqlite", "ben", org.base)
    ben.create()
    with ben.opened() as found:
        window = create_main_window(found.store, found.actor)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        control = window.sync_control
        assert control is not None
        qtbot.waitUntil(lambda: control.job is None, timeout=60_000)  # synced on start
        assert told == [] and window.isVisible()
        window.sync_control.open_status()  # a dialog open on the store meanwhile
        status_dialog = window.dialog
        assert status_dialog is not None and status_dialog.isVisible()

        store = open_pg_store(org.db)
        try:
            with store.write() as session:
                deactivate_account(session, SYSTEM_ACTOR, NO_VAULT, "ben")
        finally:
            store.close()
        window.activateWindow()
        QTest.keyClick(window, Qt.Key.Key_F9)  # Sync now
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=60_000)

    [(title, text)] = told
    assert title == "This laptop's replica was wiped"
    assert "This account has been closed." in text
    assert "(ben.sqlite) has been wiped from it" in text
    assert not status_dialog.isVisible()
    assert not window.sign_in_again  # nothing left here to sign in to
    assert not control.timer.isActive() and not control.now_action.isEnabled()
    assert "Replica wiped: " in control.label.text()
    assert [p for p in replica_files(ben.path) if p.exists()] == []
    # no backup of the wiped store was taken as the window closed
    folder = backup_settings().folder
    assert not folder.exists() or not any(folder.iterdir())
    assert window.auto_backup.last_error == ""
