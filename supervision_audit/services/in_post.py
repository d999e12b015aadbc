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

from sqlmodel import Session, col, select

from supervision_audit.db import memo
from supervision_audit.models import Staff, SupervisorChange
from supervision_audit.policy import employed_on


@dataclass(frozen=True, slots=True)
class SupervisorOn:
    """A supervisee's supervisor on a day, and since when (None: not known)."""

    supervisor_id: uuid.UUID | None
    since: date | None


def _periods(session: Session) -> dict[uuid.UUID, list[tuple[date, date | None,
                                                              uuid.UUID | None]]]:
    """Everyone's periods of supervision, oldest first (read once per read session)."""
    def read() -> dict[uuid.UUID, list[tuple[date, date | None, uuid.UUID | None]]]:
        out: dict[uuid.UUID, list[tuple[date, date | None, uuid.UUID | None]]] = {}
        query = select(SupervisorChange.supervisee_id, SupervisorChange.started_on,
                       SupervisorChange.ended_on, SupervisorChange.supervisor_id).order_by(
            col(SupervisorChange.supervisee_id), col(SupervisorChange.started_on),
            col(SupervisorChange.created_at))
        for supervisee, started, ended, supervisor in session.exec(query):
            out.setdefault(supervisee, []).append((started, ended, supervisor))
        return out

    return memo(session, "in_post.periods", read)


def _on(periods: list[tuple[date, date | None, uuid.UUID | None]], day: date
        ) -> SupervisorOn | None:
    """The period covering ``day`` (the latest begun by then); before the first, the first."""
    found = None
    for started, ended, supervisor in periods:
        if started <= day and (ended is None or ended > day):
            found = SupervisorOn(supervisor, started)
    if found is None and periods and day < periods[0][0]:
        return SupervisorOn(periods[0][2], None)
    return found


def supervisors_on(session: Session, day: date) -> dict[uuid.UUID, SupervisorOn]:
    """Everyone's supervisor on ``day`` (see the module's note), by person."""
    def work() -> dict[uuid.UUID, SupervisorOn]:
        periods = _periods(session)
        out = {}
        for person, now in session.exec(select(Staff.id, Staff.supervisor_id)):
            found = _on(periods.get(person, []), day)
            out[person] = found if found is not None else SupervisorOn(now, None)
        return out

    return memo(session, ("in_post.supervisors_on", day), work)


def supervisor_on(session: Session, supervisee: Staff, day: date) -> SupervisorOn:
    """One person's supervisor on ``day``."""
    periods = list(session.exec(
        select(SupervisorChange.started_on, SupervisorChange.ended_on,
               SupervisorChange.supervisor_id)
        .where(SupervisorChange.supervisee_id == supervisee.id)
        .order_by(col(SupervisorChange.started_on), col(SupervisorChange.created_at))))
    found = _on([tuple(p) for p in periods], day)  # type: ignore[misc]
    return found if found is not None else SupervisorOn(supervisee.supervisor_id, None)


def in_post(person: Staff | None, day: date) -> bool:
    """Whether ``person`` (a supervisor) was employed on ``day``."""
    return person is not None and employed_on(person.employment_start, person.left_on,
                                              person.active, day)
