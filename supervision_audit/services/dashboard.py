"""What the dashboard shows: counts and lists for the signed-in person's scope, drawn from the
one compliance computation, and the share supervised in timescale month by month."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import String, type_coerce
from sqlmodel import Session, col, select

from supervision_audit.dates import add_months
from supervision_audit.models import GroupAttendee, Staff, SupervisionRecord, Team
from supervision_audit.services.access import Actor, visible_staff
from supervision_audit.services.audit_queue import audit_queue
from supervision_audit.services.compliance import (
    NO_SUPERVISOR,
    Compliance,
    Supervised,
    compute,
    overdue_on,
)
from supervision_audit.services.scope import narrow, within
from supervision_audit.services.signatures import YOUR_SIGNATURE, TaskItem, tasks_for


@dataclass(frozen=True)
class Item:
    """One line of a dashboard list: what it is about and what to open."""

    title: str
    detail: str
    staff_uuid: uuid.UUID | None = None
    record_id: uuid.UUID | None = None
    urgent: bool = False
    action: str = ""  # what opening it does: "sign" the record, "audit" the person's file


@dataclass
class Dashboard:
    as_of: date
    people: int
    overdue: list[Item] = field(default_factory=list)
    escalations: list[Item] = field(default_factory=list)
    awaiting_signature: list[Item] = field(default_factory=list)
    copies_due: list[Item] = field(default_factory=list)
    contracts_due: list[Item] = field(default_factory=list)
    to_arrange: list[Item] = field(default_factory=list)
    asye_due: list[Item] = field(default_factory=list)
    teams_without_group: list[Item] = field(default_factory=list)
    audits_due: list[Item] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[Item]]]:
        return [("Overdue supervision", self.overdue), ("Escalations", self.escalations),
                ("Records awaiting signature", self.awaiting_signature),
                ("Copies due", self.copies_due), ("Contracts due for review",
                                                  self.contracts_due),
                ("Supervision to arrange", self.to_arrange),
                ("ASYE milestones overdue", self.asye_due),
                ("Teams without group supervision this month", self.teams_without_group),
                ("Audits due", self.audits_due)]


def _teams_without_group(session: Session, people: set[uuid.UUID], as_of: date) -> list[Item]:
    start = as_of.replace(day=1)
    scope = narrow(session, people)
    if scope is None:
        # the teams of the active people in scope (matched here: an IN of thousands of ids
        # costs more than reading every active person's team)
        ids = {person.hex for person in people}
        team_ids = {team for person, team in session.connection().execute(
            select(type_coerce(Staff.id, String), Staff.team_id).where(
                Staff.active == True, Staff.team_id != None))  # noqa: E711, E712
            if person in ids}
    else:
        team_ids = set(session.exec(select(Staff.team_id).where(
            within(Staff.id, scope), Staff.active == True,  # noqa: E712
            col(Staff.team_id).is_not(None))))
    if not team_ids:
        return []
    held = set(session.exec(
        select(Staff.team_id).join(GroupAttendee, GroupAttendee.staff_id == Staff.id)
        .join(SupervisionRecord, SupervisionRecord.id == GroupAttendee.record_id)
        .where(SupervisionRecord.form_key == "group", SupervisionRecord.status == "complete",
               SupervisionRecord.held_on >= start, SupervisionRecord.held_on <= as_of,
               within(Staff.team_id, None if scope is None else frozenset(team_ids)))))
    out = []
    for team in session.exec(select(Team).where(col(Team.id).in_(team_ids))
                             .order_by(col(Team.name))):
        if team.id not in held and team.name != "Leadership":
            out.append(Item(team.name, f"no group supervision since {start:%d/%m/%Y}"))
    return out


def build(session: Session, actor: Actor, as_of: date | None = None) -> Dashboard:
    """The counts and lists for ``actor``'s scope. Each list comes most urgent first (the
    page shows a list's first lines): the longest overdue, the reports already late, the
    oldest late copies; otherwise by name."""
    as_of = as_of or date.today()
    people = visible_staff(session, actor) - {actor.staff_id}
    rows = compute(session, as_of, people)
    board = Dashboard(as_of=as_of, people=len(rows))
    escalations: list[tuple[tuple[bool, str], Item]] = []
    for r in rows:
        who = uuid.UUID(r.uuid)
        if r.overdue:
            board.overdue.append(Item(r.name, f"{r.days_overdue} days overdue (due "
                                              f"{_d(r.next_due)})", who, urgent=True))
        for e in r.escalations:
            if e["reported_on"] is None:
                escalations.append(((not e["overdue"], e["report_due"] or ""), Item(
                    r.name, f"missed {_d(e['missed_date'])}: report to the line manager by "
                            f"{_d(e['report_due'])}", who, urgent=e["overdue"])))
        if r.contract_status != "current":
            board.contracts_due.append(Item(r.name, CONTRACT_NOTES.get(
                r.contract_status, r.contract_status), who))
        if r.reasons:
            board.to_arrange.append(Item(r.name, "; ".join(r.reasons), who,
                                         urgent=NO_SUPERVISOR in r.reasons))
        for milestone in r.asye_milestones_overdue:
            board.asye_due.append(Item(r.name, f"{milestone} overdue", who, urgent=True))
    # rows come by name; sorted() keeps that order among equals
    overdue_days = {r.uuid: r.days_overdue for r in rows}
    board.overdue.sort(key=lambda item: -overdue_days[str(item.staff_uuid)])
    board.escalations = [item for _key, item in sorted(escalations, key=lambda e: e[0])]
    tasks = sorted(tasks_for(session, actor, as_of),
                   key=lambda t: (not t.late, t.due or t.held_on))
    for task in tasks:
        board_list = board.copies_due if task.what == "copy due" else board.awaiting_signature
        board_list.append(_task_item(task))
    board.teams_without_group = _teams_without_group(session, people, as_of)
    board.audits_due = [Item(line.supervisee, line.detail(), line.supervisee_id,
                             urgent=line.overdue, action="audit")
                        for line in audit_queue(session, actor, as_of).lines]
    return board


CONTRACT_NOTES = {"missing": "no contract", "draft": "contract not yet signed by both",
                  "review_due": "contract due for review"}


def _task_item(task: TaskItem) -> Item:
    when = f"session {task.held_on:%d/%m/%Y}"
    if task.due is not None:
        when += f", copy due {task.due:%d/%m/%Y}{' (late)' if task.late else ''}"
    return Item(task.supervisee, f"{task.what}; {when}", record_id=task.record_id,
                urgent=task.late, action="sign" if task.what == YOUR_SIGNATURE else "")


def _d(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


Trend = dict[str, list[tuple[date, float | None]]]
EVERYONE = "Everyone in your scope"
GROUPS: dict[str, Callable[[Supervised], str]] = {
    "team": lambda person: person.team or "No team",
    "service": lambda person: person.service or "No service",
    "all": lambda _person: EVERYONE}


def in_timescale_by_month(session: Session, people: set[uuid.UUID] | None, until: date,
                          months: int = 12, *, by: str = "team") -> Trend:
    """Per team (or per service, ``by="service"``), by name: for each month end, the share
    of supervisees not overdue on that day (``until`` for the month not yet over); None on a
    day the group had nobody counted (R10: not yet employed, or gone)."""
    return in_timescale_trends(session, people, until, months, groups=(by,))[by]


def in_timescale_trends(session: Session, people: set[uuid.UUID] | None, until: date,
                        months: int = 12, *, groups: tuple[str, ...] = ("team", "service")
                        ) -> dict[str, Trend]:
    """The trend of ``in_timescale_by_month`` grouped each way in ``groups`` at once.

    By definition, for each month end ``day``: ``share`` of the rows of ``compute(session,
    day, people)`` of the group; worked out with ``compliance.overdue_on`` (one pass over the
    completed sessions) rather than the whole computation for each month.
    """
    if unknown := set(groups) - set(GROUPS):
        raise ValueError(f"no grouping {sorted(unknown)}: use {sorted(GROUPS)}")
    days = [min(_month_end(add_months(until, -i)), until) for i in range(months - 1, -1, -1)]
    flags = overdue_on(session, days, people) if days else []
    out: dict[str, Trend] = {}
    for by in groups:
        key = GROUPS[by]
        counts: dict[str, list[list[int]]] = {}
        for person, overdue in flags:
            tally = counts.setdefault(key(person), [[0, 0] for _ in days])
            for pair, late in zip(tally, overdue, strict=True):
                if late is None:
                    continue  # not counted that day (not yet employed, or gone)
                pair[0] += not late
                pair[1] += 1
        out[by] = {name: [(day, ok / total if total else None)
                          for day, (ok, total) in zip(days, tally, strict=True)]
                   for name, tally in sorted(counts.items())}
    return out


def _month_end(day: date) -> date:
    first_next = add_months(day.replace(day=1), 1)
    return date.fromordinal(first_next.toordinal() - 1)


def share(rows: list[Compliance]) -> float | None:
    return sum(0 if r.overdue else 1 for r in rows) / len(rows) if rows else None
