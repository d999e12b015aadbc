"""Monitoring sheets in Excel both ways, schedules as iCalendar, records as PDF."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from icalendar import Calendar
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from supervision_audit.errors import ValidationError
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.monitoring_xlsx import export_monitoring, import_monitoring
from supervision_audit.services.record_export import (
    export_monitoring_pdf,
    export_record_pdf,
    export_schedule_ics,
)
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.sessions import (
    miss_session,
    monitoring_sheet,
    plan_year,
    sessions_of,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

D = date
HEADERS = ["Date", "Time", "Completed/Postponed", "Date Rescheduled for",
           "Any comments / Reasons for postponement"]


@pytest.fixture
def org(unit_store):
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        save_staff(s, SYS, StaffInput("P1", "Łucja Żak", supervisor_staff_id="M1"))
        save_staff(s, SYS, StaffInput("P2", "Pat Worker", supervisor_staff_id="M1"))
        p1 = get_by_staff_id(s, "P1").id
        planned = plan_year(s, SYS, p1, D(2026, 1, 5), 0, time(10), months=4)
        record = start_record(s, SYS, form_key="individual", held_on=D(2026, 1, 5),
                              session_id=planned[0].id)
        complete_record(s, SYS, record.id, {**record.values, "start_time": "10:00",
                                            "end_time": "11:30", "welcome": "Well."})
        miss_session(s, SYS, planned[1].id, status="postponed", reason="Court",
                     rescheduled_for=D(2026, 2, 12), today=D(2026, 2, 9))
        miss_session(s, SYS, planned[2].id, status="cancelled", reason="Sickness")
    return unit_store


def _entries(store, staff_id):
    with store.read() as s:
        return [(r.planned_date, r.planned_time, r.status, r.rescheduled_for, r.comments)
                for r in monitoring_sheet(s, SYS, get_by_staff_id(s, staff_id).id)]


def test_export_is_the_paper_layout(org, tmp_path) -> None:
    with org.write() as s:
        export_monitoring(s, SYS, [get_by_staff_id(s, "P1").id], tmp_path / "m.xlsx")
    ws = load_workbook(tmp_path / "m.xlsx").worksheets[0]
    assert [ws["A1"].value, ws["B1"].value, ws["C1"].value, ws["D1"].value] == [
        "Supervisee:", "Łucja Żak", "Supervisor:", "Mia Manager"]
    assert [c.value for c in ws[3]][:5] == HEADERS
    assert ws["A4"].value.date() == D(2026, 1, 5) and ws["C4"].value == "Completed"
    assert ws["C5"].value == "Postponed" and ws["D5"].value.date() == D(2026, 2, 12)
    assert ws["E5"].value == "Court" and ws["C7"].value == "Cancelled"


def test_export_then_import_gives_back_the_same_entries(org, tmp_path) -> None:
    before = _entries(org, "P1")
    with org.write() as s:
        export_monitoring(s, SYS, [get_by_staff_id(s, "P1").id], tmp_path / "m.xlsx")
    with org.write() as s:  # into the same store: matched by date, nothing duplicated
        result = import_monitoring(s, SYS, tmp_path / "m.xlsx")
    assert result.created == 0 and result.updated == 0
    assert _entries(org, "P1") == before


def _stored(store) -> tuple[list[tuple], int]:
    """Every session row, every column, and the length of the event log."""
    from sqlmodel import select

    from supervision_audit.models import EventLog, SupervisionSession

    with store.read() as s:
        rows = sorted(tuple(getattr(r, c) for c in SupervisionSession.model_fields)
                      for r in s.exec(select(SupervisionSession)))
        return rows, len(s.exec(select(EventLog)).all())


def test_importing_an_unchanged_export_changes_nothing(org, tmp_path) -> None:
    with org.write() as s:  # a reason and comments both: the sheet has one column for them
        p1 = get_by_staff_id(s, "P1").id
        extra = plan_year(s, SYS, p1, D(2026, 6, 1), 0, time(14, 30, 15), months=1)[0]
        miss_session(s, SYS, extra.id, status="postponed", reason="Training",
                     comments="Moved by phone", rescheduled_for=D(2026, 6, 20),
                     today=D(2026, 6, 1))
        export_monitoring(s, SYS, [p1], tmp_path / "m.xlsx")
    before = _stored(org)
    with org.write() as s:
        result = import_monitoring(s, SYS, tmp_path / "m.xlsx")
    assert (result.sheets, result.created, result.updated) == (1, 0, 0)
    assert _stored(org) == before


def test_reimport_updates_only_the_entries_that_changed(org, tmp_path) -> None:
    with org.write() as s:
        export_monitoring(s, SYS, [get_by_staff_id(s, "P1").id], tmp_path / "m.xlsx")
    book = load_workbook(tmp_path / "m.xlsx")
    book.worksheets[0]["E7"] = "Sickness (whole team)"
    book.save(tmp_path / "m.xlsx")
    rows_before, log_before = _stored(org)
    with org.write() as s:
        result = import_monitoring(s, SYS, tmp_path / "m.xlsx")
    assert (result.created, result.updated) == (0, 1)
    rows_after, log_after = _stored(org)
    assert len(set(rows_after) - set(rows_before)) == 1 and log_after == log_before + 1
    with org.read() as s:
        cancelled = [r for r in sessions_of(s, get_by_staff_id(s, "P1").id)
                     if r.status == "cancelled"]
    assert [r.reason for r in cancelled] == ["Sickness (whole team)"]


def test_import_into_a_fresh_store_recreates_the_sheet(org, tmp_path) -> None:
    from supervision_audit.db import open_store

    before = _entries(org, "P1")
    with org.write() as s:
        export_monitoring(s, SYS, [get_by_staff_id(s, "P1").id], tmp_path / "m.xlsx")
    fresh = open_store(tmp_path / "fresh.sqlite")
    with fresh.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        save_staff(s, SYS, StaffInput("P1", "Łucja Żak", supervisor_staff_id="M1"))
        result = import_monitoring(s, SYS, tmp_path / "m.xlsx")
    assert result.created == len(before)
    assert _entries(fresh, "P1") == before
    with fresh.read() as s:
        rows = sessions_of(s, get_by_staff_id(s, "P1").id)
        postponed = [r for r in rows if r.status == "postponed"][0]
        assert postponed.rescheduled_session_id == [r for r in rows
                                                    if r.planned_date == D(2026, 2, 12)][0].id
    fresh.close()


def _sheet(tmp_path, head, rows, name="import.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    ws.append([])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(tmp_path / name)
    return tmp_path / name


def test_import_accepts_the_forms_own_ways_of_writing(org, tmp_path) -> None:
    path = _sheet(tmp_path, ["Supervisee:", "P2", "Supervisor:", "Mia Manager"], [
        [datetime(2026, 3, 2), time(9, 30), "completed", None, "Good session"],
        ["16/03/2026", "14:00", "POSTPOND", "20/03/2026", "Supervisor on leave"],
        ["20/03/2026", "14:00", "", None, None],
        [46113, 0.4375, "Cancelled", None, "Training day"],  # spreadsheet serials
    ])
    with org.write() as s:
        result = import_monitoring(s, SYS, path)
    assert (result.sheets, result.created) == (1, 4)
    entries = _entries(org, "P2")
    assert entries[0][:3] == (D(2026, 3, 2), time(9, 30), "completed")
    assert entries[1][2:4] == ("postponed", D(2026, 3, 20))
    assert entries[3][:3] == (D(2026, 4, 1), time(10, 30), "cancelled")


def test_bad_rows_are_named_and_nothing_is_imported(org, tmp_path) -> None:
    path = _sheet(tmp_path, ["Supervisee:", "Nobody Known", "Supervisor:", ""], [
        ["31/02/2026", "10:00", "Completed", None, ""],
        ["02/03/2026", "25:00", "Done-ish", None, ""],
        ["09/03/2026", "10:00", "Postponed", "01/03/2026", ""],
    ])
    with pytest.raises(ValidationError) as caught:
        with org.write() as s:
            import_monitoring(s, SYS, path)
    text = str(caught.value)
    assert "'Nobody Known' is not a member of staff" in text
    assert "row 4" in text and "31/02/2026" in text
    assert "'25:00' is not a time of day" in text and "'Done-ish' is not Completed" in text
    assert "not after the missed date" in text and "needs its reason" in text
    assert _entries(org, "P2") == []


def test_a_sheet_not_in_the_layout_is_refused(org, tmp_path) -> None:
    wb = Workbook()
    wb.active.append(["Name", "Date"])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(ValidationError, match="expected 'Supervisee:' in A1"):
        with org.write() as s:
            import_monitoring(s, SYS, tmp_path / "other.xlsx")


def test_schedule_exports_as_icalendar(org, tmp_path) -> None:
    with org.write() as s:
        export_schedule_ics(s, SYS, get_by_staff_id(s, "P1").id, tmp_path / "s.ics")
    calendar = Calendar.from_ical((tmp_path / "s.ics").read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    starts = sorted(e.decoded("dtstart").replace(tzinfo=None) for e in events)
    assert datetime(2026, 2, 12, 10, 0) in starts  # the rescheduled session
    assert datetime(2026, 1, 5, 10, 0) not in starts  # completed, no longer in the diary
    first = [e for e in events
             if e.decoded("dtstart").replace(tzinfo=None) == datetime(2026, 2, 12, 10, 0)][0]
    assert first.decoded("dtend").replace(tzinfo=None) == datetime(2026, 2, 12, 11, 30)
    assert "Łucja Żak" in str(first.get("summary"))


def test_record_and_monitoring_pdfs_read_back(org, tmp_path) -> None:
    with org.write() as s:
        p1 = get_by_staff_id(s, "P1").id
        from supervision_audit.services.records import records_of

        record = records_of(s, SYS, p1)[0]
        export_record_pdf(s, SYS, record.id, tmp_path / "r.pdf")
        export_monitoring_pdf(s, SYS, p1, tmp_path / "m.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "Individual Standard Supervision" in text and "Łucja Żak" in text
    assert "Well." in text and "Review of last supervision" in text
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "m.pdf").pages)
    assert "Supervision Monitoring Sheet" in text and "Court" in text and "Sickness" in text
