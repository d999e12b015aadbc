"""Compliance JSON against answers worked out by hand for a seeded scenario."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest

from supervision_audit.cli import main
from supervision_audit.demo import acting_as
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.compliance import compute
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.sessions import miss_session, plan_year, sessions_of
from supervision_audit.services.signatures import record_copy_given, sign
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

D = date
AS_OF = D(2026, 3, 5)
AGREED = datetime(2026, 1, 5, 12).astimezone()  # when the signed contracts were signed


def _session_on(s, staff_id, day, *, short=False, record=True, signed=True, copy=None):
    """A completed session on ``day`` (booked, then recorded and signed as asked)."""
    person = get_by_staff_id(s, staff_id)
    from supervision_audit.models import SupervisionSession

    planned = SupervisionSession(supervisee_id=person.id, supervisor_id=person.supervisor_id,
                                 planned_date=day, planned_time=time(10))
    s.add(planned)
    s.flush()
    if not record:
        planned.status = "completed"
        s.flush()
        return
    rec = start_record(s, SYS, form_key="individual", held_on=day, session_id=planned.id)
    complete_record(s, SYS, rec.id, {**rec.values, "start_time": "10:00",
                                     "end_time": "11:00" if short else "11:30"})
    if signed:
        sign(s, acting_as(s, person.supervisor_id), "record", rec.id, password=None)
        sign(s, acting_as(s, person.id), "record", rec.id, password=None)
    if copy:
        record_copy_given(s, acting_as(s, person.supervisor_id), rec.id, copy, "printed")


def _contract(s, staff_id, agreed, **extra):
    person = get_by_staff_id(s, staff_id)
    values = draft_values(s, SYS, person.id)
    values.update({"venue": "Room 1", "date_agreed": agreed, "intermediary": "Head", **extra})
    return save_contract(s, SYS, person.id, values)


def _signed(s, staff_id, contract, at=None):
    """Both parties sign (``at``: when; now if not given)."""
    person = get_by_staff_id(s, staff_id)
    for who in (person.supervisor_id, person.id):
        sign(s, acting_as(s, who), "contract", contract.id, password=None, at=at)
    return contract


@pytest.fixture
def scenario(unit_store):
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        for data in (
            StaffInput("W1", "Wendy Monthly", supervisor_staff_id="M1",
                       employment_start=D(2025, 1, 1)),
            StaffInput("A1", "Asha Asye", role="asye", asye_start=D(2026, 1, 5),
                       employment_start=D(2026, 1, 5), supervisor_staff_id="M1"),
            StaffInput("A2", "Arlo Asye", role="asye", asye_start=D(2025, 11, 1),
                       employment_start=D(2025, 11, 1), supervisor_staff_id="M1"),
            StaffInput("F1", "Fern Carer", role="foster_carer", supervisor_staff_id="M1",
                       employment_start=D(2024, 6, 1)),
            StaffInput("C1", "Cal Contract", supervisor_staff_id="M1",
                       employment_start=D(2024, 1, 1)),
            StaffInput("N1", "Nia New", supervisor_staff_id="M1",
                       employment_start=D(2026, 2, 20)),
        ):
            save_staff(s, SYS, data)
        # Wendy: last session 31 Jan, a short one in December, a late copy, one unrecorded
        _session_on(s, "W1", D(2025, 12, 15), short=True, copy=D(2025, 12, 16))
        _session_on(s, "W1", D(2026, 1, 31), copy=D(2026, 2, 9))  # due 5 Feb: late
        _session_on(s, "W1", D(2025, 11, 14), record=False)
        _contract(s, "W1", "2025-01-10")  # unsigned: a draft, not in force (R4)
        # Asha: ASYE week 7 session, fortnightly from then; one record left unsigned
        _session_on(s, "A1", D(2026, 2, 16), signed=False, copy=D(2026, 2, 17))
        # Arlo: ASYE since 1 Nov 2025, past the 3-month review; a miss with no new date
        _session_on(s, "A2", D(2026, 2, 26), copy=D(2026, 2, 26))
        missed = plan_year(s, SYS, get_by_staff_id(s, "A2").id, D(2026, 2, 9), 0, time(10),
                           months=1)[0]
        miss_session(s, SYS, missed.id, status="postponed", reason="Sickness")
        # Fern: foster carer, six-weekly
        _session_on(s, "F1", D(2026, 2, 1), copy=D(2026, 2, 2))
        _signed(s, "F1", _contract(s, "F1", "2026-01-05"), AGREED)
        # Cal: an agreed fortnightly interval, signed by both
        _signed(s, "C1", _contract(s, "C1", "2026-01-05", frequency="agreed",
                                   agreed_interval_days=14), AGREED)
        _session_on(s, "C1", D(2026, 2, 25), copy=D(2026, 2, 26))
    return unit_store


EXPECTED = {
    "W1": {"cadence": "monthly", "last_completed": "2026-01-31", "next_due": "2026-02-28",
           "overdue": True, "days_overdue": 5, "short_sessions_12m": 1,
           "records_missing_12m": 1, "unsigned_records": 0, "late_copies_12m": 1,
           "contract_status": "draft", "escalations": [], "asye_milestones_overdue": []},
    "A1": {"cadence": "asye-fortnightly", "last_completed": "2026-02-16",
           "next_due": "2026-03-02", "overdue": True, "days_overdue": 3,
           "unsigned_records": 1, "contract_status": "missing",
           "asye_milestones_overdue": []},
    "A2": {"cadence": "asye-fortnightly", "last_completed": "2026-02-26",
           "next_due": "2026-03-12", "overdue": False, "days_overdue": 0,
           "escalations": [{"missed_date": "2026-02-09", "report_due": "2026-02-23",
                            "reported_on": None, "overdue": True}],
           "asye_milestones_overdue": ["3-month review"]},
    "F1": {"cadence": "six-weekly", "last_completed": "2026-02-01", "next_due": "2026-03-15",
           "overdue": False, "contract_status": "current", "late_copies_12m": 0},
    "C1": {"cadence": "contract", "last_completed": "2026-02-25", "next_due": "2026-03-11",
           "overdue": False, "contract_status": "current"},
    "N1": {"cadence": "monthly", "last_completed": None, "next_due": "2026-03-20",
           "overdue": False, "days_overdue": 0, "records_missing_12m": 0},
}


def test_compliance_matches_the_hand_computed_answers(scenario) -> None:
    with scenario.read() as s:
        rows = {r.staff_id: r.as_json() for r in compute(s, AS_OF)}
    assert set(rows) == set(EXPECTED) | {"M1"} - {"M1"}
    for staff_id, expected in EXPECTED.items():
        for key, value in expected.items():
            assert rows[staff_id][key] == value, (staff_id, key, rows[staff_id][key])
        assert rows[staff_id]["supervisor_id"] == "M1"


def test_cli_prints_the_same_json(scenario, capsys, monkeypatch) -> None:
    from supervision_audit.services.accounts import Vault, add_account

    with scenario.write() as s:
        add_account(s, Vault(scenario.path, None), get_by_staff_id(s, "M1").id, "mia",
                    "mia password 1")
        expected = [r.as_json() for r in compute(s, AS_OF)]
    scenario.close()
    monkeypatch.setenv("SUPERVISION_AUDIT_USER", "mia")
    monkeypatch.setenv("SUPERVISION_AUDIT_PASSWORD", "mia password 1")
    assert main(["--db", str(scenario.path), "compliance", "--as-of", "2026-03-05",
                 "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == expected
    keys = {"staff_id", "name", "supervisor_id", "cadence", "last_completed", "next_due",
            "overdue", "days_overdue", "short_sessions_12m", "escalations",
            "records_missing_12m", "unsigned_records", "late_copies_12m", "contract_status",
            "asye_milestones_overdue"}
    assert keys <= set(printed[0])


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "31/02/2026"])
def test_a_bad_as_of_date_is_refused(scenario, capsys, bad) -> None:
    assert main(["--db", str(scenario.path), "compliance", "--as-of", bad]) == 1
    assert "--as-of" in capsys.readouterr().err


def test_the_scenario_has_each_cadence(scenario) -> None:
    with scenario.read() as s:
        cadences = {r.cadence for r in compute(s, AS_OF)}
        assert cadences == {"monthly", "asye-fortnightly", "six-weekly", "contract"}
        assert len(sessions_of(s, get_by_staff_id(s, "A2").id)) == 3  # 9 and 23 Feb, 26 Feb


def _mia(scenario):
    from supervision_audit.services.access import actor_for
    from supervision_audit.services.accounts import Vault, add_account

    with scenario.write() as s:
        return actor_for(s, add_account(s, Vault(scenario.path, None),
                                        get_by_staff_id(s, "M1").id, "mia", "mia password 1"))


def test_monthly_return_numbers_equal_the_compliance_computation(scenario, tmp_path) -> None:
    from openpyxl import load_workbook

    from supervision_audit.services.monthly_return import SUMMARY_HEADERS, build_monthly_return

    mia = _mia(scenario)
    steps = []
    with scenario.write() as s:
        build_monthly_return(s, mia, "2026-02", tmp_path / "r.xlsx",
                             progress=lambda done, total, what: steps.append((done, total)),
                             today=D(2026, 11, 1))
        rows = {r.staff_id: r for r in compute(s, D(2026, 2, 28))}
    assert steps[-1][0] == steps[-1][1] and len(steps) > 5
    wb = load_workbook(tmp_path / "r.xlsx")
    summary = wb["Summary"]
    assert [c.value for c in summary[3]] == list(SUMMARY_HEADERS)
    line = {h: c.value for h, c in zip(SUMMARY_HEADERS, summary[4], strict=True)}
    assert line["Supervisees"] == len(rows)
    in_time = sum(not r.overdue for r in rows.values())
    assert line["% in timescale at month end"] == round(100 * in_time / len(rows), 1)
    assert line["Postponed"] == 1  # Arlo's February miss
    team = wb[wb.sheetnames[1]]
    sheet = {r[0].value: [c.value for c in r] for r in team.iter_rows(min_row=3)}
    for staff_id, r in rows.items():
        assert sheet[staff_id][4].date().isoformat() == r.next_due  # a real date
        assert sheet[staff_id][6] == r.days_overdue
        assert sheet[staff_id][5] == ("Yes" if r.overdue else "No")
    chart_sheet = wb["In timescale"]
    assert chart_sheet._charts and chart_sheet.max_row == 13  # header and twelve months
    reasons = [r[0].value for r in summary.iter_rows(min_row=6) if r[0].value]
    assert "Sickness" in reasons


@pytest.mark.parametrize("month", ["2026-13", "26-02", "February"])
def test_monthly_return_refuses_a_bad_month(scenario, tmp_path, capsys, month) -> None:
    assert main(["--db", str(scenario.path), "monthly-return", "--month", month, "--out",
                 str(tmp_path / "x.xlsx")]) == 1
    assert "is not a month" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_monthly_return_to_an_unwritable_place_leaves_nothing(scenario, tmp_path) -> None:
    from supervision_audit.errors import SupervisionAuditError
    from supervision_audit.services.monthly_return import build_monthly_return

    mia = _mia(scenario)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SupervisionAuditError):
        with scenario.write() as s:
            build_monthly_return(s, mia, "2026-02", blocker / "r.xlsx")
    with pytest.raises(SupervisionAuditError, match="cancelled"):
        with scenario.write() as s:
            build_monthly_return(s, mia, "2026-02", tmp_path / "c.xlsx", cancelled=lambda: True)
    left = {p.name for p in tmp_path.iterdir()} - {"file"}
    assert all(name.startswith("unit.sqlite") for name in left), left  # no workbook, no temp


def test_dashboard_lists_come_from_the_same_computation(scenario) -> None:
    from supervision_audit.services.dashboard import build

    mia = _mia(scenario)
    with scenario.read() as s:
        board = build(s, mia, AS_OF)
        rows = compute(s, AS_OF)
    assert {i.title for i in board.overdue} == {r.name for r in rows if r.overdue}
    assert [i.title for i in board.escalations] == ["Arlo Asye"]
    assert {i.title for i in board.asye_due} == {"Arlo Asye"}
    assert {i.title for i in board.contracts_due} == {r.name for r in rows
                                                      if r.contract_status != "current"}
    assert [i.title for i in board.awaiting_signature] == ["Asha Asye"]


def test_monthly_return_for_many_teams(unit_store, tmp_path) -> None:
    """Past 23 teams the chart sits beyond column Z, and long team names stay valid sheet
    titles."""
    from openpyxl import load_workbook

    from supervision_audit.services.monthly_return import build_monthly_return

    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("H", "Head", role="senior_manager"))
        for n in range(30):
            team = f"Children and Families Locality Team North {n:02d}"
            save_staff(s, SYS, StaffInput(f"M{n}", f"Manager {n}", role="team_manager",
                                          team=team, supervisor_staff_id="H"))
            save_staff(s, SYS, StaffInput(f"W{n}", f"Worker {n}", team=team,
                                          supervisor_staff_id=f"M{n}"))
        build_monthly_return(s, SYS, "2026-02", tmp_path / "r.xlsx", today=D(2026, 3, 1))
    wb = load_workbook(tmp_path / "r.xlsx")
    assert len(wb.sheetnames) >= 32 and all(len(n) <= 31 for n in wb.sheetnames)
    assert len(set(wb.sheetnames)) == len(wb.sheetnames)
    assert wb["In timescale"]._charts
