"""The ASYE tracker as a printed record: laid out as Appendix 9, signed and sealed."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from supervision_audit.errors import Problem, ValidationError
from supervision_audit.models import AsyeTracker
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.asye import tracker_row
from supervision_audit.services.events import log_event
from supervision_audit.services.staff import get_staff


def tracker_signatures(session: Session, tracker: AsyeTracker | None) -> dict[str, Any]:
    if tracker is None:
        return {}
    from supervision_audit.services.print_views import signature_values

    return signature_values(session, "asye", tracker.id)


def export_asye_pdf(session: Session, actor: Actor, staff_uuid: uuid.UUID, out: Path, *,
                    printed_on: date | None = None, seal: bool = True) -> Path:
    """Render the tracker laid out as Appendix 9, with its signatures and seal strip, to
    ``out`` (written whole or not at all), seal the file when a certificate is set up, and
    log the export (``seal=False``: a copy to print)."""
    from supervision_audit.exports.pdf import render_part_pdf  # reportlab loads on first use
    from supervision_audit.services.documents import asye_part
    from supervision_audit.services.seal_setup import write_sealed
    from supervision_audit.services.settings import organisation_name

    require(session, actor, Action.READ_FILE, staff_uuid)
    person = get_staff(session, staff_uuid)
    if person.role != "asye" or person.asye_start is None:
        raise ValidationError(Problem("asye", f"{person.name} is not in their ASYE"),
                              "There is no ASYE tracker to export.")
    tracker = tracker_row(session, staff_uuid)
    sealed = write_sealed(
        session, Path(out), f"ASYE tracker of {person.name}",
        lambda path: render_part_pdf(asye_part(session, person), path,
                                     organisation=organisation_name(session),
                                     printed_on=printed_on),
        signed=[("asye", tracker.id)] if tracker else (), seal=seal)
    log_event(session, actor.who, "asye.export", subject_kind="asye",
              subject_id=tracker.id if tracker else person.id, about_staff_id=person.id,
              detail=f"{Path(out).name}{' (sealed)' if sealed else ''}")
    return Path(out)
