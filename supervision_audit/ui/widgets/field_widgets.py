"""One widget per kind of form field, and how to read and write its value.

``FACTORIES`` maps each ``Kind`` to a binding class: adding a kind of field to the forms
means adding one binding here. Values are the plain values of ``forms.base``: text as
``str``, dates as ISO text (None when empty), integers as ``int`` (None when empty),
choices as the choice value, booleans as ``bool``, signatures as ``{"name", "date"}``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from supervision_audit.forms import Field, Kind
from supervision_audit.ui.common.accessible import name_field, plain
from supervision_audit.ui.widgets.date_field import DateField
from supervision_audit.ui.widgets.field_binding import Binding
from supervision_audit.ui.widgets.list_fields import TableBinding, TagsBinding
from supervision_audit.ui.widgets.time_field import HINT, TimeField

EMPTY = " "  # a number not set: the box looks empty, and digits typed into it are taken


class TextBinding(Binding):
    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = QLineEdit()

    def value(self) -> str:
        return self.widget.text()

    def set_value(self, value: Any) -> None:
        self.widget.setText("" if value is None else str(value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.textEdited.connect(lambda _text: slot())

    def set_readonly(self, readonly: bool) -> None:
        self.widget.setReadOnly(readonly)


class MultilineBinding(Binding):
    tall = True

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = QPlainTextEdit()
        self.widget.setTabChangesFocus(True)
        line = self.widget.fontMetrics().lineSpacing()
        self.widget.setMinimumHeight(line * 4 + 16)
        self.widget.setMaximumHeight(line * 7 + 16)

    def value(self) -> str:
        return self.widget.toPlainText()

    def set_value(self, value: Any) -> None:
        self.widget.setPlainText("" if value is None else str(value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.textChanged.connect(slot)

    def set_readonly(self, readonly: bool) -> None:
        self.widget.setReadOnly(readonly)


class DateBinding(Binding):
    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = DateField()

    def value(self) -> str | None:
        return self.widget.iso()

    def set_value(self, value: Any) -> None:
        self.widget.set_iso(value)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.changed.connect(slot)

    def connect_problem(self, slot: Callable[[str], None]) -> None:
        self.widget.problem_changed.connect(slot)

    def focus_target(self) -> QWidget:
        return self.widget.line

    def set_accessible(self, name: str, *, required: bool = False) -> None:
        self.widget.set_label(name, required=required)

    def set_readonly(self, readonly: bool) -> None:
        self.widget.setReadOnly(readonly)


class TimeBinding(Binding):
    """A time of day typed as text (14:00, 1400, 2pm); empty means "not set"."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = TimeField()

    def value(self) -> str | None:
        return self.widget.iso()

    def set_value(self, value: Any) -> None:
        self.widget.set_iso(value)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.changed.connect(slot)

    def connect_problem(self, slot: Callable[[str], None]) -> None:
        self.widget.problem_changed.connect(slot)

    def set_readonly(self, readonly: bool) -> None:
        self.widget.setReadOnly(readonly)
        self.widget.setPlaceholderText("—" if readonly else HINT)


class IntegerBinding(Binding):
    """A whole number within the field's bounds; one below the minimum means "not set" and
    shows as an empty box (a word there, "Not set", took typed digits after it and refused
    them all)."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = QSpinBox()
        low = field.minimum if field.minimum is not None else 0
        self._unset = low - 1
        self.widget.setRange(self._unset, field.maximum if field.maximum is not None else 99999)
        self.widget.setSpecialValueText(EMPTY)
        width = self.widget.fontMetrics().horizontalAdvance(str(self.widget.maximum()))
        self.widget.setMinimumWidth(width + 56)
        self.widget.setMaximumWidth(self.widget.minimumWidth() + 40)
        self.widget.setValue(self._unset)

    def value(self) -> int | None:
        number = self.widget.value()
        return None if number == self._unset else number

    def set_value(self, value: Any) -> None:
        self.widget.setValue(self._unset if value in (None, "") else int(value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.valueChanged.connect(lambda _n: slot())

    def set_readonly(self, readonly: bool) -> None:
        self.widget.setReadOnly(readonly)
        self.widget.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons if readonly
                                     else QAbstractSpinBox.ButtonSymbols.UpDownArrows)


class ChoiceBinding(Binding):
    """The field's choices by label; an empty entry unless a default always applies."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = QComboBox()
        self.widget.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.widget.setMinimumContentsLength(24)
        self.widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if not (field.required and field.default is not None):
            self.widget.addItem("", None)
        for value, label in field.choices:
            self.widget.addItem(label, value)

    def value(self) -> Any:
        return self.widget.currentData()

    def set_value(self, value: Any) -> None:
        if value is None and self.field.default is not None and self.field.required:
            value = self.field.default
        index = self.widget.findData(value)
        if index < 0 and value is not None:  # a value no longer offered: keep it, shown as is
            self.widget.addItem(str(value), value)
            index = self.widget.count() - 1
        self.widget.setCurrentIndex(max(index, 0))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.activated.connect(lambda _i: slot())


class BoolBinding(Binding):
    wants_label = False

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = QCheckBox(field.label)

    def value(self) -> bool:
        return self.widget.isChecked()

    def set_value(self, value: Any) -> None:
        self.widget.setChecked(bool(value))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.widget.toggled.connect(lambda _on: slot())


class StaticBinding(Binding):
    """The form's standard wording; it holds no value."""

    wants_label = False

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        text = f"<p style='margin:0'>{html.escape(field.text)}</p>" if field.text else ""
        if field.bullets:
            items = "".join(f"<li style='margin-bottom:3px'>{html.escape(b)}</li>"
                            for b in field.bullets)
            text += f"<ul style='margin-top:6px; margin-bottom:0'>{items}</ul>"
        self.widget = QLabel(text)
        self.widget.setTextFormat(Qt.TextFormat.RichText)
        self.widget.setWordWrap(True)
        self.widget.setProperty("role", "static")

    def value(self) -> None:
        return None

    def set_value(self, value: Any) -> None:
        pass

    def connect_changed(self, slot: Callable[[], None]) -> None:
        pass

    def set_accessible(self, name: str, *, required: bool = False) -> None:
        pass  # the label reads itself

    def describe(self, *, required: bool = False, problem: str = "") -> None:
        pass


class SignatureBinding(Binding):
    """A typed full name and the date it was signed."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = QWidget()
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.name = QLineEdit()
        self.name.setObjectName(f"{field.key}_name")
        self.name.setPlaceholderText("Full name, typed as a signature")
        self.date = DateField()
        self.date.setObjectName(f"{field.key}_date")
        layout.addWidget(self.name, 3)
        layout.addWidget(QLabel("Date:"))
        layout.addWidget(self.date, 0)

    def value(self) -> dict[str, Any] | None:
        name = self.name.text()
        signed = self.date.iso()
        if not name and signed is None:
            return None
        return {"name": name, "date": signed}

    def set_value(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        self.name.setText(str(value.get("name") or ""))
        self.date.set_iso(value.get("date"))

    def connect_changed(self, slot: Callable[[], None]) -> None:
        self.name.textEdited.connect(lambda _text: slot())
        self.date.changed.connect(slot)

    def connect_problem(self, slot: Callable[[str], None]) -> None:
        self.date.problem_changed.connect(slot)

    def focus_target(self) -> QWidget:
        return self.name

    def set_accessible(self, name: str, *, required: bool = False) -> None:
        """The signature line's two parts, named after whose signature it is."""
        name = plain(name)
        name_field(self.name, f"{name} signature: full name", required=required)
        self.date.set_label(f"{name} signature: date signed", required=required)

    def set_readonly(self, readonly: bool) -> None:
        self.name.setReadOnly(readonly)
        self.date.setReadOnly(readonly)


FACTORIES: dict[Kind, Callable[[Field], Binding]] = {
    Kind.TEXT: TextBinding,
    Kind.MULTILINE: MultilineBinding,
    Kind.DATE: DateBinding,
    Kind.TIME: TimeBinding,
    Kind.INTEGER: IntegerBinding,
    Kind.CHOICE: ChoiceBinding,
    Kind.BOOL: BoolBinding,
    Kind.STATIC: StaticBinding,
    Kind.SIGNATURE: SignatureBinding,
    Kind.TABLE: lambda f: TableBinding(f, make_binding),
    Kind.TAGS: TagsBinding,
}


def make_binding(field: Field) -> Binding:
    """The widget for ``field``, named after its key and read-only when the form says so."""
    binding = FACTORIES[field.kind](field)
    binding.widget.setObjectName(field.key)
    if field.label:
        binding.set_accessible(field.label, required=field.required and not field.readonly)
    if field.readonly:
        binding.set_readonly(True)
    return binding

