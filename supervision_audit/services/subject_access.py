"""Subject access: everything held about one person, as one PDF and one JSON file."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlmodel import Session, or_, select

from supervision_audit.forms.base import Field, FormDef, Kind, Section
from supervision_audit.models import Contract, EventLog, Staff, SupervisorChange, Team, UserAccount
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.settings import organisation_name
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
                       "date_agreed": _plain(c.date_agreed), "values": c.values}
                      for c in contracts],
        "accounts": [{"username": a.username, "administrator": a.is_admin,
                      "inspector": a.is_inspector, "active": a.active,
                      "created_at": _plain(a.created_at),
                      "last_signed_in_at": _plain(a.last_signed_in_at)} for a in accounts],
        "log": [{"when": _plain(e.at), "who": e.actor_username, "action": e.action,
                 "record": f"{e.subject_kind} {e.subject_id}".strip(),
                 "about": names.get(e.about_staff_id, "") if e.about_staff_id else "",
                 "detail": e.detail} for e in log],
    }


def _as_form(data: dict[str, Any]) -> tuple[FormDef, dict[str, Any]]:
    """The gathered data laid out as a printable form (so the one PDF renderer serves)."""
    values: dict[str, Any] = {}
    sections = []
    person = data["person"]
    fields = []
    for key, value in person.items():
        values[f"person.{key}"] = "" if value is None else str(value)
        fields.append(Field(f"person.{key}", key.replace("_", " ").capitalize()))
    sections.append(Section("person", "Staff record", tuple(fields), columns=2))
    for key, title in (("supervisor_history", "Supervisors"), ("supervises", "Supervises"),
                       ("contracts", "Supervision contracts"), ("accounts", "User accounts"),
                       ("log", "Log entries about or by this person")):
        items = data[key]
        lines = [json.dumps(item, ensure_ascii=False) if isinstance(item, dict) else str(item)
                 for item in items] or ["None held."]
        values[key] = "\n".join(lines)
        sections.append(Section(key, title, (Field(key, f"{len(items)} held", Kind.MULTILINE),)))
    form = FormDef(key="subject_access", title="Subject Access Export", reference="",
                   sections=tuple(sections))
    return form, values


def export_subject_access(session: Session, actor: Actor, staff_id: str, out_dir: Path
                          ) -> list[Path]:
    """Write ``<staff id>-subject-access.json`` and ``.pdf`` into ``out_dir``; logged."""
    from supervision_audit.exports.atomic import atomic_output
    from supervision_audit.exports.pdf import render_form_pdf

    data = gather(session, actor, staff_id)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{data['person']['staff_id']}-subject-access"
    json_path, pdf_path = out_dir / f"{stem}.json", out_dir / f"{stem}.pdf"
    with atomic_output(json_path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    form, values = _as_form(data)
    render_form_pdf(form, values, pdf_path, organisation=organisation_name(session),
                    record_id=f"subject access {data['person']['staff_id']}",
                    record_label=data["person"]["name"])
    person = get_by_staff_id(session, staff_id)
    log_event(session, actor.who, "subject_access.export", subject_kind="staff",
              subject_id=person.id, about_staff_id=person.id, detail=str(out_dir.name))
    return [json_path, pdf_path]
