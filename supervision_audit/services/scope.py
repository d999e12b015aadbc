"""A person's scope pushed down into SQL, so that what a team manager sees costs in
proportion to their people, not to the organisation.

``narrow`` decides, per read, whether the queries name the people in scope (``within``:
``column IN (...)``, served by the indexes that lead with the person) or read the whole
organisation and leave the filtering to the caller (the organisation-wide reads of
``compliance``, shared by every service of a read session through ``db.memo``). Both give
the same answer; only the cost differs: naming every person costs more than reading
everyone once a scope holds a good part of the organisation.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, func, true
from sqlmodel import Session, col, select

from supervision_audit.db import memo
from supervision_audit.models import Staff
from supervision_audit.sqlfuncs import unindexed

# a scope of at most this share of the organisation's staff is named in the queries;
# a larger one reads the organisation (the director's, a head of a large service)
NAMED_SHARE = 0.25

Scope = frozenset[uuid.UUID] | None  # None: the whole organisation


def organisation_size(session: Session) -> int:
    """Everyone on the staff list, leavers too (once per read session)."""
    return memo(session, "scope.size", lambda: int(session.exec(
        select(func.count()).select_from(Staff)).one()), wide=False)


def narrow(session: Session, people: Collection[uuid.UUID] | None) -> Scope:
    """The people to name in the queries, or None to read the whole organisation (no scope
    given, or one so large that reading everyone costs less than naming each)."""
    if people is None:
        return None
    if len(people) > NAMED_SHARE * organisation_size(session):
        return None
    return people if isinstance(people, frozenset) else frozenset(people)


def within(column: Any, people: Scope) -> ColumnElement[bool]:
    """``column IN people`` (no condition for the whole organisation)."""
    return true() if people is None else col(column).in_(sorted(people))


def by_person(column: Any, people: Scope) -> Any:
    """``column`` for a condition of a query ``within`` a named scope, kept off the indexes
    (``sqlfuncs.unindexed``): its people are then found through the index that leads with
    the person, not by ranging over the whole organisation's dates or statuses."""
    return column if people is None else unindexed(column)
