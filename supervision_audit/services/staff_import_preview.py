"""What importing a staff file would do, worked out before anything is written: the people
it would add, the people it would change (field by field), and how many it leaves as they
are. A file with problems raises the same ValidationError, with every problem, as the import
itself (``parse_staff_file`` checks both)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from supervision_audit.models import Staff, Team
from supervision_audit.models.people import ROLE_LABELS
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.staff import StaffInput
from supervision_audit.services.staff_import import parse_staff_file


@dataclass(frozen=True)
class PreviewRow:
    row: int  # the row of the file
    staff_id: str
    name: str
    changes: tuple[str, ...] = ()  # "Job title: Social Worker → Senior Social Worker"


@dataclass(frozen=True)
class ImportPreview:
    added: list[PreviewRow] = field(default_factory=list)
    changed: list[PreviewRow] = field(default_factory=list)
    unchanged: int = 0


def _shown(value: object) -> str:
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value) if value else "(none)"


def _differences(session: Session, person: Staff, data: StaffInput,
                 teams: dict[object, str], ids: dict[object, str]) -> tuple[str, ...]:
    now = (("Name", person.name, data.name.strip()),
           ("Job title", person.job_title, data.job_title.strip()),
           ("Team", teams.get(person.team_id, ""), data.team.strip()),
           ("Location", person.location, data.location.strip()),
           ("Role", ROLE_LABELS.get(person.role, person.role),
            ROLE_LABELS.get(data.role, data.role)),
           ("Supervisor's id", ids.get(person.supervisor_id, ""), data.supervisor_staff_id),
           ("Employment start", person.employment_start, data.employment_start),
           ("ASYE start", person.asye_start, data.asye_start),
           ("E-mail", person.email, data.email.strip()),
           ("Phone", person.phone, data.phone.strip()))
    return tuple(f"{label}: {_shown(old)} → {_shown(new)}" for label, old, new in now
                 if (old or None) != (new or None))


def preview_staff_import(session: Session, actor: Actor, path: Path | str) -> ImportPreview:
    """What ``import_staff`` would do with ``path`` (nothing is written)."""
    require(session, actor, Action.MANAGE_STAFF)
    parsed = parse_staff_file(session, Path(path))
    stored = {p.staff_id: p for p in session.exec(select(Staff))}
    teams = {t.id: t.name for t in session.exec(select(Team))}
    ids = {p.id: p.staff_id for p in stored.values()}
    preview = ImportPreview()
    unchanged = 0
    for number, data in parsed:
        person = stored.get(data.staff_id)
        if person is None:
            preview.added.append(PreviewRow(number, data.staff_id, data.name.strip()))
            continue
        changes = _differences(session, person, data, teams, ids)
        if changes:
            preview.changed.append(PreviewRow(number, data.staff_id, data.name.strip(),
                                              changes))
        else:
            unchanged += 1
    return ImportPreview(preview.added, preview.changed, unchanged)
