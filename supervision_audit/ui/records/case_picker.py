"""Cases discussed, picked from the supervisee's open caseload: each row's case is a box that
offers the cases open on the session's day, narrowed as the reference is typed, and says at
once when what was typed is not on the caseload (completing the record would refuse it). A
case that is not on the caseload yet is added from the record ("Add a case…"), and is then
chosen in the first empty row."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from supervision_audit.forms import Field
from supervision_audit.policy import CASE_TYPE_LABELS, CaseType
from supervision_audit.services.cases import caseload
from supervision_audit.ui.common.style import problem_label
from supervision_audit.ui.widgets.field_binding import Binding

KEY = "cases_discussed"  # the records' table of cases discussed
COLUMN = "case"  # its column of case references

Choices = list[tuple[str, str]]  # (reference, "reference · type")


def case_choices(session: Session, supervisee: uuid.UUID, on: date) -> Choices:
    """The cases open on ``on`` on ``supervisee``'s caseload, as the picker offers them."""
    out = []
    for case in caseload(session, supervisee, on=on):
        kind = CASE_TYPE_LABELS.get(CaseType(case.case_type), case.case_type) \
            if case.case_type in {c.value for c in CaseType} else case.case_type
        out.append((case.reference, f"{case.reference}  ·  {kind}"))
    return out


class CaseBinding(Binding):
    """A case reference chosen from ``choices`` (or typed); what is typed narrows the list."""

    def __init__(self, field: Field, choices: Choices) -> None:
        super().__init__(field)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.lineEdit().setPlaceholderText("Type to find a case")
        self.problem = problem_label()
        self.widget = QWidget()
        column = QVBoxLayout(self.widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.combo)
        column.addWidget(self.problem)
        self.choices: Choices = []
        self.set_choices(choices)
        self.combo.editTextChanged.connect(lambda _text: self._check())

    def set_choices(self, choices: Choices) -> None:
        typed = self.value()
        self.choices = list(choices)
        self.combo.blockSignals(True)
        self.combo.clear()
        for reference, label in self.choices:
            self.combo.addItem(label, reference)
        completer = QCompleter([label for _reference, label in self.choices], self.combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.combo.setCompleter(completer)
        self.combo.blockSignals(False)
        self.set_value(typed)

    def value(self) -> str:
        text = self.combo.currentText().strip() if hasattr(self, "combo") else ""
        for reference, label in getattr(self, "choices", []):
            if text in (label, reference):
                return reference
        return text

    def set_value(self, value: Any) -> None:
        text = str(value or "").strip()
        index = self.combo.findData(text)
        self.combo.blockSignals(True)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setCurrentIndex(-1)
            self.combo.setEditText(text)
        self.combo.blockSignals(False)
        self._check()

    def _check(self) -> None:
        reference = self.value()
        known = {ref for ref, _label in self.choices}
        wrong = bool(reference) and reference not in known and self.combo.isEnabled()
        self.problem.setText(f"'{reference}' is not on the open caseload: choose a case, or "
                             "add it with “Add a case…”" if wrong else "")
        self.problem.setVisible(wrong)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.combo.editTextChanged.connect(lambda _text: slot())
        self.combo.currentIndexChanged.connect(lambda _index: slot())

    def focus_target(self) -> QWidget:
        return self.combo

    def set_readonly(self, readonly: bool) -> None:
        self.combo.setEnabled(not readonly)
        self._check()


class CasePicker:
    """The picker of one record dialog: its table's case cells, and "Add a case…"."""

    def __init__(self, dialog: Any, supervisee: uuid.UUID, held_on: date,
                 choices: Choices) -> None:
        self.dialog, self.supervisee, self.held_on = dialog, supervisee, held_on
        self.choices = choices
        self.table = dialog.editor.binding_for(KEY)
        self.table.use_cells(COLUMN, lambda field: CaseBinding(field, self.choices))
        self.add_button = QPushButton("Add a case to the caseload…")
        self.add_button.setObjectName("add_case_from_record")
        self.add_button.setAutoDefault(False)
        self.add_button.setToolTip("A case discussed that is not on the caseload yet")
        self.add_button.clicked.connect(lambda _c=False: self.add_case())
        self.table.add_beside_rows(self.add_button)
        self.add_button.setVisible(dialog.editable)

    def cells(self) -> list[CaseBinding]:
        return [self.table.cell(row, COLUMN) for row in range(self.table.row_count())]

    def add_case(self) -> QDialog:
        """Add a case to the caseload (open on the session's day, at the latest); it is then
        offered, and chosen in the first empty row."""
        from supervision_audit.ui.file.case_dialog import CaseDialog

        dialog = CaseDialog(self.dialog.store, self.dialog.actor, self.supervisee,
                            self.dialog.about, self.dialog, today=self.held_on)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._added(dialog.saved_reference))
        self.dialog.case_dialog = dialog
        dialog.open()
        return dialog

    def _added(self, reference: str) -> None:
        with self.dialog.store.read() as session:
            self.choices = case_choices(session, self.supervisee, self.held_on)
        for cell in self.cells():
            cell.set_choices(self.choices)
        empty = next((cell for cell in self.cells() if not cell.value()), None)
        if empty is None:
            self.table.add_row()
            empty = self.cells()[-1]
        empty.set_value(reference)
        empty.focus_target().setFocus()
