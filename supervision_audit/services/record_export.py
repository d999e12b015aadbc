"""Records, monitoring sheets and schedules as files: PDF laid out as the form, iCalendar."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from sqlmodel import Session

from supervision_audit.models import SupervisionRecord
from supervision_audit.services import offline_seal
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.integrity import require_unchanged
from supervision_audit.services.records import open_record
from supervision_audit.services.seal_setup import sealed_elsewhere, write_sealed
from supervision_audit.services.settings import organisation_name
from supervision_audit.services.signatures import content_hash_of
from supervision_audit.services.staff import get_staff

FORM_NAMES = {"individual": "individual supervision record", "manager":
              "manager supervision record", "group": "group supervision record"}


def export_record_pdf(session: Session, actor: Actor, record_id: uuid.UUID, out: Path,
                      *, printed_on: date | None = None, seal: bool = True) -> Path:
    """One record as its paper form (Appendix 4, 5 or 6), sealed; logged. A record changed
    after signing is refused (ChangedAfterSigningError) and nothing is written;
    ``seal=False`` (a copy to print) prints it with the warning on every page instead."""
    from supervision_audit.exports.pdf import render_part_pdf
    from supervision_audit.services.documents import record_part

    record = open_record(session, actor, record_id)
    who = get_staff(session, record.supervisee_id).name if record.supervisee_id else "group"
    if seal and sealed_elsewhere(session):  # a laptop: the server seals it
        return _export_offline(session, actor, record, Path(out), printed_on or date.today())
    sealed = write_sealed(
        session, Path(out), f"Supervision record of {who}",
        lambda path: render_part_pdf(record_part(session, record), path,
                                     organisation=organisation_name(session),
                                     printed_on=printed_on),
        signed=[("record", record.id)], seal=seal)
    log_event(session, actor.who, "record.export", subject_kind="record", subject_id=record.id,
              about_staff_id=record.supervisee_id,
              detail=f"{Path(out).name}{' (sealed)' if sealed else ''}")
    return Path(out)


def _export_offline(session: Session, actor: Actor, record: SupervisionRecord, out: Path,
                    printed_on: date) -> Path:
    """On a laptop's replica: the server's sealed copy of the record as it is, if one came
    down; else the record printed "not yet sealed" on every page, remembered for the server
    to seal at the next sync (``offline_seal``)."""
    from dataclasses import replace

    from supervision_audit.exports.atomic import atomic_output
    from supervision_audit.exports.pdf import render_part_pdf
    from supervision_audit.services.documents import record_part

    require_unchanged(session, "record", record.id)
    hashed = content_hash_of(session, "record", record.id)
    ready = offline_seal.sealed_copy(session, "record", record.id, hashed)
    with atomic_output(out) as tmp:
        if ready is not None:
            tmp.write_bytes(ready)
        else:
            part = record_part(session, record)
            mark = offline_seal.NOT_YET_SEALED
            # said loudly over the signatures on every page (a record whose content is not
            # what was signed is refused above, so nothing else is said there), or in the
            # footer of every page of a record not signed yet
            part = replace(part, seal=replace(part.seal, warning=mark)) if part.seal else \
                replace(part, extra_footer=" \u00b7 ".join(
                    x for x in (part.extra_footer, mark) if x))
            render_part_pdf(part, tmp, organisation=organisation_name(session),
                            printed_on=printed_on)
    if ready is None:
        offline_seal.remember(session, "record", record.id, printed_on, hashed, out)
    log_event(session, actor.who, "record.export", subject_kind="record", subject_id=record.id,
              about_staff_id=record.supervisee_id,
              detail=f"{out.name} ({'sealed by the server' if ready else 'not yet sealed'})")
    return out


def export_monitoring_pdf(session: Session, actor: Actor, supervisee_uuid: uuid.UUID,
                          out: Path) -> Path:
    """The monitoring sheet (Appendix 3) as PDF; logged."""
    from supervision_audit.exports.pdf import render_part_pdf
    from supervision_audit.services.documents import monitoring_part

    require(session, actor, Action.READ_FILE, supervisee_uuid)
    part = monitoring_part(session, get_staff(session, supervisee_uuid))
    sealed = write_sealed(
        session, Path(out), "Supervision monitoring sheet",
        lambda path: render_part_pdf(part, path, organisation=organisation_name(session)))
    log_event(session, actor.who, "monitoring.export", subject_kind="staff",
              subject_id=supervisee_uuid, about_staff_id=supervisee_uuid,
              detail=f"{Path(out).name}{' (sealed)' if sealed else ''}")
    return Path(out)


def export_schedule_ics(session: Session, actor: Actor, supervisee_uuid: uuid.UUID, out: Path,
                        *, from_date: date | None = None) -> Path:
    """The planned sessions from ``from_date`` (default: all) as an iCalendar file both
    parties can import (see ``calendar_ics``); logged."""
    from supervision_audit.exports.atomic import atomic_output
    from supervision_audit.services.calendar_ics import planned_count, schedule_calendar

    require(session, actor, Action.READ_FILE, supervisee_uuid)
    person = get_staff(session, supervisee_uuid)
    data = schedule_calendar(session, person, from_date=from_date)
    with atomic_output(Path(out)) as tmp:
        tmp.write_bytes(data)
    log_event(session, actor.who, "schedule.export", subject_kind="staff",
              subject_id=person.id, about_staff_id=person.id,
              detail=f"{planned_count(data)} sessions")
    return Path(out)


def note_printed(session: Session, actor: Actor, kind: str, subject_id: uuid.UUID,
                 about_staff_id: uuid.UUID | None) -> None:
    """Printing is logged like an export (who printed what, when)."""
    if about_staff_id is not None:
        require(session, actor, Action.READ_FILE, about_staff_id)
    log_event(session, actor.who, f"{kind}.print", subject_kind=kind, subject_id=subject_id,
              about_staff_id=about_staff_id)
