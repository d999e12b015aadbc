"""The monthly supervision return: a workbook for the leadership team, built from the same
compliance computation as every screen (summary by service and team, a sheet per team, and a
chart of the share supervised in timescale over twelve months: a line per team, or per
service when there are more teams than a chart can tell apart)."""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from supervision_audit.dates import add_months
from supervision_audit.errors import Problem, ValidationError
from supervision_audit.exports.cells import append_row
from supervision_audit.models import (
    GroupAttendee,
    Staff,
    SupervisionRecord,
    SupervisionSession,
    Team,
)
from supervision_audit.policy import copy_due
from supervision_audit.read_cache import reading_only
from supervision_audit.services.access import Actor, visible_staff
from supervision_audit.services.compliance import Compliance, compute
from supervision_audit.services.dashboard import Trend, in_timescale_trends
from supervision_audit.services.events import log_event
from supervision_audit.services.scope import by_person, narrow, within
from supervision_audit.text_rules import printable

Progress = Callable[[int, int, str], None]
SUMMARY_HEADERS = ("Service", "Team", "Supervisees", "Sessions due", "Completed", "Postponed",
                   "Cancelled", "% in timescale at month end", "Records signed by both",
                   "Copies within 3 working days", "Contracts current", "Escalations open",
                   "ASYE supervisees on cadence", "Group supervision held",
                   "Supervision to arrange")
TEAM_HEADERS = ("Staff id", "Name", "Cadence", "Last completed", "Next due", "Overdue",
                "Days overdue", "Escalations open", "Unsigned records", "Late copies (12m)",
                "Contract", "Supervisor", "To arrange")
CHART_TEAMS = 12  # more teams than this are charted by service
HEAD_FILL = "DDE5F0"
STEPS = 16  # the progress reported: compliance, counts, twelve months, the workbook
CONTRACT_WORDS = {"missing": "missing", "draft": "not signed", "current": "current",
                  "review_due": "review due"}


def parse_month(text: str) -> tuple[date, date]:
    """'YYYY-MM' as its first and last days; ValidationError for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValidationError(Problem("month", f"'{text}' is not a month (use YYYY-MM, e.g. "
                                               "2026-10)"))
    first = date(int(match[1]), int(match[2]), 1)
    return first, date.fromordinal(add_months(first, 1).toordinal() - 1)


@dataclass
class TeamLine:
    service: str
    team: str
    rows: list[Compliance]
    due: int = 0
    completed: int = 0
    postponed: int = 0
    cancelled: int = 0
    signed: int = 0
    copies_on_time: int = 0
    group_held: bool = False

    @property
    def percent_in_timescale(self) -> float | None:
        return round(100 * sum(not r.overdue for r in self.rows) / len(self.rows), 1) \
            if self.rows else None

    def cells(self) -> list[object]:
        asye = [r for r in self.rows if r.cadence.startswith("asye")]
        return [self.service, self.team, len(self.rows), self.due, self.completed,
                self.postponed, self.cancelled, self.percent_in_timescale, self.signed,
                self.copies_on_time,
                sum(r.contract_status == "current" for r in self.rows),
                sum(1 for r in self.rows for e in r.escalations if e["reported_on"] is None),
                f"{sum(not r.overdue for r in asye)} of {len(asye)}" if asye else "none",
                "Yes" if self.group_held else "No", sum(bool(r.reasons) for r in self.rows)]


def team_lines(session: Session, rows: list[Compliance], first: date, last: date,
               people: Collection[uuid.UUID] | None = None
               ) -> tuple[list[TeamLine], Counter[str]]:
    """The summary per team, and the reasons for postponements and cancellations counted.
    ``people``: the scope ``rows`` were worked out for (None: the organisation), named in
    the queries when it is small (``scope.narrow``)."""
    # the team of each supervisee in ``rows`` (anyone else's sessions are not counted)
    team_of = {uuid.UUID(r.uuid): r.team or "No team" for r in rows}
    scope = narrow(session, people) and frozenset(team_of)
    by_team: dict[str, list[Compliance]] = defaultdict(list)
    for r in rows:
        by_team[r.team or "No team"].append(r)
    services = dict(session.exec(select(Team.name, Team.service).where(
        within(Team.name, None if scope is None else frozenset(by_team)))).all())
    lines = {name: TeamLine(services.get(name, ""), name, members)
             for name, members in by_team.items()}
    reasons: Counter[str] = Counter()
    S, R = SupervisionSession, SupervisionRecord
    read = session.connection().execute  # rows as SQLite makes them, not all at once
    for supervisee, status, reason in read(
            select(S.supervisee_id, S.status, S.reason)
            .where(S.planned_date >= first, S.planned_date <= last,
                   within(S.supervisee_id, scope))):
        line = lines.get(team_of.get(supervisee, ""))
        if line is None:
            continue
        line.due += 1
        line.completed += status == "completed"
        line.postponed += status == "postponed"
        line.cancelled += status == "cancelled"
        if status in ("postponed", "cancelled"):
            reasons[reason or "No reason given"] += 1
    for supervisee, held_on, locked_at, given in read(
            select(R.supervisee_id, R.held_on, R.locked_at, R.copy_given_on)
            .where(R.status == "complete", by_person(R.held_on, scope) >= first,
                   by_person(R.held_on, scope) <= last, R.supervisee_id != None,  # noqa: E711
                   within(R.supervisee_id, scope))):
        line = lines.get(team_of.get(supervisee, ""))
        if line is None:
            continue
        line.signed += locked_at is not None
        line.copies_on_time += given is not None and given <= copy_due(held_on)
    held = session.exec(
        select(Team.name).join(Staff, Staff.team_id == Team.id)
        .join(GroupAttendee, GroupAttendee.staff_id == Staff.id)
        .join(R, R.id == GroupAttendee.record_id)
        .where(R.form_key == "group", R.held_on >= first, R.held_on <= last,
               within(Team.name, None if scope is None else frozenset(lines))).distinct())
    for team_name in held:
        if team_name in lines:
            lines[team_name].group_held = True
    ordered = sorted(lines.values(), key=lambda line: (line.service, line.team))
    return ordered, reasons


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\\/*?:\[\]]", " ", printable(name, multiline=False))[:31].strip() or "Team"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = f"{base[:31 - len(suffix)]}{suffix}", n + 1
    used.add(title.lower())
    return title


def _day(iso: str | None) -> date | None:
    """An ISO date as a real date for a cell (shown dd/mm/yyyy, sorted as a date)."""
    return date.fromisoformat(iso) if iso else None


def _trend_table(ws: Any, trend: Trend) -> list[date]:
    """Month ends down, groups across, percentages in the cells; returns the month ends."""
    names = sorted(trend)
    append_row(ws, ["Month end"] + names)
    months = [day for day, _ in next(iter(trend.values()))] if trend else []
    shares = {name: dict(trend[name]) for name in names}
    for i, day in enumerate(months):
        append_row(ws, [day] + [round(100 * v, 1) if (v := shares[name].get(day)) is not None
                           else None for name in names])
        ws.cell(row=i + 2, column=1).number_format = "MMM YYYY"
    return months


def build_monthly_return(session: Session, actor: Actor, month: str, out: Path, *,
                         progress: Progress | None = None,
                         cancelled: Callable[[], bool] | None = None,
                         today: date | None = None) -> Path:
    """Write the month's return to ``out`` (whole or not at all); logged.

    ``progress(done, total, what)`` is called as it goes; ``cancelled()`` returning True stops
    it, writing nothing.
    """
    first, last = parse_month(month)
    as_of = min(last, today or date.today())
    tick = progress or (lambda done, total, what: None)
    stop = cancelled or (lambda: False)

    def step(done: int, what: str) -> None:
        if stop():
            raise ValidationError(Problem("month", "The monthly return was cancelled; nothing "
                                                   "was written."))
        tick(done, STEPS, what)

    # everything before the log entry only reads: answers shared as in a read session
    with reading_only(session):
        _write_return(session, actor, people_of(session, actor), first, last, as_of, out,
                      step)
    log_event(session, actor.who, "monthly_return.export", subject_kind="report",
              subject_id=month, detail=Path(out).name)
    tick(STEPS, STEPS, "Done")
    return Path(out)


def people_of(session: Session, actor: Actor) -> set[uuid.UUID]:
    """Whom ``actor``'s return counts: everyone they see but themself."""
    return set(visible_staff(session, actor) - {actor.staff_id})


def _write_return(session: Session, actor: Actor, people: set[uuid.UUID], first: date,
                  last: date, as_of: date, out: Path, step: Callable[[int, str], None]
                  ) -> None:
    from openpyxl import Workbook

    from supervision_audit.exports.atomic import atomic_output

    step(0, "Working out compliance")
    rows = compute(session, as_of, people)
    step(1, "Counting sessions and records")
    lines, reasons = team_lines(session, rows, first, last, people)
    wb = Workbook()
    _summary_sheet(wb.active, lines, rows, reasons, first, as_of)
    _team_sheets(wb, lines)
    step(2, "Twelve months in timescale")
    months = _trend_sheets(wb, in_timescale_trends(session, people, as_of))
    for i in range(months):
        step(3 + i, f"Month {i + 1} of {months}")
    step(STEPS - 1, "Writing the workbook")
    with atomic_output(Path(out)) as tmp:
        wb.save(tmp)


def _summary_sheet(summary: Any, lines: list[TeamLine], rows: list[Compliance],
                   reasons: Counter[str], first: date, as_of: date) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    from supervision_audit.exports.sheet_layout import well_formed

    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor=HEAD_FILL)
    summary.title = "Summary"
    append_row(summary, [f"Monthly supervision return: {first:%B %Y} "
                         f"(figures at {as_of:%d/%m/%Y})"])
    summary["A1"].font = Font(bold=True, size=13)
    append_row(summary, [])
    append_row(summary, list(SUMMARY_HEADERS))
    for cell in summary[3]:
        cell.font, cell.fill = bold, head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for line in lines:
        append_row(summary, line.cells())
    total = TeamLine("All", "All teams", rows, *(sum(getattr(x, a) for x in lines) for a in (
        "due", "completed", "postponed", "cancelled", "signed", "copies_on_time")),
        group_held=all(x.group_held for x in lines) if lines else False)
    cells = total.cells()
    cells[13] = f"{sum(x.group_held for x in lines)} of {len(lines)}"
    append_row(summary, cells)
    for cell in summary[summary.max_row]:
        cell.font = bold
    append_row(summary, [])
    append_row(summary, ["Reasons for postponements and cancellations", "Count"])
    for cell in summary[summary.max_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")  # not cut by "Count"
    summary.row_dimensions[summary.max_row].height = 30  # two lines (not all readers size it)
    # most given first; equal counts by name (not by the order the sessions were read in)
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])) or [
            ("None this month", 0)]:
        append_row(summary, [reason, count])
    # headings wrap in narrow columns; the total and the reasons below are not filtered
    well_formed(summary, header_row=3, freeze="C4", autofilter=False, title_rows=2,
                widths=dict(zip("ABCDEFGHIJKLMNO", (32, 24) + (12,) * 13, strict=True)))
    summary.row_dimensions[3].height = 62


def _team_sheets(wb: Any, lines: list[TeamLine]) -> None:
    """A sheet per team: its people's figures."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from supervision_audit.exports.sheet_layout import well_formed

    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor=HEAD_FILL)
    used = {"summary", "in timescale", "in timescale by team"}
    for line in lines:
        ws = wb.create_sheet(_sheet_name(line.team, used))
        append_row(ws, [f"{line.team} ({line.service})" if line.service else line.team])
        ws["A1"].font = Font(bold=True, size=12)
        append_row(ws, list(TEAM_HEADERS))
        for cell in ws[2]:
            cell.font, cell.fill = bold, head_fill
        for r in line.rows:
            append_row(ws, [r.staff_id, r.name, r.cadence, _day(r.last_completed),
                            _day(r.next_due),
                       "Yes" if r.overdue else "No", r.days_overdue,
                       sum(e["reported_on"] is None for e in r.escalations), r.unsigned_records,
                       r.late_copies_12m, CONTRACT_WORDS.get(r.contract_status,
                                                             r.contract_status),
                       r.supervisor_id or "", "; ".join(r.reasons)])
        well_formed(ws, header_row=2, title_rows=1, widths={"M": 36})
        for cell in ws[2]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _trend_sheets(wb: Any, trends: dict[str, Trend]) -> int:
    """The twelve months in timescale: a table and its chart (a line per team while they
    can be told apart; else a line per service, and the teams' figures on a sheet of their
    own). Returns how many months."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.utils import get_column_letter

    from supervision_audit.exports.sheet_layout import well_formed

    by_service = len(trends["team"]) > CHART_TEAMS and set(trends["service"]) != {"No service"}
    chart_ws = wb.create_sheet("In timescale")
    months = _trend_table(chart_ws, trends["service" if by_service else "team"])
    well_formed(chart_ws)
    if by_service:
        by_team = wb.create_sheet("In timescale by team")
        _trend_table(by_team, trends["team"])
        well_formed(by_team)
    if months:
        chart = LineChart()
        chart.title = "% supervised in timescale at month end" + (
            ", by service" if by_service else "")
        chart.y_axis.title, chart.x_axis.title = "%", "Month"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        chart.height, chart.width = 9, 22
        series = chart_ws.max_column - 1
        data = Reference(chart_ws, min_col=2, max_col=1 + series, min_row=1,
                         max_row=1 + len(months))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(chart_ws, min_col=1, min_row=2, max_row=1 + len(months)))
        chart.x_axis.number_format = "mmm yy"
        chart_ws.add_chart(chart, f"{get_column_letter(series + 3)}2")
    return len(months)
