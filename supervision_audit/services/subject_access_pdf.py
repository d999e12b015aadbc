"""The subject access export as a document to hand to the person: a first part with their
details and the contents, then every contract, record and audit of their file printed as its
own export prints it (signatures, addenda, content hash), then the log entries about them and
those they made. Dates are printed dd/mm/yyyy, times in this computer's time zone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, or_, select

from supervision_audit.dates import format_date
from supervision_audit.exports.pdf import FormPart, numbered_front, render_bundle_pdf
from supervision_audit.forms.base import Field, FormDef, Kind, Section
from supervision_audit.models import (
    Contract,
    EventLog,
    FileAudit,
    Staff,
    SupervisionRecord,
    Team,
    UserAccount,
)
from supervision_audit.models.people import ROLE_LABELS
from supervision_audit.services import documents
from supervision_audit.services.settings import organisation_name

# what an entry of the event log means, in words (others print as recorded)
ACTIONS = {
    "record.open": "opened a supervision record", "record.export": "exported a record",
    "record.print": "printed a record", "record.create": "started a record",
    "record.complete": "completed a record", "record.sign": "signed a record",
    "record.final": "record signed by everyone (final)", "record.copy": "copy given",
    "record.addendum": "added an addendum", "record.reopen": "reopened a record",
    "contract.create": "saved a contract", "contract.export": "exported a contract",
    "contract.print": "printed a contract", "contract.sign": "signed a contract",
    "contract.final": "contract signed by both (final)",
    "audit.start": "started an audit", "audit.save": "saved an audit",
    "audit.complete": "completed an audit", "audit.sign": "signed an audit",
    "audit.final": "audit signed (final)", "audit.export": "exported an audit",
    "audit.redate": "changed an audit's date", "file.export": "exported the whole file",
    "staff.create": "staff record created", "staff.update": "staff record changed",
    "staff.import": "staff record imported", "staff.left": "recorded as having left",
    "sign_in": "signed in", "log.view": "viewed the access log",
    "subject_access.export": "subject access export", "monitoring.export":
    "exported the monitoring sheet", "schedule.export": "exported the schedule",
    "monitoring.import": "imported monitoring sheets",
    "monitoring.migrate": "brought in a historical monitoring sheet line (migration role)",
    "asye.open": "opened the ASYE tracker", "asye.save": "saved the ASYE tracker",
    "asye.export": "exported the ASYE tracker",
}


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return (moment.astimezone() if moment.tzinfo else moment).strftime("%d/%m/%Y %H:%M")


def _detail(text: str) -> str:
    """An entry's detail as written, with its ISO dates printed dd/mm/yyyy."""
    return ISO_DATE.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", text)


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


DATE_COLUMNS = ("from", "to", "agreed")  # ISO dates, printed dd/mm/yyyy
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _table(key: str, label: str, columns: tuple[tuple[str, str], ...]) -> Field:
    return Field(key, label, Kind.TABLE, readonly=True, columns=tuple(
        Field(c, text, Kind.DATE if c in DATE_COLUMNS else Kind.TEXT) for c, text in columns))


def _details(session: Session, person: Staff) -> tuple[list[Field], dict[str, Any]]:
    team = session.get(Team, person.team_id) if person.team_id else None
    boss = session.get(Staff, person.supervisor_id) if person.supervisor_id else None
    shown = (("Staff ID", person.staff_id), ("Name", person.name),
             ("Job title", person.job_title), ("Role", ROLE_LABELS.get(person.role,
                                                                       person.role)),
             ("Team", team.name if team else ""), ("Service", team.service if team else ""),
             ("Location", person.location), ("Phone", person.phone), ("E-mail", person.email),
             ("Supervisor", boss.name if boss else ""),
             ("Employed from", format_date(person.employment_start)),
             ("ASYE from", format_date(person.asye_start)),
             ("Employed now", _yes(person.active)), ("Left on", format_date(person.left_on)),
             ("Added", _when(person.created_at)), ("Last changed", _when(person.updated_at)))
    fields = [Field(f"person_{n}", label) for n, (label, _v) in enumerate(shown)]
    return fields, {f.key: value or "" for f, (_l, value) in zip(fields, shown, strict=True)}


def _front(session: Session, person: Staff, data: dict[str, Any], companion: str,
           titles: list[str], starts: list[int]) -> FormPart:
    fields, values = _details(session, person)
    names = {s.id: s.name for s in session.exec(select(Staff))}
    values["history"] = [{"supervisor": h["supervisor"], "from": h["from"], "to": h["to"]}
                         for h in data["supervisor_history"]]
    values["supervises"] = [{"name": name} for name in data["supervises"]]
    values["as_supervisor"] = [
        {"supervisee": names.get(c.supervisee_id, ""), "version": str(c.version),
         "agreed": c.date_agreed.isoformat() if c.date_agreed else ""}
        for c in session.exec(select(Contract).where(Contract.supervisor_id == person.id)
                              .order_by(col(Contract.created_at)))]
    values["accounts"] = [
        {"username": a.username, "admin": _yes(a.is_admin), "inspector": _yes(a.is_inspector),
         "active": _yes(a.active), "created": _when(a.created_at),
         "last": _when(a.last_signed_in_at)}
        for a in session.exec(select(UserAccount).where(UserAccount.staff_id == person.id))]
    values["contents"] = "\n".join(f"{title} .... page {page}"
                                   for title, page in zip(titles, starts, strict=True))
    about = (f"Everything this organisation's Supervision Audit holds about {person.name} "
             f"({person.staff_id}), produced on {date.today():%d/%m/%Y} in answer to a subject "
             f"access request. Each contract, supervision record and audit of the supervision "
             f"file follows as it prints on its own, with its signatures and any addenda. The "
             f"same information, for computers, is in the file {companion}.")
    form = FormDef("subject_access", "Subject Access", "Information held about you", (
        Section("about", "About this document", (Field("about", "", Kind.STATIC,
                                                       text=about),)),
        Section("contents", "Contents", (Field("contents", "Documents", Kind.MULTILINE),)),
        Section("details", "Your details", tuple(fields), columns=2),
        Section("supervisors", "Your supervisors", (_table(
            "history", "", (("supervisor", "Supervisor"), ("from", "From"), ("to", "To"))),)),
        Section("supervising", "People you supervise", (_table(
            "supervises", "", (("name", "Name"),)),)),
        Section("contracts_as_supervisor", "Supervision contracts you agreed as supervisor", (
            _table("as_supervisor", "", (("supervisee", "Supervisee"), ("version", "Version"),
                                         ("agreed", "Date agreed"))),)),
        Section("accounts", "Your user accounts", (_table(
            "accounts", "", (("username", "Username"), ("admin", "Administrator"),
                             ("inspector", "Inspector"), ("active", "Active"),
                             ("created", "Created"), ("last", "Last signed in"))),)),
    ))
    return FormPart(form, values, f"subject access {person.staff_id}", person.name)


def _log_part(session: Session, person: Staff) -> FormPart:
    names = {s.id: s.name for s in session.exec(select(Staff))}
    entries = list(session.exec(select(EventLog).where(or_(
        EventLog.about_staff_id == person.id, EventLog.actor_staff_id == person.id))
        .order_by(col(EventLog.seq))))

    def what(entry: EventLog) -> str:
        return ACTIONS.get(entry.action, entry.action)

    values = {
        "about": [{"when": _when(e.at), "who": e.actor_username or "the app", "what": what(e),
                   "detail": _detail(e.detail)} for e in entries
                  if e.about_staff_id == person.id],
        "by": [{"when": _when(e.at), "what": what(e),
                "about": names.get(e.about_staff_id, "") if e.about_staff_id else "",
                "detail": _detail(e.detail)} for e in entries if e.actor_staff_id == person.id],
    }
    form = FormDef("subject_access_log", "Access log", "Information held about you", (
        Section("log_about", "Who opened, exported, printed or changed your information", (
            _table("about", "", (("when", "When"), ("who", "Who (account)"),
                                 ("what", "What"), ("detail", "Detail"))),)),
        Section("log_by", "What you did in the app", (
            _table("by", "", (("when", "When"), ("what", "What"), ("about", "About"),
                              ("detail", "Detail"))),)),
    ))
    return FormPart(form, values, f"subject access {person.staff_id}", person.name)


def write_subject_access_pdf(session: Session, person: Staff, data: dict[str, Any],
                             out: Path, *, companion: str,
                             records: Sequence[SupervisionRecord],
                             audits: Sequence[FileAudit]) -> Path:
    """The subject access PDF at ``out`` (written whole or not at all): ``records`` and
    ``audits`` are those of the person's file, each printed as its own export prints it."""
    parts: list[tuple[str, FormPart]] = []
    for contract in session.exec(select(Contract).where(Contract.supervisee_id == person.id)
                                 .order_by(col(Contract.version))):
        parts.append((f"Supervision contract, version {contract.version}",
                      documents.contract_part(session, contract)))
    for record in records:
        kind = {"group": "Group supervision record", "manager": "Manager supervision record"
                }.get(record.form_key, "Supervision record")
        draft = " (draft)" if record.status == "draft" else ""
        parts.append((f"{kind}, {record.held_on:%d/%m/%Y}{draft}",
                      documents.record_part(session, record)))
    for audit in audits:
        draft = " (draft)" if audit.status == "draft" else ""
        parts.append((f"Supervision file audit, {audit.completed_on:%d/%m/%Y}{draft}",
                      documents.audit_part(session, audit)))
    if person.role == "asye" and person.asye_start is not None:
        parts.append(("ASYE tracker", documents.asye_part(session, person)))
    parts.append(("Access log", _log_part(session, person)))
    titles = [title for title, _part in parts]
    organisation = organisation_name(session)

    def front(starts: list[int]) -> FormPart:
        return _front(session, person, data, companion, titles, starts)

    render_bundle_pdf([part for _title, part in parts], out, organisation=organisation,
                      title=f"Subject access: {person.name}",
                      subject="Information held about you",
                      front=numbered_front(front, organisation=organisation))
    return Path(out)
