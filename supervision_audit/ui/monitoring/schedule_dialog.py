"""Planning a year of sessions (R9) and moving one planned session."""

from __future__ import annotations

import uuid
from datetime import date, time

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.dates import format_date
from supervision_audit.db import Store
from supervision_audit.errors import Problem, SupervisionAuditError, ValidationError
from supervision_audit.policy import Cadence, Supervisee, cadence_on, schedule_dates
from supervision_audit.services.access import Actor
from supervision_audit.services.sessions import (
    get_session,
    move_session,
    plan_year,
    sessions_of,
    supervisee_terms,
)
from supervision_audit.services.staff import get_staff
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.style import note_label
from supervision_audit.ui.monitoring.monitoring_common import FieldProblems
from supervision_audit.ui.widgets.date_field import DateField
from supervision_audit.ui.widgets.time_field import TimeField

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
DEFAULT_TIME = time(10, 0)


def cadence_text(terms: Supervisee, start: date) -> str:
    """The cadence the schedule follows from ``start``, in words."""
    cadence = cadence_on(terms, start)
    if cadence in (Cadence.ASYE_WEEKLY, Cadence.ASYE_FORTNIGHTLY):
        return ("ASYE: weekly for the first six weeks, fortnightly to six months, "
                "then monthly")
    if cadence is Cadence.CONTRACT:
        return f"every {terms.contract_interval_days} days, as the supervision contract agrees"
    if cadence is Cadence.SIX_WEEKLY:
        return "every six weeks"
    return "monthly"


def _form_row(form: QFormLayout, caption: str, field: QWidget, problem: QLabel) -> None:
    column = QVBoxLayout()
    column.setSpacing(2)
    column.addWidget(field)
    column.addWidget(problem)
    form.addRow(caption, column)


class PlanYearDialog(QDialog):
    """Books a year of sessions; after acceptance ``booked`` holds their dates."""

    def __init__(self, store: Store, actor: Actor, staff_uuid: uuid.UUID,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor, self.staff_uuid = store, actor, staff_uuid
        self.booked: list[date] = []
        with store.read() as session:
            person = get_staff(session, staff_uuid)
            self.person_name = person.name
            self.terms = supervisee_terms(session, person)
            self.taken = {s.planned_date for s in sessions_of(session, staff_uuid)}
        self.setWindowTitle(f"Plan a year of supervision – {self.person_name}")

        self.start = DateField()
        self.start.setObjectName("plan_start")
        self.weekday = QComboBox()
        self.weekday.setObjectName("plan_weekday")
        self.weekday.addItems(WEEKDAYS)
        self.time = TimeField()
        self.time.setObjectName("plan_time")
        self.time.set_time(DEFAULT_TIME)
        self.venue = QLineEdit()
        self.venue.setObjectName("plan_venue")
        self.venue.setPlaceholderText("e.g. Oldbury office, room 2")
        self.venue.setMinimumWidth(320)
        self.problems = FieldProblems("start", "weekday", "time", "venue")
        self.preview = QLabel()
        self.preview.setObjectName("plan_preview")
        self.preview.setWordWrap(True)

        form = QFormLayout()
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        _form_row(form, "First possible date:", self.start, self.problems["start"])
        _form_row(form, "Day of the week:", self.weekday, self.problems["weekday"])
        _form_row(form, "Time:", self.time, self.problems["time"])
        _form_row(form, "Venue:", self.venue, self.problems["venue"])
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Book sessions",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(note_label(
            f"Books a year of 1.5-hour sessions for {self.person_name} at the interval the "
            "policy sets for them, moving any that fall on a bank holiday to the next working "
            "day. Dates that already have a session are left as they are."))
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.problems["general"])
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        name_fields(self)  # each field named after its caption, for screen readers

        self.start.changed.connect(self._start_changed)
        self.start.line.editingFinished.connect(self._start_changed)
        self.weekday.currentIndexChanged.connect(self._update_preview)
        self.start.set_date(today or date.today())
        self._start_changed()

    def _start_changed(self) -> None:
        try:
            start = self.start.date()
        except ValueError:
            start = None
        if start is not None and start.weekday() < 5:
            self.weekday.setCurrentIndex(start.weekday())
        self._update_preview()

    def _update_preview(self) -> None:
        self.save_button.setEnabled(True)
        try:
            start = self.start.date()
        except ValueError:
            start = None
        if start is None:
            self.preview.setText("")
            return
        dates = schedule_dates(self.terms, start, self.weekday.currentIndex())
        new = [d for d in dates if d not in self.taken]
        if not dates:
            self.preview.setText("No dates fall in the year from this start.")
            return
        span = (f"({cadence_text(self.terms, start)}), from {format_date(dates[0])} to "
                f"{format_date(dates[-1])}")
        if not new:
            text = (f"Every one of the {len(dates)} dates {span} already has a session: "
                    "there is nothing to book.")
        else:
            text = f"<b>{len(new)} {'session' if len(new) == 1 else 'sessions'}</b> {span}."
            if len(new) < len(dates):
                text += f" {len(dates) - len(new)} of the dates already have a session."
        self.preview.setText(text)
        self.save_button.setEnabled(bool(new))

    def save(self) -> bool:
        problems = []
        try:
            start = self.start.date()
            if start is None:
                problems.append(Problem("start", "Enter the date to plan from"))
        except ValueError as exc:
            start = None
            problems.append(Problem("start", str(exc)))
        try:
            at = self.time.time()
            if at is None:
                problems.append(Problem("time", "Enter the time of day, e.g. 10:00"))
        except ValueError as exc:
            at = None
            problems.append(Problem("time", str(exc)))
        if problems or start is None or at is None:
            self.problems.show(problems)
            return False
        try:
            with self.store.write() as session:
                made = plan_year(session, self.actor, self.staff_uuid, start,
                                 self.weekday.currentIndex(), at, venue=self.venue.text().strip())
                self.booked = [row.planned_date for row in made]
        except ValidationError as exc:
            self.problems.show(exc.problems)
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Sessions not booked", str(exc))
            return False
        self.accept()
        return True


class MoveDialog(QDialog):
    """Moves a planned session to another date and time (a planning change, not a miss)."""

    def __init__(self, store: Store, actor: Actor, session_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor, self.session_id = store, actor, session_id
        with store.read() as session:
            row = get_session(session, session_id)
            was_date, was_time = row.planned_date, row.planned_time
        self.setWindowTitle("Move a planned session")
        self.date = DateField()
        self.date.setObjectName("move_date")
        self.date.set_date(was_date)
        self.time = TimeField()
        self.time.setObjectName("move_time")
        self.time.set_time(was_time)
        self.problems = FieldProblems("planned_date", "planned_time")
        form = QFormLayout()
        _form_row(form, "New date:", self.date, self.problems["planned_date"])
        _form_row(form, "Time:", self.time, self.problems["planned_time"])
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Move", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(
            f"The session planned for {format_date(was_date)} has not happened yet. Moving it "
            "changes the plan; a session that could not take place is postponed instead."))
        layout.addLayout(form)
        layout.addWidget(self.problems["general"])
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        name_fields(self)  # each field named after its caption, for screen readers

    def save(self) -> bool:
        problems = []
        try:
            on = self.date.date()
            if on is None:
                problems.append(Problem("planned_date", "Enter the new date"))
        except ValueError as exc:
            on = None
            problems.append(Problem("planned_date", str(exc)))
        try:
            at = self.time.time()
        except ValueError as exc:
            at = None
            problems.append(Problem("planned_time", str(exc)))
        if problems or on is None:
            self.problems.show(problems)
            return False
        try:
            with self.store.write() as session:
                move_session(session, self.actor, self.session_id, on, at)
        except ValidationError as exc:
            self.problems.show(exc.problems)
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Session not moved", str(exc))
            return False
        self.accept()
        return True
