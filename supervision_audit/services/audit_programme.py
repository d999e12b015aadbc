"""The audit programme (R6): direct observations of supervisors, which supervisors need this
month's audit, who has gone 12 months without an audit or an observation, and the cap."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from supervision_audit.dates import add_months
from supervision_audit.errors import Problem, ValidationError
from supervision_audit.models import DirectObservation, FileAudit, Staff
from supervision_audit.policy import monthly_audit_cap
from supervision_audit.services.access import Action, Actor, require, visible_staff
from supervision_audit.services.events import log_event


def record_observation(session: Session, actor: Actor, supervisor_uuid: uuid.UUID,
                       observed_on: date, *, strengths: str, areas_to_develop: str,
                       session_id: uuid.UUID | None = None) -> DirectObservation:
    """A senior manager's direct observation of a supervisor supervising."""
    require(session, actor, Action.RUN_AUDIT, supervisor_uuid)
    problems = [Problem(k, message) for k, v, message in
                (("strengths", strengths, "Record the strengths observed"),
                 ("areas_to_develop", areas_to_develop, "Record the areas to develop"))
                if not v.strip()]
    if observed_on > date.today():
        problems.append(Problem("observed_on", "An observation cannot be in the future"))
    if problems:
        raise ValidationError(problems)
    row = DirectObservation(supervisor_id=supervisor_uuid, observer_id=actor.staff_id,
                            observed_on=observed_on, session_id=session_id,
                            strengths=strengths.strip(), areas_to_develop=areas_to_develop.strip())
    session.add(row)
    session.flush()
    log_event(session, actor.who, "observation.record", subject_kind="observation",
              subject_id=row.id, about_staff_id=supervisor_uuid)
    return row


@dataclass(frozen=True)
class SupervisorLine:
    supervisor_id: uuid.UUID
    name: str
    supervisees: int
    last_audit: date | None
    last_observation: date | None
    audited_this_month: bool
    no_audit_12m: bool
    no_observation_12m: bool


@dataclass(frozen=True)
class Programme:
    month_start: date
    cap: int
    audits_this_month: int
    lines: list[SupervisorLine]

    @property
    def needing_audit(self) -> list[SupervisorLine]:
        return [line for line in self.lines if not line.audited_this_month]


def programme(session: Session, actor: Actor, on: date) -> Programme:
    """For a senior manager: every supervisor below them and where their audits stand."""
    require(session, actor, Action.VIEW_LOG)  # senior managers and administrators
    below = visible_staff(session, actor) - {actor.staff_id}
    counts = dict(session.exec(select(Staff.supervisor_id, func.count()).where(
        col(Staff.supervisor_id).in_(below), Staff.active == True)  # noqa: E712
        .group_by(Staff.supervisor_id)).all())
    supervisors = [p for p in session.exec(select(Staff).where(col(Staff.id).in_(list(counts))))
                   if p.id in below]
    last_audit = dict(session.exec(select(FileAudit.supervisor_id,
                                          func.max(FileAudit.completed_on))
                                   .where(FileAudit.status == "complete")
                                   .group_by(FileAudit.supervisor_id)).all())
    last_seen = dict(session.exec(select(DirectObservation.supervisor_id,
                                         func.max(DirectObservation.observed_on))
                                  .group_by(DirectObservation.supervisor_id)).all())
    month_start, year_ago = on.replace(day=1), add_months(on, -12)
    lines = []
    for person in sorted(supervisors, key=lambda p: p.name):
        audited, seen = last_audit.get(person.id), last_seen.get(person.id)
        lines.append(SupervisorLine(
            person.id, person.name, counts[person.id], audited, seen,
            audited is not None and audited >= month_start,
            audited is None or audited <= year_ago, seen is None or seen <= year_ago))
    me = session.get(Staff, actor.staff_id)
    done = session.exec(select(func.count()).select_from(FileAudit).where(
        FileAudit.auditor_id == actor.staff_id, FileAudit.completed_on >= month_start,
        FileAudit.status == "complete")).one()
    return Programme(month_start, monthly_audit_cap(me.job_title if me else "", len(lines)),
                     done, lines)


def pick_supervisee(session: Session, supervisor_uuid: uuid.UUID,
                    rng: random.Random | None = None) -> Staff | None:
    """A supervisee of the supervisor chosen at random (the usual practice)."""
    people = list(session.exec(select(Staff).where(Staff.supervisor_id == supervisor_uuid,
                                                   Staff.active == True)))  # noqa: E712
    return (rng or random.Random()).choice(people) if people else None
