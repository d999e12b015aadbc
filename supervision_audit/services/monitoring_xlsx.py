"""The monitoring sheet in Excel, both ways, in the paper layout (Appendix 3).

A1 "Supervisee:", B1 the name, C1 "Supervisor:", D1 the name; row 3 the headers; entries
from row 4; one worksheet per supervisee. Import reads the same layout (a staff id or a full
name in B1/D1; dates as spreadsheet dates or dd/mm/yyyy; times as spreadsheet times or
HH:MM; status in any case, "Postpond" accepted), all or nothing.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from supervision_audit.dates import parse_date, plausibility_problem
from supervision_audit.errors import Problem, ValidationError
from supervision_audit.forms.monitoring import MONITORING_HEADERS
from supervision_audit.models import Staff, SupervisionSession, utcnow
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.sessions import MANAGER_ROLES, sessions_of
from supervision_audit.services.staff import get_staff
from supervision_audit.services.tabular import cell_text, is_blank, read_xlsx_sheets
from supervision_audit.text_rules import FREE_TEXT_MAX, printable, text_problem

EXPORT_STATUS = {"planned": "", "completed": "Completed", "postponed": "Postponed",
                 "cancelled": "Cancelled"}
MIGRATION_EVENT = "monitoring.migrate"  # a line brought in by an administrator's migration role
IMPORT_STATUS = {"": "planned", "planned": "planned", "completed": "completed",
                 "complete": "completed", "postponed": "postponed", "postpond": "postponed",
                 "postponded": "postponed", "cancelled": "cancelled", "canceled": "cancelled"}


def _sheet_title(name: str, staff_id: str, used: set[str]) -> str:
    base = re.sub(r"[\\/*?:\[\]]", " ", printable(f"{name} {staff_id}", multiline=False)
                  )[:31].strip() or "Supervisee"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def export_monitoring(session: Session, actor: Actor, people: list[uuid.UUID], out: Path
                      ) -> Path:
    """One worksheet per supervisee, in the paper layout; written whole or not at all."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from supervision_audit.exports.atomic import atomic_output
    from supervision_audit.exports.cells import put_text
    from supervision_audit.exports.sheet_layout import well_formed

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for staff_uuid in people:
        require(session, actor, Action.READ_FILE, staff_uuid)
        person = get_staff(session, staff_uuid)
        boss = session.get(Staff, person.supervisor_id) if person.supervisor_id else None
        ws = wb.create_sheet(_sheet_title(person.name, person.staff_id, used))
        for ref, text in (("A1", "Supervisee:"), ("B1", person.name), ("C1", "Supervisor:"),
                          ("D1", boss.name if boss else "")):
            put_text(ws[ref], text)
        for column, header in enumerate(MONITORING_HEADERS, start=1):
            put_text(ws.cell(row=3, column=column), header)
            ws.cell(row=3, column=column).font = bold
        for row, planned in enumerate(sessions_of(session, staff_uuid), start=4):
            ws.cell(row=row, column=1, value=planned.planned_date).number_format = "DD/MM/YYYY"
            if planned.planned_time is not None:
                ws.cell(row=row, column=2, value=planned.planned_time).number_format = "HH:MM"
            if EXPORT_STATUS[planned.status]:
                put_text(ws.cell(row=row, column=3), EXPORT_STATUS[planned.status])
            if planned.rescheduled_for is not None:
                cell = ws.cell(row=row, column=4, value=planned.rescheduled_for)
                cell.number_format = "DD/MM/YYYY"
            text = "; ".join(t for t in (planned.reason, planned.comments) if t)
            if text:
                put_text(ws.cell(row=row, column=5), text)
            ws.cell(row=row, column=5).alignment = Alignment(wrap_text=True)
        # the paper form's columns; its header repeated on every printed page, one page wide
        well_formed(ws, header_row=3, widths=dict(zip("ABCDE", (14, 24, 22, 24, 60),
                                                      strict=True)))
        log_event(session, actor.who, "monitoring.export", subject_kind="staff",
                  subject_id=person.id, about_staff_id=person.id, detail=Path(out).name)
    if not wb.worksheets:
        wb.create_sheet("Monitoring")
    with atomic_output(Path(out)) as tmp:
        wb.save(tmp)
    return Path(out)


@dataclass(frozen=True)
class Entry:
    row: int
    planned_date: date
    planned_time: time | None
    status: str
    rescheduled_for: date | None
    text: str


@dataclass(frozen=True)
class SheetImport:
    title: str
    supervisee: Staff
    entries: list[Entry]


@dataclass(frozen=True)
class MonitoringImportResult:
    sheets: int
    created: int
    updated: int


def _person(session: Session, text: str, everyone: list[Staff]) -> tuple[Staff | None, str]:
    if not text:
        return None, "is empty: give the staff id or full name"
    by_id = [p for p in everyone if p.staff_id == text]
    if by_id:
        return by_id[0], ""
    by_name = [p for p in everyone if p.name.casefold() == text.casefold()]
    if len(by_name) == 1:
        return by_name[0], ""
    if len(by_name) > 1:
        return None, f"'{text}' names {len(by_name)} people: use the staff id"
    return None, f"'{text}' is not a member of staff (by staff id or full name)"


def _time(value: Any) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    text = cell_text(value)
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"'{text}' is not a time of day (HH:MM)")
    return time(int(match[1]), int(match[2]))


def _entries(title: str, rows: list[tuple[Any, ...]]) -> tuple[list[Entry], list[Problem]]:
    entries, problems = [], []
    for offset, row in enumerate(rows[3:]):
        number = offset + 4
        cells = list(row) + [None] * (5 - len(row))
        if is_blank(tuple(cells[:5])):
            continue

        def bad(column: int, message: str, n: int = number) -> None:
            problems.append(Problem(f"'{title}' {MONITORING_HEADERS[column]}", message, row=n))

        try:
            day = parse_date(cells[0])
            if day is None:
                bad(0, "the date is empty")
            elif plausibility_problem(day):
                bad(0, plausibility_problem(day))
                day = None
        except ValueError as exc:
            day = None
            bad(0, str(exc))
        try:
            at = _time(cells[1])
        except ValueError as exc:
            at = None
            bad(1, str(exc))
        status = IMPORT_STATUS.get(cell_text(cells[2]).casefold())
        if status is None:
            bad(2, f"'{cell_text(cells[2])}' is not Completed, Postponed or Cancelled")
        try:
            again = parse_date(cells[3])
            if again is not None and plausibility_problem(again):
                bad(3, plausibility_problem(again))
                again = None
        except ValueError as exc:
            again = None
            bad(3, str(exc))
        text = cell_text(cells[4])
        text_wrong = text_problem(text, FREE_TEXT_MAX, multiline=True)
        if text_wrong:
            bad(4, f"the text {text_wrong}")
        if day and again and again <= day:
            bad(3, "the rescheduled date is not after the missed date")
        if again and status not in ("postponed", "cancelled", None):
            bad(3, "only a postponed or cancelled session has a rescheduled date")
        if status in ("postponed", "cancelled") and not text:
            bad(4, "a postponed or cancelled session needs its reason")
        if day and status:
            entries.append(Entry(number, day, at, status, again, text))
    return entries, problems


def read_monitoring(session: Session, path: Path) -> list[SheetImport]:
    """Read and check every sheet; raise ValidationError listing every problem."""
    everyone = list(session.exec(select(Staff)))
    sheets, problems = [], []
    for title, rows in read_xlsx_sheets(Path(path)):
        if not rows or all(is_blank(r) for r in rows):
            continue
        head = list(rows[0]) + [None] * 4
        if cell_text(head[0]).rstrip(":").casefold() != "supervisee" or \
                cell_text(head[2]).rstrip(":").casefold() != "supervisor":
            problems.append(Problem(f"'{title}' A1:D1", "expected 'Supervisee:' in A1 and "
                                                        "'Supervisor:' in C1", row=1))
            continue
        header = [cell_text(c).casefold() for c in (list(rows[2]) if len(rows) > 2 else [])]
        if [h.split()[0] if h else "" for h in header[:2]] != ["date", "time"]:
            problems.append(Problem(f"'{title}' row 3", "expected the headers " +
                                    " | ".join(MONITORING_HEADERS), row=3))
            continue
        person, why = _person(session, cell_text(head[1]), everyone)
        if person is None:
            problems.append(Problem(f"'{title}' Supervisee (B1)", why, row=1))
        boss_text = cell_text(head[3])
        if boss_text:
            boss, why = _person(session, boss_text, everyone)
            if boss is None:
                problems.append(Problem(f"'{title}' Supervisor (D1)", why, row=1))
        entries, entry_problems = _entries(title, rows)
        problems += entry_problems
        if person is not None:
            sheets.append(SheetImport(title, person, entries))
    if not sheets and not problems:
        problems.append(Problem("file", "The workbook has no monitoring sheets"))
    if problems:
        raise ValidationError(problems, summary=f"{Path(path).name} was not imported: "
                                                "nothing was changed.")
    return sheets


def _rescheduled_recorded_on(row: SupervisionSession, entry: Entry) -> date | None:
    """R2: a new date written on the sheet was noted when the miss was recorded (so an import
    on any day gives the same answer); one already entered in the app keeps its own day."""
    if entry.rescheduled_for is None:
        return None
    if row.rescheduled_for == entry.rescheduled_for and row.rescheduled_recorded_on:
        return row.rescheduled_recorded_on
    return entry.planned_date


def _as_exported(row: SupervisionSession) -> tuple[time | None, str, date | None, str]:
    """What the export writes for ``row`` (time to the minute; reason and comments joined),
    in the terms of an :class:`Entry`."""
    at = row.planned_time.replace(second=0, microsecond=0) if row.planned_time else None
    text = "; ".join(t for t in (row.reason, row.comments) if t)
    return at, row.status, row.rescheduled_for, text


def import_monitoring(session: Session, actor: Actor, path: Path, *,
                      migration: bool = False) -> MonitoringImportResult:
    """Bring in monitoring sheets, matching existing sessions by supervisee and date.

    Each person's own supervisor brings in their sheets. ``migration``: an administrator
    brings in historical sheets for anyone, in any team (the migration role), and every line
    written is logged as brought in under that role, by whom (``MIGRATION_EVENT``).

    An entry that says what the export of its session would say changes nothing (so a sheet
    exported and imported again, unchanged, updates nothing and is not logged)."""
    if migration:
        require(session, actor, Action.MIGRATE_MONITORING)
    sheets = read_monitoring(session, Path(path))
    if not migration:
        for sheet in sheets:
            require(session, actor, Action.WRITE_RECORDS, sheet.supervisee.id)
    created = updated = 0
    for sheet in sheets:
        person = sheet.supervisee
        existing = {s.planned_date: s for s in sessions_of(session, person.id)}
        written: set[uuid.UUID] = set()  # sessions this sheet created or changed
        for entry in sheet.entries:
            row = existing.get(entry.planned_date)
            if row is None:
                row = SupervisionSession(
                    supervisee_id=person.id, supervisor_id=person.supervisor_id,
                    kind="manager" if person.role in MANAGER_ROLES else "individual",
                    planned_date=entry.planned_date)
                session.add(row)
                existing[entry.planned_date] = row
                created += 1
            elif _as_exported(row) == (entry.planned_time, entry.status,
                                       entry.rescheduled_for, entry.text):
                continue
            else:
                updated += 1
            written.add(row.id)
            row.planned_time = entry.planned_time
            row.status = entry.status
            missed = entry.status in ("postponed", "cancelled")
            row.reason, row.comments = (entry.text, "") if missed else ("", entry.text)
            row.rescheduled_recorded_on = _rescheduled_recorded_on(row, entry)
            row.rescheduled_for = entry.rescheduled_for
            row.updated_at = utcnow()
        session.flush()  # new sessions exist before any link to them
        for row in existing.values():
            # a changed entry links to the session on its new date (or none); an unchanged
            # one keeps its link, and gains one only if its new date's session is new here
            follow = existing.get(row.rescheduled_for) if row.rescheduled_for else None
            link = follow.id if follow is not None else None
            if row.id in written or (row.rescheduled_session_id is None and link is not None):
                if row.rescheduled_session_id != link:
                    row.rescheduled_session_id = link
                    if row.id not in written:
                        written.add(row.id)
                        updated += 1
        if not written:
            continue
        session.flush()
        if migration:
            _log_migrated(session, actor, Path(path).name, person,
                          [row for row in existing.values() if row.id in written])
        else:
            log_event(session, actor.who, "monitoring.import", subject_kind="staff",
                      subject_id=person.id, about_staff_id=person.id,
                      detail=f"{Path(path).name}: {len(written)} sessions added or changed")
    return MonitoringImportResult(len(sheets), created, updated)


def _log_migrated(session: Session, actor: Actor, file_name: str, person: Staff,
                  rows: list[SupervisionSession]) -> None:
    """One log entry for each line brought in under the migration role, saying so and who
    brought it in (the entry's own actor is the same person)."""
    for row in sorted(rows, key=lambda r: r.planned_date):
        log_event(session, actor.who, MIGRATION_EVENT, subject_kind="session",
                  subject_id=row.id, about_staff_id=person.id,
                  detail=f"{file_name}: {row.planned_date.isoformat()} {row.status}; brought in "
                         f"under the migration role by {actor.name} ({actor.username})")
