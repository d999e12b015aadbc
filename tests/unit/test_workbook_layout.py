"""Every workbook the app writes is a well-formed sheet where a manager opens it: real dates
shown dd/mm/yyyy and real numbers, columns wide enough for what they hold, the header frozen
and repeated on every printed page, A4 landscape fitted to one page wide; the access-log CSV
carries a byte-order mark so its names open as written."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from supervision_audit.demo import acting_as
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access_log import access_log, write_access_log
from supervision_audit.services.audit_outputs import audit_summary
from supervision_audit.services.audits import save_audit, start_audit
from supervision_audit.services.monitoring_xlsx import export_monitoring, import_monitoring
from supervision_audit.services.monthly_return import SUMMARY_HEADERS, build_monthly_return
from supervision_audit.services.sessions import plan_year
from tests.record_helpers import signed_record


def _printed_one_page_wide(ws: Worksheet, title_rows: str) -> None:
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == title_rows


def _width(ws: Worksheet, letter: str) -> float:
    return ws.column_dimensions[letter].width


def test_the_monitoring_sheet_keeps_the_paper_layout_and_prints_one_page_wide(
        store, people, tmp_path: Path) -> None:
    with store.write() as s:
        plan_year(s, SYS, people["P2"], date(2026, 1, 5), 0, time(10), venue="Room 1")
        out = export_monitoring(s, SYS, [people["P2"]], tmp_path / "m.xlsx")
    ws = load_workbook(out).worksheets[0]
    assert [ws[ref].value for ref in ("A1", "B1", "C1", "D1")] == [
        "Supervisee:", "Łucja Żak", "Supervisor:", "Mia Manager"]
    assert ws["A3"].value == "Date" and isinstance(ws["A4"].value, datetime)
    assert ws["A4"].number_format == "DD/MM/YYYY" and ws["B4"].number_format == "HH:MM"
    assert ws.freeze_panes == "A4"
    _printed_one_page_wide(ws, "$1:$3")  # the names and the headings on every page
    assert [_width(ws, c) for c in "ABCDE"] == [14, 24, 22, 24, 60]
    with store.write() as s:  # it reads back in, as what the store already holds
        result = import_monitoring(s, SYS, out)
    assert (result.sheets, result.created, result.updated) == (1, 0, 0)


def test_the_monthly_return_holds_real_dates_and_numbers_set_apart_from_text(
        store, people, tmp_path: Path) -> None:
    with store.write() as s:
        signed_record(s, "P1", date(2026, 2, 10))
        out = build_monthly_return(s, SYS, "2026-02", tmp_path / "r.xlsx",
                                   today=date(2026, 3, 1))
    wb = load_workbook(out)
    summary = wb["Summary"]
    assert [c.value for c in summary[3]] == list(SUMMARY_HEADERS)
    assert summary.freeze_panes == "C4"
    _printed_one_page_wide(summary, "$1:$3")
    line = {h: c for h, c in zip(SUMMARY_HEADERS, summary[4], strict=True)}
    assert isinstance(line["Supervisees"].value, int)
    # text beside a number starts one indent in: "2" and "1 of 1" do not run together
    asye = line["ASYE supervisees on cadence"]
    assert isinstance(asye.value, str) and asye.alignment.indent >= 1
    assert asye.alignment.horizontal == "left"  # indented in LibreOffice too
    for ws in wb.worksheets[1:]:
        if ws.title.startswith("In timescale"):
            assert ws["A2"].number_format == "MMM YYYY"
            _printed_one_page_wide(ws, "$1:$1")
            continue
        assert ws["D2"].value == "Last completed" and ws.freeze_panes == "A3"
        _printed_one_page_wide(ws, "$1:$2")
        assert ws.auto_filter.ref.startswith("A2:M")
        dated = [r for r in ws.iter_rows(min_row=3) if r[4].value is not None]
        assert dated
        for row in dated:
            assert isinstance(row[4].value, datetime)  # not '2026-03-12' as text
            assert row[4].number_format == "DD/MM/YYYY"
        assert _width(ws, "B") >= len("Łucja Żak")


def test_the_access_log_workbook_sorts_by_when_and_the_csv_opens_as_written(
        store, people, tmp_path: Path) -> None:
    with store.write() as s:
        plan_year(s, SYS, people["P2"], date(2026, 1, 5), 0, time(10))
        export_monitoring(s, SYS, [people["P2"]], tmp_path / "m.xlsx")  # logged, about P2
        rows = access_log(s, SYS)
    assert any(r["about"].startswith("Łucja Żak") for r in rows)
    book = write_access_log(rows, tmp_path / "log.xlsx")
    ws = load_workbook(book)["Access log"]
    assert ws["A1"].value == "When"
    assert all(isinstance(r[0].value, datetime) for r in ws.iter_rows(min_row=2))
    assert ws["A2"].number_format == "DD/MM/YYYY HH:MM:SS"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:F{ws.max_row}"
    _printed_one_page_wide(ws, "$1:$1")
    longest_about = max(len(r["about"]) for r in rows)
    assert _width(ws, "E") >= longest_about and _width(ws, "A") >= 19

    csv_file = write_access_log(rows, tmp_path / "log.csv")
    data = csv_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Łucja Żak" in data[3:].decode("utf-8")


def test_the_audit_summary_has_real_months_dates_and_widths(store, people, tmp_path) -> None:
    with store.write() as s:
        signed_record(s, "P1", date(2026, 5, 29))
        head = acting_as(s, people["S1"])
        audit = start_audit(s, head, people["P1"], date(2026, 6, 26))
        from supervision_audit.forms.audit import JUDGEMENTS

        judgement = {label: key for key, label in JUDGEMENTS}[
            audit.values["suggested_judgement"]]
        save_audit(s, head, audit.id, {**audit.values, "judgement": judgement, "actions": [
            {"action": "Welfare every month", "owner": "Mia", "due": "2026-07-31"}]},
            complete=True)
        out = audit_summary(s, head, "2026-01", "2026-12", tmp_path / "a.xlsx")
    wb = load_workbook(out)
    judgements = wb["Judgements"]
    assert judgements["B2"].value == datetime(2026, 6, 1)
    assert judgements["B2"].number_format == "MMM YYYY"
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        _printed_one_page_wide(ws, "$1:$1")
        for cell in ws[1]:  # no heading cut short ("Assessmer", "Inadequa")
            assert _width(ws, cell.column_letter) >= len(str(cell.value))
    actions = wb["Open audit actions"]
    assert actions["D2"].value == datetime(2026, 7, 31)
    assert actions["D2"].number_format == "DD/MM/YYYY"


@pytest.mark.parametrize("value, shown", [(date(2026, 1, 2), 10), ("ab\nabcd", 4),
                                          (12.5, 4), (None, 0)])
def test_widths_come_from_what_is_shown(value, shown) -> None:
    from supervision_audit.exports.sheet_layout import shown_length

    assert shown_length(value) == shown
