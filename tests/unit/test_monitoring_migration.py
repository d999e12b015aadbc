"""Historical monitoring sheets brought in under the migration role: an administrator may bring
them in for anyone in any team, and each line is logged as brought in that way, by whom; a
team manager still brings in only the sheets of the people she supervises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import col, select

from supervision_audit.models import EventLog, SupervisionSession
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor, PermissionDenied, actor_for
from supervision_audit.services.accounts import add_account
from supervision_audit.services.monitoring_xlsx import MIGRATION_EVENT, import_monitoring
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from tests.record_helpers import plain_vault

pytestmark = pytest.mark.both_engines  # and on PostgreSQL when a server is named

D = date
HEADERS = ["Date", "Time", "Completed/Postponed", "Date Rescheduled for",
           "Any comments / Reasons for postponement"]
LINES = [(D(2024, 1, 8), "10:00", "Completed", None, ""),
         (D(2024, 2, 5), "10:00", "Postponed", D(2024, 2, 12), "Court"),
         (D(2024, 2, 12), "14:00", "Completed", None, ""),
         (D(2024, 3, 4), "", "Cancelled", None, "Sickness")]


@pytest.fixture
def org(unit_store):
    """Two teams: Mia manages Pat; Tom manages Kim; Alex is the administrator, in neither."""
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", team="Assessment Team",
                                      role="team_manager"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", team="Assessment Team",
                                      supervisor_staff_id="M1"))
        save_staff(s, SYS, StaffInput("M2", "Tom Manager", team="Fostering Team",
                                      role="team_manager"))
        save_staff(s, SYS, StaffInput("P2", "Kim Carer", team="Fostering Team",
                                      supervisor_staff_id="M2"))
        save_staff(s, SYS, StaffInput("X1", "Alex Admin", "Systems Administrator", role="other"))
        vault = plain_vault(unit_store)
        for staff_id, username, admin in (("X1", "alex", True), ("M1", "mia", False)):
            add_account(s, vault, get_by_staff_id(s, staff_id).id, username,
                        "a long enough password", is_admin=admin)
    return unit_store


def _actor(store, username: str) -> Actor:
    from supervision_audit.models import UserAccount

    with store.read() as s:
        account = s.exec(select(UserAccount).where(UserAccount.username == username)).one()
        return actor_for(s, account)


def _sheet(path: Path, supervisee: str, supervisor: str) -> Path:
    book = Workbook()
    ws = book.active
    ws.append(["Supervisee:", supervisee, "Supervisor:", supervisor])
    ws.append([])
    ws.append(HEADERS)
    for line in LINES:
        ws.append(list(line))
    book.save(path)
    return path


def _sessions(store, staff_id: str) -> list[tuple[date, str]]:
    with store.read() as s:
        person = get_by_staff_id(s, staff_id)
        return [(r.planned_date, r.status) for r in s.exec(
            select(SupervisionSession).where(SupervisionSession.supervisee_id == person.id)
            .order_by(col(SupervisionSession.planned_date)))]


def _log(store, action: str) -> list[EventLog]:
    with store.read() as s:
        return list(s.exec(select(EventLog).where(EventLog.action == action)
                           .order_by(col(EventLog.seq))))


def test_an_administrator_brings_in_another_teams_sheet_each_line_logged_as_migration(
        org, tmp_path) -> None:
    alex = _actor(org, "alex")
    path = _sheet(tmp_path / "kim-2024.xlsx", "P2", "M2")
    with org.write() as s:
        result = import_monitoring(s, alex, path, migration=True)
    assert (result.sheets, result.created, result.updated) == (1, 4, 0)
    assert _sessions(org, "P2") == [(D(2024, 1, 8), "completed"), (D(2024, 2, 5), "postponed"),
                                    (D(2024, 2, 12), "completed"),
                                    (D(2024, 3, 4), "cancelled")]
    entries = _log(org, MIGRATION_EVENT)
    with org.read() as s:
        kim, ids = get_by_staff_id(s, "P2"), {
            str(r.id): r.planned_date for r in s.exec(select(SupervisionSession))}
        alex_id = get_by_staff_id(s, "X1").id
    assert [ids[e.subject_id] for e in entries] == [line[0] for line in LINES]  # one a line
    assert all(e.actor_username == "alex" and e.actor_staff_id == alex_id
               and e.about_staff_id == kim.id and e.subject_kind == "session"
               for e in entries)
    assert entries[1].detail == ("kim-2024.xlsx: 2024-02-05 postponed; brought in under the "
                                 "migration role by Alex Admin (alex)")
    assert _log(org, "monitoring.import") == []  # not logged as an ordinary import


def test_migration_brings_in_only_what_changed_and_logs_only_that(org, tmp_path) -> None:
    alex = _actor(org, "alex")
    path = _sheet(tmp_path / "kim.xlsx", "P2", "M2")
    with org.write() as s:
        import_monitoring(s, alex, path, migration=True)
    with org.write() as s:  # the same sheet again: nothing written, nothing more logged
        again = import_monitoring(s, alex, path, migration=True)
    assert (again.created, again.updated) == (0, 0)
    assert len(_log(org, MIGRATION_EVENT)) == len(LINES)


def test_without_the_migration_role_the_administrator_is_refused(org, tmp_path) -> None:
    path = _sheet(tmp_path / "kim.xlsx", "P2", "M2")
    with pytest.raises(PermissionDenied, match="Kim Carer"), org.write() as s:
        import_monitoring(s, _actor(org, "alex"), path)
    assert _sessions(org, "P2") == []


def test_a_team_manager_cannot_bring_in_another_teams_person(org, tmp_path) -> None:
    mia = _actor(org, "mia")
    path = _sheet(tmp_path / "kim.xlsx", "P2", "M2")
    with pytest.raises(PermissionDenied, match="Kim Carer"), org.write() as s:
        import_monitoring(s, mia, path)
    with pytest.raises(PermissionDenied, match="migration role"), org.write() as s:
        import_monitoring(s, mia, path, migration=True)
    assert _sessions(org, "P2") == []
    assert _log(org, MIGRATION_EVENT) == []
    with org.write() as s:  # her own supervisee's sheet she still brings in, as before
        import_monitoring(s, mia, _sheet(tmp_path / "pat.xlsx", "P1", "M1"))
    assert len(_sessions(org, "P1")) == len(LINES)
    assert [e.actor_username for e in _log(org, "monitoring.import")] == ["mia"]


@pytest.mark.sqlite_only  # the command line opens the store's file
def test_the_command_line_brings_in_under_the_migration_role(org, tmp_path, monkeypatch,
                                                             capsys) -> None:
    from supervision_audit.cli import main

    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "alex")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "a long enough password")
    path = _sheet(tmp_path / "kim.xlsx", "P2", "M2")
    assert main(["--db", str(org.path), "import-monitoring", str(path)]) == 1
    assert "may not write records in a supervision file for Kim Carer" in capsys.readouterr().err
    assert main(["--db", str(org.path), "import-monitoring", "--migration", str(path)]) == 0
    assert "1 sheet: 4 sessions added" in capsys.readouterr().out
    assert [e.actor_username for e in _log(org, MIGRATION_EVENT)] == ["alex"] * len(LINES)
