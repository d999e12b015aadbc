"""The supervision contract as a printable PDF."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from sqlmodel import Session

from supervision_audit.errors import NotFoundError
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.contracts import get_contract, latest_contract
from supervision_audit.services.events import log_event
from supervision_audit.services.seal_setup import write_sealed
from supervision_audit.services.settings import organisation_name
from supervision_audit.services.staff import get_by_staff_id, get_staff


def export_contract_pdf(session: Session, actor: Actor, contract_id: uuid.UUID, out: Path,
                        *, printed_on: date | None = None, seal: bool = True) -> Path:
    """Render one contract version to ``out`` (written whole or not at all), sealed; logged.
    A contract changed after signing is refused (ChangedAfterSigningError) and nothing is
    written; ``seal=False`` (a copy to print) prints the warning on every page instead."""
    from supervision_audit.exports.pdf import render_part_pdf  # reportlab loads on first use
    from supervision_audit.services.documents import contract_part

    contract = get_contract(session, contract_id)
    require(session, actor, Action.READ_FILE, contract.supervisee_id)
    supervisee = get_staff(session, contract.supervisee_id)
    sealed = write_sealed(
        session, Path(out), f"Supervision contract of {supervisee.name}",
        lambda path: render_part_pdf(contract_part(session, contract), path,
                                     organisation=organisation_name(session),
                                     printed_on=printed_on),
        signed=[("contract", contract.id)], seal=seal)
    log_event(session, actor.who, "contract.export", subject_kind="contract",
              subject_id=contract.id, about_staff_id=supervisee.id,
              detail=f"{Path(out).name}{' (sealed)' if sealed else ''}")
    return Path(out)


def export_current_contract_pdf(session: Session, actor: Actor, staff_id: str, out: Path,
                                *, printed_on: date | None = None) -> Path:
    """The current contract of the person with ``staff_id``."""
    person = get_by_staff_id(session, staff_id)
    require(session, actor, Action.READ_FILE, person.id)
    contract = latest_contract(session, person.id)
    if contract is None:
        raise NotFoundError(f"{person.name} ({person.staff_id}) has no supervision contract yet.")
    return export_contract_pdf(session, actor, contract.id, out, printed_on=printed_on)
