"""Section 3 – the caseload panel: open cases with their discussion due dates (R8), adding and
closing cases through the dialogs, and who may change them."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from supervision_audit.models import Case
from supervision_audit.services.access import SYSTEM_ACTOR, Actor
from supervision_audit.services.cases import add_case
from supervision_audit.ui.common.style import BAD_FG
from supervision_audit.ui.file.case_dialog import CaseDialog
from supervision_audit.ui.file.caseload_panel import CaseColumn, CaseloadPanel
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.monitoring.monitoring_dialogs import WhenDialog

TODAY = date(2025, 6, 1)
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def show(qtbot, store, people):
    def make(staff_id: str = "P1", actor: Actor | None = None) -> CaseloadPanel:
        actor = actor or Actor(username="m1", staff_id=people["M1"], name="Mia Manager",
                               staff_role="team_manager")
        panel = CaseloadPanel(store, actor)
        panel.today = lambda: TODAY
        qtbot.addWidget(panel)
        panel.resize(900, 400)
        panel.show()
        qtbot.waitExposed(panel)
        with store.read() as session:
            panel.show_for(load_file(session, actor, people[staff_id], TODAY))
        return panel
    return make


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def _cases(store) -> list[Case]:
    with store.read() as session:
        return list(session.exec(select(Case)))


def test_adding_a_case_lists_it_with_its_discussion_due_date(qtbot, store, people, show,
                                                             qtmodeltester) -> None:
    panel = show()
    assert panel.empty.isVisible() and panel.model.rowCount() == 0
    qtbot.mouseClick(panel.add_button, LEFT)
    dialog = panel.dialog
    assert isinstance(dialog, CaseDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.reference, "CP-1042")
    _choose(dialog.case_type, "Child Protection")
    dialog.opened.line.clear()
    qtbot.keyClicks(dialog.opened.line, "20/05/2025")
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert panel.model.text_rows() == [
        ("CP-1042", "Child Protection", "20/05/2025", "Not yet", "17/06/2025")]  # 28 days
    assert panel.notice.text() == "Case CP-1042 added."
    assert panel.summary.text() == "1 open case."
    assert panel.selected() is not None and panel.selected().case.reference == "CP-1042"
    qtmodeltester.check(panel.model)


def test_a_case_without_reference_or_type_is_refused_beside_the_fields(qtbot, store, people,
                                                                       show) -> None:
    panel = show()
    qtbot.mouseClick(panel.add_button, LEFT)
    dialog = panel.dialog
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.isVisible()
    assert dialog.problems.text("reference") == "The case reference is required"
    assert dialog.problems.text("case_type").startswith("Choose the case type: ")
    message = dialog.problems["reference"]
    assert message.x() == dialog.reference.x() and message.y() > dialog.reference.y()
    assert dialog.focusWidget() is dialog.reference
    assert _cases(store) == []


def test_a_case_not_discussed_within_its_interval_is_marked(qtbot, store, people,
                                                            show) -> None:
    with store.write() as session:
        add_case(session, SYSTEM_ACTOR, people["P1"], "LAC-7", "looked_after", date(2025, 4, 1))
        add_case(session, SYSTEM_ACTOR, people["P1"], "TS-9", "targeted", date(2025, 5, 20))
    panel = show()
    rows = panel.model.text_rows()
    assert rows[0] == ("LAC-7", "Looked After Child", "01/04/2025", "Not yet",
                       "29/04/2025 – not discussed within its interval")
    assert rows[1][CaseColumn.DUE] == "17/06/2025"
    late = panel.model.index(0, CaseColumn.DUE).data(Qt.ItemDataRole.ForegroundRole)
    assert late.color().name() == BAD_FG
    assert "1 was not discussed within its interval" in panel.summary.text()


def test_closing_a_case_takes_it_off_the_open_caseload(qtbot, store, people, show) -> None:
    with store.write() as session:
        add_case(session, SYSTEM_ACTOR, people["P1"], "CIN-3", "child_in_need", date(2025, 3, 3))
    panel = show()
    assert not panel.close_button.isEnabled()  # nothing selected yet
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    assert panel.close_button.isEnabled()
    qtbot.mouseClick(panel.close_button, LEFT)
    dialog = panel.dialog
    assert isinstance(dialog, WhenDialog)
    dialog.date.line.clear()
    qtbot.keyClicks(dialog.date.line, "01/03/2025")  # before it opened
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.problems.text("closed_on") == "A case cannot close before it opened"
    dialog.date.line.clear()
    qtbot.keyClicks(dialog.date.line, "30/05/2025")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert panel.model.rowCount() == 0 and panel.empty.isVisible()
    assert panel.notice.text() == "Case CIN-3 closed."
    assert _cases(store)[0].closed_on == date(2025, 5, 30)


def test_a_practitioner_sees_their_caseload_but_cannot_change_it(qtbot, store, people,
                                                                 show) -> None:
    with store.write() as session:
        add_case(session, SYSTEM_ACTOR, people["P1"], "CP-1", "child_protection",
                 date(2025, 5, 1))
    pat = Actor(username="pat", staff_id=people["P1"], name="Pat Worker",
                staff_role="practitioner")
    panel = show(actor=pat)
    assert panel.model.rowCount() == 1 and panel.table.isVisible()
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    assert not panel.add_button.isEnabled() and not panel.close_button.isEnabled()
    assert "supervisor" in panel.add_button.toolTip()
