"""The contract dialog: drafted from the records, saved by the service, problems beside
fields, unsaved changes asked about."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel

from supervision_audit.services.contracts import contract_versions, latest_contract, save_contract
from supervision_audit.ui.file.contract_dialog import ContractDialog


@pytest.fixture
def open_dialog(qtbot, store, actor):
    def make(staff_uuid, contract_id=None) -> ContractDialog:
        dialog = ContractDialog(store, actor, staff_uuid, contract_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog
    return make


def _type(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def test_a_new_contract_is_drafted_from_the_records(open_dialog, people) -> None:
    dialog = open_dialog(people["P1"])
    values = dialog.editor.values()
    assert values["supervisee_name"] == "Pat Worker"
    assert values["supervisor_name"] == "Mia Manager"
    assert values["supervisor_manager"] == "Sam Head"
    assert values["intermediary"] == "Sam Head"  # the supervisor's manager, by default
    assert values["duration_minutes"] == 90
    assert dialog.editor.widget_for("supervisee_name").isReadOnly()
    assert not dialog.has_changes()


def test_filling_and_saving_stores_the_contract(qtbot, store, people, open_dialog) -> None:
    dialog = open_dialog(people["P1"])
    editor = dialog.editor
    _type(qtbot, editor.widget_for("venue"), "Oldbury Council House, room 2.14")
    _type(qtbot, editor.widget_for("intermediary"), "Omar Hussain")
    date_field = editor.widget_for("date_agreed")
    _type(qtbot, date_field.line, "14/03/2025")
    qtbot.keyClick(date_field.line, Qt.Key.Key_Tab)
    assert dialog.has_changes()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with store.read() as session:
        contract = latest_contract(session, people["P1"])
        assert contract is not None and contract.id == dialog.saved_id
        assert contract.version == 1
        assert contract.values["venue"] == "Oldbury Council House, room 2.14"
        assert contract.values["intermediary"] == "Omar Hussain"
        assert contract.date_agreed == date(2025, 3, 14)
        # a draft until both sign: no review date is kept or due yet (R4)
        assert "review_due" not in contract.values


def test_problems_are_shown_beside_fields_and_nothing_is_saved(qtbot, store, people,
                                                             open_dialog) -> None:
    dialog = open_dialog(people["P1"])
    editor = dialog.editor
    editor.widget_for("intermediary").clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert editor.problem_text("venue") == "They will normally take place at (venue) is required"
    assert editor.problem_text("intermediary") == "Named intermediary is required"
    assert editor.problem_text("date_agreed") == "Date agreed is required"
    assert dialog.focusWidget() is editor.widget_for("venue")
    with store.read() as session:
        assert contract_versions(session, people["P1"]) == []


def test_a_rule_of_the_form_is_shown_beside_its_field(qtbot, store, people, open_dialog) -> None:
    dialog = open_dialog(people["P1"])
    editor = dialog.editor
    _type(qtbot, editor.widget_for("venue"), "Room 1")
    _type(qtbot, editor.widget_for("date_agreed").line, "01/04/2025")
    frequency = editor.widget_for("frequency")
    frequency.setCurrentIndex(frequency.findData("agreed"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "required when an agreed interval is chosen" in editor.problem_text(
        "agreed_interval_days")
    editor.widget_for("agreed_interval_days").setValue(14)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with store.read() as session:
        assert latest_contract(session, people["P1"]).agreed_interval_days == 14


def test_a_frequency_below_the_roles_minimum_is_refused_beside_the_field(
        qtbot, store, people, open_dialog) -> None:
    dialog = open_dialog(people["P1"])  # a practitioner: monthly at least
    editor = dialog.editor
    _type(qtbot, editor.widget_for("venue"), "Room 1")
    _type(qtbot, editor.widget_for("date_agreed").line, "01/04/2025")
    frequency = editor.widget_for("frequency")
    frequency.setCurrentIndex(frequency.findData("six-weekly"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    problem = dialog.findChild(QLabel, "frequency_problem")
    assert problem.isVisible()
    assert problem.text() == editor.problem_text("frequency")
    assert "Less frequent than the policy's minimum for this role (monthly)" in problem.text()
    with store.read() as session:
        assert contract_versions(session, people["P1"]) == []
    frequency.setCurrentIndex(frequency.findData("monthly"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_opening_a_stored_contract_and_saving_updates_it(qtbot, store, actor, people,
                                                         open_dialog) -> None:
    with store.write() as session:
        contract = save_contract(session, actor, people["P2"], {
            "venue": "Smethwick", "intermediary": "Sam Head", "date_agreed": "2025-02-03",
            "duration_minutes": 90, "frequency": "monthly"})
        contract_id = contract.id
    dialog = open_dialog(people["P2"], contract_id)
    assert dialog.editor.values()["venue"] == "Smethwick"
    assert dialog.editor.widget_for("date_agreed").line.text() == "03/02/2025"
    _type(qtbot, dialog.editor.widget_for("venue"), "Oldbury")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with store.read() as session:
        versions = contract_versions(session, people["P2"])
    assert [(c.id, c.values["venue"]) for c in versions] == [(contract_id, "Oldbury")]


def test_an_older_version_opens_read_only(store, actor, people, open_dialog) -> None:
    with store.write() as session:
        base = {"venue": "A", "intermediary": "Sam Head", "date_agreed": "2024-02-03",
                "duration_minutes": 90, "frequency": "monthly"}
        first = save_contract(session, actor, people["P2"], base).id
        save_contract(session, actor, people["P2"], {**base, "date_agreed": "2025-02-03"})
    dialog = open_dialog(people["P2"], first)
    assert dialog.save_button is None
    assert dialog.editor.widget_for("venue").isReadOnly()
    assert "read-only" in dialog.findChild(type(dialog.editor.banner), "intro").text()


def test_cancel_with_changes_asks_before_discarding(qtbot, people, open_dialog,
                                                   message_log) -> None:
    dialog = open_dialog(people["P1"])
    qtbot.keyClicks(dialog.editor.widget_for("venue"), "Room 9")
    message_log.discard = False
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert message_log.shown == [("ask_discard", "", "supervision contract")]
    message_log.discard = True
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_cancel_without_changes_closes_at_once(qtbot, people, open_dialog,
                                               message_log) -> None:
    dialog = open_dialog(people["P1"])
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert message_log.shown == []


def test_a_signed_contract_opens_read_only(store, actor, people, open_dialog) -> None:
    with store.write() as session:
        contract = save_contract(session, actor, people["P2"], {
            "venue": "A", "intermediary": "Sam Head", "date_agreed": "2025-02-03",
            "duration_minutes": 90, "frequency": "monthly"})
        contract.locked_at = datetime.now(UTC)  # as signing by both parties leaves it
        contract_id = contract.id
    dialog = open_dialog(people["P2"], contract_id)
    assert dialog.save_button is None
    assert dialog.editor.widget_for("venue").isReadOnly()
    assert "final" in dialog.findChild(type(dialog.editor.banner), "intro").text()
