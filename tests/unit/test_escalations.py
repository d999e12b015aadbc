"""R2 escalations as a manager sees them: imported sheets, rebooked sessions that never take
place, and misses that stay until they are reported."""

from __future__ import annotations

from datetime import date, time

import pytest
from openpyxl import Workbook

from supervision_audit.db import open_store
from supervision_audit.policy import escalation, rescheduled_outcome
from supervision_audit.services import monitoring_xlsx
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.compliance import compute
from supervision_audit.services.monitoring_xlsx import import_monitoring
from supervision_audit.services.sessions import (
    miss_session,
    monitoring_sheet,
    plan_year,
    record_reported,
    sessions_of,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

D = date
HEADERS = ["Date", "Time", "Completed/Postponed", "Date Rescheduled for",
           "Any comments / Reasons for postponement"]


def _people(s) -> None:
    save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
    save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1",
                                  employment_start=D(2024, 1, 1)))


@pytest.fixture
def org(unit_store):
    with unit_store.write() as s:
        _people(s)
    return unit_store


def _workbook(path):
    """Pat's sheet: February's miss rebooked and held; March's rebooked and never held."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Supervisee:", "P1", "Supervisor:", "M1"])
    ws.append([])
    ws.append(HEADERS)
    for row in ([D(2026, 1, 5), time(10), "Completed", None, ""],
                [D(2026, 2, 2), time(10), "Postponed", D(2026, 2, 10), "Court"],
                [D(2026, 2, 10), time(10), "Completed", None, ""],
                [D(2026, 3, 2), time(10), "Postponed", D(2026, 3, 9), "Sickness"],
                [D(2026, 3, 9), time(10), None, None, ""]):
        ws.append(row)
    wb.save(path)
    return path


class _Day(date):
    """``date`` whose today() is a chosen day (the import's "today")."""

    chosen = D(2026, 1, 1)

    @classmethod
    def today(cls):  # type: ignore[override]
        return cls.chosen


def _imported_on(tmp_path, name, today, monkeypatch):
    monkeypatch.setattr(_Day, "chosen", today)
    monkeypatch.setattr(monitoring_xlsx, "date", _Day)
    store = open_store(tmp_path / f"{name}.sqlite")
    with store.write() as s:
        _people(s)
        import_monitoring(s, SYS, _workbook(tmp_path / f"{name}.xlsx"))
    monkeypatch.undo()
    with store.read() as s:
        answer = [r.as_json() for r in compute(s, D(2026, 4, 1))]
        recorded = [(r.planned_date, r.rescheduled_recorded_on)
                    for r in sessions_of(s, get_by_staff_id(s, "P1").id) if r.rescheduled_for]
    store.close()
    return answer, recorded


def test_the_same_sheet_imported_on_different_days_gives_the_same_compliance(
        tmp_path, monkeypatch) -> None:
    early, early_dates = _imported_on(tmp_path, "early", D(2026, 2, 10), monkeypatch)
    late, late_dates = _imported_on(tmp_path, "late", D(2026, 9, 1), monkeypatch)
    assert early == late
    # the new dates were noted at the misses, whatever the day of the import
    assert early_dates == late_dates == [(D(2026, 2, 2), D(2026, 2, 2)),
                                         (D(2026, 3, 2), D(2026, 3, 2))]
    pat = next(r for r in late if r["staff_id"] == "P1")
    # February's miss was rebooked in time and held: nothing to report. March's rebooked
    # session (9 March) never took place: reported by missed date + 14 days
    assert pat["escalations"] == [{"missed_date": "2026-03-02", "report_due": "2026-03-16",
                                   "reported_on": None, "overdue": True}]


def test_a_new_date_entered_in_the_app_keeps_the_day_it_was_entered(org, tmp_path) -> None:
    with org.write() as s:
        pat = get_by_staff_id(s, "P1").id
        first = plan_year(s, SYS, pat, D(2026, 3, 2), 0, time(10), months=1)[0]
        miss_session(s, SYS, first.id, status="postponed", reason="Sickness",
                     rescheduled_for=D(2026, 3, 9), today=D(2026, 3, 20))
    with org.write() as s:  # the same new date on a sheet: the app's day stands
        import_monitoring(s, SYS, _workbook(tmp_path / "m.xlsx"))
        row = next(r for r in sessions_of(s, pat) if r.planned_date == D(2026, 3, 2))
        assert row.rescheduled_recorded_on == D(2026, 3, 20)


@pytest.mark.parametrize(("status", "day", "on", "expected"), [
    ("completed", D(2026, 3, 9), D(2026, 3, 20), True),
    ("postponed", D(2026, 3, 9), D(2026, 3, 20), False),
    ("cancelled", D(2026, 3, 9), D(2026, 3, 20), False),
    ("planned", D(2026, 3, 9), D(2026, 3, 20), False),  # its date passed, never held
    (None, D(2026, 3, 9), D(2026, 3, 20), False),  # no session booked for the new date
    ("planned", D(2026, 3, 9), D(2026, 3, 9), None),  # today: may still take place
    ("planned", D(2026, 3, 9), D(2026, 3, 5), None),  # still ahead
    ("completed", D(2026, 3, 9), D(2026, 3, 5), None),  # as of before it took place
    ("postponed", D(2026, 3, 9), D(2026, 3, 5), None),
])
def test_what_became_of_a_rescheduled_session(status, day, on, expected) -> None:
    assert rescheduled_outcome(status, day, on) is expected


def test_a_rebooked_session_that_never_happens_escalates_by_missed_date_plus_14(org) -> None:
    with org.write() as s:
        pat = get_by_staff_id(s, "P1").id
        first = plan_year(s, SYS, pat, D(2026, 3, 2), 0, time(10), months=1)[0]
        miss_session(s, SYS, first.id, status="postponed", reason="Sickness",
                     rescheduled_for=D(2026, 3, 9), today=D(2026, 3, 2))

    def both(on):
        with org.read() as s:
            sheet = monitoring_sheet(s, SYS, pat, on=on)[0].escalation
            row = next(r for r in compute(s, on) if r.staff_id == "P1")
        return sheet, row.escalations

    for on in (D(2026, 3, 5), D(2026, 3, 9)):  # the new date is ahead, or today
        assert both(on) == (None, [])
    sheet, listed = both(D(2026, 3, 10))  # passed with nothing recorded: escalates
    assert (sheet.report_due, sheet.overdue) == (D(2026, 3, 16), False)
    assert listed == [{"missed_date": "2026-03-02", "report_due": "2026-03-16",
                       "reported_on": None, "overdue": False}]
    sheet, listed = both(D(2026, 3, 17))
    assert sheet.overdue and listed[0]["overdue"] is True


def test_an_unreported_miss_never_ages_out(org) -> None:
    with org.write() as s:
        pat = get_by_staff_id(s, "P1").id
        first = plan_year(s, SYS, pat, D(2024, 2, 5), 0, time(10), months=1)[0]
        miss_session(s, SYS, first.id, status="cancelled", reason="Court")
    expected = {"missed_date": "2024-02-05", "report_due": "2024-02-19", "reported_on": None,
                "overdue": True}
    with org.read() as s:
        for on in (D(2024, 3, 1), D(2025, 3, 1), D(2026, 11, 30)):
            row = next(r for r in compute(s, on) if r.staff_id == "P1")
            assert row.escalations == [expected], on
    with org.write() as s:
        record_reported(s, SYS, first.id, D(2026, 11, 30))
    with org.read() as s:
        rows = {on: next(r for r in compute(s, on) if r.staff_id == "P1").escalations
                for on in (D(2026, 11, 1), D(2026, 12, 1))}
    # as of a day before the report it was still open; once reported (and that long ago)
    # it has left the list
    assert rows[D(2026, 11, 1)] == [expected]
    assert rows[D(2026, 12, 1)] == []


def test_the_rule_itself_keeps_an_old_miss() -> None:
    found = escalation(D(2020, 1, 6), rescheduled_for=None, rescheduled_recorded_on=None,
                       rescheduled_held=None, reported_on=None, on=D(2026, 1, 6))
    assert found is not None and found.overdue and found.report_due == D(2020, 1, 20)
