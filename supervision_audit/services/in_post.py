"""Who supervised whom on a given day (R10), from the supervision history.

Every change of supervisor closes one period of ``SupervisorChange`` and opens the next, so
the history answers "who was the supervisor on day D". A day before the first recorded
period (people brought into the app after the fact) is answered by the first period, the
earliest evidence there is; a person with no history at all by their supervisor now.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from supervision_audit.db import memo
from supervision_audit.models import Staff, SupervisorChange
from supervision_audit.policy import employed_on
from supervision_audit.services.scope import Scope, within


@dataclass(frozen=True, slots=True)
class SupervisorOn:
    """A supervisee's supervisor on a day, and since when (None: not known)."""

    supervisor_id: uuid.UUID | None
    since: date | None


Period = tuple[date, "date | None", Any]  # started, ended, the supervisor (id or position)


def _on(periods: list[Period], day: date) -> tuple[Any, date | None] | None:
    """The supervisor and start of the period covering ``day`` (the latest begun by then);
    before the first period, the first one's supervisor (since unknown)."""
    found = None
    for started, ended, supervisor in periods:
        if started <= day and (ended is None or ended > day):
            found = (supervisor, started)
    if found is None and periods and day < periods[0][0]:
        return periods[0][2], None
    return found


@dataclass(frozen=True, slots=True)
class Lines:
    """Everyone's supervision history, each person and supervisor by their position in
    ``people``: read once, then asked about any day without touching a UUID again (the
    monthly trend asks about twelve)."""

    people: list[uuid.UUID]
    index: dict[uuid.UUID, int]
    periods: list[list[Period]]  # the supervisor as a position; None: none recorded
    now: list[int | None]  # the supervisor now, for someone with no history

    def on(self, day: date) -> list[tuple[int | None, date | None]]:
        """Per position: the supervisor's position on ``day`` (None: none) and since when
        (None: not known)."""
        out: list[tuple[int | None, date | None]] = []
        for periods, current in zip(self.periods, self.now, strict=True):
            found = _on(periods, day) if periods else None
            out.append(found if found is not None else (current, None))
        return out


def lines(session: Session, people: Scope = None) -> Lines:
    """Everyone's :class:`Lines` (read once per read session); or, for a scope
    (``scope.narrow``), the history of ``people`` alone, with the supervisors it names
    among ``people`` (each of those with a history only when in ``people`` too)."""
    def read() -> Lines:
        staff = list(session.exec(select(Staff.id, Staff.supervisor_id).where(
            within(Staff.id, people))))
        index = {person: n for n, person in enumerate(person for person, _ in staff)}
        changes = list(session.exec(
            select(SupervisorChange.supervisee_id, SupervisorChange.started_on,
                   SupervisorChange.ended_on, SupervisorChange.supervisor_id)
            .where(within(SupervisorChange.supervisee_id, people))
            .order_by(col(SupervisorChange.started_on), col(SupervisorChange.created_at))))
        if people is not None:  # the supervisors named, to be asked whether in post
            named = {boss for _, boss in staff} | {row[3] for row in changes}
            for boss in sorted(named - set(index) - {None}):
                index[boss] = len(index)
        people_at = list(index)
        periods: list[list[Period]] = [[] for _ in people_at]
        for supervisee, started, ended, supervisor in changes:
            if supervisee in index:
                periods[index[supervisee]].append((started, ended, index.get(supervisor)))
        now: list[int | None] = [index.get(boss) if boss is not None else None
                                 for _, boss in staff]
        now += [None] * (len(people_at) - len(now))
        return Lines(people_at, index, periods, now)

    return memo(session, ("in_post.lines", people), read, wide=people is None)


def supervisor_on(session: Session, supervisee: Staff, day: date) -> SupervisorOn:
    """One person's supervisor on ``day``."""
    periods = list(session.exec(
        select(SupervisorChange.started_on, SupervisorChange.ended_on,
               SupervisorChange.supervisor_id)
        .where(SupervisorChange.supervisee_id == supervisee.id)
        .order_by(col(SupervisorChange.started_on), col(SupervisorChange.created_at))))
    found = _on([tuple(p) for p in periods], day)  # type: ignore[misc]
    return SupervisorOn(*found) if found is not None else \
        SupervisorOn(supervisee.supervisor_id, None)


def in_post(person: Staff | None, day: date) -> bool:
    """Whether ``person`` (a supervisor) was employed on ``day``."""
    return person is not None and employed_on(person.employment_start, person.left_on,
                                              person.active, day)
