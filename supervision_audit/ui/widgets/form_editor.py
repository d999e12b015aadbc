"""A form editor built from a ``FormDef``: one group box per section, one widget per field.

The widgets come from ``field_widgets.FACTORIES``; this module lays them out, reads and
writes the values as a plain dict and shows problems beside the fields they concern.
"""

from __future__ import annotations

import html
from collections import defaultdict
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.errors import Problem
from supervision_audit.forms import Field, FormDef, Kind, Section
from supervision_audit.ui.common.accessible import focus_frame
from supervision_audit.ui.common.style import (
    NOTE,
    PROBLEM,
    heading_label,
    note_label,
    problem_label,
    show_problem,
)
from supervision_audit.ui.widgets.field_binding import Binding
from supervision_audit.ui.widgets.field_widgets import make_binding
from supervision_audit.ui.widgets.list_fields import TagsBinding

_READONLY_STYLE = (
    "QLineEdit:read-only, QPlainTextEdit[readOnly=\"true\"],"
    " QAbstractSpinBox[readOnly=\"true\"] {"
    " background: palette(window); color: palette(text); }"
)
_ROWS_PER_FIELD = 3  # the widget, its problem, its guidance
_LABEL_WIDTH_CAP = 320  # longer labels wrap


def label_html(f: Field) -> str:
    text = html.escape(f.label, quote=False)
    if f.required and not f.readonly:
        text += f" <span style='color:{PROBLEM}'>*</span>"
    return text


class FormEditor(QWidget):
    """Edits one form's values. ``changed`` is emitted when the user edits a field."""

    changed = Signal()

    def __init__(self, form: FormDef, parent: QWidget | None = None, *,
                 show_title: bool = True) -> None:
        super().__init__(parent)
        self.form = form
        self._bindings: dict[str, Binding] = {}
        self._labels: dict[str, QLabel] = {}
        self._problems: dict[str, QLabel] = {}
        self._grids: list[QGridLayout] = []
        self._loading = False
        self._read_only = False

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        focus_frame(self.scroll, "form_scroll", form.title)
        body = QWidget()
        body.setObjectName("form_body")
        body.setStyleSheet(_READONLY_STYLE)
        column = QVBoxLayout(body)
        column.setContentsMargins(16, 12, 16, 16)
        column.setSpacing(12)
        if show_title:
            column.addWidget(heading_label(form.title, 1.5))
            column.addWidget(note_label(
                f"{form.reference}. Fields marked <span style='color:{PROBLEM}'>*</span> "
                "must be filled in; grey fields come from the staff records."))
        self.banner = problem_label()
        self.banner.setObjectName("form_problems")
        column.addWidget(self.banner)
        for section in form.sections:
            column.addWidget(self._section_box(section))
        column.addStretch(1)
        self._align_label_columns()
        self.scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

    # -- building ---------------------------------------------------------------------
    def _section_box(self, section: Section) -> QGroupBox:
        """Standard wording full width; the fields between wordings in a grid of label and
        widget (two pairs a row when the section has two columns, as on the paper form)."""
        box = QGroupBox(section.title)
        box.setObjectName(f"section_{section.key}")
        column = QVBoxLayout(box)
        column.setSpacing(8)
        if section.guidance:
            column.addWidget(note_label(section.guidance))
        columns = max(1, section.columns)
        grid: QGridLayout | None = None
        row = slot = 0
        for f in section.fields:
            if f.kind is Kind.STATIC:
                grid = None
                self._bindings[f.key] = binding = make_binding(f)
                column.addWidget(binding.widget)
                continue
            if grid is None:
                grid = self._new_grid(columns)
                column.addLayout(grid)
                row = slot = 0
            self._place(grid, f, row, 2 * slot)
            slot += 1
            if slot == columns:
                row, slot = row + _ROWS_PER_FIELD, 0
        return box

    def _new_grid(self, columns: int) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        for pair in range(columns):
            grid.setColumnStretch(2 * pair + 1, 1)
        self._grids.append(grid)
        return grid

    def _align_label_columns(self) -> None:
        """One width for the first label column of every section, so the fields line up."""
        firsts = [label for label in self._labels.values() if label.property("first_column")]
        if not firsts:
            return
        width = min(max(label.sizeHint().width() for label in firsts), _LABEL_WIDTH_CAP)
        for label in firsts:
            if label.sizeHint().width() > width:
                label.setWordWrap(True)
                label.setMinimumHeight(label.heightForWidth(width))
        for grid in self._grids:
            grid.setColumnMinimumWidth(0, width)

    def _place(self, grid: QGridLayout, f: Field, row: int, col: int) -> None:
        binding = make_binding(f)
        self._bindings[f.key] = binding
        binding.connect_changed(self._user_changed)
        if binding.wants_label and f.label:
            label = QLabel(label_html(f))
            label.setBuddy(binding.focus_target())
            label.setObjectName(f"{f.key}_label")
            label.setProperty("first_column", col == 0)
            align = Qt.AlignmentFlag.AlignLeft | (
                Qt.AlignmentFlag.AlignTop if binding.tall else Qt.AlignmentFlag.AlignVCenter)
            if binding.tall:
                label.setContentsMargins(0, 4, 0, 0)
            grid.addWidget(label, row, col, align)
            self._labels[f.key] = label
        grid.addWidget(binding.widget, row, col + 1)
        problem = problem_label()
        problem.setObjectName(f"{f.key}_problem")
        self._problems[f.key] = problem
        grid.addWidget(problem, row + 1, col + 1)
        binding.connect_problem(lambda message, key=f.key: self._typed_problem(key, message))
        if f.guidance:
            note = note_label(f.guidance)
            note.setStyleSheet(f"color: {NOTE}; font-size: 90%;")
            grid.addWidget(note, row + 2, col + 1)

    # -- values -----------------------------------------------------------------------
    def set_values(self, values: dict[str, Any]) -> None:
        """Show ``values`` (fields missing from it are emptied). Does not emit ``changed``."""
        self._loading = True
        try:
            for f in self.form.value_fields():
                self._bindings[f.key].set_value(values.get(f.key))
        finally:
            self._loading = False
        self.clear_problems()

    def values(self) -> dict[str, Any]:
        """Every value field's value, as plain data (see ``field_widgets``)."""
        return {f.key: self._bindings[f.key].value() for f in self.form.value_fields()}

    def widget_for(self, key: str) -> QWidget:
        return self._bindings[key].widget

    def binding_for(self, key: str) -> Binding:
        return self._bindings[key]

    def set_choices(self, key: str, choices: list[tuple[str, str]]) -> None:
        """Offer ``choices`` (value, label) in a TAGS field whose choices come at run time,
        e.g. the people who may attend a group supervision."""
        binding = self._bindings[key]
        if not isinstance(binding, TagsBinding):
            raise TypeError(f"{key} is not a field of several choices")
        binding.set_choices(choices)

    def _user_changed(self) -> None:
        if not self._loading:
            self.changed.emit()

    # -- problems ---------------------------------------------------------------------
    def show_problems(self, problems: list[Problem]) -> None:
        """Put each message beside its field (others above the form); focus the first."""
        self.clear_problems()
        messages: dict[str, list[str]] = defaultdict(list)
        general: list[str] = []
        for p in problems:
            if p.field in self._problems:
                messages[p.field].append(p.message)
            else:
                general.append(p.message)
        first: QWidget | None = None
        for f in self.form.value_fields():
            if f.key in messages:
                show_problem(self._problems[f.key], "\n".join(messages[f.key]))
                self._mark_label(f.key, True)
                self._describe(f.key, " ".join(messages[f.key]))
                if first is None:
                    first = self._bindings[f.key].focus_target()
        if general:
            show_problem(self.banner, "\n".join(general))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(first, 50, 80)
        elif general:
            self.scroll.ensureWidgetVisible(self.banner)

    def clear_problems(self) -> None:
        for key, label in self._problems.items():
            show_problem(label, "")
            self._mark_label(key, False)
            self._describe(key, "")
        show_problem(self.banner, "")

    def problem_text(self, key: str) -> str:
        """The message shown beside ``key`` ("" when none), for tests and accessibility."""
        label = self._problems.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def _typed_problem(self, key: str, message: str) -> None:
        show_problem(self._problems[key], message)
        self._mark_label(key, bool(message))
        self._describe(key, message)

    def _describe(self, key: str, problem: str) -> None:
        """What a screen reader adds to the field's name: "Required", and its problem."""
        f = self.form.field(key)
        required = f.required and not (self._read_only or f.readonly)
        self._bindings[key].describe(required=required, problem=problem)

    def _mark_label(self, key: str, bad: bool) -> None:
        label = self._labels.get(key)
        if label is not None:
            label.setStyleSheet(f"color: {PROBLEM};" if bad else "")

    # -- read-only --------------------------------------------------------------------
    def set_read_only(self, read_only: bool) -> None:
        """Show every field read-only (a record that may only be looked at), or as the form
        defines them."""
        self._read_only = read_only
        for key, binding in self._bindings.items():
            binding.set_readonly(read_only or self.form.field(key).readonly)
            self._describe(key, self.problem_text(key))


class _NoDefaultButton(QObject):
    """A button box shown makes its first accept button the dialog's default (Qt does so
    as it shows, whatever was set before); this takes that back straight after."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialogButtonBox):
            watched.event(event)  # the box's own handling, which sets the default
            for button in watched.buttons():
                button.setDefault(False)
            return True
        return False


def return_stays_in_the_form(buttons: QDialogButtonBox) -> None:
    """A long form's buttons are not default buttons: Return ends typing in a one-line
    field and presses nothing (not Complete, Save or Close, half-way through a form)."""
    for button in buttons.buttons():
        button.setDefault(False)
        button.setAutoDefault(False)
    keeper = _NoDefaultButton(buttons)
    buttons.installEventFilter(keeper)
