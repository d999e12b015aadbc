"""What a supervision file shows, gathered from the services as plain data for the view."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from supervision_audit.models import Staff, Team
from supervision_audit.models.people import ROLE_LABELS
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.services.contracts import (
    contract_status,
    contract_versions,
    in_force,
    review_due,
)
from supervision_audit.services.integrity import signature_problems
from supervision_audit.services.staff import get_staff, supervisor_history


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


def _name(session: Session, staff_uuid: uuid.UUID | None) -> str:
    person = session.get(Staff, staff_uuid) if staff_uuid else None
    return person.name if person else ""


def _contract_summary(session: Session, staff_uuid: uuid.UUID, today: date) -> ContractSummary:
    versions = contract_versions(session, staff_uuid)
    if not versions:
        return ContractSummary(status="missing")
    current, *earlier = versions
    signed = in_force(session, staff_uuid, today)
    return ContractSummary(
        status=contract_status(session, staff_uuid, today),
        current=ContractVersion(current.id, current.version, current.date_agreed),
        review_due=review_due(session, signed, today) if signed else None,
        earlier=tuple(ContractVersion(c.id, c.version, c.date_agreed) for c in earlier),
        final=current.locked_at is not None,
        in_force=signed.version if signed is not None and signed.id != current.id else None,
        changed="; ".join(signature_problems(session, "contract", current.id)),
    )


def load_file(session: Session, actor: Actor, staff_uuid: uuid.UUID,
              today: date | None = None) -> SupervisionFile:
    """What the file view shows ``actor`` of one person (NotFoundError if they are gone).

    The staff details always; the contract and history only to someone who may read the file.
    """
    today = today or date.today()
    person = get_staff(session, staff_uuid)
    team = session.get(Team, person.team_id) if person.team_id else None
    may_read = permitted(session, actor, Action.READ_FILE, staff_uuid, today)
    may_write = permitted(session, actor, Action.WRITE_RECORDS, staff_uuid, today)
    history = tuple(
        SupervisorPeriod(_name(session, period.supervisor_id), period.started_on,
                         period.ended_on)
        for period in supervisor_history(session, staff_uuid)
    ) if may_read else ()
    return SupervisionFile(
        id=person.id, name=person.name, staff_id=person.staff_id, job_title=person.job_title,
        team=team.name if team else "", role=person.role,
        role_label=ROLE_LABELS.get(person.role, person.role),
        supervisor_name=_name(session, person.supervisor_id),
        employment_start=person.employment_start, asye_start=person.asye_start,
        active=person.active, left_on=person.left_on,
        contract=_contract_summary(session, staff_uuid, today) if may_read else None,
        history=history, may_read=may_read, may_write=may_write,
    )
