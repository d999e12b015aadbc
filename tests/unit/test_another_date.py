"""R1: a completed record written for a session that was never planned ("another date") is
a completed session on its date: it counts, and it appears on the monitoring sheet (the
window's, the workbook's and the PDF's), for records completed from now on and for those
completed before (migration 0009)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from supervision_audit.db import open_store
from supervision_audit.errors import StoreError
from supervision_audit.models import SupervisionRecord, SupervisionSession
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.compliance import compute
from supervision_audit.services.documents import monitoring_values
from supervision_audit.services.monitoring_xlsx import export_monitoring
from supervision_audit.services.records import complete_record, reopen_record, start_record
from supervision_audit.services.sessions import (
    UNPLANNED_NOTE,
    monitoring_sheet,
    plan_year,
    sessions_of,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

D = date


def _people(s) -> None:
    save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
    save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1",
                                  employment_start=D(2024, 1, 1)))


@pytest.fixture
def org(unit_store):
    with unit_store.write() as s:
        _people(s)
        plan_year(s, SYS, get_by_staff_id(s, "P1").id, D(2026, 1, 5), 0, time(10), months=2)
    return unit_store


def _another_date(s, day, start="14:00", end="15:30"):
    """A record started for "another date" (no planned session) and completed."""
    record = start_record(s, SYS, form_key="individual", held_on=day,
                          supervisee_uuid=get_by_staff_id(s, "P1").id)
    return complete_record(s, SYS, record.id, {**record.values, "start_time": start,
                                               "end_time": end})


def test_it_counts_and_is_a_line_of_the_monitoring_sheet(org, tmp_path) -> None:
    with org.write() as s:
        pat = get_by_staff_id(s, "P1").id
        before = next(r for r in compute(s, D(2026, 3, 10)) if r.staff_id == "P1")
        record = _another_date(s, D(2026, 2, 20))
        after = next(r for r in compute(s, D(2026, 3, 10)) if r.staff_id == "P1")
        sheet = [(r.planned_date, r.status, r.comments) for r in monitoring_sheet(s, SYS, pat)]
        pdf_lines = monitoring_values(s, pat)["entries"]
        export_monitoring(s, SYS, [pat], tmp_path / "m.xlsx")
        line = next(r for r in sessions_of(s, pat) if r.planned_date == D(2026, 2, 20))
    assert before.last_completed is None and before.overdue
    assert (after.last_completed, after.next_due, after.overdue) == ("2026-02-20",
                                                                      "2026-03-20", False)
    assert after.records_missing_12m == 0  # the session has its record
    assert (D(2026, 2, 20), "completed", UNPLANNED_NOTE) in sheet
    assert line.id == record.session_id and line.planned_time == time(14)
    assert line.duration_minutes == 90
    assert {"date": "2026-02-20", "time": "14:00", "status": "Completed",
            "rescheduled_for": "", "comments": UNPLANNED_NOTE} in pdf_lines
    ws = load_workbook(tmp_path / "m.xlsx").worksheets[0]
    rows = [(c[0].value.date(), c[2].value) for c in ws.iter_rows(min_row=4) if c[0].value]
    assert (D(2026, 2, 20), "Completed") in rows


def test_a_planned_session_that_day_is_the_one_completed(org) -> None:
    with org.write() as s:
        pat = get_by_staff_id(s, "P1").id
        before = len(sessions_of(s, pat))
        record = _another_date(s, D(2026, 2, 9))  # a planned Monday, chosen by its date
        rows = sessions_of(s, pat)
    assert len(rows) == before
    held = next(r for r in rows if r.planned_date == D(2026, 2, 9))
    assert held.status == "completed" and held.id == record.session_id
    assert held.comments == ""


def test_reopened_and_completed_for_another_day_the_line_moves(org) -> None:
    with org.write() as s:
        record = _another_date(s, D(2026, 2, 20))
        reopen_record(s, SYS, record.id, "Wrong date")
        record = complete_record(s, SYS, record.id, {**record.values,
                                                     "held_on": "2026-02-19"})
        days = [r.planned_date for r in sessions_of(s, get_by_staff_id(s, "P1").id)
                if r.comments == UNPLANNED_NOTE]
    assert days == [D(2026, 2, 19)]


def test_records_completed_before_are_brought_onto_the_sheet(tmp_path) -> None:
    """A store of schema 8 holding a record for another date, signed and final: upgraded,
    the record is a completed session on its date, and the record is still locked."""
    path = tmp_path / "old.sqlite"
    old = open_store(path, upgrade_to=8)
    with old.write() as s:
        _people(s)
        pat = get_by_staff_id(s, "P1")
        planned = SupervisionSession(supervisee_id=pat.id, supervisor_id=pat.supervisor_id,
                                     planned_date=D(2026, 3, 2), planned_time=time(10))
        s.add(planned)
        for day, locked in ((D(2026, 2, 20), True), (D(2026, 3, 2), False)):
            s.add(SupervisionRecord(form_key="individual", supervisee_id=pat.id,
                                    supervisor_id=pat.supervisor_id, held_on=day,
                                    start_time=time(14), end_time=time(15),
                                    status="complete", values={"held_on": day.isoformat()},
                                    locked_at=datetime(2026, 3, 3, 9, tzinfo=UTC) if locked
                                    else None))
    old.close()
    store = open_store(path)
    assert store.locks_restored == []  # the lock lifted for the links was put back as it was
    with store.read() as s:
        pat = get_by_staff_id(s, "P1").id
        rows = {r.planned_date: r for r in sessions_of(s, pat)}
        records = {r.held_on: r for r in s.exec(select(SupervisionRecord))}
        row = next(r for r in compute(s, D(2026, 3, 10)) if r.staff_id == "P1")
    assert set(rows) == {D(2026, 2, 20), D(2026, 3, 2)}
    assert rows[D(2026, 2, 20)].status == "completed"
    assert rows[D(2026, 2, 20)].comments == UNPLANNED_NOTE
    assert rows[D(2026, 2, 20)].duration_minutes == 60
    assert rows[D(2026, 3, 2)].status == "completed"  # the planned one of that day
    assert rows[D(2026, 3, 2)].comments == ""
    assert {day: r.session_id for day, r in records.items()} == {
        day: rows[day].id for day in rows}
    assert (row.last_completed, row.records_missing_12m) == ("2026-03-02", 0)
    with pytest.raises(StoreError, match="final record"):  # the lock is back
        with store.write() as s:
            final = s.get(SupervisionRecord, records[D(2026, 2, 20)].id)
            final.values = {"held_on": "2026-02-21"}
    store.close()
