"""People: adding and editing staff, teams, marking leavers, supervisor changes with history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from supervision_audit.dates import plausibility_problem
from supervision_audit.errors import NotFoundError, Problem, StaleEditError, ValidationError
from supervision_audit.models import ROLES, Contract, Role, Staff, SupervisorChange, Team, utcnow
from supervision_audit.services.access import Action, Actor, require, visible_staff
from supervision_audit.services.events import log_event
from supervision_audit.text_rules import STAFF_TEXT_MAX, text_problem


@dataclass(frozen=True)
class StaffInput:
    """What a person types (or a file holds) about a member of staff."""

    staff_id: str
    name: str
    job_title: str = ""
    team: str = ""  # team name; created if new
    location: str = ""
    role: str = Role.PRACTITIONER.value
    supervisor_staff_id: str = ""  # the supervisor's staff id, "" for none
    employment_start: date | None = None
    asye_start: date | None = None
    email: str = ""
    phone: str = ""
    service: str = ""  # the team's service, used when the team is new


STAFF_FIELD_LABELS = {"staff_id": "Staff id", "name": "Name", "job_title": "Job title",
                      "team": "Team", "service": "Service", "location": "Location",
                      "email": "E-mail", "phone": "Phone", "supervisor_id": "Supervisor's id"}


@dataclass(frozen=True)
class StaffRow:
    """One line of the staff list."""

    id: uuid.UUID
    staff_id: str
    name: str
    job_title: str
    team: str
    role: str
    supervisor_id: uuid.UUID | None
    supervisor_name: str
    active: bool
    extra: dict[str, str] = field(default_factory=dict, compare=False)


def date_problems(data: StaffInput, today: date | None = None) -> list[Problem]:
    """R10: a start date before 1950 or more than two years ahead is a mistyped year."""
    problems = []
    for key, label in (("employment_start", "Employment start"), ("asye_start", "ASYE start")):
        wrong = plausibility_problem(getattr(data, key), today)
        if wrong:
            problems.append(Problem(key, f"{label} {wrong}"))
    return problems


def field_text_problem(field_name: str, text: str) -> str | None:
    """What is wrong with ``text`` for the staff field ``field_name`` (too long, or holding
    a control character: BEL, ESC, a tab or a line break, every staff field being one line),
    or None. The form checks as it is typed; the importer and the save, with everything."""
    message = text_problem(text.strip(), STAFF_TEXT_MAX[field_name], multiline=False)
    return f"{STAFF_FIELD_LABELS[field_name]} {message}" if message else None


def text_problems(data: StaffInput) -> list[Problem]:
    """:func:`field_text_problem` for each field, named by the form field and import column."""
    problems = []
    for field_name in STAFF_TEXT_MAX:
        message = field_text_problem(field_name, getattr(
            data, "supervisor_staff_id" if field_name == "supervisor_id" else field_name))
        if message:
            problems.append(Problem(field_name, message))
    return problems


def check_input(data: StaffInput) -> list[Problem]:
    """Problems with one person's details taken alone (not against the store)."""
    problems: list[Problem] = text_problems(data)
    if not data.staff_id.strip():
        problems.append(Problem("staff_id", "Staff id is required"))
    if not data.name.strip():
        problems.append(Problem("name", "Name is required"))
    if data.role not in ROLES:
        problems.append(Problem("role", f"Role '{data.role}' is not one of: {', '.join(ROLES)}"))
    if data.role == Role.ASYE.value and data.asye_start is None:
        problems.append(Problem("asye_start", "ASYE start is required for an ASYE worker"))
    if data.supervisor_staff_id and data.supervisor_staff_id.strip() == data.staff_id.strip():
        problems.append(Problem("supervisor_id", "A person cannot supervise themselves"))
    if data.email and "@" not in data.email:
        problems.append(Problem("email", f"'{data.email}' is not an e-mail address"))
    if data.employment_start and data.asye_start and data.asye_start < data.employment_start:
        problems.append(Problem("asye_start", "ASYE start is before employment start"))
    return problems + date_problems(data)


def check_not_stale(record: Any, expected_updated_at: datetime | None, what: str) -> None:
    """Refuse to overwrite a record someone else saved after it was opened for editing."""
    if expected_updated_at is None:
        return
    stored = record.updated_at
    if stored.replace(tzinfo=None) != expected_updated_at.replace(tzinfo=None):
        raise StaleEditError(
            f"The record of {what} was changed by someone else after you opened it "
            f"(saved at {stored:%d/%m/%Y %H:%M}). Reload it to see their changes, or save "
            "again to overwrite them.")


def get_staff(session: Session, staff_uuid: uuid.UUID) -> Staff:
    person = session.get(Staff, staff_uuid)
    if person is None:
        raise NotFoundError("That member of staff is not in the database.")
    return person


def find_by_staff_id(session: Session, staff_id: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.staff_id == staff_id.strip())).first()


def get_by_staff_id(session: Session, staff_id: str) -> Staff:
    person = find_by_staff_id(session, staff_id)
    if person is None:
        raise NotFoundError(f"There is no member of staff with staff id '{staff_id}'.")
    return person


def team_named(session: Session, name: str, service: str = "") -> Team | None:
    """The team of that name, created if new; None for an empty name."""
    name = name.strip()
    if not name:
        return None
    team = session.exec(select(Team).where(Team.name == name)).first()
    if team is None:
        team = Team(name=name, service=service.strip())
        session.add(team)
        session.flush()
    elif service.strip() and team.service != service.strip():
        team.service = service.strip()
    return team


def list_teams(session: Session) -> list[Team]:
    return list(session.exec(select(Team).order_by(Team.name)))


def line_of_management(session: Session, person: Staff) -> list[Staff]:
    """The person's supervisor, their supervisor, and so on upwards."""
    chain: list[Staff] = []
    seen = {person.id}
    current = person
    while current.supervisor_id is not None and current.supervisor_id not in seen:
        current = get_staff(session, current.supervisor_id)
        seen.add(current.id)
        chain.append(current)
    return chain


def would_cycle(session: Session, supervisee_id: uuid.UUID, supervisor_id: uuid.UUID) -> bool:
    """True when making ``supervisor_id`` supervise ``supervisee_id`` closes a loop."""
    current: uuid.UUID | None = supervisor_id
    seen: set[uuid.UUID] = set()
    while current is not None and current not in seen:
        if current == supervisee_id:
            return True
        seen.add(current)
        row = session.get(Staff, current)
        current = row.supervisor_id if row else None
    return False


def _cycle_problem(supervisee: Staff, supervisor: Staff) -> Problem:
    return Problem(
        "supervisor_id",
        f"{supervisor.name} ({supervisor.staff_id}) cannot supervise {supervisee.name} "
        f"({supervisee.staff_id}): {supervisor.name} is already supervised, directly or through "
        f"others, by {supervisee.name}",
    )


def change_supervisor(
    session: Session,
    supervisee: Staff,
    supervisor: Staff | None,
    on: date,
    changed_by: str = "",
) -> None:
    """Give ``supervisee`` a new supervisor from ``on``, keeping the old one in the history."""
    new_id = supervisor.id if supervisor else None
    if supervisee.supervisor_id == new_id:
        return
    if supervisor is not None and would_cycle(session, supervisee.id, supervisor.id):
        raise ValidationError(_cycle_problem(supervisee, supervisor))
    record_supervisor(session, supervisee, new_id, on, changed_by)


def record_supervisor(
    session: Session,
    supervisee: Staff,
    supervisor_id: uuid.UUID | None,
    on: date,
    changed_by: str = "",
) -> None:
    """Set the supervisor and keep the history, with no check (callers check for loops)."""
    new_id = supervisor_id
    if supervisee.supervisor_id == new_id:
        return
    open_period = session.exec(
        select(SupervisorChange)
        .where(SupervisorChange.supervisee_id == supervisee.id, SupervisorChange.ended_on == None)  # noqa: E711
    ).first()
    if open_period is not None:
        open_period.ended_on = on
        open_period.updated_at = utcnow()
    session.add(SupervisorChange(supervisee_id=supervisee.id, supervisor_id=new_id,
                                 started_on=on, changed_by=changed_by))
    supervisee.supervisor_id = new_id
    supervisee.updated_at = utcnow()
    session.flush()


def supervisor_history(session: Session, supervisee_id: uuid.UUID) -> list[SupervisorChange]:
    return list(session.exec(
        select(SupervisorChange)
        .where(SupervisorChange.supervisee_id == supervisee_id)
        .order_by(SupervisorChange.started_on, SupervisorChange.created_at)
    ))


def apply_details(person: Staff, data: StaffInput, team: Team | None) -> None:
    person.staff_id = data.staff_id.strip()
    person.name = data.name.strip()
    person.job_title = data.job_title.strip()
    person.team_id = team.id if team else None
    person.location = data.location.strip()
    person.role = data.role
    person.employment_start = data.employment_start
    person.asye_start = data.asye_start
    person.email = data.email.strip()
    person.phone = data.phone.strip()
    person.updated_at = utcnow()


def save_staff(
    session: Session,
    actor: Actor,
    data: StaffInput,
    staff_uuid: uuid.UUID | None = None,
    *,
    changed_by: str = "",
    today: date | None = None,
    expected_updated_at: datetime | None = None,
) -> Staff:
    """Add a person (``staff_uuid`` None) or update one; raises ValidationError, saving nothing.

    ``expected_updated_at`` is the stamp the record had when the editor opened it: if the
    record changed since, StaleEditError is raised instead of overwriting that change.
    """
    require(session, actor, Action.MANAGE_STAFF)
    problems = check_input(data)
    clash = find_by_staff_id(session, data.staff_id) if data.staff_id.strip() else None
    if clash is not None and clash.id != staff_uuid:
        problems.append(Problem("staff_id", f"Staff id '{data.staff_id}' already belongs to "
                                            f"{clash.name}"))
    supervisor: Staff | None = None
    if data.supervisor_staff_id.strip():
        supervisor = find_by_staff_id(session, data.supervisor_staff_id)
        if supervisor is None:
            problems.append(Problem("supervisor_id", f"No member of staff has staff id "
                                                     f"'{data.supervisor_staff_id}'"))
    if problems:
        raise ValidationError(problems)
    if staff_uuid is None:
        person = Staff(staff_id=data.staff_id.strip(), name=data.name.strip())
        session.add(person)
    else:
        person = get_staff(session, staff_uuid)
        check_not_stale(person, expected_updated_at, person.name)
    apply_details(person, data, team_named(session, data.team, data.service))
    session.flush()
    change_supervisor(session, person, supervisor, today or date.today(),
                      changed_by or actor.username)
    log_event(session, actor.who, "staff.create" if staff_uuid is None else "staff.edit",
              subject_kind="staff", subject_id=person.id, about_staff_id=person.id)
    return person


def staff_input_of(session: Session, person: Staff) -> StaffInput:
    """The editable details of a stored person, for a form to show."""
    team = session.get(Team, person.team_id) if person.team_id else None
    supervisor = session.get(Staff, person.supervisor_id) if person.supervisor_id else None
    return StaffInput(
        staff_id=person.staff_id, name=person.name, job_title=person.job_title,
        team=team.name if team else "", location=person.location, role=person.role,
        supervisor_staff_id=supervisor.staff_id if supervisor else "",
        employment_start=person.employment_start, asye_start=person.asye_start,
        email=person.email, phone=person.phone, service=team.service if team else "",
    )


def mark_left(session: Session, actor: Actor, staff_uuid: uuid.UUID, left_on: date) -> Staff:
    """A leaver keeps every record; they drop out of lists of active staff."""
    require(session, actor, Action.MANAGE_STAFF)
    person = get_staff(session, staff_uuid)
    if person.employment_start and left_on < person.employment_start:
        raise ValidationError(Problem("left_on", "The leaving date is before employment start"))
    if wrong := plausibility_problem(left_on):
        raise ValidationError(Problem("left_on", f"The leaving date {wrong}"))
    person.active = False
    person.left_on = left_on
    person.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "staff.left", subject_kind="staff", subject_id=person.id,
              about_staff_id=person.id, detail=left_on.isoformat())
    return person


def has_records(session: Session, staff_uuid: uuid.UUID) -> bool:
    """True when anything on file names this person (then they may never be deleted)."""
    contracts = session.exec(select(func.count()).select_from(Contract).where(
        or_(Contract.supervisee_id == staff_uuid, Contract.supervisor_id == staff_uuid))).one()
    supervises = session.exec(select(func.count()).select_from(Staff).where(
        Staff.supervisor_id == staff_uuid)).one()
    history = session.exec(select(func.count()).select_from(SupervisorChange).where(
        SupervisorChange.supervisor_id == staff_uuid)).one()
    return bool(contracts or supervises or history)


def delete_staff(session: Session, actor: Actor, staff_uuid: uuid.UUID) -> None:
    """Remove a person entered by mistake. Refused for anyone with records: mark them left."""
    require(session, actor, Action.MANAGE_STAFF)
    person = get_staff(session, staff_uuid)
    if has_records(session, staff_uuid):
        raise ValidationError(Problem(
            "staff", f"{person.name} has records on file and cannot be deleted; "
                     "mark them as left instead"))
    for period in supervisor_history(session, staff_uuid):
        session.delete(period)
    session.flush()
    session.delete(person)
    session.flush()
    log_event(session, actor.who, "staff.delete", subject_kind="staff", subject_id=staff_uuid,
              detail=f"{person.staff_id} {person.name}")


def list_staff(
    session: Session,
    actor: Actor,
    *,
    include_left: bool = False,
    supervisor_id: uuid.UUID | None = None,
) -> list[StaffRow]:
    """Everyone ``actor`` may see (or one supervisor's supervisees among them), with team and
    supervisor names, by name."""
    visible = visible_staff(session, actor)
    boss = aliased(Staff)
    query = (  # the columns the list shows, not whole people: 2,000 rows stay cheap
        select(Staff.id, Staff.staff_id, Staff.name, Staff.job_title, Team.name, Staff.role,
               Staff.supervisor_id, boss.name, Staff.active)
        .join(Team, Team.id == Staff.team_id, isouter=True)
        .join(boss, boss.id == Staff.supervisor_id, isouter=True)
        .order_by(Staff.name)
    )
    if not include_left:
        query = query.where(Staff.active == True)  # noqa: E712
    if supervisor_id is not None:
        query = query.where(Staff.supervisor_id == supervisor_id)
    rows = []
    for (id_, staff_id, name, job_title, team_name, role, boss_id, boss_name,
         active) in session.exec(query):
        if id_ not in visible:
            continue
        rows.append(StaffRow(
            id=id_, staff_id=staff_id, name=name, job_title=job_title, team=team_name or "",
            role=role, supervisor_id=boss_id, supervisor_name=boss_name or "", active=active,
        ))
    return rows


