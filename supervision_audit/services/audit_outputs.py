"""What the audit produces: its PDF (Appendix 7), the audit summary workbook, and the whole
supervision file as one PDF in the Appendix 8 order, with an index."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from supervision_audit.errors import Problem, SupervisionAuditError, ValidationError
from supervision_audit.forms.audit import JUDGEMENTS, SUBJECTS
from supervision_audit.forms.folder import FOLDER_SECTIONS
from supervision_audit.models import AuditAction, FileAudit, Staff, Team
from supervision_audit.services.access import Action, Actor, require, visible_staff
from supervision_audit.services.audits import get_audit
from supervision_audit.services.events import log_event
from supervision_audit.services.integrity import require_unchanged
from supervision_audit.services.seal_setup import seal_in_place, write_sealed
from supervision_audit.services.settings import organisation_name
from supervision_audit.services.staff import get_staff

if TYPE_CHECKING:  # the PDF code (reportlab) loads when something is printed
    from supervision_audit.exports.pdf import FormPart


def export_audit_pdf(session: Session, actor: Actor, audit_id: uuid.UUID, out: Path, *,
                     seal: bool = True) -> Path:
    """One audit as its form, sealed when the seal is set up (``seal=False``: a copy to
    print); logged."""
    from supervision_audit.exports.pdf import render_part_pdf
    from supervision_audit.services.documents import audit_part

    audit = get_audit(session, audit_id)
    require(session, actor, Action.READ_FILE, audit.supervisee_id)
    person = get_staff(session, audit.supervisee_id)
    write_sealed(session, Path(out), f"Supervision file audit of {person.name}",
                 lambda path: render_part_pdf(audit_part(session, audit), path,
                                              organisation=organisation_name(session)),
                 signed=[("audit", audit.id)], seal=seal)
    log_event(session, actor.who, "audit.export", subject_kind="audit", subject_id=audit.id,
              about_staff_id=audit.supervisee_id, detail=Path(out).name)
    return Path(out)


def _month(text: str, field: str) -> date:
    from supervision_audit.services.monthly_return import parse_month

    try:
        return parse_month(text)[0]
    except ValidationError as exc:
        raise ValidationError(Problem(field, exc.problems[0].message)) from exc


def audit_summary(session: Session, actor: Actor, first: str, last: str, out: Path) -> Path:
    """Judgements by team and month, the subjects most often answered 'no', open actions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from supervision_audit.exports.atomic import atomic_output
    from supervision_audit.exports.cells import append_row
    from supervision_audit.exports.sheet_layout import well_formed
    from supervision_audit.services.monthly_return import parse_month

    start, end = _month(first, "from"), parse_month(last)[1]
    if end < start:
        raise ValidationError(Problem("to", "The period ends before it starts"))
    people = visible_staff(session, actor)
    audits = [a for a in session.exec(select(FileAudit).where(
        FileAudit.status == "complete", FileAudit.completed_on >= start,
        FileAudit.completed_on <= end).order_by(col(FileAudit.completed_on)))
        if a.supervisee_id in people]
    teams = {s.id: t for s, t in session.exec(select(Staff, Team.name).join(
        Team, Team.id == Staff.team_id, isouter=True))}
    wb = Workbook()
    ws = wb.active
    ws.title = "Judgements"
    append_row(ws, ["Team", "Month"] + [label for _, label in JUDGEMENTS] + ["Audits"])
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for audit in audits:
        counts[(teams.get(audit.supervisee_id) or "No team",
                audit.completed_on.replace(day=1))][audit.judgement] += 1
    for (team, month), c in sorted(counts.items()):
        append_row(ws, [team, month] + [c[key] for key, _ in JUDGEMENTS] + [sum(c.values())])
        ws.cell(row=ws.max_row, column=2).number_format = "MMM YYYY"  # a real month
    noes = Counter(key for a in audits for key, *_ in SUBJECTS
                   if a.values.get(f"{key}_outcome") == "no")
    titles = {key: title for key, title, *_ in SUBJECTS}
    ws2 = wb.create_sheet("Subjects answered no")
    append_row(ws2, ["Subject", "Audits answering 'no'"])
    for key, n in noes.most_common():
        append_row(ws2, [titles[key], n])
    ws3 = wb.create_sheet("Open audit actions")
    append_row(ws3, ["Supervisor", "Action", "By whom", "Due"])
    names = dict(session.exec(select(Staff.id, Staff.name)).all())
    for action in session.exec(select(AuditAction).where(AuditAction.status == "open")
                               .order_by(col(AuditAction.due_date))):
        if action.supervisor_id in people or actor.is_admin or actor.is_system:
            append_row(ws3, [names.get(action.supervisor_id, ""), action.description,
                             action.owner, action.due_date])
    for sheet in (ws, ws2, ws3):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        well_formed(sheet)
    with atomic_output(Path(out)) as tmp:
        wb.save(tmp)
    log_event(session, actor.who, "audit_summary.export", subject_kind="report",
              subject_id=f"{first}..{last}", detail=f"{len(audits)} audits")
    return Path(out)


class ExportCancelled(SupervisionAuditError):
    """The person stopped the export; nothing was written."""


Progress = Callable[[int, int, str], None]


def export_whole_file(session: Session, actor: Actor, staff_uuid: uuid.UUID, out: Path, *,
                      progress: Progress | None = None,
                      cancelled: Callable[[], bool] | None = None) -> Path:
    """Every record on the file, in the order of Appendix 8, as one PDF with an index page;
    sealed when the organisation's seal is set up; logged.

    ``progress(done, total, what)`` is called as it goes; ``cancelled()`` returning True
    stops it, writing nothing (:class:`ExportCancelled`).
    """
    documents = write_whole_file(session, actor, staff_uuid, out, progress=progress,
                                 cancelled=cancelled)
    log_whole_file(session, actor, staff_uuid, documents)
    return Path(out)


def write_whole_file(session: Session, actor: Actor, staff_uuid: uuid.UUID, out: Path, *,
                     progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None, seal: bool = True) -> int:
    """:func:`export_whole_file` without its log entry (it only reads the store, so it may
    run in a read session; log it with :func:`log_whole_file`). Returns the number of
    documents in the file, not counting the index. ``seal=False``: a copy to print."""
    from supervision_audit.exports.atomic import atomic_output
    from supervision_audit.exports.pdf import numbered_front, render_bundle_pdf

    tick = progress or (lambda done, total, what: None)
    stop = cancelled or (lambda: False)
    total = 1

    def step(done: int, what: str) -> None:
        if stop():
            raise ExportCancelled("The export was cancelled; nothing was written.")
        tick(done, total, what)

    step(0, "Gathering the file's records")
    require(session, actor, Action.READ_FILE, staff_uuid)
    person = get_staff(session, staff_uuid)
    org = organisation_name(session)
    signed = _signed_documents(session, actor, person) if seal else []
    for kind, subject_id in signed:  # a document changed after signing: nothing is written
        require_unchanged(session, kind, subject_id)
    found = _file_parts(session, actor, person)
    parts = [part for _, _, part in found]
    total = len(parts) + 3  # gathering, each document, the index, the seal

    def where(section: int) -> str:
        return "Contract" if section == 0 else \
            f"Section {section} – {FOLDER_SECTIONS[section - 1].title}"

    def index(starts: list[int]) -> FormPart:
        return _index_part([f"{where(section)}: {title} .... page {page}"
                            for (section, title, _part), page in zip(found, starts,
                                                                      strict=True)], person)

    def started(number: int) -> None:
        step(number + 1, "Writing the index" if number == len(parts) else
             f"Printing {found[number][1]}")

    with atomic_output(Path(out)) as tmp:
        render_bundle_pdf(parts, tmp, organisation=org, title=f"Supervision file {person.name}",
                          subject="Appendix 8 order",
                          front=numbered_front(index, organisation=org), on_part=started,
                          outline=[(where(section), title) for section, title, _ in found])
        step(total - 1, "Sealing")
        if seal:
            seal_in_place(session, tmp, f"Supervision file of {person.name}")
        step(total, "Saved")
    return len(parts)


def log_whole_file(session: Session, actor: Actor, staff_uuid: uuid.UUID,
                   documents: int) -> None:
    """The event log's entry for a whole-file export of ``documents`` documents."""
    log_event(session, actor.who, "file.export", subject_kind="staff", subject_id=staff_uuid,
              about_staff_id=staff_uuid, detail=f"{documents} documents")


def _signed_documents(session: Session, actor: Actor, person: Staff
                      ) -> list[tuple[str, uuid.UUID]]:
    """The signed documents of ``person``'s file, as (kind, id), each checked against its
    signatures before the file is sealed."""
    from supervision_audit.services.asye import tracker_row
    from supervision_audit.services.contracts import contract_versions
    from supervision_audit.services.records import records_of

    out: list[tuple[str, uuid.UUID]] = [("contract", c.id)
                                        for c in contract_versions(session, person.id)]
    out += [("record", r.id) for r in records_of(session, actor, person.id)
            if r.status != "draft"]
    out += [("audit", a.id) for a in session.exec(select(FileAudit).where(
        FileAudit.supervisee_id == person.id, FileAudit.status == "complete"))]
    tracker = tracker_row(session, person.id)
    if tracker is not None:
        out.append(("asye", tracker.id))
    return out


def _file_parts(session: Session, actor: Actor, person: Staff
                ) -> list[tuple[int, str, FormPart]]:
    """The documents of ``person``'s file in the Appendix 8 order: (section, 0 for the
    contract; title; the document, as its own export prints it)."""
    from supervision_audit.services import documents
    from supervision_audit.services.contracts import contract_versions
    from supervision_audit.services.records import records_of

    found: list[tuple[int, str, FormPart]] = []
    for contract in contract_versions(session, person.id):
        found.append((0, f"Supervision contract, version {contract.version}",
                      documents.contract_part(session, contract)))
    found.append((1, "Supervision monitoring sheet", documents.monitoring_part(session, person)))
    for record in sorted(records_of(session, actor, person.id), key=lambda r: r.held_on):
        kind = "Group supervision record" if record.form_key == "group" else \
            "Supervision record"
        found.append((2, f"{kind}, {record.held_on:%d/%m/%Y}",
                      documents.record_part(session, record)))
    for audit in session.exec(select(FileAudit).where(
            FileAudit.supervisee_id == person.id, FileAudit.status == "complete")
            .order_by(col(FileAudit.completed_on))):
        found.append((6, f"Supervision file audit, {audit.completed_on:%d/%m/%Y}",
                      documents.audit_part(session, audit)))
    if person.role == "asye" and person.asye_start is not None:
        found.append((5, "ASYE tracker", documents.asye_part(session, person)))
    found.sort(key=lambda p: p[0])  # stable: by date within a section
    return found


def _index_part(lines: list[str], person: Staff) -> FormPart:
    from supervision_audit.exports.pdf import FormPart
    from supervision_audit.forms.base import Field, FormDef, Kind, Section

    return FormPart(FormDef("index", "Supervision file", "Appendix 8 order", (
        Section("index", "Index", (Field("lines", "Contents", Kind.MULTILINE),)),)),
        {"lines": "\n".join(lines)}, f"file {person.staff_id}", person.name)
