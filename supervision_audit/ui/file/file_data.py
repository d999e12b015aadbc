"""What a supervision file shows, gathered from the services as plain data for the view."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from supervision_audit.models import Contract, Staff, SupervisorChange, Team
from supervision_audit.models.people import ROLE_LABELS
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.services.contracts import (
    in_force,
    review_due,
    signed_on,
    status_of,
)
from supervision_audit.services.integrity import signature_problems
from supervision_audit.services.staff import get_staff


@dataclass(frozen=True)
class ContractVersion:
    id: uuid.UUID
    version: int
    date_agreed: date | None


@dataclass(frozen=True)
class ContractSummary:
    status: str  # as services.contracts.contract_status: "missing", "draft", "current",
    # "review_due" (of the contract in force: the newest signed by both parties)
    current: ContractVersion | None = None
    review_due: date | None = None  # of the contract in force
    earlier: tuple[ContractVersion, ...] = ()
    final: bool = False  # the current version is signed by both parties
    in_force: int | None = None  # the version in force, when not the newest
    changed: str = ""  # the current version no longer matches its signatures


@dataclass(frozen=True)
class SupervisorPeriod:
    supervisor_name: str  # "" for a period with no supervisor
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class SupervisionFile:
    id: uuid.UUID
    name: str
    staff_id: str
    job_title: str
    team: str
    role: str
    role_label: str
    supervisor_name: str
    employment_start: date | None
    asye_start: date | None
    active: bool
    left_on: date | None
    contract: ContractSummary | None  # None when the file may not be opened
    history: tuple[SupervisorPeriod, ...] = field(default=())
    may_read: bool = True  # the signed-in person may open this file
    may_write: bool = True  # … and write records in it (a new contract)


_BOSS = aliased(Staff)
# built once: statements cost more to build than to run on a file's few rows
_NAMES = select(select(Team.name).where(Team.id == bindparam("team")).scalar_subquery(),
                select(_BOSS.name).where(_BOSS.id == bindparam("boss")).scalar_subquery())
_HISTORY = (select(_BOSS.name, SupervisorChange.started_on, SupervisorChange.ended_on)
            .join(_BOSS, _BOSS.id == SupervisorChange.supervisor_id, isouter=True)
            .where(SupervisorChange.supervisee_id == bindparam("person"))
            .order_by(col(SupervisorChange.started_on), col(SupervisorChange.created_at)))


def _names(session: Session, person: Staff) -> tuple[str, str]:
    """The person's team and supervisor, by name ("" for none), in one query."""
    found = session.connection().execute(
        _NAMES, {"team": person.team_id, "boss": person.supervisor_id}).one()
    return found[0] or "", found[1] or ""


def _history(session: Session, staff_uuid: uuid.UUID) -> tuple[SupervisorPeriod, ...]:
    """The person's periods of supervision, oldest first, with each supervisor's name."""
    rows = session.connection().execute(_HISTORY, {"person": staff_uuid})
    return tuple(SupervisorPeriod(name or "", started, ended) for name, started, ended in rows)


_VERSIONS = (select(Contract.id, Contract.version, Contract.date_agreed, Contract.locked_at,
                    Contract.supervisor_id, Contract.supervisee_id)
             .where(Contract.supervisee_id == bindparam("person"))
             .order_by(col(Contract.version).desc()))


def _contract_summary(session: Session, staff_uuid: uuid.UUID, today: date) -> ContractSummary:
    """R4 for the file's header, by the rules of services.contracts; the versions read once,
    their columns only (not the contract forms' answers)."""
    versions = session.connection().execute(_VERSIONS, {"person": staff_uuid}).all()
    if not versions:
        return ContractSummary(status="missing")
    current, *earlier = versions
    signed = in_force(session, staff_uuid, today, versions=versions)
    due = review_due(session, signed, today) if signed is not None else None
    return ContractSummary(
        status=status_of(signed_on(session, signed) if signed is not None else None, due,
                         True, today),
        current=ContractVersion(current.id, current.version, current.date_agreed),
        review_due=due,
        earlier=tuple(ContractVersion(c.id, c.version, c.date_agreed) for c in earlier),
        final=current.locked_at is not None,
        in_force=signed.version if signed is not None and signed.id != current.id else None,
        changed="; ".join(signature_problems(session, "contract", current.id)),
    )


def load_file(session: Session, actor: Actor, staff_uuid: uuid.UUID,
              today: date | None = None) -> SupervisionFile:
    """What the file view shows ``actor`` of one person (NotFoundError if they are gone).

    The staff details always; the contract and history only to someone who may read the file.
    Read in a few queries of the columns shown (the ORM only for the person and their
    contracts, a handful of objects the permission and contract rules take).
    """
    today = today or date.today()
    session.flush()  # this session's own changes first, as the ORM would
    person = get_staff(session, staff_uuid)
    may_read = permitted(session, actor, Action.READ_FILE, staff_uuid, today)
    may_write = permitted(session, actor, Action.WRITE_RECORDS, staff_uuid, today)
    team, supervisor = _names(session, person)
    return SupervisionFile(
        id=person.id, name=person.name, staff_id=person.staff_id, job_title=person.job_title,
        team=team, role=person.role, role_label=ROLE_LABELS.get(person.role, person.role),
        supervisor_name=supervisor,
        employment_start=person.employment_start, asye_start=person.asye_start,
        active=person.active, left_on=person.left_on,
        contract=_contract_summary(session, staff_uuid, today) if may_read else None,
        history=_history(session, staff_uuid) if may_read else (),
        may_read=may_read, may_write=may_write,
    )
