"""The generic form editor: one widget per field kind, values round-trip, problems beside
their fields."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
)

from supervision_audit.errors import Problem
from supervision_audit.forms import ALL_FORMS, CONTRACT, Field, FormDef, Kind, Section, validate
from supervision_audit.ui.widgets.date_field import DateField
from supervision_audit.ui.widgets.field_widgets import FACTORIES
from supervision_audit.ui.widgets.form_editor import FormEditor
from supervision_audit.ui.widgets.time_field import TimeField

WIDGET_CLASS = {
    Kind.TEXT: QLineEdit, Kind.MULTILINE: QPlainTextEdit, Kind.DATE: DateField,
    Kind.TIME: TimeField, Kind.INTEGER: QSpinBox, Kind.CHOICE: QComboBox, Kind.BOOL: QCheckBox,
    Kind.STATIC: QLabel, Kind.TABLE: QFrame, Kind.TAGS: QListWidget,
}

# A form holding one field of every kind, so each widget is tried even before a real form
# uses it.
EVERY_KIND = FormDef(
    key="every_kind", title="Every kind", reference="Test", sections=(
        Section("one", "One", (
            Field("text", "Text", required=True),
            Field("multiline", "Multiline", Kind.MULTILINE),
            Field("date", "Date", Kind.DATE),
            Field("time", "Time", Kind.TIME),
            Field("integer", "Integer", Kind.INTEGER, minimum=0, maximum=10),
            Field("choice", "Choice", Kind.CHOICE, choices=(("a", "Apple"), ("b", "Banana"))),
            Field("flag", "Flag", Kind.BOOL),
            Field("words", "", Kind.STATIC, text="Standard words", bullets=("One", "Two")),
            Field("signature", "Signed", Kind.SIGNATURE),
            Field("rows", "Rows", Kind.TABLE, max_rows=3, columns=(
                Field("what", "What", required=True), Field("when", "When", Kind.DATE))),
            Field("tags", "Tags", Kind.TAGS, choices=(("x", "Ex"), ("y", "Why"), ("z", "Zed"))),
        )),
    ),
)


def sample_value(f: Field) -> Any:
    """A realistic value for a field, different from its empty state and its default."""
    match f.kind:
        case Kind.TEXT:
            return f"Text for {f.key} – Łucja Żak's"
        case Kind.MULTILINE:
            return f"First line of {f.key}\nSecond line, with “quotes”."
        case Kind.DATE:
            return "2025-03-14"
        case Kind.TIME:
            return "10:30"
        case Kind.INTEGER:
            low = f.minimum if f.minimum is not None else 0
            return low + 1 if f.maximum is None or low + 1 <= f.maximum else low
        case Kind.CHOICE:
            return f.choices[-1][0]
        case Kind.BOOL:
            return True
        case Kind.SIGNATURE:
            return {"name": "Łucja Żak", "date": "2025-03-15"}
        case Kind.TABLE:
            first = {c.key: sample_value(c) for c in f.columns}
            return [first, {**first, f.columns[0].key: sample_value(f.columns[0]) or "Second"}]
        case Kind.TAGS:
            if f.choices:
                return [f.choices[0][0], f.choices[-1][0]]
            return ["P1", "P2"]  # choices given at run time
    raise AssertionError(f.kind)


FORMS = [*ALL_FORMS.values(), EVERY_KIND]


@pytest.fixture
def editor_for(qtbot):
    def make(form: FormDef) -> FormEditor:
        editor = FormEditor(form)
        qtbot.addWidget(editor)
        editor.resize(900, 700)
        editor.show()
        qtbot.waitExposed(editor)
        return editor
    return make


@pytest.mark.parametrize("form", FORMS, ids=[f.key for f in FORMS])
def test_values_round_trip(editor_for, form: FormDef) -> None:
    editor = editor_for(form)
    values = {f.key: sample_value(f) for f in form.value_fields()}
    editor.set_values(values)
    assert editor.values() == values


@pytest.mark.parametrize("form", FORMS, ids=[f.key for f in FORMS])
def test_every_field_has_its_widget_named_for_its_key(editor_for, form: FormDef) -> None:
    editor = editor_for(form)
    for f in form.fields():
        widget = editor.widget_for(f.key)
        assert widget.objectName() == f.key
        if f.kind in WIDGET_CLASS:
            assert isinstance(widget, WIDGET_CLASS[f.kind]), f.key
        if f.readonly and isinstance(widget, QLineEdit | QPlainTextEdit):
            assert widget.isReadOnly(), f.key
    assert set(FACTORIES) == set(Kind)


def test_empty_values_come_back_empty(editor_for) -> None:
    editor = editor_for(EVERY_KIND)
    editor.set_values({})
    assert editor.values() == {"text": "", "multiline": "", "date": None, "time": None,
                               "integer": None, "choice": None, "flag": False,
                               "signature": None, "rows": [], "tags": []}


def test_required_fields_are_marked_and_guidance_shown(editor_for) -> None:
    editor = editor_for(CONTRACT)
    venue_label = editor.findChild(QLabel, "venue_label")
    assert venue_label.text().endswith("*</span>")
    readonly_label = editor.findChild(QLabel, "supervisee_name_label")
    assert "*" not in readonly_label.text()  # filled from the records, not typed
    notes = [label.text() for label in editor.findChildren(QLabel)]
    assert CONTRACT.field("intermediary").guidance in notes
    wording = CONTRACT.field("responsibility_terms")
    static = editor.widget_for("responsibility_terms")
    assert "<li" in static.text() and static.wordWrap()
    assert wording.bullets[0] in static.text()


def test_an_impossible_date_is_rejected_with_a_message(qtbot, editor_for) -> None:
    editor = editor_for(CONTRACT)
    field = editor.widget_for("date_agreed")
    qtbot.keyClicks(field.line, "31/02/2025")
    qtbot.keyClick(field.line, Qt.Key.Key_Return)
    assert "'31/02/2025' is not a real date" in editor.problem_text("date_agreed")
    values = editor.values()
    assert values["date_agreed"] == "31/02/2025"  # kept as typed, never another date
    problems = {p.field: p.message for p in validate(CONTRACT, values)}
    assert "not a real date" in problems["date_agreed"]
    field.line.clear()
    qtbot.keyClicks(field.line, "1/3/2025")
    qtbot.keyClick(field.line, Qt.Key.Key_Return)
    assert editor.problem_text("date_agreed") == ""
    assert field.line.text() == "01/03/2025"
    assert editor.values()["date_agreed"] == "2025-03-01"


def test_the_calendar_sets_the_date(editor_for) -> None:
    editor = editor_for(CONTRACT)
    field = editor.widget_for("date_agreed")
    field.calendar.clicked.emit(QDate(2025, 4, 2))
    assert field.line.text() == "02/04/2025"
    assert editor.values()["date_agreed"] == "2025-04-02"


def test_problems_sit_beside_their_fields_and_the_first_gets_focus(editor_for) -> None:
    editor = editor_for(CONTRACT)
    editor.show_problems([
        Problem("intermediary", "Named intermediary is required"),
        Problem("venue", "They will normally take place at (venue) is required"),
        Problem("form", "Something about the whole form"),
    ])
    assert editor.problem_text("venue") == "They will normally take place at (venue) is required"
    assert editor.problem_text("intermediary") == "Named intermediary is required"
    assert editor.problem_text("date_agreed") == ""
    assert editor.banner.text() == "Something about the whole form"
    venue = editor.widget_for("venue")
    message = editor.findChild(QLabel, "venue_problem")
    assert message.isVisible()
    assert message.parentWidget() is venue.parentWidget()
    assert message.x() == venue.x() and message.y() >= venue.y() + venue.height()
    assert message.y() - (venue.y() + venue.height()) < 20  # directly below, not far away
    assert editor.window().focusWidget() is venue  # venue comes before intermediary
    editor.clear_problems()
    assert not message.isVisible() and editor.problem_text("venue") == ""


def test_changed_is_emitted_for_user_edits_only(qtbot, editor_for) -> None:
    editor = editor_for(CONTRACT)
    seen: list[bool] = []
    editor.changed.connect(lambda: seen.append(True))
    editor.set_values({"venue": "Room 1"})
    assert seen == []
    qtbot.keyClicks(editor.widget_for("venue"), "4")
    assert seen
    assert editor.values()["venue"] == "Room 14"


def test_readonly_fields_cannot_be_typed_in(qtbot, editor_for) -> None:
    editor = editor_for(CONTRACT)
    editor.set_values({"supervisee_name": "Pat Worker"})
    widget = editor.widget_for("supervisee_name")
    qtbot.keyClicks(widget, "x")
    assert editor.values()["supervisee_name"] == "Pat Worker"
    editor.set_read_only(True)
    assert editor.widget_for("venue").isReadOnly()
    editor.set_read_only(False)
    assert not editor.widget_for("venue").isReadOnly()
    assert editor.widget_for("supervisee_name").isReadOnly()


def test_table_rows_are_added_and_removed_with_their_buttons(qtbot, editor_for) -> None:
    editor = editor_for(EVERY_KIND)
    table = editor.binding_for("rows")
    assert table.row_count() == 1  # one blank row to type in
    qtbot.keyClicks(table.cell(0, "what").widget, "Visit")
    add = editor.findChild(QPushButton, "rows_add_row")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(table.cell(1, "what").widget, "Call")
    table.cell(1, "when").widget.line.setText("02/04/2025")
    assert editor.values()["rows"] == [{"what": "Visit", "when": None},
                                       {"what": "Call", "when": "2025-04-02"}]
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert table.row_count() == 3 and not add.isEnabled()  # at most three rows
    remove = editor.findChild(QToolButton, "rows_1_remove")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert editor.values()["rows"] == [{"what": "Call", "when": "2025-04-02"}]
    table.cell(0, "what").widget.clear()
    problems = validate(EVERY_KIND, {**editor.values(), "text": "x"})
    assert [p.message for p in problems] == ["Rows, row 1: What is required"]


def test_a_readonly_table_has_no_buttons(editor_for) -> None:
    editor = editor_for(ALL_FORMS["monitoring"])
    entries = editor.binding_for("entries")
    assert entries.row_count() == 0
    assert not editor.findChild(QPushButton, "entries_add_row").isVisible()
    editor.set_values({"entries": [{"date": "2025-01-06", "status": "Completed"}]})
    assert entries.row_count() == 1
    assert entries.cell(0, "date").widget.isReadOnly()


def test_tags_take_their_choices_at_run_time(qtbot, editor_for) -> None:
    group = ALL_FORMS["group"]
    editor = editor_for(group)
    editor.set_choices("attendees", [("P1", "Pat Worker"), ("P2", "Łucja Żak")])
    tags = editor.widget_for("attendees")
    assert [tags.item(i).text() for i in range(tags.count())] == ["Pat Worker", "Łucja Żak"]
    tags.item(1).setCheckState(Qt.CheckState.Checked)
    assert editor.values()["attendees"] == ["P2"]
    editor.set_choices("attendees", [("P2", "Łucja Żak"), ("P3", "Aisha Rahman")])
    assert editor.values()["attendees"] == ["P2"]  # still chosen


def test_a_number_typed_into_an_empty_number_box_after_a_click_is_taken(qtbot,
                                                                         editor_for) -> None:
    editor = editor_for(EVERY_KIND)
    box = editor.widget_for("integer")
    assert editor.values()["integer"] is None and box.text().strip() == ""  # empty: not set
    qtbot.mouseClick(box.lineEdit(), Qt.MouseButton.LeftButton)
    box.lineEdit().end(False)  # the cursor after whatever is shown, as a click there leaves it
    qtbot.keyClicks(box, "7")
    assert editor.values()["integer"] == 7
