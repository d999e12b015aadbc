"""Staff import from .xlsx or .csv: all or nothing, every problem named by row and column."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from supervision_audit.dates import parse_date
from supervision_audit.errors import Problem, ValidationError
from supervision_audit.models import ROLES, Staff
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.staff import (
    StaffInput,
    apply_details,
    check_input,
    record_supervisor,
    team_named,
)
from supervision_audit.services.tabular import cell_text, is_blank, read_table

COLUMNS = ("staff_id", "name", "job_title", "team", "location", "role", "supervisor_id",
           "employment_start", "asye_start", "email", "phone")
REQUIRED_COLUMNS = ("staff_id", "name", "role")
OPTIONAL_COLUMNS = ("service",)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _header_map(header: tuple[Any, ...]) -> tuple[dict[str, int], list[Problem]]:
    names = [cell_text(h).lower().replace(" ", "_") for h in header]
    columns = {name: i for i, name in enumerate(names) if name}
    problems = [Problem(col, f"The header row has no '{col}' column", row=1)
                for col in COLUMNS if col not in columns]
    problems += [Problem(name, f"Unknown column '{name}'", row=1) for name in columns
                 if name not in COLUMNS and name not in OPTIONAL_COLUMNS]
    return columns, problems


def _role(text: str) -> str:
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    return key if key in ROLES else text.strip()


def _parse_row(number: int, row: tuple[Any, ...], columns: dict[str, int]
               ) -> tuple[StaffInput | None, list[Problem]]:
    def get(col: str) -> Any:
        i = columns.get(col)
        return row[i] if i is not None and i < len(row) else None

    problems: list[Problem] = []
    dates: dict[str, date | None] = {}
    for col in ("employment_start", "asye_start"):
        try:
            dates[col] = parse_date(get(col))
        except ValueError as exc:
            problems.append(Problem(col, str(exc), row=number))
            dates[col] = None
    data = StaffInput(
        staff_id=cell_text(get("staff_id")), name=cell_text(get("name")),
        job_title=cell_text(get("job_title")), team=cell_text(get("team")),
        location=cell_text(get("location")), role=_role(cell_text(get("role")) or "practitioner"),
        supervisor_staff_id=cell_text(get("supervisor_id")),
        employment_start=dates["employment_start"], asye_start=dates["asye_start"],
        email=cell_text(get("email")), phone=cell_text(get("phone")),
        service=cell_text(get("service")),
    )
    problems += [Problem(p.field, p.message, row=number) for p in check_input(data)]
    return (None if problems else data), problems


def _find_cycles(graph: dict[str, str], rows: dict[str, int]) -> list[Problem]:
    """Problems for every staff id in the file whose chain of supervisors loops back."""
    problems = []
    for start, number in rows.items():
        seen = [start]
        current = graph.get(start, "")
        while current and current not in seen:
            seen.append(current)
            current = graph.get(current, "")
        if current == start:
            chain = " → ".join(seen + [start])
            problems.append(Problem("supervisor_id", f"Supervisors go round in a loop: {chain}",
                                    row=number))
    return problems


def parse_staff_file(session: Session, path: Path) -> list[tuple[int, StaffInput]]:
    """Read and check the whole file against the store; raise ValidationError on any problem."""
    rows = read_table(path)
    if not rows or is_blank(rows[0]):
        raise ValidationError(Problem("file", "The file has no header row", row=1),
                              summary=f"{path.name} was not imported.")
    columns, problems = _header_map(rows[0])
    if problems:
        raise ValidationError(problems, summary=f"{path.name} was not imported: "
                                                "the header row is not the staff layout.")
    parsed: list[tuple[int, StaffInput]] = []
    first_row_of: dict[str, int] = {}
    for offset, row in enumerate(rows[1:]):
        number = offset + 2
        if is_blank(row):
            continue
        data, row_problems = _parse_row(number, row, columns)
        problems += row_problems
        if data is None:
            continue
        if data.staff_id in first_row_of:
            problems.append(Problem("staff_id", f"Staff id '{data.staff_id}' appears again "
                                                f"(first on row {first_row_of[data.staff_id]})",
                                    row=number))
            continue
        first_row_of[data.staff_id] = number
        parsed.append((number, data))
    if not parsed and not problems:
        problems.append(Problem("file", "The file has no staff rows under its header", row=2))
    stored = {p.staff_id: p for p in session.exec(select(Staff))}
    by_uuid = {p.id: p.staff_id for p in stored.values()}
    graph = {sid: by_uuid.get(p.supervisor_id, "") if p.supervisor_id else ""
             for sid, p in stored.items()}
    for number, data in parsed:
        boss = data.supervisor_staff_id
        if boss and boss not in first_row_of and boss not in stored:
            problems.append(Problem("supervisor_id",
                                    f"No member of staff has staff id '{boss}' "
                                    "(in this file or already stored)", row=number))
        graph[data.staff_id] = boss
    if not problems:
        problems += _find_cycles(graph, first_row_of)
    if problems:
        raise ValidationError(sorted(problems, key=lambda p: (p.row or 0, p.field)),
                              summary=f"{path.name} was not imported: nothing was changed.")
    return parsed


def import_staff(session: Session, actor: Actor, path: Path | str, *,
                 today: date | None = None) -> ImportResult:
    """Create or update (by staff id) everyone in the file, in the caller's transaction."""
    require(session, actor, Action.MANAGE_STAFF)
    path = Path(path)
    changed_by = f"{actor.username} (import)"
    parsed = parse_staff_file(session, path)
    on = today or date.today()
    people: dict[str, Staff] = {}
    created = updated = 0
    for _number, data in parsed:
        person = session.exec(select(Staff).where(Staff.staff_id == data.staff_id)).first()
        if person is None:
            person = Staff(id=uuid.uuid4(), staff_id=data.staff_id, name=data.name)
            session.add(person)
            created += 1
        else:
            updated += 1
        apply_details(person, data, team_named(session, data.team, data.service))
        people[data.staff_id] = person
    session.flush()
    for _number, data in parsed:
        boss_sid = data.supervisor_staff_id
        boss = people.get(boss_sid) if boss_sid else None
        if boss_sid and boss is None:
            boss = session.exec(select(Staff).where(Staff.staff_id == boss_sid)).one()
        record_supervisor(session, people[data.staff_id], boss.id if boss else None, on,
                          changed_by)
    session.flush()
    log_event(session, actor.who, "staff.import", subject_kind="file", subject_id=path.name,
              detail=f"{created} added, {updated} updated")
    return ImportResult(created=created, updated=updated)
