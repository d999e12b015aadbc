"""One store, four readings: the compliance JSON, the dashboard, the monthly return workbook
and the audit evidence agree, person by person, on what issue 13 fixed: escalations from an
imported sheet (a rebooked session never held, a miss never reported however old), draft
and signed contracts and their frequency, a session written up for another date, a leaver
in a past month, no start date, no supervisor, and a date beyond reason on file."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook

from supervision_audit.demo import acting_as
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.audit_evidence import gather
from supervision_audit.services.compliance import compute
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.dashboard import build
from supervision_audit.services.monitoring_xlsx import import_monitoring
from supervision_audit.services.monthly_return import TEAM_HEADERS, build_monthly_return
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.sessions import miss_session, plan_year
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import StaffInput, get_by_staff_id, mark_left, save_staff
from tests.record_helpers import completed_record

D = date
AS_OF = D(2026, 10, 31)  # the return for October 2026, built later


def _person(s, staff_id, name, boss="M1", **extra):
    data = {"team": "Assessment", "employment_start": D(2024, 1, 8), **extra}
    return save_staff(s, SYS, StaffInput(staff_id, name, supervisor_staff_id=boss, **data),
                      today=D(2026, 1, 5))


def _contract(s, staff_id, signed_on=None, **terms):
    person = get_by_staff_id(s, staff_id)
    values = draft_values(s, SYS, person.id)
    values.update(venue="Room 1", date_agreed="2026-01-05", intermediary="Hana Head", **terms)
    contract = save_contract(s, SYS, person.id, values)
    if signed_on is not None:
        for who in (person.supervisor_id, person.id):
            sign(s, acting_as(s, who), "contract", contract.id, password=None,
                 at=datetime.combine(signed_on, time(12)).astimezone())


def _sheet(path):
    """Pat's monitoring sheet: September's miss rebooked for the 14th, which never happened."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Supervisee:", "P1", "Supervisor:", "M1"])
    ws.append([])
    ws.append(["Date", "Time", "Completed/Postponed", "Date Rescheduled for", "Comments"])
    for row in ([D(2026, 8, 3), time(10), "Completed", None, ""],
                [D(2026, 9, 7), time(10), "Postponed", D(2026, 9, 14), "Court"],
                [D(2026, 9, 14), time(10), None, None, ""],
                [D(2026, 10, 5), time(10), "Completed", None, ""]):
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def store(unit_store, tmp_path):
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("H1", "Hana Head", role="senior_manager",
                                      team="Leadership", employment_start=D(2015, 1, 5)))
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager", team="Assessment",
                                      supervisor_staff_id="H1", employment_start=D(2018, 1, 8)),
                   today=D(2026, 1, 5))
        completed_record(s, get_by_staff_id(s, "M1"), D(2026, 10, 20))
        _person(s, "P1", "Pat Imported")
        import_monitoring(s, SYS, _sheet(tmp_path / "pat.xlsx"))
        _person(s, "O1", "Olu Old Miss")
        old = plan_year(s, SYS, get_by_staff_id(s, "O1").id, D(2025, 3, 3), 0, time(10),
                        months=1)[0]
        miss_session(s, SYS, old.id, status="cancelled", reason="Sickness")
        completed_record(s, get_by_staff_id(s, "O1"), D(2026, 10, 19))
        _person(s, "D1", "Dee Draft")
        completed_record(s, get_by_staff_id(s, "D1"), D(2026, 10, 10))
        _contract(s, "D1", frequency="agreed", agreed_interval_days=14)  # never signed
        _person(s, "F1", "Fern Foster", role="foster_carer")
        completed_record(s, get_by_staff_id(s, "F1"), D(2026, 9, 15))
        _contract(s, "F1", signed_on=D(2026, 1, 5), frequency="monthly")
        _person(s, "A1", "Ana Another Date")
        record = start_record(s, SYS, form_key="individual", held_on=D(2026, 10, 12),
                              supervisee_uuid=get_by_staff_id(s, "A1").id)
        complete_record(s, SYS, record.id, {**record.values, "start_time": "10:00",
                                            "end_time": "11:30"})
        _person(s, "L1", "Lee Leaver")
        completed_record(s, get_by_staff_id(s, "L1"), D(2026, 8, 3))
        mark_left(s, SYS, get_by_staff_id(s, "L1").id, D(2026, 11, 15))
        _person(s, "U1", "Una Undated", employment_start=None)
        _person(s, "V1", "Vic Unallocated", boss="")
        _person(s, "X1", "Xan Typo")
        get_by_staff_id(s, "X1").employment_start = D(9999, 12, 31)  # from before the checks
    return unit_store


def test_compliance_dashboard_return_and_audit_evidence_agree(store, tmp_path) -> None:
    with store.write() as s:
        rows = {r["staff_id"]: r for r in (c.as_json() for c in compute(s, AS_OF))}
        board = build(s, SYS, AS_OF)
        build_monthly_return(s, SYS, "2026-10", tmp_path / "r.xlsx")  # built today, later
        evidence = {sid: gather(s, get_by_staff_id(s, sid), AS_OF)
                    for sid in ("P1", "O1", "D1", "F1", "A1", "L1")}
    wb = load_workbook(tmp_path / "r.xlsx")
    sheet = {row[0]: dict(zip(TEAM_HEADERS, row, strict=False))
             for ws in wb.worksheets if ws.title not in ("Summary", "In timescale")
             for row in ws.iter_rows(min_row=3, values_only=True) if row and row[0]}

    # who is counted: the same people everywhere (the leaver in, the head of the line out)
    assert set(rows) == set(sheet) == {"M1", "P1", "O1", "D1", "F1", "A1", "L1", "U1", "V1",
                                       "X1"}
    assert board.people == len(rows)
    overdue = {r["name"] for r in rows.values() if r["overdue"]}
    assert {i.title for i in board.overdue} == overdue
    assert {sid for sid, r in sheet.items() if r["Overdue"] == "Yes"} == {
        sid for sid, r in rows.items() if r["overdue"]}
    escalations = {r["name"]: sum(e["reported_on"] is None for e in r["escalations"])
                   for r in rows.values()}
    listed = {name: sum(i.title == name for i in board.escalations) for name in escalations}
    assert listed == escalations
    assert {sid: r["Escalations open"] for sid, r in sheet.items()} == {
        sid: escalations[r["name"]] for sid, r in rows.items()}
    words = {"missing": "missing", "draft": "not signed", "current": "current",
             "review_due": "review due"}
    assert {sid: r["Contract"] for sid, r in sheet.items()} == {
        sid: words[r["contract_status"]] for sid, r in rows.items()}
    assert {i.title for i in board.contracts_due} == {
        r["name"] for r in rows.values() if r["contract_status"] != "current"}
    assert {sid: r["Supervisor"] or None for sid, r in sheet.items()} == {
        sid: r["supervisor_id"] for sid, r in rows.items()}
    assert {sid: r["To arrange"] or "" for sid, r in sheet.items()} == {
        sid: "; ".join(r["reasons"]) for sid, r in rows.items()}
    assert {(i.title, i.detail) for i in board.to_arrange} == {
        (r["name"], "; ".join(r["reasons"])) for r in rows.values() if r["reasons"]}
    for sid, r in sheet.items():
        shown = [d.date().isoformat() if d else None for d in (r["Last completed"],
                                                                 r["Next due"])]
        assert (*shown, r["Days overdue"]) == (
            rows[sid]["last_completed"], rows[sid]["next_due"], rows[sid]["days_overdue"]), sid
    for sid, found in evidence.items():
        assert (found["contract"].outcome == "yes") == (
            rows[sid]["contract_status"] == "current"), sid
        timescales = {f.label: f.value for f in found["timescales"].figures}
        assert timescales["Overdue at the audit date"] == (
            "yes" if rows[sid]["overdue"] else "no"), sid

    # and what each reading says is what the rules say
    assert rows["P1"]["escalations"] == [{"missed_date": "2026-09-07", "report_due":
                                          "2026-09-21", "reported_on": None, "overdue": True}]
    assert rows["O1"]["escalations"][0]["missed_date"] == "2025-03-03"
    assert (rows["D1"]["cadence"], rows["D1"]["contract_status"], rows["D1"]["overdue"]) == (
        "monthly", "draft", False)
    assert (rows["F1"]["cadence"], rows["F1"]["next_due"], rows["F1"]["days_overdue"]) == (
        "monthly", "2026-10-15", 16)
    assert (rows["A1"]["last_completed"], rows["A1"]["overdue"]) == ("2026-10-12", False)
    assert rows["L1"]["overdue"] and rows["L1"]["supervisor_id"] == "M1"
    assert rows["U1"]["reasons"] == ["no start date"]
    assert rows["V1"]["reasons"] == ["no supervisor: line manager to arrange"]
    assert rows["X1"]["reasons"] == ["employment start 31/12/9999: over 2 years ahead; "
                                     "correct the staff record"]
