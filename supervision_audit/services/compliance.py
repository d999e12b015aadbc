"""Compliance as data: the policy's rules applied to every active supervisee at once.

Every screen and report reads this one computation. The counts are aggregated in SQL (one
grouped query per measure, each served by an index); the rules themselves come from
``policy``.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from supervision_audit.dates import add_months
from supervision_audit.models import Contract, Staff, SupervisionRecord, SupervisionSession
from supervision_audit.policy import (
    Supervisee,
    cadence_on,
    copy_due,
    days_overdue,
    escalation,
    next_due,
)
from supervision_audit.services.access import Actor, visible_staff
from supervision_audit.services.contracts import review_due


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


def _grouped(session: Session, query: Any) -> dict[uuid.UUID, Any]:
    return {row[0]: row[1] for row in session.exec(query)}


def compute(session: Session, as_of: date, people: set[uuid.UUID] | None = None
            ) -> list[Compliance]:
    """One entry per active supervisee (a person with a supervisor), by name."""
    year_ago = add_months(as_of, -12)
    boss = aliased(Staff)
    from supervision_audit.models import Team

    staff_rows = session.exec(
        select(Staff, boss.staff_id, Team.name)
        .join(boss, boss.id == Staff.supervisor_id)
        .join(Team, Team.id == Staff.team_id, isouter=True)
        .where(Staff.active == True)  # noqa: E712
        .order_by(col(Staff.name))).all()
    if people is not None:
        staff_rows = [r for r in staff_rows if r[0].id in people]
    S, R = SupervisionSession, SupervisionRecord
    last_completed = _grouped(session, select(S.supervisee_id, func.max(S.planned_date))
                              .where(S.status == "completed", S.planned_date <= as_of)
                              .group_by(S.supervisee_id))
    recent = and_(R.held_on > year_ago, R.held_on <= as_of, R.status == "complete",
                  R.supervisee_id != None)  # noqa: E711
    minutes = (func.strftime("%s", R.end_time) - func.strftime("%s", R.start_time)) / 60
    short = _grouped(session, select(R.supervisee_id, func.count()).where(
        recent, minutes < 90).group_by(R.supervisee_id))
    unsigned = _grouped(session, select(R.supervisee_id, func.count()).where(
        R.status == "complete", R.locked_at == None, R.held_on <= as_of,  # noqa: E711
        R.supervisee_id != None).group_by(R.supervisee_id))  # noqa: E711
    with_record = select(R.session_id).where(R.status == "complete",
                                             R.session_id != None)  # noqa: E711
    missing = _grouped(session, select(S.supervisee_id, func.count()).where(
        S.status == "completed", S.planned_date > year_ago, S.planned_date <= as_of,
        col(S.id).not_in(with_record)).group_by(S.supervisee_id))
    copies: dict[uuid.UUID, int] = {}
    for supervisee, held_on, given in session.exec(select(R.supervisee_id, R.held_on,
                                                          R.copy_given_on).where(recent)):
        due = copy_due(held_on)
        if (given is not None and given > due) or (given is None and as_of > due):
            copies[supervisee] = copies.get(supervisee, 0) + 1
    escalations = _escalations(session, as_of, year_ago)
    contracts = _contracts(session, as_of)
    from supervision_audit.services.asye import overdue_for

    asye = overdue_for(session, [r[0] for r in staff_rows if r[0].role == "asye"], as_of)
    out = []
    for person, boss_staff_id, team in staff_rows:
        contract = contracts.get(person.id)
        terms = Supervisee(role=person.role, asye_start=person.asye_start,
                           employment_start=person.employment_start,
                           contract_start=contract[0] if contract else None,
                           contract_interval_days=contract[1] if contract else None)
        last = last_completed.get(person.id)
        due = next_due(terms, last)
        late = days_overdue(due, as_of)
        out.append(Compliance(
            staff_id=person.staff_id, name=person.name, supervisor_id=boss_staff_id,
            team=team or "", cadence=cadence_on(terms, as_of).value,
            last_completed=last.isoformat() if last else None,
            next_due=due.isoformat() if due else None, overdue=late > 0, days_overdue=late,
            short_sessions_12m=short.get(person.id, 0),
            escalations=escalations.get(person.id, []),
            records_missing_12m=missing.get(person.id, 0),
            unsigned_records=unsigned.get(person.id, 0),
            late_copies_12m=copies.get(person.id, 0),
            contract_status=contract[2] if contract else "missing",
            asye_milestones_overdue=asye.get(person.id, []), uuid=str(person.id)))
    return out


def _escalations(session: Session, as_of: date, since: date) -> dict[uuid.UUID, list]:
    S = SupervisionSession
    follow = aliased(SupervisionSession)
    rows = session.exec(
        select(S.supervisee_id, S.planned_date, S.rescheduled_for, S.rescheduled_recorded_on,
               S.reported_to_manager_on, follow.status)
        .join(follow, follow.id == S.rescheduled_session_id, isouter=True)
        .where(col(S.status).in_(("postponed", "cancelled")), S.planned_date <= as_of,
               S.planned_date > since)
        .order_by(col(S.planned_date)))
    out: dict[uuid.UUID, list] = {}
    for supervisee, missed, again, recorded, reported, follow_status in rows:
        held = {"completed": True, "postponed": False, "cancelled": False}.get(follow_status)
        found = escalation(missed, rescheduled_for=again, rescheduled_recorded_on=recorded,
                           rescheduled_held=held, reported_on=reported, on=as_of)
        if found is not None:
            out.setdefault(supervisee, []).append({
                "missed_date": found.missed_date.isoformat(),
                "report_due": found.report_due.isoformat(),
                "reported_on": found.reported_on.isoformat() if found.reported_on else None,
                "overdue": found.overdue})
    return out


def _contracts(session: Session, as_of: date) -> dict[uuid.UUID, tuple]:
    """Per supervisee: (start, agreed interval, status) of the latest contract version."""
    latest = select(Contract.supervisee_id, func.max(Contract.version).label("v")).group_by(
        Contract.supervisee_id).subquery()
    out = {}
    for contract in session.exec(select(Contract).join(latest, and_(
            latest.c.supervisee_id == Contract.supervisee_id,
            latest.c.v == Contract.version))):
        due = review_due(session, contract)
        status = "review_due" if due is not None and due <= as_of else "current"
        out[contract.supervisee_id] = (contract.date_agreed, contract.agreed_interval_days,
                                       status)
    return out


def compliance_for(session: Session, actor: Actor, as_of: date) -> list[Compliance]:
    """The computation for everyone the signed-in person may see."""
    return compute(session, as_of, visible_staff(session, actor))
