"""A time of day typed the way people write it: 14:00, 14.00, 1400, 930, 2pm, 2:30 pm.

The field is a plain line of text, so Tab leaves it like any other field (a spin box of
hours and minutes took Tab to move between its parts) and a screen reader reads what is in
it. Empty means "not set". Text that is no time of day (25:00) is kept as typed, reported
through ``problem_changed`` and never turned into another time; a time is tidied to HH:MM
when the field is left.
"""

from __future__ import annotations

import re
from datetime import time

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

HINT = "hh:mm"
_TYPED = QRegularExpression(r"[0-9:.apmAPM ]{0,9}")
_DIGITS = re.compile(r"^(\d{1,4})$")
_SEPARATED = re.compile(r"^(\d{1,2})[:. ](\d{2})$")
_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?:[:. ]?(\d{2}))?\s*([ap])\.?\s*(?:m\.?)?$")


def parse_typed_time(text: str) -> time | None:
    """The time of day in what a person typed; None when empty.

    Takes 24-hour times with or without a separator (14:00, 14.00, 1400, 930, 9) and 12-hour
    times (2pm, 2:30 pm, 12am). Raises ValueError naming the text when it is no time of day.
    """
    typed = text.strip()
    if not typed:
        return None
    cleaned = typed.lower()
    hour = minute = -1
    if match := _DIGITS.match(cleaned):
        digits = match[1]
        hour, minute = (int(digits), 0) if len(digits) <= 2 else \
            (int(digits[:-2]), int(digits[-2:]))
    elif match := _SEPARATED.match(cleaned):
        hour, minute = int(match[1]), int(match[2])
    elif match := _TWELVE_HOUR.match(cleaned):
        twelve, minute = int(match[1]), int(match[2] or 0)
        if 1 <= twelve <= 12:
            hour = twelve % 12 + (12 if match[3] == "p" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"'{typed}' is not a time of day (type it as 14:00, 1400 or 2pm)")
    return time(hour, minute)


def format_time(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


class TimeField(QLineEdit):
    """A time of day typed as text; see the module. ``changed`` is emitted as the user
    types, ``problem_changed`` with a message when the field is left ("" when it is fine)."""

    changed = Signal()
    problem_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(HINT)
        self.setValidator(QRegularExpressionValidator(_TYPED, self))
        self.setToolTip("A time of day: 14:00, 1400 or 2pm")
        width = self.fontMetrics().horizontalAdvance("00:00 pm") + 28
        self.setMinimumWidth(width)
        self.setMaximumWidth(width + 24)
        self.textEdited.connect(lambda _text: self.changed.emit())
        self.editingFinished.connect(self.check)

    def time(self) -> time | None:
        """The time shown; None when empty. Raises ValueError when the text is no time."""
        return parse_typed_time(self.text())

    def set_time(self, value: time | None) -> None:
        self.setText(format_time(value))
        self.problem_changed.emit("")

    def iso(self) -> str | None:
        """HH:MM, None when empty, or the text as typed when it is no time of day."""
        try:
            value = self.time()
        except ValueError:
            return self.text().strip()
        return format_time(value) if value is not None else None

    def set_iso(self, value: str | time | None) -> None:
        if isinstance(value, time) or not value:
            self.set_time(value or None)
            return
        try:
            self.set_time(time.fromisoformat(str(value)))
        except ValueError:
            self.setText(str(value))
            self.check()

    def problem(self) -> str:
        """What is wrong with the typed text, or "" when it is a time or empty."""
        try:
            self.time()
        except ValueError as exc:
            return str(exc)
        return ""

    def check(self) -> bool:
        """Tidy a time to HH:MM; report a message for text that is no time of day."""
        message = self.problem()
        if not message:
            tidy = format_time(self.time())
            if tidy != self.text():
                self.setText(tidy)
        self.problem_changed.emit(message)
        return not message
