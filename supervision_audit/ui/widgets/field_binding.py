"""The interface every field widget offers the form editor: its widget, and its value as
plain data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from supervision_audit.forms import Field
from supervision_audit.ui.common.accessible import describe_field, name_field


class Binding:
    """A field's widget, with its value read and written as plain data."""

    widget: QWidget
    wants_label = True  # False: the widget shows its own label (check box, static text)
    tall = False  # True: the label sits at the top of a tall widget

    def __init__(self, field: Field) -> None:
        self.field = field

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def connect_changed(self, slot: Callable[[], None]) -> None:
        raise NotImplementedError

    def connect_problem(self, slot: Callable[[str], None]) -> None:
        """Messages about what was typed, as it is typed (dates); most kinds have none."""

    def focus_target(self) -> QWidget:
        return self.widget

    def set_accessible(self, name: str, *, required: bool = False) -> None:
        """The plain name a screen reader gives the field, and "required" in words."""
        name_field(self.focus_target(), name, required=required)

    def describe(self, *, required: bool = False, problem: str = "") -> None:
        """Say that the field must be filled in, and what is wrong with it (if anything)."""
        describe_field(self.focus_target(), required=required, problem=problem)

    def set_readonly(self, readonly: bool) -> None:
        self.widget.setEnabled(not readonly)
