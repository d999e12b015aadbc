"""What a printed record states about itself: its signatures and addenda, as the PDF shows
them on every page (issue of record: name, role, meaning, date and time, drawn signature,
the content hash signed, the version)."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from supervision_audit.exports.signature_strip import Seal, SignatureLine
from supervision_audit.models import Staff
from supervision_audit.services.integrity import describe, signature_problems
from supervision_audit.services.signatures import (
    addenda_of,
    content_hash_of,
    signatures_of,
)

ROLE_NAMES = {"supervisor": "Supervisor", "supervisee": "Supervisee", "attendee": "Attendee",
              "author": "Author", "auditor": "Auditor", "observer": "Observer"}


def seal_of(session: Session, kind: str, record_id: uuid.UUID, version: str = "1") -> Seal:
    """The strip every page of a signed document prints; it says loudly when the content is
    not what was signed."""
    lines = [SignatureLine(name=s.typed_name, role=ROLE_NAMES.get(s.role, s.role),
                           meaning=s.meaning,
                           signed_at=s.signed_at.astimezone().strftime("%d/%m/%Y %H:%M"),
                           image_png=s.image_png, in_person=s.in_person)
             for s in signatures_of(session, kind, record_id)]
    return Seal(version=version, content_hash=content_hash_of(session, kind, record_id),
                signatures=lines,
                warning=describe(signature_problems(session, kind, record_id)))


def addenda_lines(session: Session, kind: str, record_id: uuid.UUID) -> list[tuple[str, str]]:
    out = []
    for addendum in addenda_of(session, kind, record_id):
        author = session.get(Staff, addendum.author_staff_id)
        signed = signatures_of(session, "addendum", addendum.id)
        when = signed[0].signed_at.astimezone().strftime("%d/%m/%Y %H:%M") if signed else \
            "not signed"
        out.append((f"Addendum of {addendum.written_on:%d/%m/%Y} by "
                    f"{author.name if author else ''} (signed {when}). Reason: "
                    f"{addendum.reason}", addendum.text))
    return out


def signature_values(session: Session, kind: str, record_id: uuid.UUID) -> dict[str, dict]:
    """The form's own signature lines, filled from the signatures given."""
    out = {}
    for s in signatures_of(session, kind, record_id):
        key = {"supervisor": "supervisor_signature", "supervisee": "supervisee_signature",
               "auditor": "auditor_signature"}.get(s.role)
        if key:
            out[key] = {"name": s.typed_name,
                        "date": s.signed_at.astimezone().date().isoformat()}
    return out
