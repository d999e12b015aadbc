"""Times of day are typed as people write them (14:00, 1400, 2pm) and Tab leaves the field;
text that is no time is kept as typed and said to be wrong beside the field."""

from __future__ import annotations

from datetime import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from supervision_audit.forms import ALL_FORMS
from supervision_audit.ui.widgets.form_editor import FormEditor
from supervision_audit.ui.widgets.time_field import TimeField, parse_typed_time


@pytest.mark.parametrize(("typed", "meant"), [
    ("14:00", time(14, 0)), ("14.00", time(14, 0)), ("1400", time(14, 0)),
    ("930", time(9, 30)), ("0930", time(9, 30)), ("9", time(9, 0)), ("14", time(14, 0)),
    ("2pm", time(14, 0)), ("2 pm", time(14, 0)), ("2:30pm", time(14, 30)),
    ("2.30 p.m.", time(14, 30)), ("11am", time(11, 0)), ("12am", time(0, 0)),
    ("12pm", time(12, 0)), ("12:15 PM", time(12, 15)), ("00:00", time(0, 0)),
    ("  10:05 ", time(10, 5)),
])
def test_typed_times_are_read_as_meant(typed: str, meant: time) -> None:
    assert parse_typed_time(typed) == meant


@pytest.mark.parametrize("typed", ["25:00", "2460", "13pm", "0pm", "9:5", "12345", "1:2:3"])
def test_what_is_no_time_of_day_is_refused_by_name(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a time of day"):
        parse_typed_time(typed)


def test_empty_is_not_set() -> None:
    assert parse_typed_time("") is None and parse_typed_time("   ") is None


@pytest.fixture
def record_editor(qtbot) -> FormEditor:
    editor = FormEditor(ALL_FORMS["individual"])
    qtbot.addWidget(editor)
    editor.resize(900, 700)
    editor.show()
    with qtbot.waitActive(editor):
        editor.activateWindow()
    return editor


@pytest.mark.parametrize(("typed", "shown"), [("1400", "14:00"), ("2pm", "14:00"),
                                               ("14:00", "14:00"), ("930", "09:30")])
def test_a_time_typed_in_a_record_is_kept_and_tab_moves_on(qtbot, record_editor, typed,
                                                           shown) -> None:
    start = record_editor.widget_for("start_time")
    end = record_editor.widget_for("end_time")
    assert start.text() == "" and start.placeholderText() == "hh:mm"  # not "Not set"
    start.setFocus()
    qtbot.keyClicks(start, typed)
    assert record_editor.values()["start_time"] == shown  # already while typing
    qtbot.keyClick(start, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is end  # Tab leaves the field, to the next one
    assert start.text() == shown  # tidied as it is left
    assert record_editor.problem_text("start_time") == ""


def test_a_typed_time_that_is_no_time_is_kept_and_named_beside_the_field(
        qtbot, record_editor) -> None:
    start = record_editor.widget_for("start_time")
    start.setFocus()
    qtbot.keyClicks(start, "25:00")
    qtbot.keyClick(start, Qt.Key.Key_Tab)
    assert start.text() == "25:00"  # nothing lost, nothing changed into another time
    assert record_editor.values()["start_time"] == "25:00"  # the service refuses it by name
    assert "'25:00' is not a time of day" in record_editor.problem_text("start_time")
    start.setFocus()
    start.selectAll()
    qtbot.keyClicks(start, "1500")
    qtbot.keyClick(start, Qt.Key.Key_Tab)
    assert record_editor.problem_text("start_time") == ""
    assert record_editor.values()["start_time"] == "15:00"


def test_a_stored_time_is_shown_and_read_back(qtbot) -> None:
    field = TimeField()
    qtbot.addWidget(field)
    field.set_iso("09:05:00")
    assert field.text() == "09:05" and field.iso() == "09:05"
    field.set_iso(None)
    assert field.text() == "" and field.iso() is None
