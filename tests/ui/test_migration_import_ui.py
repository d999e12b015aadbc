"""The administrator's migration role in the window: Admin > Import historical monitoring
sheets… brings in a past sheet for someone in any team, says what came in line by line, and
is not offered to anyone without that role."""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlmodel import select

from supervision_audit.demo import acting_as
from supervision_audit.models import EventLog, SupervisionSession
from supervision_audit.services.staff import StaffInput, find_by_staff_id, save_staff
from supervision_audit.ui.app import create_main_window
from supervision_audit.ui.monitoring import migration_import
from supervision_audit.ui.monitoring.migration_import import MigrationResultDialog
from supervision_audit.ui.monitoring.monitoring_files import ImportProblemsDialog
from tests.ui.signed_in import actor_of

SHOTS = os.environ.get("SUPERVISION_AUDIT_SHOTS")
MENU = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing|"
                                 "propagateSizeHints)")
HEADERS = ("Date", "Time", "Completed/Postponed", "Date Rescheduled for",
           "Any comments / Reasons for postponement")


@pytest.fixture
def open_as(qtbot, store, people):
    with store.write() as s:
        save_staff(s, acting_as(s, people["S1"]), StaffInput(
            "X1", "Alex Admin", "Systems Administrator", role="other"))

    def make(staff_id: str, **extra):
        window = create_main_window(store, actor_of(store, staff_id, **extra))
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        qtbot.waitExposed(window)
        return window
    return make


def _sheet(path: Path, supervisee: str, supervisor: str,
           lines: list[tuple[object, ...]]) -> Path:
    """A monitoring sheet in the paper layout, as kept before the app."""
    book = Workbook()
    ws = book.active
    ws.title = "Ben 2024"
    ws.append(["Supervisee:", supervisee, "Supervisor:", supervisor])
    ws.append([])
    ws.append(list(HEADERS))
    for line in lines:
        ws.append(list(line))
    book.save(path)
    return path


def _click_admin_action(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Admin > Import historical monitoring sheets…, by the mouse."""
    menu = window.admin_menu
    action = window.migrate_monitoring_action
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(menu)
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton,
                     pos=menu.actionGeometry(action).center())


@MENU
def test_an_administrator_imports_a_sheet_for_someone_in_another_team(
        qtbot, store, open_as, tmp_path, monkeypatch) -> None:
    workbook = _sheet(tmp_path / "Ben Carter 2024.xlsx", "P10", "M2", [
        (date(2024, 1, 10), time(10, 0), "Completed", None, "Caseload reviewed"),
        (date(2024, 2, 7), time(14, 0), "Postponed", date(2024, 2, 14), "Court hearing"),
    ])
    monkeypatch.setattr(migration_import, "choose_import_path", lambda _p, _d: workbook)
    window = open_as("X1", is_admin=True)
    action = window.migrate_monitoring_action
    assert action.isVisible() and action in window.admin_menu.actions()
    _click_admin_action(qtbot, window)
    qtbot.waitUntil(lambda: isinstance(window.dialog, MigrationResultDialog))
    dialog = window.dialog
    assert dialog.isVisible()
    assert dialog.status.text().startswith(
        "Imported Ben Carter 2024.xlsx as historical monitoring sheets: 1 sheet, 2 added, "
        "0 updated.")
    table = dialog.table
    shown = [[table.item(r, c).text() for c in range(table.columnCount())]
             for r in range(table.rowCount())]
    assert shown == [
        ["Ben Carter", "P10", "10/01/2024", "10:00", "Completed", "", "Caseload reviewed"],
        ["Ben Carter", "P10", "07/02/2024", "14:00", "Postponed", "14/02/2024",
         "Court hearing"]]
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "migration_result.png"))
    with store.read() as session:
        ben = find_by_staff_id(session, "P10")
        assert ben is not None
        rows = session.exec(select(SupervisionSession).where(
            SupervisionSession.supervisee_id == ben.id).order_by(
            SupervisionSession.planned_date)).all()
        assert [(r.planned_date, r.status) for r in rows] == [
            (date(2024, 1, 10), "completed"), (date(2024, 2, 7), "postponed")]
        logged = session.exec(select(EventLog).where(
            EventLog.action == "monitoring.migrate")).all()
        assert len(logged) == 2 and all("migration role by Alex Admin" in e.detail
                                        for e in logged)


@MENU
def test_a_sheet_with_problems_is_listed_and_nothing_is_written(
        qtbot, store, open_as, tmp_path, monkeypatch) -> None:
    workbook = _sheet(tmp_path / "bad.xlsx", "P10", "M2", [
        (date(2024, 1, 10), time(10, 0), "Completed", None, "Fine"),
        (date(2024, 2, 7), time(14, 0), "Postponed", None, ""),  # no reason given
    ])
    monkeypatch.setattr(migration_import, "choose_import_path", lambda _p, _d: workbook)
    window = open_as("X1", is_admin=True)
    _click_admin_action(qtbot, window)
    qtbot.waitUntil(lambda: isinstance(window.dialog, ImportProblemsDialog))
    assert "Nothing was imported" in window.dialog.status.text()
    with store.read() as session:
        ben = find_by_staff_id(session, "P10")
        assert ben is not None
        assert session.exec(select(SupervisionSession).where(
            SupervisionSession.supervisee_id == ben.id)).all() == []


@pytest.mark.parametrize("staff_id", ["M1", "S1", "P1"])
def test_no_one_else_is_offered_the_migration_role(open_as, staff_id: str) -> None:
    window = open_as(staff_id)
    assert not window.migrate_monitoring_action.isVisible()
