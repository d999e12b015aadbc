"""The interface every field widget offers the form editor: its widget, and its value as
plain data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from supervision_audit.forms import Field


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

    def set_readonly(self, readonly: bool) -> None:
        self.widget.setEnabled(not readonly)
