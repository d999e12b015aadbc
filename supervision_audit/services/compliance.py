"""Compliance as data: the policy's rules applied to every active supervisee at once.

Every screen and report reads this one computation. The counts are aggregated in SQL (a
query per measure, each served by an index of migration 0008, so none reads the records'
values); the rules themselves come from ``policy``. ``overdue_on`` answers the "overdue?"
of ``compute`` for many days at once (the twelve-month trend of the dashboard and the
monthly return).
"""

from __future__ import annotations

import uuid
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Result, and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from supervision_audit.dates import add_months
from supervision_audit.db import memo
from supervision_audit.models import Staff, SupervisionRecord, SupervisionSession, Team
from supervision_audit.policy import (
    RESCHEDULE_WINDOW_DAYS,
    Supervisee,
    cadence_on,
    copy_due,
    days_overdue,
    escalation,
    next_due,
    rescheduled_outcome,
)
from supervision_audit.services.access import Actor, visible_staff
from supervision_audit.services.contracts import LatestContract, latest_contracts
from supervision_audit.sqlfuncs import add_days, minutes_between, uuid_key


@dataclass
class Compliance:
    staff_id: str
    name: str
    supervisor_id: str | None
    team: str
    cadence: str
    last_completed: str | None
    next_due: str | None
    overdue: bool
    days_overdue: int
    short_sessions_12m: int = 0
    escalations: list[dict[str, Any]] = field(default_factory=list)
    records_missing_12m: int = 0
    unsigned_records: int = 0
    late_copies_12m: int = 0
    contract_status: str = "missing"
    asye_milestones_overdue: list[str] = field(default_factory=list)
    uuid: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("uuid")
        data.pop("team")
        return data


@dataclass(frozen=True, slots=True)
class Supervised:
    """An active supervisee (someone with a supervisor), as ``compute`` lists them."""

    id: uuid.UUID
    staff_id: str
    name: str
    role: str
    asye_start: date | None
    employment_start: date | None
    supervisor_staff_id: str
    team: str  # "" when in no team
    service: str  # the team's service; "" when none


def _hex(column: Any) -> Any:
    """A UUID column as stored (32 hex digits, ``UUID.hex``): the aggregates key on it and
    make no UUID objects for the tens of thousands of rows they read."""
    return uuid_key(column)


def _rows(session: Session, query: Any) -> Result[Any]:
    """The query's rows one at a time as SQLite makes them (through Core: the ORM would make
    them all first, and the tens of thousands of the bulk queries would live long enough
    for Python's cyclic collector to walk the heap again and again while they are read)."""
    return session.connection().execute(query)


def _grouped(session: Session, query: Any) -> dict[str, Any]:
    return {key: value for key, value in _rows(session, query)}


def supervisees(session: Session, people: set[uuid.UUID] | None = None) -> list[Supervised]:
    """Everyone ``compute`` answers for (of ``people`` when given), by name."""
    def everyone() -> list[Supervised]:
        boss = aliased(Staff)
        query = (select(Staff.id, Staff.staff_id, Staff.name, Staff.role, Staff.asye_start,
                        Staff.employment_start, boss.staff_id, Team.name, Team.service)
                 .join(boss, boss.id == Staff.supervisor_id)
                 .join(Team, Team.id == Staff.team_id, isouter=True)
                 .where(Staff.active == True)  # noqa: E712
                 .order_by(col(Staff.name)))
        return [Supervised(*row[:7], team=row[7] or "", service=row[8] or "")
                for row in _rows(session, query)]

    found = memo(session, "compliance.supervisees", everyone)  # once per read session
    return found if people is None else [p for p in found if p.id in people]


def _terms(person: Supervised, contract: LatestContract | None) -> Supervisee:
    return Supervisee(role=person.role, asye_start=person.asye_start,
                      employment_start=person.employment_start,
                      contract_start=contract.date_agreed if contract else None,
                      contract_interval_days=contract.agreed_interval_days if contract
                      else None)


def _last_completed(session: Session, on: date) -> dict[str, date]:
    """The date of each active supervisee's last completed session on or before ``on``.

    Asked person by person (the index on status, supervisee and date finds each in one
    step), which is many times quicker than grouping the sessions of everyone."""
    S = SupervisionSession
    last = (select(func.max(S.planned_date))
            .where(S.status == "completed", S.supervisee_id == Staff.id, S.planned_date <= on)
            .correlate(Staff).scalar_subquery())
    query = select(_hex(Staff.id), last).where(Staff.active == True,  # noqa: E712
                                               Staff.supervisor_id != None)  # noqa: E711
    return {key: day for key, day in _rows(session, query) if day is not None}


def compute(session: Session, as_of: date, people: set[uuid.UUID] | None = None
            ) -> list[Compliance]:
    """One entry per active supervisee (a person with a supervisor), by name."""
    year_ago = add_months(as_of, -12)
    staff = supervisees(session, people)
    S, R = SupervisionSession, SupervisionRecord
    last_completed = _last_completed(session, as_of)
    recent = and_(R.status == "complete", R.held_on > year_ago, R.held_on <= as_of,
                  R.supervisee_id != None)  # noqa: E711
    minutes = minutes_between(R.start_time, R.end_time)
    short = _grouped(session, select(_hex(R.supervisee_id), func.count()).where(
        recent, minutes < 90).group_by(R.supervisee_id))
    unsigned = _grouped(session, select(_hex(R.supervisee_id), func.count()).where(
        R.status == "complete", R.held_on <= as_of, R.locked_at == None,  # noqa: E711
        R.supervisee_id != None).group_by(R.supervisee_id))  # noqa: E711
    with_record = exists().where(R.session_id == S.id, R.status == "complete")
    missing = _grouped(session, select(_hex(S.supervisee_id), func.count()).where(
        S.status == "completed", S.planned_date > year_ago, S.planned_date <= as_of,
        ~with_record).group_by(S.supervisee_id))
    copies: Counter[str] = Counter()
    # a copy is late only when given (or still not given) after its due date, which is at
    # least three calendar days after the session: the others need not leave SQLite
    maybe_late = or_(R.copy_given_on == None,  # noqa: E711
                     R.copy_given_on > add_days(R.held_on, 3))
    late_copies = select(_hex(R.supervisee_id), R.held_on, R.copy_given_on).where(recent,
                                                                                  maybe_late)
    for supervisee, held_on, given in _rows(session, late_copies):
        due = copy_due(held_on)
        if (given is not None and given > due) or (given is None and as_of > due):
            copies[supervisee] += 1
    escalations = _escalations(session, as_of, year_ago)
    contracts = latest_contracts(session)
    asye = _asye_overdue(session, [p.id for p in staff if p.role == "asye"], as_of)
    out = []
    for person in staff:
        key = person.id.hex
        contract = contracts.get(person.id)
        terms = _terms(person, contract)
        last = last_completed.get(key)
        due = next_due(terms, last)
        late = days_overdue(due, as_of)
        status = "missing" if contract is None else "review_due" if (
            contract.review_due is not None and contract.review_due <= as_of) else "current"
        out.append(Compliance(
            staff_id=person.staff_id, name=person.name,
            supervisor_id=person.supervisor_staff_id, team=person.team,
            cadence=cadence_on(terms, as_of).value,
            last_completed=last.isoformat() if last else None,
            next_due=due.isoformat() if due else None, overdue=late > 0, days_overdue=late,
            short_sessions_12m=short.get(key, 0), escalations=escalations.get(key, []),
            records_missing_12m=missing.get(key, 0), unsigned_records=unsigned.get(key, 0),
            late_copies_12m=copies.get(key, 0), contract_status=status,
            asye_milestones_overdue=asye.get(person.id, []), uuid=str(person.id)))
    return out


def _asye_overdue(session: Session, ids: list[uuid.UUID], on: date
                  ) -> dict[uuid.UUID, list[str]]:
    from supervision_audit.services.asye import overdue_for

    if not ids:
        return {}
    return overdue_for(session, list(session.exec(select(Staff).where(col(Staff.id).in_(ids)))),
                       on)


def overdue_on(session: Session, days: Sequence[date], people: set[uuid.UUID] | None = None
               ) -> list[tuple[Supervised, list[bool]]]:
    """Each supervisee ``compute`` lists (in its order) with, for each of ``days``, whether
    overdue that day: ``[r.overdue for r in compute(session, day, people)]`` for every day.

    The cadence terms do not depend on the day, only the last completed session does: it is
    found by bisecting the completed sessions (one query for those between the first and the
    last day, one for the last before the first day) rather than computing everything for
    each day.
    """
    staff = supervisees(session, people)
    if not staff or not days:
        return [(person, []) for person in staff]
    first, last = min(days), max(days)
    S = SupervisionSession
    before = _last_completed(session, first)
    during: dict[str, list[date]] = defaultdict(list)
    for supervisee, held in _rows(session, select(_hex(S.supervisee_id), S.planned_date).where(
            S.status == "completed", S.planned_date > first, S.planned_date <= last)):
        during[supervisee].append(held)
    contracts = latest_contracts(session, with_review=False)
    out = []
    for person in staff:
        terms = _terms(person, contracts.get(person.id))
        held_on = sorted(during.get(person.id.hex, ()))
        basis = before.get(person.id.hex)
        flags = []
        for day in days:
            n = bisect_right(held_on, day)
            flags.append(days_overdue(next_due(terms, held_on[n - 1] if n else basis), day) > 0)
        out.append((person, flags))
    return out


def _escalations(session: Session, as_of: date, since: date) -> dict[str, list]:
    """R2 per supervisee (by stored id): the misses up to ``as_of`` that need reporting; a
    miss not yet reported stays however old it is, one reported only while it is less than
    a year old (``since``)."""
    S = SupervisionSession
    follow = aliased(SupervisionSession)
    # most misses were rebooked within the window and the new session took place (or is
    # still ahead): ``escalation`` finds nothing in them, so they need not leave SQLite (the
    # rule itself is applied to the others below)
    # (never NULL, so that ``~settled`` is true or false, not unknown)
    new_date = func.coalesce(follow.planned_date, S.rescheduled_for, S.planned_date)
    new_status = func.coalesce(follow.status, "planned")
    settled = and_(S.rescheduled_for != None, S.rescheduled_recorded_on != None,  # noqa: E711
                   S.rescheduled_recorded_on <= add_days(
                       S.planned_date, RESCHEDULE_WINDOW_DAYS),
                   or_(new_date > as_of, new_status == "completed",
                       and_(new_status == "planned", new_date == as_of)))
    unreported = or_(S.reported_to_manager_on == None,  # noqa: E711
                     S.reported_to_manager_on > as_of)
    query = (select(_hex(S.supervisee_id), S.planned_date, S.rescheduled_for,
                    S.rescheduled_recorded_on, S.reported_to_manager_on, follow.status,
                    follow.planned_date)
             .join(follow, follow.id == S.rescheduled_session_id, isouter=True)
             .where(col(S.status).in_(("postponed", "cancelled")), S.planned_date <= as_of,
                    or_(S.planned_date > since, unreported), ~settled)
             .order_by(col(S.planned_date)))
    rows = _rows(session, query)
    out: dict[str, list] = {}
    for supervisee, missed, again, recorded, reported, follow_status, follow_day in rows:
        held = rescheduled_outcome(follow_status, follow_day or again, as_of)
        found = escalation(missed, rescheduled_for=again, rescheduled_recorded_on=recorded,
                           rescheduled_held=held,
                           reported_on=reported if reported and reported <= as_of else None,
                           on=as_of)
        if found is not None:
            out.setdefault(supervisee, []).append({
                "missed_date": found.missed_date.isoformat(),
                "report_due": found.report_due.isoformat(),
                "reported_on": found.reported_on.isoformat() if found.reported_on else None,
                "overdue": found.overdue})
    return out


def compliance_for(session: Session, actor: Actor, as_of: date) -> list[Compliance]:
    """The computation for everyone the signed-in person may see."""
    return compute(session, as_of, visible_staff(session, actor))
