"""Documents placed in the supervision folder (Appendix 8), and the folder checklist."""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from supervision_audit.errors import Problem, ValidationError
from supervision_audit.forms.folder import FOLDER_SECTIONS
from supervision_audit.models import (
    Attachment,
    Case,
    FileAudit,
    GroupAttendee,
    SupervisionRecord,
    SupervisionSession,
)
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # 20 MB: a scanned form fits; a video does not


def add_attachment(session: Session, actor: Actor, staff_uuid: uuid.UUID, section: int,
                   path: Path, document_date: date | None = None) -> Attachment:
    """Put a file into a section of a person's folder, stored in the database."""
    require(session, actor, Action.WRITE_RECORDS, staff_uuid)
    path = Path(path)
    if not 1 <= section <= len(FOLDER_SECTIONS):
        raise ValidationError(Problem("section", "Choose one of the folder's 11 sections"))
    try:
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(Problem("file", f"{path.name} is larger than the 20 MB a "
                                                  "document may be"))
        content = path.read_bytes()
    except OSError as exc:
        raise ValidationError(Problem("file", f"{path.name} cannot be read: "
                                              f"{exc.strerror or exc}")) from exc
    if not content:
        raise ValidationError(Problem("file", f"{path.name} is empty"))
    row = Attachment(staff_id=staff_uuid, section=section, name=path.name[:255],
                     file_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                     document_date=document_date, added_by=actor.staff_id, size=len(content),
                     content=content)
    session.add(row)
    session.flush()
    log_event(session, actor.who, "attachment.add", subject_kind="attachment",
              subject_id=row.id, about_staff_id=staff_uuid, detail=f"section {section}: "
                                                                   f"{row.name}")
    return row


@dataclass(frozen=True)
class SectionCheck:
    number: int
    title: str
    present: list[str]
    missing: list[str]


def checklist(session: Session, actor: Actor, staff_uuid: uuid.UUID) -> list[SectionCheck]:
    """For each of the eleven sections: what the folder holds and what it lacks."""
    require(session, actor, Action.READ_FILE, staff_uuid)
    docs: dict[int, list[str]] = {}
    for row in session.exec(select(Attachment).where(Attachment.staff_id == staff_uuid)):
        docs.setdefault(row.section, []).append(row.name)
    count = lambda q: session.exec(q).all()  # noqa: E731
    sessions = count(select(SupervisionSession.id).where(
        SupervisionSession.supervisee_id == staff_uuid))
    records = count(select(SupervisionRecord.id).where(
        SupervisionRecord.supervisee_id == staff_uuid, SupervisionRecord.status == "complete"))
    groups = count(select(GroupAttendee.record_id).where(GroupAttendee.staff_id == staff_uuid))
    cases = count(select(Case.id).where(Case.supervisee_id == staff_uuid))
    audits = count(select(FileAudit.id).where(FileAudit.supervisee_id == staff_uuid,
                                              col(FileAudit.status) == "complete"))
    own = {1: [f"{len(sessions)} monitoring entries"] if sessions else [],
           2: ([f"{len(records)} supervision records"] if records else []) +
              ([f"{len(groups)} group records"] if groups else []),
           3: [f"{len(cases)} cases on the caseload"] if cases else [],
           6: [f"{len(audits)} supervision file audit{'s' if len(audits) != 1 else ''}"]
           if audits else []}
    out = []
    for section in FOLDER_SECTIONS:
        present = own.get(section.number, []) + docs.get(section.number, [])
        missing = [] if present else ([f"nothing yet for: {', '.join(section.contents)}"]
                                      if section.contents else ["nothing yet"])
        out.append(SectionCheck(section.number, section.title, present, missing))
    return out
