"""R4 and R1 for contracts: only a contract signed by both parties is in force and only its
terms apply (a draft changes nothing anywhere); the agreed frequency is honoured when at
least as frequent as the role's own, refused when less; one review date everywhere."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook

from supervision_audit.demo import acting_as
from supervision_audit.errors import ValidationError
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.audit_evidence import gather
from supervision_audit.services.compliance import compute
from supervision_audit.services.contracts import (
    draft_values,
    in_force,
    review_due,
    save_contract,
)
from supervision_audit.services.dashboard import build
from supervision_audit.services.monthly_return import SUMMARY_HEADERS, build_monthly_return
from supervision_audit.services.sessions import plan_year
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from tests.record_helpers import completed_record

D = date
AS_OF = D(2026, 3, 20)


@pytest.fixture
def org(unit_store):
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("H1", "Hana Head", "Head of Service",
                                      role="senior_manager"))
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", "Team Manager", role="team_manager",
                                      supervisor_staff_id="H1"))
        save_staff(s, SYS, StaffInput("P1", "Pat Worker", team="Assessment",
                                      supervisor_staff_id="M1", employment_start=D(2024, 1, 1)))
        save_staff(s, SYS, StaffInput("F1", "Fern Carer", team="Fostering", role="foster_carer",
                                      supervisor_staff_id="M1", employment_start=D(2024, 1, 1)))
        for day in (D(2026, 1, 30), D(2026, 3, 2)):
            completed_record(s, get_by_staff_id(s, "P1"), day)
        completed_record(s, get_by_staff_id(s, "F1"), D(2026, 2, 2))
    return unit_store


def _contract(s, staff_id, agreed="2026-01-05", **extra):
    person = get_by_staff_id(s, staff_id)
    values = draft_values(s, SYS, person.id)
    values.update(venue="Room 1", date_agreed=agreed, intermediary="Hana Head", **extra)
    return save_contract(s, SYS, person.id, values)


def _sign(s, staff_id, contract, on=D(2026, 1, 6)):
    person = get_by_staff_id(s, staff_id)
    at = datetime.combine(on, time(12)).astimezone()
    for who in (person.supervisor_id, person.id):
        sign(s, acting_as(s, who), "contract", contract.id, password=None, at=at)


def _everywhere(store, tmp_path, staff_id):
    """What compliance, the dashboard, the monthly return and the audit evidence say of
    ``staff_id``'s contract as of ``AS_OF``."""
    with store.write() as s:
        person = get_by_staff_id(s, staff_id)
        row = next(r for r in compute(s, AS_OF) if r.staff_id == staff_id)
        board = build(s, SYS, AS_OF)
        tile = [i.detail for i in board.contracts_due if i.title == person.name]
        evidence = gather(s, person, AS_OF)["contract"]
        build_monthly_return(s, SYS, "2026-03", tmp_path / "r.xlsx", today=AS_OF)
    wb = load_workbook(tmp_path / "r.xlsx")
    team = next(ws for ws in wb.worksheets if ws["A1"].value == row.team)
    line = next(r for r in wb["Summary"].iter_rows(min_row=4, values_only=True)
                if r[1] == row.team)
    summary = dict(zip(SUMMARY_HEADERS, line, strict=True))
    sheet = next(r for r in team.iter_rows(min_row=3, values_only=True) if r[0] == staff_id)
    return {"cadence": row.cadence, "next_due": row.next_due, "status": row.contract_status,
            "tile": tile, "return_current": summary["Contracts current"],
            "return_contract": sheet[10], "evidence": evidence.outcome,
            "evidence_signed": evidence.figures[1].value}


def test_a_draft_contract_changes_nothing_anywhere(org, tmp_path) -> None:
    with org.write() as s:
        draft = _contract(s, "P1", frequency="agreed", agreed_interval_days=14)
    assert _everywhere(org, tmp_path, "P1") == {
        "cadence": "monthly", "next_due": "2026-04-02", "status": "draft",
        "tile": ["contract not yet signed by both"], "return_current": 0,
        "return_contract": "not signed", "evidence": "no",
        "evidence_signed": "no: a draft, its terms do not apply"}
    with org.write() as s:
        _sign(s, "P1", draft)
    assert _everywhere(org, tmp_path, "P1") == {
        "cadence": "contract", "next_due": "2026-03-16", "status": "current", "tile": [],
        "return_current": 1, "return_contract": "current", "evidence": "yes",
        "evidence_signed": "yes"}


def test_the_signed_version_stays_in_force_while_a_new_one_is_drafted(org) -> None:
    with org.write() as s:
        first = _contract(s, "P1", frequency="agreed", agreed_interval_days=14)
        _sign(s, "P1", first)
        _contract(s, "P1", agreed="2026-03-01", frequency="monthly")  # version 2, a draft
        assert in_force(s, get_by_staff_id(s, "P1").id).id == first.id
        row = next(r for r in compute(s, AS_OF) if r.staff_id == "P1")
    assert (row.cadence, row.next_due, row.contract_status) == ("contract", "2026-03-16",
                                                                "current")


def test_a_contract_signed_after_the_day_asked_about_was_not_yet_in_force(org) -> None:
    with org.write() as s:
        _sign(s, "P1", _contract(s, "P1", frequency="agreed", agreed_interval_days=14),
              on=D(2026, 3, 10))
        before = next(r for r in compute(s, D(2026, 3, 9)) if r.staff_id == "P1")
        after = next(r for r in compute(s, D(2026, 3, 10)) if r.staff_id == "P1")
    assert (before.cadence, before.contract_status) == ("monthly", "draft")
    assert (after.cadence, after.contract_status) == ("contract", "current")


def test_a_foster_carer_can_be_supervised_monthly(org) -> None:
    with org.write() as s:
        fern = get_by_staff_id(s, "F1")
        before = next(r for r in compute(s, AS_OF) if r.staff_id == "F1")
        _sign(s, "F1", _contract(s, "F1", frequency="monthly"))
        after = next(r for r in compute(s, AS_OF) if r.staff_id == "F1")
        booked = plan_year(s, SYS, fern.id, D(2026, 4, 6), 0, time(10))
    assert (before.cadence, before.next_due, before.overdue) == ("six-weekly", "2026-03-16",
                                                                 True)
    # a month after 2 February, not six weeks
    assert (after.cadence, after.next_due, after.days_overdue) == ("monthly", "2026-03-02", 18)
    assert len(booked) == 12


@pytest.mark.parametrize(("staff_id", "frequency", "interval", "message"), [
    ("P1", "six-weekly", None, "Less frequent than the policy's minimum for this role "
                               "(monthly): a contract may only agree more frequent supervision"),
    ("P1", "asye", None, "The ASYE frequency is for a newly qualified worker in their ASYE"),
    ("F1", "asye", None, "The ASYE frequency is for a newly qualified worker in their ASYE"),
])
def test_a_less_frequent_agreement_is_refused(org, staff_id, frequency, interval,
                                              message) -> None:
    with pytest.raises(ValidationError) as caught:
        with org.write() as s:
            _contract(s, staff_id, frequency=frequency, agreed_interval_days=interval)
    assert any(message in m for m in caught.value.for_field("frequency")), \
        caught.value.problems


@pytest.mark.parametrize(("staff_id", "frequency", "interval"), [
    ("F1", "six-weekly", None), ("F1", "monthly", None), ("F1", "agreed", 14),
    ("P1", "monthly", None), ("P1", "agreed", 21)])
def test_an_agreement_at_least_as_frequent_is_accepted(org, staff_id, frequency,
                                                       interval) -> None:
    with org.write() as s:
        contract = _contract(s, staff_id, frequency=frequency, agreed_interval_days=interval)
    assert contract.values["frequency"] == frequency


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_review_due_is_one_date_in_the_contract_pdf_and_the_whole_file(org, tmp_path) -> None:
    from supervision_audit.services.audit_outputs import export_whole_file
    from supervision_audit.services.contract_export import export_contract_pdf

    with org.write() as s:
        contract = _contract(s, "P1", agreed="2026-11-07")
        _sign(s, "P1", contract, on=D(2026, 11, 8))  # agreed one day, signed the next
        due = review_due(s, contract)
        export_contract_pdf(s, SYS, contract.id, tmp_path / "contract.pdf")
        export_whole_file(s, SYS, get_by_staff_id(s, "P1").id, tmp_path / "file.pdf")
    assert due == D(2027, 11, 8)  # 12 months after it was signed by both (R4)
    for name in ("contract.pdf", "file.pdf"):
        shown = re.findall(r"Review due\s+(\d\d/\d\d/\d{4})", _pdf_text(tmp_path / name))
        assert shown == ["08/11/2027"], name
