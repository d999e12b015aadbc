"""R10: dates outside a plausible range (before 1950, more than two years ahead) are refused
at entry and import, and one person's bad data already in the store never stops a report
for everyone else."""

from __future__ import annotations

import csv
from datetime import date, time, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import func, select

from supervision_audit.dates import add_months, plausibility_problem
from supervision_audit.errors import ValidationError
from supervision_audit.forms import ALL_FORMS, validate
from supervision_audit.models import Staff, SupervisionRecord, SupervisionSession
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.compliance import compute
from supervision_audit.services.dashboard import build, in_timescale_trends
from supervision_audit.services.monitoring_xlsx import import_monitoring
from supervision_audit.services.monthly_return import build_monthly_return
from supervision_audit.services.sessions import miss_session, move_session, plan_year
from supervision_audit.services.staff import (
    StaffInput,
    get_by_staff_id,
    mark_left,
    save_staff,
)
from supervision_audit.services.staff_import import import_staff

D = date
HEADER = ["staff_id", "name", "job_title", "team", "location", "role", "supervisor_id",
          "employment_start", "asye_start", "email", "phone"]


TODAY = D(2026, 12, 7)


@pytest.mark.parametrize(("day", "plausible"), [
    (D(1949, 12, 31), False), (D(1950, 1, 1), True), (TODAY, True),
    (add_months(TODAY, 24), True), (add_months(TODAY, 24) + timedelta(days=1), False),
    (D(1, 1, 1), False), (D(9999, 12, 31), False)])
def test_the_plausible_range(day, plausible) -> None:
    # today is given, not read at collection: a run that crosses midnight keeps its answer
    assert (plausibility_problem(day, today=TODAY) == "") is plausible


def test_the_latest_plausible_day_follows_the_real_today() -> None:
    today = D.today()
    assert plausibility_problem(add_months(today, 24)) == ""
    assert plausibility_problem(add_months(today, 24) + timedelta(days=1)) != ""


def test_the_staff_import_refuses_them_by_row_and_column(unit_store, tmp_path) -> None:
    path = tmp_path / "staff.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerow(["M1", "Mia Manager", "", "Assessment", "", "team_manager", "",
                         "2019-04-01", "", "", ""])
        writer.writerow(["P1", "Pat Worker", "", "Assessment", "", "practitioner", "M1",
                         "9999-12-31", "", "", ""])
        writer.writerow(["A1", "Asha New", "", "Assessment", "", "asye", "M1",
                         "2025-09-01", "01/01/0001", "", ""])
    with pytest.raises(ValidationError) as caught:
        with unit_store.write() as s:
            import_staff(s, SYS, path)
    found = {(p.row, p.field, p.message) for p in caught.value.problems}
    assert found == {
        (3, "employment_start", "Employment start 31/12/9999: over 2 years ahead"),
        (4, "asye_start", "ASYE start 01/01/0001: before 1950"),
        (4, "asye_start", "ASYE start is before employment start")}
    with unit_store.read() as s:
        assert s.exec(select(func.count()).select_from(Staff)).one() == 0  # all or nothing


def test_the_forms_and_the_services_refuse_them(unit_store) -> None:
    with pytest.raises(ValidationError) as caught:
        with unit_store.write() as s:
            save_staff(s, SYS, StaffInput("P1", "Pat Worker", employment_start=D(1900, 1, 1)))
    assert caught.value.for_field("employment_start") == [
        "Employment start 01/01/1900: before 1950"]
    problems = validate(ALL_FORMS["individual"], {"held_on": "9999-12-31"})
    assert any(p.field == "held_on" and "31/12/9999: over 2 years ahead" in p.message
               for p in problems)
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1"))
        pat = get_by_staff_id(s, "P1").id
        first = plan_year(s, SYS, pat, D(2026, 1, 5), 0, time(10), months=1)[0]
        first_id = first.id
    refused = {
        "plan": lambda s: plan_year(s, SYS, pat, D(1066, 10, 14), 0, time(10)),
        "move": lambda s: move_session(s, SYS, first_id, D(9999, 12, 31)),
        "miss": lambda s: miss_session(s, SYS, first_id, status="postponed", reason="Court",
                                       rescheduled_for=D(9999, 12, 31)),
        "leave": lambda s: mark_left(s, SYS, pat, D(9999, 12, 31)),
    }
    for attempt in refused.values():
        with pytest.raises(ValidationError, match=r"(before 1950|over 2 years ahead)$"):
            with unit_store.write() as s:
                attempt(s)
    with unit_store.read() as s:  # nothing was written
        rows = s.exec(select(SupervisionSession)).all()
        assert [(r.planned_date, r.status) for r in rows] == [(D(2026, 1, 5), "planned")]
        assert get_by_staff_id(s, "P1").active


def test_a_monitoring_sheet_with_one_is_refused_by_row(unit_store, tmp_path) -> None:
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1"))
    wb = Workbook()
    ws = wb.active
    ws.append(["Supervisee:", "P1", "Supervisor:", "M1"])
    ws.append([])
    ws.append(["Date", "Time", "Completed/Postponed", "Date Rescheduled for", "Comments"])
    ws.append([D(2026, 1, 5), time(10), "Completed", None, ""])
    ws.append(["31/12/9999", time(10), "Completed", None, ""])
    ws.append([D(2026, 2, 2), time(10), "Postponed", "01/01/2999", "Court"])
    wb.save(tmp_path / "m.xlsx")
    with pytest.raises(ValidationError) as caught:
        with unit_store.write() as s:
            import_monitoring(s, SYS, tmp_path / "m.xlsx")
    assert sorted((p.row, p.message) for p in caught.value.problems) == [
        (5, "31/12/9999: over 2 years ahead"),
        (6, "01/01/2999: over 2 years ahead")]


def test_bad_dates_already_in_the_store_stop_nobody_elses_figures(unit_store,
                                                                  tmp_path) -> None:
    """Dates beyond reason written before the checks (or around them): compliance, the
    dashboard, its trend and the monthly return still answer for everyone, and name the
    person whose date is wrong."""
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager",
                                      employment_start=D(2019, 4, 1)))
        for staff_id, name in (("P1", "Pat Fine"), ("X1", "Xan Future"), ("Y1", "Yan Past")):
            save_staff(s, SYS, StaffInput(staff_id, name, supervisor_staff_id="M1",
                                          employment_start=D(2024, 1, 8)))
        boss = get_by_staff_id(s, "M1").id
        future, past = get_by_staff_id(s, "X1"), get_by_staff_id(s, "Y1")
        future.employment_start, future.asye_start = D(9999, 12, 31), D(9999, 12, 31)
        future.role = "asye"
        past.employment_start = D(1, 1, 1)
        for who, day in ((future.id, D(9999, 12, 30)), (past.id, D(1, 1, 1)),
                         (get_by_staff_id(s, "P1").id, D(2026, 11, 2))):
            planned = SupervisionSession(supervisee_id=who, supervisor_id=boss,
                                         planned_date=day, status="completed")
            s.add(planned)
            s.flush()
            s.add(SupervisionRecord(form_key="individual", session_id=planned.id,
                                    supervisee_id=who, supervisor_id=boss, held_on=day,
                                    status="complete", values={}))
        s.add(SupervisionSession(supervisee_id=past.id, supervisor_id=boss,
                                 planned_date=D(1, 1, 1), status="postponed",
                                 reason="Sickness", rescheduled_for=D(9999, 12, 31)))
    on = D(2026, 12, 1)
    with unit_store.write() as s:
        rows = {r.staff_id: r for r in compute(s, on)}
        board = build(s, SYS, on)
        trends = in_timescale_trends(s, None, on)
        build_monthly_return(s, SYS, "2026-11", tmp_path / "r.xlsx", today=on)
    assert (rows["P1"].last_completed, rows["P1"].next_due, rows["P1"].reasons) == (
        "2026-11-02", "2026-12-02", [])
    assert rows["X1"].reasons == [
        "employment start 31/12/9999: over 2 years ahead; correct the staff record",
        "ASYE start 31/12/9999: over 2 years ahead; correct the staff record"]
    # no start date it can use (so no due date), and no ASYE milestones from year 9999
    assert rows["X1"].asye_milestones_overdue == [] and rows["X1"].next_due is None
    assert rows["Y1"].reasons == ["employment start 01/01/0001: before 1950; correct the "
                                  "staff record"]
    assert {i.title for i in board.to_arrange} >= {"Xan Future", "Yan Past"}
    assert set(trends["team"]) == {"No team"}
    sheet = load_workbook(tmp_path / "r.xlsx")
    assert {row[0].value for ws in sheet.worksheets[1:] for row in ws.iter_rows(min_row=3)
            } >= {"P1", "X1", "Y1"}
