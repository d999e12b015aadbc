"""Adding or editing a member of staff: every detail of ``StaffInput``, saved by the service."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import (
    Problem,
    StaleEditError,
    SupervisionAuditError,
    ValidationError,
)
from supervision_audit.models import Role
from supervision_audit.models.people import ROLE_LABELS
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.staff import (
    StaffInput,
    field_text_problem,
    get_staff,
    list_staff,
    list_teams,
    save_staff,
    staff_input_of,
)
from supervision_audit.text_rules import STAFF_TEXT_MAX
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.accessible import name_fields
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.style import PROBLEM, note_label, problem_label, show_problem
from supervision_audit.ui.widgets.date_field import DateField
from supervision_audit.ui.widgets.dialog_body import dialog_body

NO_SUPERVISOR = "(no supervisor)"


class StaffDialog(QDialog):
    """New person (``staff_uuid`` None) or edit one. After ``accept`` ``saved_id`` is set."""

    def __init__(self, store: Store, actor: Actor, staff_uuid: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.staff_uuid = staff_uuid
        self.saved_id: uuid.UUID | None = None
        self._opened_at = None  # the record's stamp when opened, to notice another's save
        with store.read() as session:
            require(session, actor, Action.MANAGE_STAFF)
            teams = [t.name for t in list_teams(session)]
            supervisors = [(r.staff_id, r.name) for r in list_staff(session, actor)
                           if r.id != staff_uuid]
            current = StaffInput(staff_id="", name="")
            if staff_uuid is not None:
                person = get_staff(session, staff_uuid)
                self._opened_at = person.updated_at
                current = staff_input_of(session, person)
        self.setWindowTitle(f"Edit {current.name}" if staff_uuid else "New person")

        self.fields: dict[str, QWidget] = {}
        self.problems: dict[str, QLabel] = {}
        self._labels: dict[str, QLabel] = {}
        self.staff_id = QLineEdit(current.staff_id)
        self.name = QLineEdit(current.name)
        self.job_title = QLineEdit(current.job_title)
        self.role = QComboBox()
        for value, label in ROLE_LABELS.items():
            self.role.addItem(label, value)
        self.role.setCurrentIndex(max(0, self.role.findData(current.role)))
        self.employment_start = DateField()
        self.employment_start.set_date(current.employment_start)
        self.asye_start = DateField()
        self.asye_start.set_date(current.asye_start)
        self.team = QComboBox()
        self.team.setEditable(True)
        self.team.addItems(teams)
        self.team.setCurrentText(current.team)
        self.team.lineEdit().setPlaceholderText("Choose a team or type a new one")
        self.service = QLineEdit(current.service)
        self.service.setPlaceholderText("e.g. Children's Social Care")
        self.location = QLineEdit(current.location)
        self.supervisor = QComboBox()
        self.supervisor.addItem(NO_SUPERVISOR, "")
        known = set()
        for staff_id, name in sorted(supervisors, key=lambda s: s[1].casefold()):
            self.supervisor.addItem(f"{name}  ({staff_id})", staff_id)
            known.add(staff_id)
        if current.supervisor_staff_id and current.supervisor_staff_id not in known:
            self.supervisor.addItem(current.supervisor_staff_id, current.supervisor_staff_id)
        self.supervisor.setCurrentIndex(max(0, self.supervisor.findData(
            current.supervisor_staff_id)))
        self.email = QLineEdit(current.email)
        self.phone = QLineEdit(current.phone)

        person = self._group("Person", (
            ("staff_id", "Staff id", self.staff_id, True, ""),
            ("name", "Name", self.name, True, ""),
            ("job_title", "Job title", self.job_title, False, ""),
            ("role", "Role", self.role, True, ""),
            ("employment_start", "Employment start", self.employment_start, False, ""),
            ("asye_start", "ASYE start", self.asye_start, False,
             "For a newly qualified social worker in their ASYE year."),
        ))
        team = self._group("Team and supervision", (
            ("team", "Team", self.team, False, ""),
            ("service", "Service", self.service, False, "Used when the team is new."),
            ("location", "Location", self.location, False, ""),
            ("supervisor_id", "Supervisor", self.supervisor, False, ""),
        ))
        contact = self._group("Contact", (
            ("email", "E-mail", self.email, False, ""),
            ("phone", "Phone", self.phone, False, ""),
        ))
        self.banner = problem_label()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("save")
        self.save_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.banner)
        body = dialog_body(layout)  # scrolls on a shorter screen (150 %)
        body.addWidget(person)
        body.addWidget(team)
        body.addWidget(contact)
        body.addStretch(1)
        layout.addWidget(buttons)
        self.role.currentIndexChanged.connect(self._role_changed)
        for key in ("employment_start", "asye_start"):
            field: DateField = self.fields[key]  # type: ignore[assignment]
            field.problem_changed.connect(lambda m, k=key: self._show(k, m))
        self._role_changed()
        self._clean = self._snapshot()
        self.setMinimumWidth(540)
        hint = self.sizeHint()
        resize_within_screen(self, hint.width(), hint.height())  # its middle scrolls
        name_fields(self)  # each field named after its caption, for screen readers

    def _group(self, title: str, rows: tuple[tuple[str, str, QWidget, bool, str], ...]
               ) -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, 130)
        row = 0
        for key, caption, widget, required, note in rows:
            widget.setObjectName(key)
            star = f" <span style='color:{PROBLEM}'>*</span>" if required else ""
            label = QLabel(caption + star)
            label.setBuddy(widget)
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1)
            problem = problem_label()
            problem.setObjectName(f"{key}_problem")
            grid.addWidget(problem, row + 1, 1)
            if note:
                grid.addWidget(note_label(note), row + 2, 1)
            self.fields[key] = widget
            self.problems[key] = problem
            self._labels[key] = label
            self._check_as_typed(key, widget)
            row += 3
        return box

    def _check_as_typed(self, key: str, widget: QWidget) -> None:
        """A text too long, or holding a control character (pasted in, say), is named
        beside its field as soon as it is there; saving refuses it too."""
        edit = widget.lineEdit() if isinstance(widget, QComboBox) else widget
        if key in STAFF_TEXT_MAX and isinstance(edit, QLineEdit):
            edit.textEdited.connect(
                lambda text, k=key: self._show(k, field_text_problem(k, text) or ""))

    def _role_changed(self) -> None:
        self.asye_start.setEnabled(self.role.currentData() == Role.ASYE.value)

    # -- values -----------------------------------------------------------------------
    def _snapshot(self) -> tuple[str, ...]:
        return (self.staff_id.text(), self.name.text(), self.job_title.text(),
                str(self.role.currentData()), self.employment_start.line.text(),
                self.asye_start.line.text(), self.team.currentText(), self.service.text(),
                self.location.text(), str(self.supervisor.currentData()), self.email.text(),
                self.phone.text())

    def has_changes(self) -> bool:
        return self._snapshot() != self._clean

    def staff_input(self) -> tuple[StaffInput | None, list[Problem]]:
        """The details as typed, or the problems with dates that are not real dates."""
        problems: list[Problem] = []
        dates: dict[str, date | None] = {}
        for key in ("employment_start", "asye_start"):
            field: DateField = self.fields[key]  # type: ignore[assignment]
            try:
                dates[key] = field.date()
            except ValueError as exc:
                problems.append(Problem(key, str(exc)))
        if problems:
            return None, problems
        return StaffInput(
            staff_id=self.staff_id.text(), name=self.name.text(),
            job_title=self.job_title.text(), team=self.team.currentText(),
            location=self.location.text(), role=str(self.role.currentData()),
            supervisor_staff_id=str(self.supervisor.currentData() or ""),
            employment_start=dates["employment_start"], asye_start=dates["asye_start"],
            email=self.email.text(), phone=self.phone.text(), service=self.service.text(),
        ), []

    def save(self) -> bool:
        data, problems = self.staff_input()
        if data is None:
            self.show_problems(problems)
            return False
        try:
            with self.store.write() as session:
                saved_id = save_staff(session, self.actor, data, self.staff_uuid,
                                      expected_updated_at=self._opened_at).id
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return False
        except StaleEditError as exc:
            self._opened_at = None  # as the message says: saving again overwrites
            messages.show_error(self, "Not saved", str(exc))
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Not saved", str(exc))
            return False
        self.saved_id = saved_id
        self._clean = self._snapshot()
        self.accept()
        return True

    def reject(self) -> None:
        if self.has_changes() and not messages.ask_discard(self, "person's details"):
            return
        super().reject()

    # -- problems ---------------------------------------------------------------------
    def show_problems(self, problems: list[Problem]) -> None:
        """Each message beside its field; others above the form. Focus the first field."""
        for key in self.problems:
            self._show(key, "")
        general = []
        first = None
        by_key: dict[str, list[str]] = {}
        for p in problems:
            if p.field in self.problems:
                by_key.setdefault(p.field, []).append(p.message)
            else:
                general.append(p.message)
        for key in self.problems:  # in the order of the form
            if key in by_key:
                self._show(key, "\n".join(by_key[key]))
                first = first or self.fields[key]
        show_problem(self.banner, "\n".join(general))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def problem_text(self, key: str) -> str:
        label = self.problems[key]
        return label.text() if not label.isHidden() else ""

    def _show(self, key: str, message: str) -> None:
        show_problem(self.problems[key], message)
        self._labels[key].setStyleSheet(f"color: {PROBLEM};" if message else "")
