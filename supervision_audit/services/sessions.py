"""Planned sessions: the annual schedule (R9) and the monitoring sheet (Appendix 3, R2)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from supervision_audit.dates import plausibility_problem
from supervision_audit.errors import NotFoundError, Problem, ValidationError
from supervision_audit.models import Role, Staff, SupervisionRecord, SupervisionSession, utcnow
from supervision_audit.policy import (
    Escalation,
    Supervisee,
    escalation,
    is_working_day,
    rescheduled_outcome,
    schedule_dates,
)
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.contracts import in_force, terms_of
from supervision_audit.services.events import log_event
from supervision_audit.services.staff import get_staff

STATUS_LABELS = {"planned": "Planned", "completed": "Completed", "postponed": "Postponed",
                 "cancelled": "Cancelled"}
MANAGER_ROLES = (Role.TEAM_MANAGER.value, Role.SENIOR_MANAGER.value)


def supervisee_terms(session: Session, person: Staff, on: date | None = None) -> Supervisee:
    """What the cadence rules need of a person: role, starts and what the contract in force
    (on ``on``, signed by both parties) agrees; a draft's terms do not apply (R4)."""
    return terms_of(person, in_force(session, person.id, on))


def sessions_of(session: Session, supervisee_uuid: uuid.UUID) -> list[SupervisionSession]:
    """Every planned session of a supervisee by date (no check: callers check)."""
    return list(session.exec(
        select(SupervisionSession).where(SupervisionSession.supervisee_id == supervisee_uuid)
        .order_by(col(SupervisionSession.planned_date), col(SupervisionSession.planned_time))))


def get_session(session: Session, session_id: uuid.UUID) -> SupervisionSession:
    row = session.get(SupervisionSession, session_id)
    if row is None:
        raise NotFoundError("That session is not in the database.")
    return row


def _new_session(session: Session, person: Staff, on: date, at: time | None, venue: str
                 ) -> SupervisionSession:
    row = SupervisionSession(
        supervisee_id=person.id, supervisor_id=person.supervisor_id,
        kind="manager" if person.role in MANAGER_ROLES else "individual",
        planned_date=on, planned_time=at, venue=venue)
    session.add(row)
    return row


def plan_year(session: Session, actor: Actor, supervisee_uuid: uuid.UUID, start: date,
              weekday: int, at: time, *, venue: str = "", months: int = 12
              ) -> list[SupervisionSession]:
    """R9: book a year of 1.5-hour sessions at the supervisee's cadence, off bank holidays.

    Dates that already hold a session are left as they are.
    """
    require(session, actor, Action.WRITE_RECORDS, supervisee_uuid)
    if not 0 <= weekday <= 4:
        raise ValidationError(Problem("weekday", "Choose a weekday from Monday to Friday"))
    refuse_implausible("start", "The first date", start)
    person = get_staff(session, supervisee_uuid)
    taken = {s.planned_date for s in sessions_of(session, supervisee_uuid)}
    made = []
    for day in schedule_dates(supervisee_terms(session, person), start, weekday, months):
        if day not in taken:
            made.append(_new_session(session, person, day, at, venue))
    session.flush()
    log_event(session, actor.who, "schedule.plan", subject_kind="staff",
              subject_id=person.id, about_staff_id=person.id,
              detail=f"{len(made)} sessions from {start.isoformat()}")
    return made


UNPLANNED_NOTE = "Not planned: written up for this date"


def record_held(session: Session, record: SupervisionRecord) -> None:
    """R1: a completed individual or manager record is a completed session on its date, a
    line of the monitoring sheet. The session it was written for is completed; a record
    written for "another date" completes the planned session of that day if there is one,
    else a new line, noted as not planned, is added (and moves with the record's date if
    the record is reopened and completed again with another)."""
    if record.supervisee_id is None:
        return  # a group record: no one's individual session
    planned = session.get(SupervisionSession, record.session_id) if record.session_id else None
    if planned is None:
        planned = session.exec(select(SupervisionSession).where(
            SupervisionSession.supervisee_id == record.supervisee_id,
            SupervisionSession.planned_date == record.held_on,
            SupervisionSession.status == "planned")).first()
    if planned is None:
        start, end = record.start_time, record.end_time
        minutes = ((end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
                   if start and end else 0)
        planned = SupervisionSession(
            supervisee_id=record.supervisee_id, supervisor_id=record.supervisor_id,
            kind="manager" if record.form_key == "manager" else "individual",
            planned_date=record.held_on, planned_time=start,
            duration_minutes=minutes if minutes > 0 else 90, status="completed",
            comments=UNPLANNED_NOTE)
        session.add(planned)
        session.flush()
    elif planned.comments == UNPLANNED_NOTE and planned.planned_date != record.held_on:
        planned.planned_date = record.held_on
    if planned.status == "planned":
        planned.status = "completed"
    planned.updated_at = utcnow()
    record.session_id = planned.id


def refuse_implausible(field: str, what: str, day: date | None) -> None:
    """R10: a date before 1950 or more than two years ahead is refused as a mistyped year."""
    if wrong := plausibility_problem(day):
        raise ValidationError(Problem(field, f"{what} {wrong}"))


def _planned(session: Session, actor: Actor, session_id: uuid.UUID) -> SupervisionSession:
    row = get_session(session, session_id)
    require(session, actor, Action.WRITE_RECORDS, row.supervisee_id)
    return row


def move_session(session: Session, actor: Actor, session_id: uuid.UUID, new_date: date,
                 new_time: time | None = None) -> SupervisionSession:
    """Move a planned session (before it happens) to another date or time."""
    row = _planned(session, actor, session_id)
    if row.status != "planned":
        raise ValidationError(Problem("planned_date", "Only a planned session can be moved; "
                                                      "record a postponement instead"))
    refuse_implausible("planned_date", "The new date", new_date)
    if not is_working_day(new_date):
        raise ValidationError(Problem("planned_date", f"{new_date:%d/%m/%Y} is a weekend or a "
                                                      "bank holiday"))
    if any(s.planned_date == new_date and s.id != row.id
           for s in sessions_of(session, row.supervisee_id)):
        raise ValidationError(Problem("planned_date", f"There is already a session on "
                                                      f"{new_date:%d/%m/%Y}"))
    row.planned_date = new_date
    if new_time is not None:
        row.planned_time = new_time
    row.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "session.move", subject_kind="session", subject_id=row.id,
              about_staff_id=row.supervisee_id, detail=new_date.isoformat())
    return row


def remove_planned(session: Session, actor: Actor, session_id: uuid.UUID) -> None:
    """Take a date out of the schedule before it happens (a planning change, not a miss)."""
    row = _planned(session, actor, session_id)
    if row.status != "planned":
        raise ValidationError(Problem("status", "Only a planned session can be taken out of "
                                                "the schedule"))
    session.delete(row)
    session.flush()
    log_event(session, actor.who, "session.remove", subject_kind="session", subject_id=row.id,
              about_staff_id=row.supervisee_id, detail=row.planned_date.isoformat())


def miss_session(session: Session, actor: Actor, session_id: uuid.UUID, *, status: str,
                 reason: str, rescheduled_for: date | None = None,
                 rescheduled_time: time | None = None, comments: str = "",
                 today: date | None = None) -> SupervisionSession:
    """Record a session as postponed or cancelled, with its reason and any new date.

    A new date books a new planned session, linked to the missed one (R2).
    """
    row = _planned(session, actor, session_id)
    problems = []
    if status not in ("postponed", "cancelled"):
        problems.append(Problem("status", "A missed session is postponed or cancelled"))
    if not reason.strip():
        problems.append(Problem("reason", "Give the reason for the postponement or "
                                          "cancellation"))
    if rescheduled_for is not None and rescheduled_for <= row.planned_date:
        problems.append(Problem("rescheduled_for", "The rescheduled date must be after the "
                                                   "missed date"))
    elif wrong := plausibility_problem(rescheduled_for):
        problems.append(Problem("rescheduled_for", f"The rescheduled date {wrong}"))
    if row.status != "planned":
        problems.append(Problem("status", f"This session is already {row.status}"))
    if problems:
        raise ValidationError(problems)
    row.status, row.reason, row.comments = status, reason.strip(), comments.strip()
    row.updated_at = utcnow()
    if rescheduled_for is not None:
        _reschedule(session, row, rescheduled_for, rescheduled_time, today or date.today())
    session.flush()
    log_event(session, actor.who, f"session.{status}", subject_kind="session",
              subject_id=row.id, about_staff_id=row.supervisee_id, detail=reason.strip())
    return row


def _reschedule(session: Session, row: SupervisionSession, on: date, at: time | None,
                today: date) -> None:
    person = get_staff(session, row.supervisee_id)
    new = _new_session(session, person, on, at or row.planned_time, row.venue)
    session.flush()
    row.rescheduled_for = on
    row.rescheduled_recorded_on = today
    row.rescheduled_session_id = new.id


def set_rescheduled(session: Session, actor: Actor, session_id: uuid.UUID, on: date,
                    at: time | None = None, today: date | None = None) -> SupervisionSession:
    """Give a missed session its new date later."""
    row = _planned(session, actor, session_id)
    if row.status not in ("postponed", "cancelled"):
        raise ValidationError(Problem("rescheduled_for", "Only a missed session is "
                                                         "rescheduled"))
    if on <= row.planned_date:
        raise ValidationError(Problem("rescheduled_for", "The rescheduled date must be after "
                                                         "the missed date"))
    refuse_implausible("rescheduled_for", "The rescheduled date", on)
    if row.rescheduled_session_id is not None:
        raise ValidationError(Problem("rescheduled_for", "This session already has a new date"))
    _reschedule(session, row, on, at, today or date.today())
    session.flush()
    log_event(session, actor.who, "session.reschedule", subject_kind="session",
              subject_id=row.id, about_staff_id=row.supervisee_id, detail=on.isoformat())
    return row


def record_reported(session: Session, actor: Actor, session_id: uuid.UUID, reported_on: date
                    ) -> SupervisionSession:
    """R2: when the miss was reported to the supervisor's line manager."""
    row = _planned(session, actor, session_id)
    if row.status not in ("postponed", "cancelled"):
        raise ValidationError(Problem("reported_to_manager_on", "Only a missed session is "
                                                                "reported"))
    if reported_on > date.today():
        raise ValidationError(Problem("reported_to_manager_on", "The report date is in the "
                                                                "future"))
    if reported_on < row.planned_date:
        raise ValidationError(Problem("reported_to_manager_on", "The report date is before "
                                                                "the missed session"))
    row.reported_to_manager_on = reported_on
    row.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "session.reported", subject_kind="session",
              subject_id=row.id, about_staff_id=row.supervisee_id,
              detail=reported_on.isoformat())
    return row


def escalation_of(session: Session, row: SupervisionSession, on: date) -> Escalation | None:
    """R2 for one missed session, looking at what became of its rescheduled session."""
    follow = (session.get(SupervisionSession, row.rescheduled_session_id)
              if row.rescheduled_session_id is not None else None)
    return _escalation(row, follow, on)


def _escalation(row: Any, follow: Any, on: date) -> Escalation | None:
    """R2 for a missed session ``row`` and the session it was rescheduled to (``follow``,
    None if none): rows of ``SupervisionSession`` or of its columns by the same names."""
    if row.status not in ("postponed", "cancelled") or row.planned_date > on:
        return None
    held = rescheduled_outcome(follow.status if follow else None,
                               follow.planned_date if follow else row.rescheduled_for, on)
    reported = row.reported_to_manager_on
    return escalation(row.planned_date, rescheduled_for=row.rescheduled_for,
                      rescheduled_recorded_on=row.rescheduled_recorded_on,
                      rescheduled_held=held,
                      reported_on=reported if reported is not None and reported <= on else None,
                      on=on)


@dataclass(frozen=True)
class MonitoringRow:
    """A line of the monitoring sheet as the form shows it."""

    session_id: uuid.UUID
    planned_date: date
    planned_time: time | None
    status: str
    status_label: str
    rescheduled_for: date | None
    comments: str
    escalation: Escalation | None


_SHEET = (select(SupervisionSession.id, SupervisionSession.planned_date,
                 SupervisionSession.planned_time, SupervisionSession.status,
                 SupervisionSession.reason, SupervisionSession.comments,
                 SupervisionSession.rescheduled_for, SupervisionSession.rescheduled_recorded_on,
                 SupervisionSession.rescheduled_session_id,
                 SupervisionSession.reported_to_manager_on)
          .where(SupervisionSession.supervisee_id == bindparam("supervisee"))
          .order_by(col(SupervisionSession.planned_date), col(SupervisionSession.planned_time)))


def monitoring_sheet(session: Session, actor: Actor, supervisee_uuid: uuid.UUID,
                     on: date | None = None) -> list[MonitoringRow]:
    """Every planned session of a supervisee, with what became of it (Appendix 3).

    The sheet's columns only, in one statement built once (no ORM objects: a five-year
    file has a hundred sessions)."""
    require(session, actor, Action.READ_FILE, supervisee_uuid)
    on = on or date.today()
    session.flush()  # this session's own changes first, as the ORM would
    found = session.connection().execute(_SHEET, {"supervisee": supervisee_uuid}).all()
    by_id = {row.id: row for row in found}
    rows = []
    for row in found:
        text = "; ".join(t for t in (row.reason, row.comments) if t)
        follow = by_id.get(row.rescheduled_session_id) if row.rescheduled_session_id else None
        if follow is None and row.rescheduled_session_id is not None:
            follow = session.get(SupervisionSession, row.rescheduled_session_id)
        rows.append(MonitoringRow(row.id, row.planned_date, row.planned_time, row.status,
                                  STATUS_LABELS[row.status], row.rescheduled_for, text,
                                  _escalation(row, follow, on)))
    return rows
