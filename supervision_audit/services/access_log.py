"""The access log as people read it: who opened, exported or printed what, for a person or a
period; viewable and exportable by administrators and senior managers."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from supervision_audit.dates import parse_date
from supervision_audit.errors import Problem, ValidationError
from supervision_audit.models import Staff
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import events, log_event
from supervision_audit.services.staff import get_by_staff_id

COLUMNS = ("when", "who", "action", "record", "about", "detail")
WHEN_FORMAT = "%d/%m/%Y %H:%M:%S"  # local time, as the log is shown


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` in this computer's time zone, as a UTC moment."""
    return datetime.combine(day, time.min).astimezone(UTC)


def _day(text: str | date | None, field: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValidationError(Problem(field, str(exc))) from exc


def access_log(
    session: Session,
    actor: Actor,
    *,
    staff_id: str | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
) -> list[dict[str, Any]]:
    """Entries about one person (by staff id) and/or a period (inclusive dates), newest first.

    Administrators see everything; a senior manager sees entries about people below them.
    Viewing the log is itself logged.
    """
    about = get_by_staff_id(session, staff_id) if staff_id else None
    require(session, actor, Action.VIEW_LOG, about.id if about else None)
    first, last = _day(start, "from"), _day(end, "to")
    if first and last and last < first:
        raise ValidationError(Problem("to", "The period ends before it starts"))
    rows = events(session, about_staff_id=about.id if about else None,
                  since=_local_midnight(first) if first else None,
                  until=_local_midnight(last + timedelta(days=1)) if last else None)
    names = _names(session)
    allowed = None
    if not actor.is_admin and not actor.is_system and about is None:
        from supervision_audit.services.access import visible_staff

        allowed = visible_staff(session, actor) - {actor.staff_id}
    out = []
    for entry in rows:
        if allowed is not None and entry.about_staff_id not in allowed:
            continue
        out.append({
            "when": entry.at.astimezone().strftime(WHEN_FORMAT),
            "who": entry.actor_username,
            "action": entry.action,
            "record": f"{entry.subject_kind} {entry.subject_id}".strip(),
            "about": names.get(entry.about_staff_id, "") if entry.about_staff_id else "",
            "detail": entry.detail,
        })
    log_event(session, actor.who, "log.view", subject_kind="log",
              about_staff_id=about.id if about else None,
              detail=f"from {first or '-'} to {last or '-'}")
    return out


def _names(session: Session) -> dict[Any, str]:
    from sqlmodel import select

    return {s.id: f"{s.name} ({s.staff_id})" for s in session.exec(select(Staff))}


def write_access_log(rows: list[dict[str, Any]], out: Path) -> Path:
    """The rows as CSV, or as a workbook for a .xlsx name; written whole or not at all.
    The workbook's When is a real date and time (it sorts as one); the CSV is UTF-8 with a
    byte-order mark, so Excel and LibreOffice read its names as written ("Łucja Żak")."""
    from supervision_audit.exports.atomic import atomic_output
    from supervision_audit.exports.cells import append_row, csv_cell
    from supervision_audit.exports.sheet_layout import well_formed

    with atomic_output(Path(out)) as tmp:
        if Path(out).suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            ws.title = "Access log"
            append_row(ws, [c.capitalize() for c in COLUMNS])
            for row in rows:
                append_row(ws, [datetime.strptime(row["when"], WHEN_FORMAT)]
                           + [row[c] for c in COLUMNS[1:]])
            well_formed(ws)
            wb.save(tmp)
        else:
            with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
                writer = csv.writer(fh)
                writer.writerow(COLUMNS)
                writer.writerows([csv_cell(row[c]) for c in COLUMNS] for row in rows)
    return Path(out)
