"""Cases discussed are picked from the supervisee's open caseload: typing narrows the list,
a reference not on the caseload is said at once, and a case not on it yet is added from
the record and chosen."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from supervision_audit.services.cases import add_case, close_case
from supervision_audit.services.records import start_record
from supervision_audit.ui.records.case_picker import CaseBinding
from supervision_audit.ui.records.record_opening import open_record_dialog

HELD = date(2025, 3, 3)
# typing drops the list of cases down off screen, where it cannot be raised or take the keys
POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing|"
                                  "propagateSizeHints)")


@pytest.fixture
def dialog(qtbot, store, actor, people):
    with store.write() as s:
        pat = people["P1"]
        add_case(s, actor, pat, "CIN-1001", "child_in_need", date(2025, 1, 6))
        add_case(s, actor, pat, "CP-2002", "child_protection", date(2025, 1, 6))
        closed = add_case(s, actor, pat, "LAC-3003", "looked_after", date(2024, 6, 1))
        close_case(s, actor, closed.id, date(2025, 2, 1))  # closed before the session
        record = start_record(s, actor, form_key="individual", held_on=HELD,
                              supervisee_uuid=pat)
    made = open_record_dialog(store, actor, record.id, None)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    return made


def _first_cell(dialog) -> CaseBinding:
    cell = dialog.case_picker.table.cell(0, "case")
    assert isinstance(cell, CaseBinding)
    return cell


def _pick_first(completer) -> None:
    """Down to the first case the typing left, and Enter, in the list that drops down."""
    popup = completer.popup()
    assert popup.isVisible()
    QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    QApplication.processEvents()


@POPUP
def test_the_open_caseload_is_offered_and_typing_narrows_it(qtbot, dialog) -> None:
    cell = _first_cell(dialog)
    offered = [cell.combo.itemText(i) for i in range(cell.combo.count())]
    assert offered == ["CIN-1001  ·  Child in Need", "CP-2002  ·  Child Protection"]
    line = cell.combo.lineEdit()
    line.setFocus()
    QTest.keyClicks(line, "cp")
    completer = cell.combo.completer()
    assert completer.completionCount() == 1
    assert completer.currentCompletion() == "CP-2002  ·  Child Protection"
    _pick_first(completer)
    assert cell.value() == "CP-2002"
    assert not cell.problem.isVisible()
    assert dialog.values()["cases_discussed"][0]["case"] == "CP-2002"


@POPUP
def test_a_reference_not_on_the_caseload_is_said_as_it_is_typed(qtbot, dialog) -> None:
    cell = _first_cell(dialog)
    QTest.keyClicks(cell.combo.lineEdit(), "LAC-3003")  # closed before the session
    assert cell.problem.isVisible()
    assert cell.problem.text().startswith("'LAC-3003' is not on the open caseload")


@POPUP
def test_a_case_not_on_the_caseload_is_added_from_the_record(qtbot, store, people,
                                                             dialog) -> None:
    cell = _first_cell(dialog)
    QTest.keyClicks(cell.combo.lineEdit(), "CIN")
    _pick_first(cell.combo.completer())
    qtbot.mouseClick(dialog.case_picker.add_button, Qt.MouseButton.LeftButton)
    adding = dialog.case_dialog
    assert adding.isVisible() and adding.opened.date() == HELD  # open on the session's day
    QTest.keyClicks(adding.reference, "NEW-77")
    adding.case_type.setCurrentIndex(adding.case_type.findData("targeted"))
    qtbot.mouseClick(adding.save_button, Qt.MouseButton.LeftButton)
    cells = dialog.case_picker.cells()
    assert [c.value() for c in cells] == ["CIN-1001", "NEW-77"]  # chosen in a new row
    assert "NEW-77  ·  Targeted services" in [cells[0].combo.itemText(i)
                                              for i in range(cells[0].combo.count())]
    assert not cells[1].problem.isVisible()
