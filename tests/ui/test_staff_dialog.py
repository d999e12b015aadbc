"""Adding, editing and marking leavers through the dialogs; the service decides, the
dialog shows its problems beside the fields."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlmodel import func, select

from supervision_audit.models import Staff, Team
from supervision_audit.services.staff import get_by_staff_id, get_staff
from supervision_audit.ui.staff.leaver_dialog import LeaverDialog
from supervision_audit.ui.staff.staff_dialog import StaffDialog


@pytest.fixture
def staff_dialog(qtbot, store, actor):
    def make(staff_uuid=None) -> StaffDialog:
        dialog = StaffDialog(store, actor, staff_uuid)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog
    return make


def _count(store) -> int:
    with store.read() as session:
        return session.exec(select(func.count()).select_from(Staff)).one()


def _choose(combo, text: str) -> None:
    index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_adding_a_person_writes_them_to_the_store(qtbot, store, people, staff_dialog) -> None:
    dialog = staff_dialog()
    qtbot.keyClicks(dialog.staff_id, "P20")
    dialog.name.setText("Łucja Nowak")
    qtbot.keyClicks(dialog.job_title, "Social Worker (ASYE)")
    _choose(dialog.role, "ASYE")
    assert dialog.asye_start.isEnabled()
    qtbot.keyClicks(dialog.employment_start.line, "01/09/2025")
    qtbot.keyClicks(dialog.asye_start.line, "1/9/2025")
    dialog.team.setCurrentText("Edge of Care")  # a new team, typed
    qtbot.keyClicks(dialog.service, "Early Help")
    _choose(dialog.supervisor, "Mia Manager")
    qtbot.keyClicks(dialog.email, "l.nowak@example.org")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with store.read() as session:
        person = get_by_staff_id(session, "P20")
        assert person.id == dialog.saved_id
        assert person.name == "Łucja Nowak"
        assert person.role == "asye"
        assert person.asye_start == date(2025, 9, 1)
        assert person.employment_start == date(2025, 9, 1)
        assert person.supervisor_id == people["M1"]
        team = session.get(Team, person.team_id)
        assert (team.name, team.service) == ("Edge of Care", "Early Help")


def test_an_empty_name_is_shown_beside_the_field_and_nothing_saved(qtbot, store, people,
                                                                   staff_dialog) -> None:
    before = _count(store)
    dialog = staff_dialog()
    qtbot.keyClicks(dialog.staff_id, "P21")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problem_text("name") == "Name is required"
    assert dialog.problem_text("staff_id") == ""
    message = dialog.problems["name"]
    assert message.isVisible()
    assert message.y() > dialog.name.y() and message.x() == dialog.name.x()
    assert dialog.focusWidget() is dialog.name
    assert _count(store) == before


def test_the_services_problems_reach_their_fields(qtbot, store, people, staff_dialog) -> None:
    dialog = staff_dialog()
    qtbot.keyClicks(dialog.staff_id, "P1")  # already Pat Worker's
    qtbot.keyClicks(dialog.name, "Someone Else")
    qtbot.keyClicks(dialog.email, "not-an-address")
    _choose(dialog.role, "ASYE")  # without an ASYE start
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.problem_text("staff_id") == "Staff id 'P1' already belongs to Pat Worker"
    assert dialog.problem_text("asye_start") == "ASYE start is required for an ASYE worker"
    assert "is not an e-mail address" in dialog.problem_text("email")
    assert dialog.focusWidget() is dialog.staff_id


def test_an_impossible_date_is_refused_before_saving(qtbot, store, people,
                                                     staff_dialog) -> None:
    before = _count(store)
    dialog = staff_dialog()
    qtbot.keyClicks(dialog.staff_id, "P22")
    qtbot.keyClicks(dialog.name, "Dan Price")
    qtbot.keyClicks(dialog.employment_start.line, "30/02/2024")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problem_text("employment_start") == \
        "'30/02/2024' is not a real date (use dd/mm/yyyy)"
    assert _count(store) == before
    dialog.employment_start.line.setText("29/02/2024")  # a leap day is a real date
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert _count(store) == before + 1


def test_asye_start_is_only_for_asye_workers(staff_dialog, people) -> None:
    dialog = staff_dialog()
    assert not dialog.asye_start.isEnabled()
    _choose(dialog.role, "ASYE")
    assert dialog.asye_start.isEnabled()
    _choose(dialog.role, "Team manager")
    assert not dialog.asye_start.isEnabled()


def test_editing_shows_the_person_and_saves_changes(qtbot, store, people, staff_dialog) -> None:
    dialog = staff_dialog(people["P3"])
    assert dialog.windowTitle() == "Edit Aisha Rahman"
    assert dialog.staff_id.text() == "P3"
    assert dialog.role.currentData() == "asye"
    assert dialog.asye_start.line.text() == "02/09/2024"
    assert dialog.supervisor.currentData() == "M2"
    assert dialog.team.currentText() == "Children in Care"
    assert dialog.supervisor.findData("P3") == -1  # nobody supervises themselves
    dialog.job_title.setText("Social Worker")
    _choose(dialog.role, "Practitioner")
    _choose(dialog.supervisor, "Mia Manager")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with store.read() as session:
        person = get_staff(session, people["P3"])
        assert (person.job_title, person.role) == ("Social Worker", "practitioner")
        assert person.supervisor_id == people["M1"]


def test_cancel_asks_only_when_something_changed(qtbot, staff_dialog, people,
                                                 message_log) -> None:
    dialog = staff_dialog(people["P1"])
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and message_log.shown == []
    dialog = staff_dialog(people["P1"])
    qtbot.keyClicks(dialog.phone, "9")
    message_log.discard = False
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert message_log.kinds() == ["ask_discard"]


def test_marking_a_person_as_left(qtbot, store, actor, people) -> None:
    dialog = LeaverDialog(store, actor, people["M1"], today=date(2025, 6, 30))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.date.line.text() == "30/06/2025"
    assert "supervises 2 people" in dialog.findChildren(type(dialog.problem))[0].text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with store.read() as session:
        person = get_staff(session, people["M1"])
        assert (person.active, person.left_on) == (False, date(2025, 6, 30))


def test_a_leaving_date_before_employment_start_is_refused(qtbot, store, actor,
                                                           people) -> None:
    dialog = LeaverDialog(store, actor, people["P1"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date.line.setText("01/01/2020")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problem.text() == "The leaving date is before employment start"
    with store.read() as session:
        assert get_staff(session, people["P1"]).active


def test_control_characters_and_over_long_text_are_named_beside_the_field(
        qtbot, store, people, staff_dialog) -> None:
    from PySide6.QtGui import QGuiApplication

    before = _count(store)
    dialog = staff_dialog()
    qtbot.keyClicks(dialog.staff_id, "P22")
    QGuiApplication.clipboard().setText("Ann\x1b[2J Example")  # pasted from somewhere
    dialog.name.setFocus()
    qtbot.keyClick(dialog.name, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.name.text() == "Ann\x1b[2J Example"
    assert dialog.problem_text("name") == "Name has an escape (U+001B) at character 4: remove it"
    qtbot.keyClicks(dialog.job_title, "J" * 201)
    assert dialog.problem_text("job_title") == (
        "Job title is 201 characters long; at most 200 are allowed")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and _count(store) == before
    assert "an escape (U+001B)" in dialog.problem_text("name")
    assert "at most 200" in dialog.problem_text("job_title")
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Ann Example")
    assert dialog.problem_text("name") == ""
