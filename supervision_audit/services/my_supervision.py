"""What waits for a supervisee in their own file: records and the contract to sign, records
waiting for someone else, and the next session planned. The home page of someone whose work
in the app is their own supervision shows these lines above their file."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from supervision_audit.models import Staff, SupervisionSession
from supervision_audit.services.access import Actor
from supervision_audit.services.contracts import latest_contract
from supervision_audit.services.signatures import (
    YOUR_SIGNATURE,
    required_signers,
    signatures_of,
    tasks_for,
)


@dataclass(frozen=True)
class Waiting:
    """One thing waiting. ``kind`` says what opening it does: "sign_record" and
    "sign_contract" open the signing of ``target``; "record" opens the record; "contract"
    the contract; "session" nothing (it is a date to keep)."""

    text: str
    kind: str
    target: uuid.UUID | None = None
    urgent: bool = False


def waiting_for(session: Session, actor: Actor, today: date | None = None) -> list[Waiting]:
    """What waits for ``actor`` in their own file: their signatures first."""
    today = today or date.today()
    mine: list[Waiting] = []
    others: list[Waiting] = []
    for task in tasks_for(session, actor, today):
        if task.what == "copy due":  # the supervisor's task, not the supervisee's
            continue
        held = f"{task.held_on:%d/%m/%Y}"
        if task.what == YOUR_SIGNATURE:
            mine.append(Waiting(f"Sign the record of your supervision on {held}",
                                "sign_record", task.record_id))
        else:
            others.append(Waiting(f"The record of {held} is {task.what}", "record",
                                  task.record_id))
    contract = _contract_waiting(session, actor)
    if contract is not None:
        (mine if contract.kind == "sign_contract" else others).append(contract)
    upcoming = session.exec(select(SupervisionSession).where(
        SupervisionSession.supervisee_id == actor.staff_id,
        SupervisionSession.status == "planned", SupervisionSession.planned_date >= today)
        .order_by(col(SupervisionSession.planned_date))).first()
    if upcoming is not None:
        when = f"{upcoming.planned_date:%A %d %B %Y}"
        if upcoming.planned_time is not None:
            when += f" at {upcoming.planned_time:%H:%M}"
        where = f", {upcoming.venue}" if upcoming.venue else ""
        others.append(Waiting(f"Your next supervision: {when}{where}", "session"))
    return mine + others


def _contract_waiting(session: Session, actor: Actor) -> Waiting | None:
    contract = latest_contract(session, actor.staff_id)
    if contract is None or contract.locked_at is not None:
        return None
    signed = {(s.signer_staff_id, s.role) for s in signatures_of(session, "contract",
                                                                 contract.id)}
    required = required_signers(session, "contract", contract.id)
    waiting = [r for r in required if (r.staff_id, r.role) not in signed]
    if not waiting:
        return None
    first = waiting[0]
    if first.staff_id == actor.staff_id:
        return Waiting(f"Sign your supervision contract (version {contract.version})",
                       "sign_contract", contract.id)
    person = session.get(Staff, first.staff_id)
    who = person.name if person else "your supervisor"
    return Waiting(f"Your supervision contract (version {contract.version}) is awaiting "
                   f"{who}'s signature", "contract", contract.id)
