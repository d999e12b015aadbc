"""R10: who a report counts, and as of when. Everyone employed on the day (a leaver who left
later is in it) with the supervisor in post that day; a supervisee with no start date or no
supervisor is not dropped but shown with the reason."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from supervision_audit.demo import acting_as
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.compliance import NO_START_DATE, NO_SUPERVISOR, compute
from supervision_audit.services.dashboard import build
from supervision_audit.services.monthly_return import (
    SUMMARY_HEADERS,
    TEAM_HEADERS,
    build_monthly_return,
)
from supervision_audit.services.staff import (
    StaffInput,
    get_by_staff_id,
    mark_left,
    save_staff,
    staff_input_of,
)
from tests.record_helpers import completed_record

D = date
SET_UP = D(2026, 6, 1)  # the day the people were entered


def _add(s, staff_id, name, boss="", *, role="practitioner", team="Assessment",
         start: date | None = D(2024, 1, 8), today=SET_UP):
    return save_staff(s, SYS, StaffInput(staff_id, name, team=team, role=role,
                                         supervisor_staff_id=boss, employment_start=start),
                      today=today)


@pytest.fixture
def org(unit_store):
    with unit_store.write() as s:
        _add(s, "H1", "Hana Head", role="senior_manager", team="Leadership", start=None)
        _add(s, "M1", "Mia Manager", "H1", role="team_manager")
        _add(s, "M2", "Max Manager", "H1", role="team_manager")
        for staff_id, name in (("P1", "Pat Stays"), ("L1", "Lee Leaves Later"),
                               ("C1", "Cal Changes Supervisor")):
            person = _add(s, staff_id, name, "M1")
            for day in (D(2026, 8, 28), D(2026, 9, 30), D(2026, 10, 30)):
                completed_record(s, person, day)
    return unit_store


def _return(store, actor_id_of, today, out):
    with store.write() as s:
        actor = acting_as(s, get_by_staff_id(s, actor_id_of).id)
        build_monthly_return(s, actor, "2026-10", out, today=today)
        answer = [r.as_json() for r in compute(s, D(2026, 10, 31))]
    wb = load_workbook(out)
    return answer, {ws.title: [[c.value for c in row] for row in ws.iter_rows()]
                    for ws in wb.worksheets}


def test_a_past_month_built_later_gives_the_same_return(org, tmp_path) -> None:
    """October's return built on 1 November equals the one built in December, after a
    leaver left, a supervisor changed and a new starter joined in November."""
    before = _return(org, "H1", D(2026, 11, 1), tmp_path / "november.xlsx")
    with org.write() as s:
        mark_left(s, SYS, get_by_staff_id(s, "L1").id, D(2026, 11, 5))
        cal = get_by_staff_id(s, "C1")
        save_staff(s, SYS, StaffInput(**{**staff_input_of(s, cal).__dict__,
                                         "supervisor_staff_id": "M2"}), cal.id,
                   today=D(2026, 11, 10))
        _add(s, "J1", "Jo Joins", "M1", start=D(2026, 11, 16), today=D(2026, 11, 16))
    after = _return(org, "H1", D(2026, 12, 7), tmp_path / "december.xlsx")
    assert after == before
    compliance, sheets = after
    rows = {r["staff_id"]: r for r in compliance}
    assert set(rows) == {"M1", "M2", "P1", "L1", "C1"}  # the leaver in, the joiner out
    assert rows["C1"]["supervisor_id"] == "M1"  # the supervisor in post on 31 October
    team = sheets["Assessment"]
    supervisor_column = TEAM_HEADERS.index("Supervisor")
    assert {row[0]: row[supervisor_column] for row in team[2:]}["C1"] == "M1"
    # and as of today: the leaver is gone, Cal is Max's, Jo is counted
    with org.read() as s:
        today = {r.staff_id: r for r in compute(s, D(2026, 12, 7))}
    assert "L1" not in today and today["C1"].supervisor_id == "M2" and "J1" in today


def test_a_day_in_a_past_month_counts_a_leaver_until_they_left(org) -> None:
    with org.write() as s:
        mark_left(s, SYS, get_by_staff_id(s, "L1").id, D(2026, 11, 5))
    with org.read() as s:
        counted = {day: {r.staff_id for r in compute(s, day)}
                   for day in (D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6))}
    assert "L1" in counted[D(2026, 11, 4)] and "L1" in counted[D(2026, 11, 5)]
    assert "L1" not in counted[D(2026, 11, 6)]


@pytest.fixture
def gaps(org):
    """No start date (U1), no supervisor allocated (V1), a supervisor who left (W1's M3);
    and the administrator (role "other", never supervised: outside the line)."""
    with org.write() as s:
        _add(s, "U1", "Una Undated", "M1", start=None)
        _add(s, "V1", "Vic Unallocated", "", team="Fostering")
        _add(s, "Z1", "Zed Administrator", "", role="other", team="", start=None)
        _add(s, "M3", "Mo Moving On", "H1", role="team_manager", team="Fostering")
        _add(s, "W1", "Wyn Left Behind", "M3", team="Fostering")
        mark_left(s, SYS, get_by_staff_id(s, "M3").id, D(2026, 11, 20))
    return org


def test_no_start_date_and_no_supervisor_are_counted_with_their_reasons(gaps, tmp_path
                                                                        ) -> None:
    on = D(2026, 12, 1)
    with gaps.write() as s:
        rows = {r.staff_id: r for r in compute(s, on)}
        board = build(s, SYS, on)
        build_monthly_return(s, SYS, "2026-11", tmp_path / "r.xlsx", today=on)
        hana = build(s, acting_as(s, get_by_staff_id(s, "H1").id), on)
    assert rows["U1"].reasons == [NO_START_DATE] and rows["U1"].next_due is None
    assert rows["V1"].reasons == [NO_SUPERVISOR] and rows["V1"].supervisor_id is None
    assert rows["W1"].reasons == [NO_SUPERVISOR] and rows["W1"].supervisor_id is None
    assert "H1" not in rows  # heads the line of management held here: not a gap
    assert "Z1" not in rows  # role "other", never given a supervisor: outside the line
    assert rows["P1"].reasons == []
    listed = {i.title: (i.detail, i.urgent) for i in board.to_arrange}
    assert listed == {"Una Undated": ("no start date", False),
                      "Vic Unallocated": ("no supervisor: line manager to arrange", True),
                      "Wyn Left Behind": ("no supervisor: line manager to arrange", True)}
    # Wyn's line manager (the leaver's manager) sees Wyn to arrange
    assert "Wyn Left Behind" in {i.title for i in hana.to_arrange}
    wb = load_workbook(tmp_path / "r.xlsx")
    to_arrange = TEAM_HEADERS.index("To arrange")
    sheets = {row[0].value: row[to_arrange].value for ws in wb.worksheets[1:]
              for row in ws.iter_rows(min_row=3) if len(row) > to_arrange}
    assert sheets["U1"] == NO_START_DATE
    assert sheets["V1"] == sheets["W1"] == NO_SUPERVISOR
    assert sheets["P1"] in ("", None)
    header = [c.value for c in wb["Summary"][3]]
    total = next(r for r in wb["Summary"].iter_rows(min_row=4, values_only=True)
                 if r[1] == "All teams")
    assert dict(zip(header, total, strict=True))["Supervision to arrange"] == 3
    assert header == list(SUMMARY_HEADERS)


def test_a_supervisor_who_left_was_in_post_before_they_left(gaps) -> None:
    with gaps.read() as s:
        before = next(r for r in compute(s, D(2026, 11, 19)) if r.staff_id == "W1")
    assert before.supervisor_id == "M3" and before.reasons == []
