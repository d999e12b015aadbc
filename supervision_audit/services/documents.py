"""Each kind of document as it prints: its form filled in, and what every page states about
it (signatures, content hash, version; addenda after the form). One function per kind, used
by the document's own export, the whole supervision file and the subject access export, so
a document prints the same wherever it is printed."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from supervision_audit.dates import format_date
from supervision_audit.exports.pdf import FormPart
from supervision_audit.forms import ALL_FORMS, ASYE_TRACKER, AUDIT, CONTRACT, MONITORING
from supervision_audit.models import Contract, FileAudit, Staff, SupervisionRecord
from supervision_audit.services.print_views import addenda_lines, seal_of, signature_values
from supervision_audit.services.sessions import STATUS_LABELS, sessions_of
from supervision_audit.services.signatures import SIGNATURE_FIELDS
from supervision_audit.services.staff import get_staff


def record_part(session: Session, record: SupervisionRecord) -> FormPart:
    """A record (Appendix 4, 5 or 6) as it prints: its form, signatures and addenda."""
    from supervision_audit.services.records import is_short_record, minutes_of

    person = session.get(Staff, record.supervisee_id) if record.supervisee_id else None
    who = person.name if person else "group"
    notes = []
    if record.status == "draft":
        notes.append("draft")
    if is_short_record(record):
        notes.append(f"short session: {minutes_of(record)} minutes")
    return FormPart(ALL_FORMS[record.form_key],
                    {**record.values, **signature_values(session, "record", record.id)},
                    str(record.id), f"{who}, {record.held_on:%d/%m/%Y}"
                    + (f" ({'; '.join(notes)})" if notes else ""),
                    seal_of(session, "record", record.id),
                    addenda_lines(session, "record", record.id))


def contract_part(session: Session, contract: Contract) -> FormPart:
    """One version of a supervision contract (Appendix 1) as it prints."""
    from supervision_audit.services.contracts import review_due

    supervisee = session.get(Staff, contract.supervisee_id)
    due = review_due(session, contract)
    values = {**contract.values, "review_due": due.isoformat() if due else None,
              **signature_values(session, "contract", contract.id)}
    return FormPart(CONTRACT, values, str(contract.id),
                    f"{supervisee.name if supervisee else ''} "
                    f"({supervisee.staff_id if supervisee else ''}), version {contract.version}",
                    seal_of(session, "contract", contract.id, str(contract.version)),
                    addenda_lines(session, "contract", contract.id))


def audit_part(session: Session, audit: FileAudit) -> FormPart:
    """A supervision file audit (Appendix 7) as it prints, signed as its signatures say (a
    name once typed on the signature line is no signature, and does not print)."""
    person = session.get(Staff, audit.supervisee_id)
    values = {k: v for k, v in audit.values.items() if k not in SIGNATURE_FIELDS}
    return FormPart(AUDIT, {**values, **signature_values(session, "audit", audit.id)},
                    str(audit.id), f"{person.name if person else ''}, audited "
                                   f"{audit.completed_on:%d/%m/%Y}",
                    seal_of(session, "audit", audit.id),
                    addenda_lines(session, "audit", audit.id))


def asye_part(session: Session, person: Staff) -> FormPart:
    """A person's ASYE tracker (Appendix 9) as it prints."""
    from supervision_audit.services.asye import tracker_row, tracker_values

    tracker = tracker_row(session, person.id)
    values = tracker_values(session, person)
    if tracker is not None:
        values.update(signature_values(session, "asye", tracker.id))
    return FormPart(ASYE_TRACKER, values, str(tracker.id) if tracker else "not saved yet",
                    f"{person.name} ({person.staff_id}), ASYE from "
                    f"{format_date(person.asye_start)}",
                    seal_of(session, "asye", tracker.id) if tracker else None,
                    addenda_lines(session, "asye", tracker.id) if tracker else ())


def monitoring_values(session: Session, supervisee_uuid: uuid.UUID) -> dict[str, object]:
    """What a person's monitoring sheet (Appendix 3) shows: each planned session's line."""
    person = get_staff(session, supervisee_uuid)
    boss = session.get(Staff, person.supervisor_id) if person.supervisor_id else None
    return {
        "supervisee_name": person.name, "supervisor_name": boss.name if boss else "",
        "entries": [{
            "date": s.planned_date.isoformat(),
            "time": s.planned_time.isoformat(timespec="minutes") if s.planned_time else "",
            "status": "" if s.status == "planned" else STATUS_LABELS[s.status],
            "rescheduled_for": s.rescheduled_for.isoformat() if s.rescheduled_for else "",
            "comments": "; ".join(t for t in (s.reason, s.comments) if t),
        } for s in sessions_of(session, supervisee_uuid)],
    }


def monitoring_part(session: Session, person: Staff) -> FormPart:
    """A person's supervision monitoring sheet (Appendix 3) as it prints."""
    values = monitoring_values(session, person.id)
    return FormPart(MONITORING, values, f"monitoring {person.id}",
                    str(values["supervisee_name"]))
