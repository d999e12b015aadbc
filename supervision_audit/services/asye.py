"""The ASYE year (Appendix 9, R7, R1): the tracker, milestones due or done, the supervision
cadence kept, and the reflective themes evidenced over the year."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from supervision_audit.dates import add_months
from supervision_audit.errors import Problem, ValidationError
from supervision_audit.forms import ASYE_TRACKER, parse_iso_date, validate
from supervision_audit.forms.frameworks import KSS, PCF
from supervision_audit.models import (
    AsyeTracker,
    Staff,
    SupervisionRecord,
    SupervisionSession,
    utcnow,
)
from supervision_audit.policy import Milestone, Supervisee, after_interval, cadence_on
from supervision_audit.policy import milestone_due as due_of
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.staff import get_staff

MILESTONE_FIELDS = {Milestone.REVIEW_3: "review_3", Milestone.REVIEW_6: "review_6",
                    Milestone.REVIEW_9: "review_9", Milestone.FINAL: "final_meeting"}


def _asye_person(session: Session, supervisee_uuid: uuid.UUID) -> Staff:
    person = get_staff(session, supervisee_uuid)
    if person.role != "asye" or person.asye_start is None:
        raise ValidationError(Problem("asye", f"{person.name} is not in their ASYE (no ASYE "
                                              "start on their staff record)"))
    return person


def tracker_row(session: Session, staff_uuid: uuid.UUID) -> AsyeTracker | None:
    """The person's saved tracker, or None before it was first saved."""
    return session.exec(select(AsyeTracker).where(AsyeTracker.supervisee_id == staff_uuid)
                        ).first()


def tracker_values(session: Session, person: Staff) -> dict[str, Any]:
    tracker = tracker_row(session, person.id)
    values = dict(tracker.values) if tracker else {}
    values.update(nqsw_name=person.name,
                  asye_start=person.asye_start.isoformat() if person.asye_start else None)
    return values


def get_tracker(session: Session, actor: Actor, supervisee_uuid: uuid.UUID) -> dict[str, Any]:
    """The tracker's values (empty questions for a new one); the opening is logged."""
    require(session, actor, Action.READ_FILE, supervisee_uuid)
    person = _asye_person(session, supervisee_uuid)
    log_event(session, actor.who, "asye.open", subject_kind="asye", subject_id=person.id,
              about_staff_id=person.id)
    return tracker_values(session, person)


def save_tracker(session: Session, actor: Actor, supervisee_uuid: uuid.UUID,
                 values: dict[str, Any]) -> AsyeTracker:
    """Check and save the tracker; ValidationError (nothing saved) names every problem."""
    require(session, actor, Action.WRITE_RECORDS, supervisee_uuid)
    person = _asye_person(session, supervisee_uuid)
    merged = {k: v for k, v in values.items()
              if k not in ("supervisee_signature", "supervisor_signature")}
    merged.update(nqsw_name=person.name, asye_start=person.asye_start.isoformat())
    problems = validate(ASYE_TRACKER, merged)
    if problems:
        raise ValidationError(problems)
    tracker = tracker_row(session, person.id)
    if tracker is None:
        tracker = AsyeTracker(supervisee_id=person.id)
        session.add(tracker)
    elif tracker.locked_at is not None:
        raise ValidationError(Problem("asye", "The tracker is signed and final"))
    tracker.values = merged
    tracker.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "asye.save", subject_kind="asye", subject_id=tracker.id,
              about_staff_id=person.id)
    return tracker


def done_milestones(values: dict[str, Any]) -> dict[Milestone, date | None]:
    """R7 milestones recorded on the tracker (answered yes, with the date they happened)."""
    done: dict[Milestone, date | None] = {}
    for milestone, key in MILESTONE_FIELDS.items():
        if values.get(f"{key}_answer") == "yes":
            done[milestone] = parse_iso_date(values.get(f"{key}_date")) or date.min
    return done


@dataclass(frozen=True)
class MilestoneState:
    name: str
    due: date | None
    done_on: date | None
    state: str  # "done", "due", "overdue", "not yet due"


def milestones(person: Staff, values: dict[str, Any], on: date) -> list[MilestoneState]:
    """Each milestone of the year with its due date and state (R7)."""
    assert person.asye_start is not None
    done = done_milestones(values)
    out = []
    for milestone in Milestone:
        due = due_of(person.asye_start, milestone)
        finished = done.get(milestone)
        state = ("done" if finished is not None else "overdue" if on > due
                 else "due" if on >= due - timedelta(days=28) else "not yet due")
        out.append(MilestoneState(milestone.value, due,
                                  finished if finished != date.min else None, state))
    for key, name in (("observation_1", "1st direct observation"),
                      ("observation_2", "2nd direct observation"),
                      ("rospa_report", "ROSPA and CRL report")):
        yes = values.get(f"{key}_answer") == "yes"
        out.append(MilestoneState(name, None, parse_iso_date(values.get(f"{key}_date")),
                                  "done" if yes else "not yet due"))
    for n in (1, 2, 3):
        day = parse_iso_date(values.get(f"crl_{n}_date"))
        out.append(MilestoneState(f"critical reflection log {n}", None, day,
                                  "done" if day else "not yet due"))
    return out


@dataclass(frozen=True)
class Gap:
    start: date  # the session (or the ASYE start) the gap runs from
    end: date  # the next session, or the day judged when none has happened yet
    allowed_until: date  # the latest the next session was due
    cadence: str

    @property
    def days_over(self) -> int:
        return (self.end - self.allowed_until).days


def cadence_gaps(person: Staff, completed: list[date], on: date) -> list[Gap]:
    """Every stretch of the ASYE year longer than the cadence allowed (weekly for six weeks,
    fortnightly to six months, monthly after), from the ASYE start to ``on``."""
    assert person.asye_start is not None
    terms = Supervisee(role="asye", asye_start=person.asye_start)
    year_end = min(on, add_months(person.asye_start, 12))
    points = [person.asye_start] + sorted(d for d in completed
                                          if person.asye_start <= d <= year_end)
    gaps = []
    for start, end in zip(points, points[1:] + [year_end], strict=True):
        cadence = cadence_on(terms, start)
        allowed = after_interval(start, cadence)
        if end > allowed:
            gaps.append(Gap(start, end, allowed, cadence.value))
    return gaps


def completed_sessions(session: Session, supervisee_uuid: uuid.UUID) -> list[date]:
    return list(session.exec(select(SupervisionSession.planned_date).where(
        SupervisionSession.supervisee_id == supervisee_uuid,
        SupervisionSession.status == "completed").order_by(
        col(SupervisionSession.planned_date))))


def reflection_counts(session: Session, person: Staff, values: dict[str, Any], on: date
                      ) -> dict[str, Counter[str]]:
    """KSS and PCF tags of the year's reflective discussions and CRLs, counted per statement;
    statements never tagged count 0."""
    assert person.asye_start is not None
    end = min(on, add_months(person.asye_start, 12))
    counts = {"kss": Counter({code: 0 for code, _ in KSS}),
              "pcf": Counter({code: 0 for code, _ in PCF})}
    for record_values in session.exec(select(SupervisionRecord.values).where(
            SupervisionRecord.supervisee_id == person.id,
            SupervisionRecord.status == "complete",
            SupervisionRecord.held_on >= person.asye_start, SupervisionRecord.held_on <= end)):
        for kind in ("kss", "pcf"):
            counts[kind].update(record_values.get(kind) or [])
    for n in (1, 2, 3):
        for kind in ("kss", "pcf"):
            counts[kind].update(values.get(f"crl_{n}_{kind}") or [])
    return counts


def overdue_for(session: Session, people: list[Staff], on: date) -> dict[uuid.UUID, list[str]]:
    """R7 milestones overdue for each ASYE worker (one query for all trackers)."""
    trackers = {t.supervisee_id: t.values for t in session.exec(select(AsyeTracker).where(
        col(AsyeTracker.supervisee_id).in_([p.id for p in people])))}
    out = {}
    for person in people:
        if person.role == "asye" and person.asye_start is not None:
            states = milestones(person, trackers.get(person.id, {}), on)
            out[person.id] = [s.name for s in states if s.state == "overdue"]
    return out
