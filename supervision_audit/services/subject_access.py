"""Subject access: everything held about one person, as a document fit to hand to them (PDF)
and the same data for computers (JSON)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlmodel import Session, col, or_, select

from supervision_audit.models import (
    Contract,
    EventLog,
    FileAudit,
    GroupAttendee,
    Staff,
    SupervisionRecord,
    SupervisorChange,
    Team,
    UserAccount,
)
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.record_status import STATUS_LABELS, record_status
from supervision_audit.services.signatures import addenda_of, signatures_of
from supervision_audit.services.staff import get_by_staff_id

PERSON_FIELDS = ("staff_id", "name", "job_title", "location", "phone", "email", "role",
                 "employment_start", "asye_start", "active", "left_on", "created_at", "updated_at")


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def _names(session: Session) -> dict[UUID, str]:
    return {s.id: f"{s.name} ({s.staff_id})" for s in session.exec(select(Staff))}


def file_records(session: Session, person: Staff) -> list[SupervisionRecord]:
    """Every record on ``person``'s file, drafts and their group records included, oldest
    first (no access check: for a subject access export, already allowed)."""
    attended = select(GroupAttendee.record_id).where(GroupAttendee.staff_id == person.id)
    return list(session.exec(select(SupervisionRecord).where(or_(
        SupervisionRecord.supervisee_id == person.id, col(SupervisionRecord.id).in_(attended)))
        .order_by(col(SupervisionRecord.held_on), col(SupervisionRecord.created_at))))


def file_audits(session: Session, person: Staff) -> list[FileAudit]:
    """The audits of ``person``'s supervision file, oldest first."""
    return list(session.exec(select(FileAudit).where(FileAudit.supervisee_id == person.id)
                             .order_by(col(FileAudit.completed_on))))


def _signed(session: Session, kind: str, subject: UUID) -> dict[str, Any]:
    return {
        "signatures": [{"name": s.typed_name, "role": s.role, "meaning": s.meaning,
                        "signed_at": _plain(s.signed_at), "content_hash": s.content_hash,
                        "in_person": s.in_person} for s in signatures_of(session, kind, subject)],
        "addenda": [{"written_on": _plain(a.written_on), "author": str(a.author_staff_id),
                     "reason": a.reason, "text": a.text}
                    for a in addenda_of(session, kind, subject)],
    }


def gather(session: Session, actor: Actor, staff_id: str) -> dict[str, Any]:
    """Everything the store holds about the person with ``staff_id``, as plain data."""
    person = get_by_staff_id(session, staff_id)
    require(session, actor, Action.SUBJECT_ACCESS, person.id)
    names = _names(session)
    team = session.get(Team, person.team_id) if person.team_id else None
    history = session.exec(select(SupervisorChange).where(
        SupervisorChange.supervisee_id == person.id).order_by(SupervisorChange.started_on))
    contracts = session.exec(select(Contract).where(or_(
        Contract.supervisee_id == person.id, Contract.supervisor_id == person.id)
    ).order_by(Contract.created_at))
    accounts = session.exec(select(UserAccount).where(UserAccount.staff_id == person.id))
    log = session.exec(select(EventLog).where(or_(
        EventLog.about_staff_id == person.id, EventLog.actor_staff_id == person.id)
    ).order_by(EventLog.seq))
    return {
        "person": {**{f: _plain(getattr(person, f)) for f in PERSON_FIELDS},
                   "team": team.name if team else "", "service": team.service if team else "",
                   "supervisor": names.get(person.supervisor_id, "")},
        "supervisor_history": [{"supervisor": names.get(h.supervisor_id, ""),
                                "from": _plain(h.started_on), "to": _plain(h.ended_on)}
                               for h in history],
        "supervises": sorted(n for sid, n in names.items()
                             if (s := session.get(Staff, sid)) and s.supervisor_id == person.id),
        "contracts": [{"id": str(c.id), "version": c.version,
                       "role": "supervisee" if c.supervisee_id == person.id else "supervisor",
                       "supervisee": names.get(c.supervisee_id, ""),
                       "date_agreed": _plain(c.date_agreed), "values": c.values,
                       **_signed(session, "contract", c.id)}
                      for c in contracts],
        "records": [{"id": str(r.id), "form": r.form_key, "held_on": _plain(r.held_on),
                     "status": STATUS_LABELS[record_status(r)],
                     "supervisor": names.get(r.supervisor_id, ""), "values": r.values,
                     **_signed(session, "record", r.id)}
                    for r in file_records(session, person)],
        "audits": [{"id": str(a.id), "completed_on": _plain(a.completed_on),
                    "status": STATUS_LABELS[record_status(a)], "judgement": a.judgement,
                    "auditor": names.get(a.auditor_id, ""), "values": a.values,
                    **_signed(session, "audit", a.id)}
                   for a in file_audits(session, person)],
        "accounts": [{"username": a.username, "administrator": a.is_admin,
                      "inspector": a.is_inspector, "active": a.active,
                      "created_at": _plain(a.created_at),
                      "last_signed_in_at": _plain(a.last_signed_in_at)} for a in accounts],
        "log": [{"when": _plain(e.at), "who": e.actor_username, "action": e.action,
                 "record": f"{e.subject_kind} {e.subject_id}".strip(),
                 "about": names.get(e.about_staff_id, "") if e.about_staff_id else "",
                 "by_this_person": e.actor_staff_id == person.id,
                 "detail": e.detail} for e in log],
    }


def export_subject_access(session: Session, actor: Actor, staff_id: str, out_dir: Path
                          ) -> list[Path]:
    """Write ``<staff id>-subject-access.json`` and ``.pdf`` into ``out_dir``; logged."""
    from supervision_audit.exports.atomic import atomic_output
    from supervision_audit.services.subject_access_pdf import write_subject_access_pdf

    data = gather(session, actor, staff_id)
    person = get_by_staff_id(session, staff_id)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{data['person']['staff_id']}-subject-access"
    json_path, pdf_path = out_dir / f"{stem}.json", out_dir / f"{stem}.pdf"
    with atomic_output(json_path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    write_subject_access_pdf(session, person, data, pdf_path, companion=json_path.name,
                             records=file_records(session, person),
                             audits=file_audits(session, person))
    log_event(session, actor.who, "subject_access.export", subject_kind="staff",
              subject_id=person.id, about_staff_id=person.id, detail=str(out_dir.name))
    return [json_path, pdf_path]
