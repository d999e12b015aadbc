"""Section 1 – the monitoring sheet panel: planning, postponing, reporting, moving, files, and
who may change what; driven through the real widgets as a team manager would."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QWidget
from sqlmodel import select

from supervision_audit.db import open_store
from supervision_audit.models import SupervisionSession
from supervision_audit.services.access import SYSTEM_ACTOR, Actor
from supervision_audit.services.sessions import plan_year
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.ui.common.style import BAD_FG, OK_FG
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.file.file_view import FileView
from supervision_audit.ui.file.section_panels import build_panels
from supervision_audit.ui.monitoring import monitoring_common, monitoring_files
from supervision_audit.ui.monitoring.monitoring_dialogs import WhenDialog
from supervision_audit.ui.monitoring.monitoring_files import ImportProblemsDialog
from supervision_audit.ui.monitoring.monitoring_model import Column
from supervision_audit.ui.monitoring.monitoring_panel import MonitoringPanel
from supervision_audit.ui.monitoring.postpone_dialog import PostponeDialog
from supervision_audit.ui.monitoring.schedule_dialog import MoveDialog, PlanYearDialog

TODAY = date(2025, 6, 1)
LEFT = Qt.MouseButton.LeftButton
# monthly, on the first Monday on or after the same day of each month
YEAR_2025 = ["06/01/2025", "10/02/2025", "10/03/2025", "07/04/2025", "12/05/2025",
             "09/06/2025", "07/07/2025", "11/08/2025", "08/09/2025", "06/10/2025",
             "10/11/2025", "08/12/2025"]


def manager(people, staff_id: str = "M1", name: str = "Mia Manager") -> Actor:
    return Actor(username=staff_id.lower(), staff_id=people[staff_id], name=name,
                 staff_role="team_manager")


@pytest.fixture
def show(qtbot, store, people):
    """Show P1's (or anyone's) monitoring sheet to ``actor`` (their supervisor by default)."""
    def make(staff_id: str = "P1", actor: Actor | None = None,
             today: date = TODAY) -> MonitoringPanel:
        actor = actor or manager(people)
        panel = MonitoringPanel(store, actor)
        panel.today = lambda: today
        qtbot.addWidget(panel)
        panel.resize(1000, 700)
        panel.show()
        qtbot.waitExposed(panel)
        with store.read() as session:
            panel.show_for(load_file(session, actor, people[staff_id], today))
        return panel
    return make


def _plan(store, people, staff_id: str = "P1") -> None:
    with store.write() as session:
        plan_year(session, SYSTEM_ACTOR, people[staff_id], date(2025, 1, 6), 0, time(10, 0),
                  venue="Oldbury")


def _select(panel: MonitoringPanel, day: str) -> None:
    dates = [row[Column.DATE] for row in panel.model.text_rows()]
    panel.table.setCurrentIndex(panel.model.index(dates.index(day), Column.DATE))


def _row(panel: MonitoringPanel, day: str) -> tuple[str, ...]:
    return next(row for row in panel.model.text_rows() if row[Column.DATE] == day)


def _cell(panel: MonitoringPanel, day: str, column: Column, role: Qt.ItemDataRole):
    dates = [row[Column.DATE] for row in panel.model.text_rows()]
    return panel.model.index(dates.index(day), column).data(role)


def _plain(label) -> str:
    """A rich-text label as a reader sees it."""
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText().replace("\xa0", " ")


def _type_date(qtbot, field, text: str) -> None:
    field.line.clear()
    qtbot.keyClicks(field.line, text)


def _sessions(store) -> list[SupervisionSession]:
    with store.read() as session:
        return list(session.exec(select(SupervisionSession)))


def test_planning_a_year_through_the_dialog_fills_the_sheet(qtbot, store, people, show,
                                                            qtmodeltester) -> None:
    panel = show()
    assert panel.model.rowCount() == 0 and panel.empty.isVisible()
    assert panel.plan_button.isEnabled()
    qtbot.mouseClick(panel.plan_button, LEFT)
    dialog = panel.dialog
    assert isinstance(dialog, PlanYearDialog) and dialog.isVisible()
    _type_date(qtbot, dialog.start, "06/01/2025")
    dialog.start.line.editingFinished.emit()
    assert dialog.weekday.currentText() == "Monday"
    dialog.time.clear()
    qtbot.keyClicks(dialog.time, "14:30")
    qtbot.keyClicks(dialog.venue, "Oldbury office")
    assert "12 sessions" in dialog.preview.text() and "(monthly)" in dialog.preview.text()
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert panel.model.rowCount() == 12
    assert [row[Column.DATE] for row in panel.model.text_rows()] == YEAR_2025
    assert panel.model.text_rows()[0] == ("06/01/2025", "14:30", "Planned", "", "", "")
    assert panel.notice.text() == "Booked 12 sessions, from 06/01/2025 to 08/12/2025."
    assert panel.table.isVisible() and not panel.empty.isVisible()
    assert all(s.venue == "Oldbury office" for s in _sessions(store))
    qtmodeltester.check(panel.model)


def test_a_time_that_is_no_time_is_shown_beside_the_field(qtbot, store, people, show) -> None:
    panel = show()
    qtbot.mouseClick(panel.plan_button, LEFT)
    dialog = panel.dialog
    dialog.time.setText("25:00")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.isVisible()
    assert dialog.problems.text("time") == \
        "'25:00' is not a time of day (type it as 14:00, 1400 or 2pm)"
    assert _sessions(store) == []


def test_postponing_without_a_reason_says_so_beside_the_field_and_saves_nothing(
        qtbot, store, people, show) -> None:
    _plan(store, people)
    panel = show()
    _select(panel, "10/02/2025")
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # Enter on a planned row: postpone
    dialog = panel.dialog
    assert isinstance(dialog, PostponeDialog) and dialog.isVisible()
    assert "within 14 days (by 24/02/2025)" in dialog.r2.text()
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.isVisible()
    message = dialog.problems["reason"]
    assert dialog.problems.text("reason") == ("Give the reason for the postponement or "
                                              "cancellation")
    assert message.isVisible()
    assert message.x() == dialog.reason.x() and message.y() > dialog.reason.y()
    assert {s.status for s in _sessions(store)} == {"planned"}
    assert _row(panel, "10/02/2025")[Column.STATUS] == "Planned"


def test_a_miss_without_a_new_date_is_flagged_and_then_reported(qtbot, store, people,
                                                                show) -> None:
    _plan(store, people)
    panel = show()
    _select(panel, "10/02/2025")
    assert not panel.report_button.isEnabled()
    qtbot.mouseClick(panel.postpone_button, LEFT)
    dialog = panel.dialog
    qtbot.mouseClick(dialog.cancelled, LEFT)
    qtbot.keyClicks(dialog.reason, "Supervisor at court")
    qtbot.keyClicks(dialog.comments, "No cover available")
    qtbot.mouseClick(dialog.save_button, LEFT)

    row = _row(panel, "10/02/2025")
    assert row[Column.STATUS] == "Cancelled"
    assert row[Column.RESCHEDULED] == ""
    assert row[Column.COMMENTS] == "Supervisor at court; No cover available"
    assert row[Column.ESCALATION] == "Overdue: report to line manager by 24/02/2025"
    overdue = _cell(panel, "10/02/2025", Column.ESCALATION, Qt.ItemDataRole.ForegroundRole)
    assert overdue.color().name() == BAD_FG  # long past the 14 days on 01/06/2025
    assert _plain(panel.summary) == ("12 sessions: 1 cancelled, 11 planned. 1 miss to report "
                                     "to the line manager (1 overdue).")
    assert panel.model.rowCount() == 12

    assert panel.report_button.isEnabled() and panel.reschedule_button.isEnabled()
    assert not panel.postpone_button.isEnabled() and not panel.move_button.isEnabled()
    qtbot.mouseClick(panel.report_button, LEFT)
    when = panel.dialog
    assert isinstance(when, WhenDialog)
    _type_date(qtbot, when.date, "25/02/2025")
    qtbot.mouseClick(when.save_button, LEFT)
    assert _row(panel, "10/02/2025")[Column.ESCALATION] == "Reported 25/02/2025"
    reported = _cell(panel, "10/02/2025", Column.ESCALATION, Qt.ItemDataRole.ForegroundRole)
    assert reported.color().name() == OK_FG
    assert _plain(panel.summary) == "12 sessions: 1 cancelled, 11 planned."


def test_an_escalation_in_time_and_an_overdue_one_differ_in_words_not_only_colour(
        qtbot, store, people, show) -> None:
    _plan(store, people)
    for today, text in ((date(2025, 2, 11), "Report to line manager by 24/02/2025"),
                        (date(2025, 3, 3), "Overdue: report to line manager by 24/02/2025")):
        panel = show(today=today)
        if today == date(2025, 2, 11):
            _select(panel, "10/02/2025")
            qtbot.mouseClick(panel.postpone_button, LEFT)
            qtbot.mouseClick(panel.dialog.cancelled, LEFT)
            qtbot.keyClicks(panel.dialog.reason, "Supervisor at court")
            qtbot.mouseClick(panel.dialog.save_button, LEFT)
        assert _row(panel, "10/02/2025")[Column.ESCALATION] == text


def test_a_report_date_before_the_miss_is_refused_beside_the_field(qtbot, store, people,
                                                                   show) -> None:
    _plan(store, people)
    panel = show()
    _select(panel, "10/02/2025")
    qtbot.mouseClick(panel.postpone_button, LEFT)
    qtbot.keyClicks(panel.dialog.reason, "Sickness")
    qtbot.mouseClick(panel.dialog.save_button, LEFT)
    qtbot.mouseClick(panel.report_button, LEFT)
    when = panel.dialog
    _type_date(qtbot, when.date, "01/02/2025")
    qtbot.mouseClick(when.save_button, LEFT)
    assert when.isVisible()
    assert when.problems.text("reported_to_manager_on") == ("The report date is before the "
                                                            "missed session")
    assert "report to line manager" in _row(panel, "10/02/2025")[Column.ESCALATION]


def test_postponing_with_a_new_date_books_it_and_raises_no_flag(qtbot, store, people,
                                                                show) -> None:
    _plan(store, people)
    panel = show(today=date(2025, 2, 11))  # the day after the miss
    _select(panel, "10/02/2025")
    qtbot.mouseClick(panel.postpone_button, LEFT)
    dialog = panel.dialog
    qtbot.keyClicks(dialog.reason, "Supervisee on leave")
    qtbot.keyClicks(dialog.new_date.line, "14/02/2025")
    assert "will be booked" in dialog.r2.text()
    dialog.new_time.clear()
    qtbot.keyClicks(dialog.new_time, "09:15")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert _row(panel, "10/02/2025")[1:] == ("10:00", "Postponed", "14/02/2025",
                                             "Supervisee on leave", "")
    assert _row(panel, "14/02/2025") == ("14/02/2025", "09:15", "Planned", "", "", "")
    assert panel.model.rowCount() == 13
    assert not panel.reschedule_button.isEnabled()  # it has its new date


def test_a_new_date_set_later_books_the_session(qtbot, store, people, show) -> None:
    _plan(store, people)
    panel = show()
    _select(panel, "10/03/2025")
    qtbot.mouseClick(panel.postpone_button, LEFT)
    qtbot.keyClicks(panel.dialog.reason, "Sickness")
    qtbot.mouseClick(panel.dialog.save_button, LEFT)
    qtbot.mouseClick(panel.reschedule_button, LEFT)
    when = panel.dialog
    _type_date(qtbot, when.date, "12/03/2025")
    qtbot.mouseClick(when.save_button, LEFT)
    assert _row(panel, "10/03/2025")[Column.RESCHEDULED] == "12/03/2025"
    assert _row(panel, "12/03/2025")[Column.STATUS] == "Planned"


def test_moving_and_taking_out_planned_sessions(qtbot, store, people, show,
                                                monkeypatch) -> None:
    _plan(store, people)
    panel = show()
    _select(panel, "07/07/2025")
    qtbot.mouseClick(panel.move_button, LEFT)
    dialog = panel.dialog
    assert isinstance(dialog, MoveDialog)
    _type_date(qtbot, dialog.date, "09/07/2025")
    dialog.time.clear()
    qtbot.keyClicks(dialog.time, "13:00")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert _row(panel, "09/07/2025")[:3] == ("09/07/2025", "13:00", "Planned")
    assert "07/07/2025" not in [r[0] for r in panel.model.text_rows()]

    asked: list[str] = []
    answer = {"value": False}

    def confirm(_parent: QWidget, _title: str, text: str, _action: str) -> bool:
        asked.append(text)
        return answer["value"]

    monkeypatch.setattr(monitoring_common, "confirm", confirm)
    _select(panel, "11/08/2025")
    qtbot.mouseClick(panel.remove_button, LEFT)
    assert "11/08/2025" in asked[0] and panel.model.rowCount() == 12  # kept: the answer was no
    answer["value"] = True
    qtbot.mouseClick(panel.remove_button, LEFT)
    assert panel.model.rowCount() == 11
    assert "11/08/2025" not in [r[0] for r in panel.model.text_rows()]
    assert len(_sessions(store)) == 11


def _second_store(tmp_path: Path):
    """Another organisation's database with the same two people, by name and staff id."""
    other = open_store(tmp_path / "other.sqlite")
    with other.write() as session:
        for staff_id, name, title, role, boss in (
                ("M1", "Mia Manager", "Team Manager", "team_manager", ""),
                ("P1", "Pat Worker", "Social Worker", "practitioner", "M1")):
            save_staff(session, SYSTEM_ACTOR, StaffInput(
                staff_id, name, title, team="Assessment", role=role, supervisor_staff_id=boss,
                employment_start=date(2024, 3, 1)), today=TODAY)
    return other


def test_export_to_xlsx_then_import_gives_back_the_same_rows(qtbot, store, people, show,
                                                             tmp_path, monkeypatch) -> None:
    _plan(store, people)
    panel = show()
    _select(panel, "10/02/2025")
    qtbot.mouseClick(panel.postpone_button, LEFT)
    qtbot.keyClicks(panel.dialog.reason, "Court")
    qtbot.keyClicks(panel.dialog.new_date.line, "17/02/2025")
    qtbot.mouseClick(panel.dialog.save_button, LEFT)
    _select(panel, "10/03/2025")
    qtbot.mouseClick(panel.postpone_button, LEFT)
    qtbot.mouseClick(panel.dialog.cancelled, LEFT)
    qtbot.keyClicks(panel.dialog.reason, "Sickness, no cover")
    qtbot.mouseClick(panel.dialog.save_button, LEFT)
    shown = panel.model.text_rows()
    assert len(shown) == 13

    out = tmp_path / "sheet.xlsx"
    monkeypatch.setattr(monitoring_files, "choose_export_path", lambda _parent, _s: out)
    qtbot.mouseClick(panel.export_button, LEFT)
    assert out.exists() and panel.notice.text() == f"Saved the monitoring sheet to {out}"

    other = _second_store(tmp_path)
    try:
        with other.read() as session:
            pat = get_by_staff_id(session, "P1")
            mia = get_by_staff_id(session, "M1")
        actor = Actor(username="mia", staff_id=mia.id, name="Mia Manager",
                      staff_role="team_manager")
        fresh = MonitoringPanel(other, actor)
        fresh.today = lambda: TODAY
        qtbot.addWidget(fresh)
        with other.read() as session:
            fresh.show_for(load_file(session, actor, pat.id, TODAY))
        assert fresh.model.rowCount() == 0
        monkeypatch.setattr(monitoring_files, "choose_import_path", lambda _parent, _d: out)
        qtbot.mouseClick(fresh.import_button, LEFT)
        assert fresh.notice.text() == "Imported sheet.xlsx: 1 sheet, 13 added, 0 updated."
        assert fresh.model.text_rows() == shown
    finally:
        other.close()


def test_a_bad_workbook_lists_every_problem_and_imports_nothing(qtbot, store, people, show,
                                                                tmp_path, monkeypatch) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Pat"
    sheet["A1"], sheet["B1"], sheet["C1"], sheet["D1"] = ("Supervisee:", "Pat Wroker",
                                                          "Supervisor:", "Mia Manager")
    for column, text in enumerate(("Date", "Time", "Completed/Postponed",
                                   "Date Rescheduled for",
                                   "Any comments / Reasons for postponement"), start=1):
        sheet.cell(row=3, column=column, value=text)
    sheet.append(["06/01/2025", "10:00", "Completed"])
    sheet.append(["31/02/2025", "10:00", "Completed"])
    sheet.append(["10/03/2025", "25:99", "Maybe"])
    sheet.append(["07/04/2025", "10:00", "Postpond"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    panel = show()
    monkeypatch.setattr(monitoring_files, "choose_import_path", lambda _parent, _d: path)
    qtbot.mouseClick(panel.import_button, LEFT)
    dialog = panel.dialog
    assert isinstance(dialog, ImportProblemsDialog) and dialog.isVisible()
    assert dialog.status.text() == "bad.xlsx has 5 problems. Nothing was imported."
    assert dialog.problem_rows() == [
        ("1", "'Pat' Supervisee (B1)",
         "'Pat Wroker' is not a member of staff (by staff id or full name)"),
        ("5", "'Pat' Date",
         "'31/02/2025' is not a real date (expected YYYY-MM-DD or dd/mm/yyyy)"),
        ("6", "'Pat' Time", "'25:99' is not a time of day (HH:MM)"),
        ("6", "'Pat' Completed/Postponed", "'Maybe' is not Completed, Postponed or Cancelled"),
        ("7", "'Pat' Any comments / Reasons for postponement",
         "a postponed or cancelled session needs its reason"),
    ]
    assert panel.notice.text() == "bad.xlsx was not imported."
    assert _sessions(store) == []


def test_pdf_and_calendar_exports(qtbot, store, people, show, tmp_path, monkeypatch) -> None:
    _plan(store, people)
    panel = show()
    pdf = tmp_path / "sheet.pdf"
    monkeypatch.setattr(monitoring_files, "choose_export_path", lambda _parent, _s: pdf)
    qtbot.mouseClick(panel.export_button, LEFT)
    assert pdf.read_bytes().startswith(b"%PDF")
    ics = tmp_path / "diary.ics"
    monkeypatch.setattr(monitoring_files, "choose_ics_path", lambda _parent, _s: ics)
    qtbot.mouseClick(panel.ics_button, LEFT)
    text = ics.read_text()
    assert text.count("BEGIN:VEVENT") == 7  # 09/06/2025 to 08/12/2025: still to come
    assert "DTSTART;TZID=Europe/London:20250609T100000" in text and "DTSTART:20250512" not in text
    assert panel.notice.text() == f"Saved 7 sessions still to come to {ics}"


def test_a_practitioner_sees_their_own_sheet_but_cannot_change_it(qtbot, store, people,
                                                                  show) -> None:
    _plan(store, people)
    pat = Actor(username="pat", staff_id=people["P1"], name="Pat Worker",
                staff_role="practitioner")
    panel = show("P1", actor=pat)
    assert panel.model.rowCount() == 12 and panel.table.isVisible()
    _select(panel, "06/01/2025")
    for button in panel.edit_buttons:
        assert not button.isEnabled(), button.text()
    assert panel.export_button.isEnabled() and panel.ics_button.isEnabled()
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert panel.dialog is None  # Enter opens nothing for someone who may not write


def test_the_panel_sits_in_section_1_of_the_file(qtbot, store, people) -> None:
    _plan(store, people)
    actor = manager(people)
    view = FileView()
    qtbot.addWidget(view)
    view.install_panels(build_panels(store, actor, view))
    panel = view.panels[1]
    assert isinstance(panel, MonitoringPanel)
    with store.read() as session:
        view.show_file(load_file(session, actor, people["P1"], TODAY))
    assert panel.model.rowCount() == 12
    with store.read() as session:
        view.show_file(load_file(session, actor, people["P2"], TODAY))
    assert panel.model.rowCount() == 0


def test_rows_are_as_tall_as_their_text_and_one_line_rows_are_not_measured(
        qtbot, store, people, show, monkeypatch) -> None:
    """A long comment wraps and its row grows; every other row is one line high: the same
    heights as asking the delegate about every row, without asking it about one-line rows."""
    from supervision_audit.services.sessions import miss_session

    _plan(store, people)
    planned = sorted(_sessions(store), key=lambda s: s.planned_date)
    with store.write() as session:
        miss_session(session, SYSTEM_ACTOR, planned[1].id, status="cancelled",
                     reason="Supervisor at court", comments="No cover was available that "
                     "week, and the team's duty rota was short by two workers, so the "
                     "session could not be moved inside the fortnight", today=TODAY)
        miss_session(session, SYSTEM_ACTOR, planned[2].id, status="postponed",
                     reason="Sickness", rescheduled_for=date(2025, 3, 14), today=TODAY)
    panel = show()
    table = panel.table
    least = table.verticalHeader().defaultSectionSize()
    measured: list[int] = []
    original = type(table).sizeHintForRow
    monkeypatch.setattr(type(table), "sizeHintForRow",
                        lambda self, row: measured.append(row) or original(self, row))
    table.fit_rows()
    rows = panel.model.rowCount()
    assert 0 < len(measured) < rows  # only the rows whose text may not fit on one line
    heights = [table.rowHeight(r) for r in range(rows)]
    assert heights == [max(least, original(table, r) + 8) for r in range(rows)]
    long_row = [row[Column.DATE] for row in panel.model.text_rows()].index("10/02/2025")
    assert heights[long_row] > least and heights.count(least) >= rows - len(measured)
