"""Who may do what: roles and scope, decided here for every front end (window and command line).

A person's powers come from where they stand in the line of management, not from a label:
they read their own file; a supervisor writes and reads the files of those they supervise;
anyone above in the line reads the files below; a senior manager also audits them. An
administrator manages accounts, staff, settings, the certificate and backups, and may
bring in historical monitoring sheets for any team (the migration role), but reads record
content only where they are also in the line of management. An inspector reads,
within a scope and until an end date an administrator grants, and writes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlmodel import Session, select

from supervision_audit.db import memo
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.models import Role, Staff, UserAccount
from supervision_audit.services.events import Who


class PermissionDenied(SupervisionAuditError):
    """The signed-in person may not do this."""


class Action(StrEnum):
    READ_FILE = "read a supervision file"
    WRITE_RECORDS = "write records in a supervision file"
    SIGN_AS_SUPERVISEE = "sign records as the supervisee"
    SIGN_AS_SUPERVISOR = "sign records as the supervisor"
    RUN_AUDIT = "audit a supervision file"
    VIEW_LOG = "view the access log"
    MANAGE_STAFF = "manage staff"
    MANAGE_ACCOUNTS = "manage user accounts"
    MANAGE_SETTINGS = "change settings"
    MANAGE_BACKUPS = "take and restore backups"
    MANAGE_CERTIFICATE = "manage the signing certificate"
    SUBJECT_ACCESS = "export everything held about a person"
    MIGRATE_MONITORING = ("bring in historical monitoring sheets for any team (the migration "
                          "role)")


ADMIN_ACTIONS = frozenset({Action.MANAGE_STAFF, Action.MANAGE_ACCOUNTS, Action.MANAGE_SETTINGS,
                           Action.MANAGE_BACKUPS, Action.MANAGE_CERTIFICATE,
                           Action.SUBJECT_ACCESS, Action.MIGRATE_MONITORING})


@dataclass(frozen=True)
class Actor:
    """The signed-in person."""

    username: str
    staff_id: uuid.UUID
    name: str
    staff_role: str
    is_admin: bool = False
    is_inspector: bool = False
    inspector_scope: tuple[str, ...] = ()
    inspector_until: date | None = None
    account_id: uuid.UUID | None = field(default=None, compare=False)
    is_system: bool = False  # the app itself: first-run set-up and the demo seed

    @property
    def who(self) -> Who:
        return Who(self.username, None if self.is_system else self.staff_id)


SYSTEM_ACTOR = Actor(username="system", staff_id=uuid.UUID(int=0), name="Supervision Audit",
                     staff_role=Role.OTHER.value, is_system=True)


def actor_for(session: Session, account: UserAccount) -> Actor:
    person = session.get(Staff, account.staff_id)
    if person is None:  # pragma: no cover - a foreign key guards this
        raise PermissionDenied("This account's member of staff no longer exists.")
    return Actor(
        username=account.username, staff_id=person.id, name=person.name,
        staff_role=person.role, is_admin=account.is_admin, is_inspector=account.is_inspector,
        inspector_scope=tuple(str(x) for x in account.inspector_scope),
        inspector_until=account.inspector_until, account_id=account.id,
    )


def _supervisor_map(session: Session) -> dict[uuid.UUID, uuid.UUID | None]:
    """Everyone's supervisor (read once per read session; see ``db.memo``)."""
    return memo(session, "access.supervisor_map",
                lambda: dict(session.exec(select(Staff.id, Staff.supervisor_id)).all()))


_LINE_KEY = "access.line"  # session.info: the people read walking up lines (kept alive)


def _staff(session: Session, staff_uuid: uuid.UUID) -> Staff | None:
    """``session.get``, keeping the person referenced for the session's life: the identity
    map holds objects weakly, so without this every check would read the line again."""
    person = session.get(Staff, staff_uuid)
    if person is not None:
        session.info.setdefault(_LINE_KEY, {})[staff_uuid] = person
    return person


def is_above(session: Session, actor_staff: uuid.UUID, about: uuid.UUID) -> bool:
    """True when ``actor_staff`` stands anywhere above ``about`` in the line of management.

    Walks up the line from ``about`` one person at a time (primary-key reads, identity-mapped
    for the session, so a file's many checks read each person once and see the session's own
    changes); a loop in the line (the app refuses them, a store may still hold one) ends the
    walk."""
    person = _staff(session, about)
    current = person.supervisor_id if person is not None else None
    seen: set[uuid.UUID] = set()
    while current is not None and current not in seen:
        if current == actor_staff:
            return True
        seen.add(current)
        boss = _staff(session, current)
        current = boss.supervisor_id if boss is not None else None
    return False


def _inspector_sees(session: Session, actor: Actor, about: uuid.UUID, today: date) -> bool:
    if not actor.is_inspector or actor.inspector_until is None or today > actor.inspector_until:
        return False
    if "*" in actor.inspector_scope:
        return True
    person = session.get(Staff, about)
    return person is not None and str(person.team_id) in actor.inspector_scope


def permitted(
    session: Session,
    actor: Actor,
    action: Action,
    about: uuid.UUID | None = None,
    today: date | None = None,
) -> bool:
    """Whether ``actor`` may do ``action`` (about the file of staff member ``about``)."""
    today = today or date.today()
    if actor.is_system:
        return True
    if action in ADMIN_ACTIONS:
        return actor.is_admin
    if action is Action.VIEW_LOG:
        if actor.is_admin:
            return True
        return actor.staff_role == Role.SENIOR_MANAGER.value and (
            about is None or is_above(session, actor.staff_id, about))
    if about is None:
        return False
    if actor.is_inspector:  # read-only, whatever else the account is
        return action is Action.READ_FILE and _inspector_sees(session, actor, about, today)
    person = _staff(session, about)
    if person is None:
        return False
    own = about == actor.staff_id
    supervises = person.supervisor_id == actor.staff_id
    if action is Action.READ_FILE:
        return own or is_above(session, actor.staff_id, about)
    if action is Action.WRITE_RECORDS or action is Action.SIGN_AS_SUPERVISOR:
        return supervises
    if action is Action.SIGN_AS_SUPERVISEE:
        return own
    if action is Action.RUN_AUDIT:
        return actor.staff_role == Role.SENIOR_MANAGER.value and \
            is_above(session, actor.staff_id, about)
    return False


def require(
    session: Session,
    actor: Actor,
    action: Action,
    about: uuid.UUID | None = None,
    today: date | None = None,
) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action``."""
    if not permitted(session, actor, action, about, today):
        whose = ""
        if about is not None:
            person = session.get(Staff, about)
            whose = f" for {person.name}" if person else ""
        raise PermissionDenied(f"{actor.name} ({actor.username}) may not {action.value}{whose}.")


def _below(session: Session, top: uuid.UUID) -> set[uuid.UUID]:
    """Everyone below ``top`` in the line of management, read down the line in SQL (one
    recursive query on the supervisor index: a team manager's few people cost a few index
    steps, however large the organisation); a loop in the line ends where it began."""
    below = select(Staff.id).where(Staff.supervisor_id == top).cte("below", recursive=True)
    below = below.union(select(Staff.id).join(below, Staff.supervisor_id == below.c.id))
    return set(session.exec(select(below.c.id)))


def visible_staff(session: Session, actor: Actor, today: date | None = None
                  ) -> frozenset[uuid.UUID]:
    """The people ``actor`` sees in lists: their own file and those below them; an inspector
    their scope; an administrator everyone (names only: opening a file is checked apart).

    Worked out once per read session (``db.memo``), hence a frozenset."""
    day = today or date.today()
    return memo(session, ("access.visible_staff", actor, day),
                lambda: frozenset(_visible(session, actor, day)),
                wide=actor.is_system or actor.is_inspector or actor.is_admin)


def _visible(session: Session, actor: Actor, today: date) -> set[uuid.UUID]:
    if not (actor.is_system or actor.is_inspector or actor.is_admin):
        return {actor.staff_id} | _below(session, actor.staff_id)
    everyone = _supervisor_map(session)
    if actor.is_inspector:
        return {sid for sid in everyone if _inspector_sees(session, actor, sid, today)}
    return set(everyone)
