"""A supervisee's caseload and the discussion of each case in supervision (R8, R3)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from supervision_audit.errors import NotFoundError, Problem, ValidationError
from supervision_audit.models import Case, CaseDiscussion, SupervisionRecord, utcnow
from supervision_audit.policy import CASE_TYPE_LABELS, CaseType, case_discussion_due
from supervision_audit.policy import case_file_is_late as late_on_file
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event


def add_case(session: Session, actor: Actor, supervisee_uuid: uuid.UUID, reference: str,
             case_type: str, opened_on: date) -> Case:
    require(session, actor, Action.WRITE_RECORDS, supervisee_uuid)
    problems = []
    if not reference.strip():
        problems.append(Problem("reference", "The case reference is required"))
    if opened_on > date.today():
        problems.append(Problem("opened_on", "A case cannot open in the future"))
    if case_type not in {c.value for c in CaseType}:
        problems.append(Problem("case_type", "Choose the case type: " +
                                ", ".join(CASE_TYPE_LABELS.values())))
    clash = session.exec(select(Case).where(Case.supervisee_id == supervisee_uuid,
                                            Case.reference == reference.strip(),
                                            Case.closed_on == None)).first()  # noqa: E711
    if clash is not None:
        problems.append(Problem("reference", f"Case {reference} is already open on this "
                                             "caseload"))
    if problems:
        raise ValidationError(problems)
    case = Case(supervisee_id=supervisee_uuid, reference=reference.strip(),
                case_type=case_type, opened_on=opened_on)
    session.add(case)
    session.flush()
    log_event(session, actor.who, "case.add", subject_kind="case", subject_id=case.id,
              about_staff_id=supervisee_uuid, detail=case.reference)
    return case


def close_case(session: Session, actor: Actor, case_id: uuid.UUID, closed_on: date) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError("That case is not in the database.")
    require(session, actor, Action.WRITE_RECORDS, case.supervisee_id)
    if closed_on < case.opened_on:
        raise ValidationError(Problem("closed_on", "A case cannot close before it opened"))
    if closed_on > date.today():
        raise ValidationError(Problem("closed_on", "A case cannot close in the future"))
    case.closed_on = closed_on
    case.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "case.close", subject_kind="case", subject_id=case.id,
              about_staff_id=case.supervisee_id, detail=closed_on.isoformat())
    return case


def caseload(session: Session, supervisee_uuid: uuid.UUID, on: date | None = None
             ) -> list[Case]:
    """Cases open on ``on`` (default: all still open), by reference (callers check access)."""
    query = select(Case).where(Case.supervisee_id == supervisee_uuid)
    if on is None:
        query = query.where(Case.closed_on == None)  # noqa: E711
    else:
        query = query.where(Case.opened_on <= on).where(
            (Case.closed_on == None) | (col(Case.closed_on) > on))  # noqa: E711
    return list(session.exec(query.order_by(col(Case.reference))))


def record_discussions(session: Session, record: SupervisionRecord,
                       rows: list[dict[str, object]]) -> list[CaseDiscussion]:
    """The cases a record discussed (from its 'cases discussed' table), matched by reference
    against the supervisee's caseload; an unknown reference is a problem."""
    if record.supervisee_id is None:
        return []
    open_cases = {c.reference: c for c in caseload(session, record.supervisee_id,
                                                   on=record.held_on)}
    problems, made = [], []
    for number, row in enumerate(rows, start=1):
        reference = str(row.get("case", "")).strip()
        case = open_cases.get(reference)
        if case is None:
            problems.append(Problem("cases_discussed", f"Cases discussed, row {number}: case "
                                    f"'{reference}' is not open on this caseload", row=number))
            continue
        recorded = row.get("recorded_on")
        # the form records the day only: taken at the session's own time of day, so the next
        # day is within 24 hours and the day after is late
        at = datetime.combine(date.fromisoformat(str(recorded)), _session_time(record)
                              ).astimezone() if recorded else None
        discussion = CaseDiscussion(record_id=record.id, case_id=case.id,
                                    decision_recorded_at=at, summary=str(row.get("note", "")))
        session.add(discussion)
        made.append(discussion)
    if problems:
        raise ValidationError(problems)
    return made


def _session_time(record: SupervisionRecord) -> time:
    return record.end_time or record.start_time or time(12)


@dataclass(frozen=True)
class CaseStatus:
    case: Case
    type_label: str
    last_discussed: date | None
    due: date
    overdue: bool


def case_statuses(session: Session, supervisee_uuid: uuid.UUID, on: date) -> list[CaseStatus]:
    """R8: each open case, when it was last discussed in a complete record, when it is due."""
    out = []
    for case in caseload(session, supervisee_uuid, on=on):
        last = session.exec(
            select(SupervisionRecord.held_on)
            .join(CaseDiscussion, CaseDiscussion.record_id == SupervisionRecord.id)
            .where(CaseDiscussion.case_id == case.id, SupervisionRecord.status == "complete",
                   SupervisionRecord.held_on <= on)
            .order_by(col(SupervisionRecord.held_on).desc())).first()
        due = case_discussion_due(case.case_type, case.opened_on, last)
        out.append(CaseStatus(case, CASE_TYPE_LABELS[CaseType(case.case_type)], last, due,
                              on > due))
    return out


def case_file_is_late(record: SupervisionRecord, discussion: CaseDiscussion) -> bool:
    """R3: the decision reached the child's file more than 24 hours after the session (a
    decision not yet recorded is late once 24 hours have passed)."""
    session_at = held_at(record)
    return late_on_file(session_at,
                        discussion.decision_recorded_at or datetime.now().astimezone())


def held_at(record: SupervisionRecord) -> datetime:
    """When the session ended, as a moment in this computer's time zone."""
    return datetime.combine(record.held_on,
                            record.end_time or record.start_time or time(17)).astimezone()
