"""Sync in the window of a laptop's replica, against a real server process: it syncs on
start and on demand in the background, the status bar says where it stands, and a change
the server did not take is shown with the laptop's version beside the server's, to be put
right there."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from supervision_audit.db import open_store
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.records import save_draft, start_record
from supervision_audit.ui.app import create_main_window
from supervision_audit.ui.window.sync_panel import SyncStatusDialog
from tests.pg.pg_helpers import create_database, drop_database, running_server
from tests.pg.sync_helpers import Laptop, seed, server_rows
from tests.ui.driving import click_row

SHOTS = os.environ.get("SUPERVISION_AUDIT_SHOTS")  # a folder: the screens are saved there


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


def _window(qtbot, found):  # type: ignore[no-untyped-def]
    window = create_main_window(found.store, found.actor)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _synced(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.sync_control.job is None, timeout=60_000)


def test_a_conflict_is_shown_side_by_side_and_put_right_in_the_window(
        qtbot, org: Org, tmp_path: Path) -> None:
    first = Laptop(tmp_path / "mia-a.sqlite", "mia", org.base)
    second = Laptop(tmp_path / "mia-b.sqlite", "mia", org.base)
    first.create()
    with first.writing() as (session, actor):
        draft = start_record(session, actor, form_key="individual", held_on=date(2025, 9, 1),
                             supervisee_uuid=org.ids["P2"])
        record_id, base = draft.id, dict(draft.values)
    first.sync()
    second.create()
    with second.writing() as (session, actor):
        save_draft(session, actor, record_id, {**base, "casework": "Typed on laptop B"})
    second.sync()
    with first.writing() as (session, actor):  # offline, the same draft
        save_draft(session, actor, record_id, {**base, "casework": "Typed on laptop A"})
    with first.opened() as found:
        window = _window(qtbot, found)
        try:
            control = window.sync_control
            assert control is not None
            _synced(qtbot, window)  # it synced on start, in the background
            assert "1 not taken" in control.label.text()
            menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
            assert menus[-2:] == ["Sync", "Help"]
            dialog = control.open_status()
            assert isinstance(dialog, SyncStatusDialog)
            assert dialog.table.rowCount() == 1
            assert dialog.table.item(0, 1).text() == "changed on the server too"
            click_row(dialog.table, "changed on the server too", 1)
            assert dialog.mine.toPlainText() == "Discussion: Typed on laptop A"
            assert dialog.theirs.toPlainText() == "Discussion: Typed on laptop B"
            if SHOTS:
                dialog.grab().save(str(Path(SHOTS) / "sync-status.png"))
                window.grab().save(str(Path(SHOTS) / "sync-window.png"))
            QTest.mouseClick(dialog.mine_button, Qt.MouseButton.LeftButton)
            assert dialog.table.rowCount() == 0
            assert "goes to the server at the next sync" in dialog.message.text()
            QTest.mouseClick(control.button, Qt.MouseButton.LeftButton)  # sync now
            assert control.job is not None
            _synced(qtbot, window)
            assert control.error == "" and "not taken" not in control.label.text()
            assert control.label.text().startswith("Synced ")
            dialog.close()
        finally:
            window.close()
    (values,), = server_rows(org.db, 'SELECT "values" FROM supervision_record WHERE id = %s',
                             record_id)
    assert values["casework"] == "Typed on laptop A"


def test_a_window_without_its_server_says_so_and_keeps_working(
        qtbot, org: Org, tmp_path: Path) -> None:
    laptop = Laptop(tmp_path / "pat.sqlite", "pat", org.base)
    laptop.create()
    with laptop.raw() as store, store.write() as session:  # the server has moved away
        session.connection().exec_driver_sql(
            "UPDATE sync_state SET value = 'http://127.0.0.1:9' WHERE key = 'server'")
    with laptop.opened() as found:
        window = _window(qtbot, found)
        try:
            _synced(qtbot, window)
            control = window.sync_control
            assert control is not None and "could not be reached" in control.error
            assert "Not synced: The server http://127.0.0.1:9 could not be reached" in \
                control.label.text()
            click_row(window.staff_page.view, "Pat Worker")  # the file is there, offline
            assert window.file_view.file is not None
        finally:
            window.close()


def test_a_standalone_stores_window_has_no_sync(qtbot, tmp_path: Path) -> None:
    store = open_store(tmp_path / "standalone.sqlite")
    try:
        window = create_main_window(store, SYSTEM_ACTOR)
        qtbot.addWidget(window)
        assert window.sync_control is None
        assert "Sync" not in [a.text().replace("&", "") for a in window.menuBar().actions()]
        window.close()
    finally:
        store.close()
