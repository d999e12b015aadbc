"""Compliance as data: the policy's rules applied to every active supervisee at once.

Every screen and report reads this one computation. The counts are aggregated in SQL (a
query per measure, each served by an index of migration 0008, so none reads the records'
values); the rules themselves come from ``policy``. ``overdue_on`` answers the "overdue?"
of ``compute`` for many days at once (the twelve-month trend of the dashboard and the
monthly return).
"""

from __future__ import annotations

import uuid
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Result, and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from supervision_audit.dates import add_months, plausibility_problem
from supervision_audit.db import memo
from supervision_audit.models import (
    Role,
    Staff,
    SupervisionRecord,
    SupervisionSession,
    SupervisorChange,
    Team,
)
from supervision_audit.policy import (
    RESCHEDULE_WINDOW_DAYS,
    Supervisee,
    cadence_on,
    copy_due,
    days_overdue,
    employed_on,
    escalation,
    next_due,
    rescheduled_outcome,
)
from supervision_audit.services.access import Actor, visible_staff
from supervision_audit.services.contracts import all_contracts, terms_of
from supervision_audit.services.in_post import Lines, SupervisorOn, lines
from supervision_audit.services.scope import Scope, by_person, narrow, within
from supervision_audit.sqlfuncs import add_days, minutes_between, uuid_key

NO_START_DATE = "no start date"
NO_SUPERVISOR = "no supervisor: line manager to arrange"
OUTSIDE = Role.OTHER.value  # with no supervisor ever recorded: not in the line (see counted_on)
# made once: an alias made anew for each computation costs more to build into its queries
# than a team manager's whole computation reads
_BOSS = aliased(Staff)  # a person's supervisor
_FOLLOW = aliased(SupervisionSession)  # the session a missed one was rebooked as


@dataclass
class Compliance:
    staff_id: str
    name: str
    supervisor_id: str | None  # the supervisor in post on the as-of date
    team: str
    cadence: str
    last_completed: str | None
    next_due: str | None
    overdue: bool
    days_overdue: int
    short_sessions_12m: int = 0
    escalations: list[dict[str, Any]] = field(default_factory=list)
    records_missing_12m: int = 0
    unsigned_records: int = 0
    late_copies_12m: int = 0
    contract_status: str = "missing"
    asye_milestones_overdue: list[str] = field(default_factory=list)
    # why this supervisee needs someone's attention beyond the figures (R10): "no start
    # date", "no supervisor: line manager to arrange", a date on file beyond reason
    reasons: list[str] = field(default_factory=list)
    uuid: str = ""

    def as_json(self) -> dict[str, Any]:
        """The row as JSON takes it, without ``dataclasses.asdict``'s deep copy of every
        list and dict inside (thousands of rows a command): the lists are copied, the
        escalations in them shared."""
        return {name: list(value) if isinstance(value, list) else value
                for name, value in self.__dict__.items() if name not in ("uuid", "team")}


@dataclass(frozen=True, slots=True)
class Supervised:
    """A member of staff as ``compute`` reads them (leavers too: a past day counts them)."""

    id: uuid.UUID
    staff_id: str
    name: str
    role: str
    asye_start: date | None
    employment_start: date | None
    supervisor_staff_id: str  # the supervisor now; "" when none
    team: str  # "" when in no team
    service: str  # the team's service; "" when none
    active: bool = True
    left_on: date | None = None
    # R10: a start date beyond reason is not used (None above) and named here
    date_reasons: tuple[str, ...] = ()
    no_start_date: bool = False  # none on file at all


@dataclass(frozen=True, slots=True)
class Counted:
    """A supervisee counted on a day (R10), with their supervisor in post that day."""

    person: Supervised
    supervisor_id: uuid.UUID | None  # None: no supervisor in post
    supervisor: SupervisorOn | None
    reasons: tuple[str, ...]


def _hex(column: Any) -> Any:
    """A UUID column as stored (32 hex digits, ``UUID.hex``): the aggregates key on it and
    make no UUID objects for the tens of thousands of rows they read."""
    return uuid_key(column)


def _rows(session: Session, query: Any) -> Result[Any]:
    """The query's rows one at a time as SQLite makes them (through Core: the ORM would make
    them all first, and the tens of thousands of the bulk queries would live long enough
    for Python's cyclic collector to walk the heap again and again while they are read)."""
    return session.connection().execute(query)


def _grouped(session: Session, query: Any) -> dict[str, Any]:
    return {key: value for key, value in _rows(session, query)}


def supervisees(session: Session, people: Collection[uuid.UUID] | None = None
                ) -> list[Supervised]:
    """Everyone on the staff list (of ``people`` when given), leavers included, by name:
    ``counted_on`` says who of them a given day counts."""
    scope = narrow(session, people)
    found = _staff_rows(session, scope)
    return found if people is None or scope is not None else \
        [p for p in found if p.id in people]


def _staff_rows(session: Session, scope: Scope) -> list[Supervised]:
    """The staff list (``scope``'s people alone, when named), by name, read once per read
    session."""
    def read() -> list[Supervised]:
        boss = _BOSS
        query = (select(Staff.id, Staff.staff_id, Staff.name, Staff.role, Staff.asye_start,
                        Staff.employment_start, boss.staff_id, Team.name, Team.service,
                        Staff.active, Staff.left_on)
                 .join(boss, boss.id == Staff.supervisor_id, isouter=True)
                 .join(Team, Team.id == Staff.team_id, isouter=True)
                 .where(within(Staff.id, scope))
                 .order_by(col(Staff.name), col(Staff.staff_id)))
        today = date.today()
        out = []
        for row in _rows(session, query):
            asye, start = row[4], row[5]
            reasons = tuple(f"{what} {wrong}; correct the staff record" for what, wrong in (
                ("employment start", plausibility_problem(start, today)),
                ("ASYE start", plausibility_problem(asye, today))) if wrong)
            out.append(Supervised(
                *row[:4], asye_start=_plausible(asye, today),
                employment_start=_plausible(start, today), supervisor_staff_id=row[6] or "",
                team=row[7] or "", service=row[8] or "", active=row[9], left_on=row[10],
                date_reasons=reasons, no_start_date=start is None and asye is None))
        return out

    return memo(session, ("compliance.supervisees", scope), read, wide=scope is None)


def _in_lines(session: Session, scope: Scope) -> tuple[Lines, list[Supervised], list[int]]:
    """The supervision history of ``scope`` (``in_post.lines``), the staff rows of everyone
    in it (the supervisors it names too) and each one's position in it."""
    line = lines(session, scope)
    staff = _staff_rows(session, None if scope is None else frozenset(line.people))
    where = memo(session, ("compliance.positions", scope),
                 lambda: [line.index[p.id] for p in staff], wide=scope is None)
    return line, staff, where


def counted_on(session: Session, day: date, people: set[uuid.UUID] | None = None
               ) -> list[Counted]:
    """R10: the supervisees a report as of ``day`` counts (of ``people`` when given), by
    name: everyone employed on ``day`` (a leaver who left later is in it), with the
    supervisor in post on ``day``. A person with no supervisor in post is counted with the
    reason "no supervisor", unless none was ever recorded and they either supervise others
    that day, heading the line of management held here (their own supervision is arranged
    above the app's records), or have the role "other" (the administrator who set the store
    up, an external inspector: outside the line, until given a supervisor).
    A person with no start date is counted with the reason "no start date"; one whose start
    date is beyond reason, with the reason and the date not used."""
    scope = narrow(session, people)
    line, staff, where = _in_lines(session, scope)
    on_day = line.on(day)
    employed = [False] * len(line.people)
    for person, at in zip(staff, where, strict=True):
        employed[at] = employed_on(person.employment_start, person.left_on, person.active, day)
    recorded = [on_day[at] for at in where]
    # the supervisor in post: the one recorded for the day, if employed that day
    bosses = [boss if boss is not None and employed[boss] else None for boss, _ in recorded]
    if scope is None:
        heads = {boss for at, boss in zip(where, bosses, strict=True) if employed[at]}
    else:  # whom the few in question supervise is outside the scope's history: asked
        heads = {line.index[head] for head in _supervising(session, {
            line.people[at] for person, at, (named, _), boss in zip(
                staff, where, recorded, bosses, strict=True)
            if employed[at] and boss is None and named is None and person.id in scope
            and person.role != OUTSIDE}, day)}
    out = []
    for person, at, (named, since), boss in zip(staff, where, recorded, bosses, strict=True):
        if not employed[at] or (people is not None and person.id not in people):
            continue
        if boss is None and named is None and (at in heads or person.role == OUTSIDE):
            continue  # heads the line held here, or stands outside it
        reasons = person.date_reasons
        if person.no_start_date:
            reasons += (NO_START_DATE,)
        if boss is None:
            reasons += (NO_SUPERVISOR,)
        out.append(Counted(person, line.people[boss] if boss is not None else None,
                           SupervisorOn(line.people[named] if named is not None else None,
                                        since), reasons))
    return out


def _supervising(session: Session, candidates: set[uuid.UUID], day: date) -> set[uuid.UUID]:
    """Those of ``candidates`` (each employed on ``day``) who supervise, on ``day``, someone
    employed that day: ``counted_on``'s "heads the line", for a few people at once."""
    if not candidates:
        return set()
    change = SupervisorChange
    ids = sorted(candidates)
    theirs = frozenset(session.exec(select(Staff.id).where(col(Staff.supervisor_id).in_(ids)))
                       ) | frozenset(session.exec(select(change.supervisee_id).where(
                           col(change.supervisor_id).in_(ids))))
    if not theirs:
        return set()
    line, staff, where = _in_lines(session, theirs)
    on_day = line.on(day)
    out = set()
    for person, at in zip(staff, where, strict=True):
        boss = on_day[at][0]
        if person.id in theirs and boss is not None and line.people[boss] in candidates \
                and employed_on(person.employment_start, person.left_on, person.active, day):
            out.add(line.people[boss])
    return out


def _plausible(day: date | None, today: date) -> date | None:
    """``day``, or None when it cannot be a real date (R10: such a date is not used)."""
    return None if day is None or plausibility_problem(day, today) else day


def _last_completed(session: Session, on: date, scope: Scope = None) -> dict[str, date]:
    """The date of each person's last completed session on or before ``on``.

    Asked person by person (the index on status, supervisee and date finds each in one
    step), which is many times quicker than grouping the sessions of everyone."""
    S = SupervisionSession
    last = (select(func.max(S.planned_date))
            .where(S.status == "completed", S.supervisee_id == Staff.id, S.planned_date <= on)
            .correlate(Staff).scalar_subquery())
    query = select(_hex(Staff.id), last).where(within(Staff.id, scope))
    return {key: day for key, day in _rows(session, query) if day is not None}


def compute(session: Session, as_of: date, people: set[uuid.UUID] | None = None
            ) -> list[Compliance]:
    """One entry per supervisee counted on ``as_of`` (``counted_on``), by name."""
    year_ago = add_months(as_of, -12)
    scope = narrow(session, people)
    counted = counted_on(session, as_of, people)
    S, R = SupervisionSession, SupervisionRecord
    last_completed = _last_completed(session, as_of, scope)
    # a named scope's rows are found by person (``scope.by_person``)
    theirs, held = within(R.supervisee_id, scope), by_person(R.held_on, scope)
    recent = and_(R.status == "complete", held > year_ago, held <= as_of,
                  R.supervisee_id != None, theirs)  # noqa: E711
    minutes = minutes_between(R.start_time, R.end_time)
    short = _grouped(session, select(_hex(R.supervisee_id), func.count()).where(
        recent, minutes < 90).group_by(R.supervisee_id))
    unsigned = _grouped(session, select(_hex(R.supervisee_id), func.count()).where(
        R.status == "complete", held <= as_of, R.locked_at == None,  # noqa: E711
        R.supervisee_id != None, theirs).group_by(R.supervisee_id))  # noqa: E711
    with_record = exists().where(R.session_id == S.id, R.status == "complete")
    missing = _grouped(session, select(_hex(S.supervisee_id), func.count()).where(
        by_person(S.status, scope) == "completed", S.planned_date > year_ago,
        S.planned_date <= as_of, within(S.supervisee_id, scope), ~with_record)
        .group_by(S.supervisee_id))
    copies: Counter[str] = Counter()
    # a copy is late only when given (or still not given) after its due date, which is at
    # least three calendar days after the session: the others need not leave SQLite
    maybe_late = or_(R.copy_given_on == None,  # noqa: E711
                     R.copy_given_on > add_days(R.held_on, 3))
    late_copies = select(_hex(R.supervisee_id), R.held_on, R.copy_given_on).where(recent,
                                                                                  maybe_late)
    for supervisee, held_on, given in _rows(session, late_copies):
        due = copy_due(held_on)
        if (given is not None and given > due) or (given is None and as_of > due):
            copies[supervisee] += 1
    escalations = _escalations(session, as_of, year_ago, scope)
    contracts = all_contracts(session, as_of, scope)
    asye = _asye_overdue(session, [c.person.id for c in counted if c.person.role == "asye"
                                   and c.person.asye_start is not None], as_of)
    staff_ids = {p.id: p.staff_id for p in _in_lines(session, scope)[1]}
    out = []
    for entry in counted:
        person, key = entry.person, entry.person.id.hex
        status, contract = contracts.status(person.id, as_of, entry.supervisor)
        terms = terms_of(person, contract)
        last = last_completed.get(key)
        due = next_due(terms, last)
        late = days_overdue(due, as_of)
        out.append(Compliance(
            staff_id=person.staff_id, name=person.name,
            supervisor_id=staff_ids.get(entry.supervisor_id) if entry.supervisor_id else None,
            team=person.team, cadence=cadence_on(terms, as_of).value,
            last_completed=last.isoformat() if last else None,
            next_due=due.isoformat() if due else None, overdue=late > 0, days_overdue=late,
            short_sessions_12m=short.get(key, 0), escalations=escalations.get(key, []),
            records_missing_12m=missing.get(key, 0), unsigned_records=unsigned.get(key, 0),
            late_copies_12m=copies.get(key, 0), contract_status=status,
            asye_milestones_overdue=asye.get(person.id, []), reasons=list(entry.reasons),
            uuid=str(person.id)))
    return out


def _asye_overdue(session: Session, ids: list[uuid.UUID], on: date
                  ) -> dict[uuid.UUID, list[str]]:
    from supervision_audit.services.asye import overdue_for

    if not ids:
        return {}
    return overdue_for(session, list(session.exec(select(Staff).where(col(Staff.id).in_(ids)))),
                       on)


def overdue_on(session: Session, days: Sequence[date], people: set[uuid.UUID] | None = None
               ) -> list[tuple[Supervised, list[bool | None]]]:
    """Each supervisee ``compute`` lists on any of ``days`` (by name) with, for each day,
    whether overdue that day, or None when that day does not count them:
    ``[r.overdue for r in compute(session, day, people)]`` for every day.

    Only the last completed session and the contract in force depend on the day: the
    sessions are bisected (one query for those between the first and the last day, one for
    the last before the first day) rather than computing everything for each day.
    """
    if not days:
        return [(c.person, []) for c in counted_on(session, date.today(), people)]
    # who is counted each day, by staff id (unique, and a string hashes once)
    counted = [{c.person.staff_id for c in counted_on(session, day, people)} for day in days]
    anyday = set().union(*counted)
    staff = [p for p in supervisees(session, people) if p.staff_id in anyday]
    first, last = min(days), max(days)
    S = SupervisionSession
    scope = narrow(session, people)
    before = _last_completed(session, first, scope)
    during: dict[str, list[date]] = defaultdict(list)
    for supervisee, held in _rows(session, select(_hex(S.supervisee_id), S.planned_date).where(
            by_person(S.status, scope) == "completed", S.planned_date > first,
            S.planned_date <= last, within(S.supervisee_id, scope))):
        during[supervisee].append(held)
    contracts = all_contracts(session, first, scope)
    out = []
    for person in staff:
        key, me = person.id.hex, person.staff_id
        held_on = sorted(during.get(key, ()))
        basis = before.get(key)
        flags: list[bool | None] = []
        terms_for: dict[int, Supervisee] = {}  # by contract version in force (0: none)
        for day, ids in zip(days, counted, strict=True):
            if me not in ids:
                flags.append(None)
                continue
            contract = contracts.in_force(person.id, day)
            version = contract.version if contract else 0
            if version not in terms_for:
                terms_for[version] = terms_of(person, contract)
            terms = terms_for[version]
            n = bisect_right(held_on, day)
            flags.append(days_overdue(next_due(terms, held_on[n - 1] if n else basis), day) > 0)
        out.append((person, flags))
    return out


def _escalations(session: Session, as_of: date, since: date, scope: Scope = None
                 ) -> dict[str, list]:
    """R2 per supervisee (by stored id): the misses up to ``as_of`` that need reporting; a
    miss not yet reported stays however old it is, one reported only while it is less than
    a year old (``since``)."""
    S = SupervisionSession
    follow = _FOLLOW
    # most misses were rebooked within the window and the new session took place (or is
    # still ahead): ``escalation`` finds nothing in them, so they need not leave SQLite (the
    # rule itself is applied to the others below)
    # (never NULL, so that ``~settled`` is true or false, not unknown)
    new_date = func.coalesce(follow.planned_date, S.rescheduled_for, S.planned_date)
    new_status = func.coalesce(follow.status, "planned")
    settled = and_(S.rescheduled_for != None, S.rescheduled_recorded_on != None,  # noqa: E711
                   S.rescheduled_recorded_on <= add_days(
                       S.planned_date, RESCHEDULE_WINDOW_DAYS),
                   or_(new_date > as_of, new_status == "completed",
                       and_(new_status == "planned", new_date == as_of)))
    unreported = or_(S.reported_to_manager_on == None,  # noqa: E711
                     S.reported_to_manager_on > as_of)
    query = (select(_hex(S.supervisee_id), S.planned_date, S.rescheduled_for,
                    S.rescheduled_recorded_on, S.reported_to_manager_on, follow.status,
                    follow.planned_date)
             .join(follow, follow.id == S.rescheduled_session_id, isouter=True)
             .where(by_person(S.status, scope).in_(("postponed", "cancelled")),
                    S.planned_date <= as_of,
                    or_(S.planned_date > since, unreported), within(S.supervisee_id, scope),
                    ~settled)
             .order_by(col(S.planned_date)))
    rows = _rows(session, query)
    out: dict[str, list] = {}
    for supervisee, missed, again, recorded, reported, follow_status, follow_day in rows:
        held = rescheduled_outcome(follow_status, follow_day or again, as_of)
        found = escalation(missed, rescheduled_for=again, rescheduled_recorded_on=recorded,
                           rescheduled_held=held,
                           reported_on=reported if reported and reported <= as_of else None,
                           on=as_of)
        if found is not None:
            out.setdefault(supervisee, []).append({
                "missed_date": found.missed_date.isoformat(),
                "report_due": found.report_due.isoformat(),
                "reported_on": found.reported_on.isoformat() if found.reported_on else None,
                "overdue": found.overdue})
    return out


def compliance_for(session: Session, actor: Actor, as_of: date) -> list[Compliance]:
    """The computation for everyone the signed-in person may see."""
    return compute(session, as_of, visible_staff(session, actor))
