"""A date entry that may be left empty: typed as dd/mm/yyyy or picked from a calendar.

Typed text that is not a real date (31/02/2025) is kept as typed, reported through
``problem_changed`` with a message, and never silently turned into another date.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QEvent, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from supervision_audit.dates import format_date, parse_date
from supervision_audit.ui.common.accessible import buddy_text, describe_field, plain
from supervision_audit.ui.common.icons import icon

_TYPED = QRegularExpression(r"[0-9/.\- ]{0,10}")
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[.\- ](\d{1,2})[.\- ](\d{2,4})\s*$")


def parse_typed_date(text: str) -> date | None:
    """The date in what a person typed (dd/mm/yyyy, d.m.yy, yyyy-mm-dd); None when empty.

    Raises ValueError naming the text when it is not a real date.
    """
    text = text.strip()
    match = _DAY_FIRST.match(text)
    if match:
        text = "/".join(match.groups())
    try:
        return parse_date(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date (use dd/mm/yyyy)") from None


class DateField(QWidget):
    """A line for dd/mm/yyyy with a calendar button beside it. Empty means "not set"."""

    changed = Signal()
    problem_changed = Signal(str)  # the message for what was typed, "" once it is a date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("dd/mm/yyyy")
        self.line.setValidator(QRegularExpressionValidator(_TYPED, self.line))
        self.line.setClearButtonEnabled(True)
        self.line.setMinimumWidth(self.line.fontMetrics().horizontalAdvance("00/00/00000") + 40)
        self.line.setMaximumWidth(self.line.minimumWidth() + 30)
        self.button = QToolButton(self)
        self.button.setIcon(icon("calendar"))
        self.button.setToolTip("Pick a date from the calendar")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Space opens the calendar
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        # arrows move the day, Enter picks it, Escape closes the calendar
        menu.aboutToShow.connect(lambda: QTimer.singleShot(0, self._focus_calendar))
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self.button.setMenu(menu)
        self._menu = menu
        layout.addWidget(self.line)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setFocusProxy(self.line)
        self.line.textEdited.connect(lambda _text: self.changed.emit())
        self.line.editingFinished.connect(self.check)
        self.objectNameChanged.connect(self._name_parts)
        self._named = False

    # -- names ------------------------------------------------------------------------
    def set_label(self, name: str, *, required: bool = False) -> None:
        """Name the field for screen readers: the line is ``name`` (its description says
        "required" when it is), the button opens the calendar for it."""
        name = plain(name)
        self._named = bool(name)
        self.line.setAccessibleName(name)
        describe_field(self.line, required=required)
        self.button.setAccessibleName(f"{name}: pick from a calendar" if name
                                      else "Pick a date from the calendar")

    def label_name(self) -> str:
        """The name a screen reader gives the field ("" until it has one)."""
        return self.line.accessibleName()

    def _name_parts(self, name: str) -> None:
        self.line.setObjectName(f"{name}_text" if name else "")
        self.button.setObjectName(f"{name}_calendar" if name else "")

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Polish and not self._named:
            # not named by its form: take the name of the label that points at it
            self.set_label(buddy_text(self) or buddy_text(self.line))
        return super().event(event)

    # -- values -----------------------------------------------------------------------
    def date(self) -> date | None:
        """The date shown; None when empty. Raises ValueError when the text is not a date."""
        return parse_typed_date(self.line.text())

    def set_date(self, value: date | None) -> None:
        self.line.setText(format_date(value))
        self.problem_changed.emit("")

    def iso(self) -> str | None:
        """ISO text of the date, None when empty, or the text as typed when it is no date."""
        try:
            value = self.date()
        except ValueError:
            return self.line.text().strip()
        return value.isoformat() if value else None

    def set_iso(self, value: str | date | None) -> None:
        if isinstance(value, date) or not value:
            self.set_date(value or None)
            return
        try:
            self.set_date(date.fromisoformat(str(value)))
        except ValueError:
            self.line.setText(str(value))
            self.check()

    def problem(self) -> str:
        """What is wrong with the typed text, or "" when it is a date or empty."""
        try:
            self.date()
        except ValueError as exc:
            return str(exc)
        return ""

    def check(self) -> bool:
        """Tidy valid text to dd/mm/yyyy; report a message for text that is not a date."""
        message = self.problem()
        if not message:
            tidy = format_date(self.date())
            if tidy != self.line.text():
                self.line.setText(tidy)
        self.problem_changed.emit(message)
        return not message

    def setReadOnly(self, readonly: bool) -> None:
        self.line.setReadOnly(readonly)
        self.line.setClearButtonEnabled(not readonly)
        self.line.setPlaceholderText("—" if readonly else "dd/mm/yyyy")
        self.button.setVisible(not readonly)

    def isReadOnly(self) -> bool:
        return self.line.isReadOnly()

    # -- calendar ---------------------------------------------------------------------
    def _prepare_calendar(self) -> None:
        try:
            current = self.date() or date.today()
        except ValueError:
            current = date.today()
        self.calendar.setSelectedDate(QDate(current.year, current.month, current.day))

    def _focus_calendar(self) -> None:
        if self._menu.isVisible():
            self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, qdate: QDate) -> None:
        self._menu.close()
        self.set_date(date(qdate.year(), qdate.month(), qdate.day()))
        self.changed.emit()
        self.line.setFocus()
