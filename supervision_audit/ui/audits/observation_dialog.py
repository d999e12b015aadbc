"""A senior manager's direct observation of a supervisor supervising (R6: at least once a
year): the date, the session observed (optional), the strengths and the areas to develop."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session, col, select

from supervision_audit.db import Store
from supervision_audit.errors import Problem, SupervisionAuditError, ValidationError
from supervision_audit.models import DirectObservation, Staff, SupervisionSession
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.audit_programme import record_observation
from supervision_audit.services.staff import get_staff
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.style import heading_label, note_label, problem_label, show_problem
from supervision_audit.ui.widgets.date_field import DateField

SESSIONS_SHOWN = 40  # the supervisor's most recent sessions offered as "the session observed"
KIND_WORDS = {"individual": "supervision", "manager": "manager supervision"}


def recent_sessions(session: Session, supervisor_uuid: uuid.UUID, on: date
                    ) -> list[tuple[uuid.UUID, date, str]]:
    """The supervisor's sessions of the last year up to ``on``, newest first, as (id, date,
    text)."""
    rows = session.exec(select(SupervisionSession, Staff.name).join(
        Staff, Staff.id == SupervisionSession.supervisee_id).where(
        SupervisionSession.supervisor_id == supervisor_uuid,
        SupervisionSession.planned_date <= on,
        SupervisionSession.planned_date > on - timedelta(days=366),
        col(SupervisionSession.status).in_(("planned", "completed")))
        .order_by(col(SupervisionSession.planned_date).desc()).limit(SESSIONS_SHOWN)).all()
    return [(s.id, s.planned_date, f"{s.planned_date:%d/%m/%Y} · {name} · "
                                   f"{KIND_WORDS.get(s.kind, s.kind)}") for s, name in rows]


def observations_text(session: Session, supervisor_uuid: uuid.UUID) -> str:
    rows = session.exec(select(DirectObservation.observed_on, Staff.name).join(
        Staff, Staff.id == DirectObservation.observer_id).where(
        DirectObservation.supervisor_id == supervisor_uuid)
        .order_by(col(DirectObservation.observed_on).desc()).limit(3)).all()
    if not rows:
        return "No direct observation of this supervisor is recorded yet."
    return "Earlier observations: " + "; ".join(f"{d:%d/%m/%Y} by {who}" for d, who in rows)


class ObservationDialog(QDialog):
    """Records one observation; ``saved_id`` holds it after ``accept``."""

    def __init__(self, store: Store, actor: Actor, supervisor_uuid: uuid.UUID,
                 parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("observation_dialog")
        self.store, self.actor, self.supervisor_uuid = store, actor, supervisor_uuid
        self.saved_id: uuid.UUID | None = None
        on = today()
        with store.read() as session:
            require(session, actor, Action.RUN_AUDIT, supervisor_uuid)
            self.supervisor_name = get_staff(session, supervisor_uuid).name
            sessions = recent_sessions(session, supervisor_uuid, on)
            earlier = observations_text(session, supervisor_uuid)
        self.setWindowTitle(f"Direct observation – {self.supervisor_name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(heading_label(f"Observing {self.supervisor_name} supervising", 1.3))
        layout.addWidget(note_label("Each supervisor is observed supervising at least once a "
                                    f"year (R6). {earlier}"))
        form = QFormLayout()
        form.setVerticalSpacing(4)
        self.problems: dict[str, QLabel] = {}
        self.date = DateField()
        self.date.setObjectName("observed_on")
        self.date.set_date(on)
        self._row(form, "Date observed", self.date, "observed_on")
        self.session = QComboBox()
        self.session.setObjectName("observed_session")
        self.session.addItem("(not one of the sessions in the app)", None)
        self._session_dates = {session_id: day for session_id, day, _text in sessions}
        for session_id, _day, text in sessions:
            self.session.addItem(text, session_id)
        self.session.activated.connect(self._session_chosen)
        self._row(form, "Session observed", self.session, "session")
        self.strengths = self._text("strengths", "What went well: structure, reflection, "
                                                 "challenge, the child's voice…")
        self._row(form, "Strengths", self.strengths, "strengths")
        self.areas = self._text("areas_to_develop", "What the supervisor should develop")
        self._row(form, "Areas to develop", self.areas, "areas_to_develop")
        layout.addLayout(form, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                   QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save observation")
        self.save_button.setObjectName("save_observation")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        resize_within_screen(self, 640, 560)
        name_fields(self)  # each field named after its caption, for screen readers

    def _session_chosen(self, _index: int) -> None:
        """Observing a session: the observation is dated the day it was held."""
        day = self._session_dates.get(self.session.currentData())
        if day is not None:
            self.date.set_date(day)

    def _text(self, name: str, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setObjectName(name)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 5 + 16)
        return edit

    def _row(self, form: QFormLayout, label: str, widget: QWidget, key: str) -> None:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        problem = problem_label()
        problem.setObjectName(f"{key}_problem")
        column.addWidget(problem)
        self.problems[key] = problem
        form.addRow(label, holder)

    def problem_text(self, key: str) -> str:
        label = self.problems.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def save(self) -> bool:
        for label in self.problems.values():
            show_problem(label, "")
        observed = self.date.date()
        try:
            if observed is None:
                raise ValidationError(Problem("observed_on", "Give the date of the "
                                                             "observation"))
            with self.store.write() as session:
                row = record_observation(
                    session, self.actor, self.supervisor_uuid, observed,
                    strengths=self.strengths.toPlainText(),
                    areas_to_develop=self.areas.toPlainText(),
                    session_id=self.session.currentData())
                self.saved_id = row.id
        except ValidationError as exc:
            for p in exc.problems:
                show_problem(self.problems.get(p.field, self.problems["observed_on"]),
                             p.message)
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Observation not saved", str(exc))
            return False
        self.accept()
        return True
