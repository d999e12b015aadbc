"""What the signed-in person can ever do, in one place, so that a front end shows each
person the ways in they have and leaves out (rather than greys out) those they never will.

Whether a particular thing can be done now (this record signed, this file written) is still
decided by ``access.permitted`` at the time; this says only which kinds of work are theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from supervision_audit.models import Staff
from supervision_audit.services.access import Action, Actor, permitted, visible_staff
from supervision_audit.services.audit_queue import audits

ADMIN_TOOLS = (Action.MANAGE_ACCOUNTS, Action.VIEW_LOG, Action.SUBJECT_ACCESS,
               Action.MANAGE_BACKUPS, Action.MANAGE_CERTIFICATE)


@dataclass(frozen=True)
class Capabilities:
    manages_staff: bool  # adds, edits, imports staff and marks leavers (an administrator)
    supervises: bool  # someone reports to them: writes records and contracts, gives copies
    reads_others: bool  # files below them in the line (or an inspector's scope)
    sees_others: bool  # anyone else in the staff list (names, for an administrator)
    audits: bool  # audits the files below them (a senior manager, R6)
    has_file: bool  # has a supervision file of their own (someone supervises them)
    tools: frozenset[Action]  # the administration tools they may open

    @property
    def supervisee_only(self) -> bool:
        """Someone whose work in the app is their own file: no one else's to read or keep."""
        return not (self.reads_others or self.sees_others or self.manages_staff)

    @property
    def monthly_return(self) -> bool:
        """The monthly return counts the people in one's scope (see monthly_return)."""
        return self.sees_others


def capabilities(session: Session, actor: Actor) -> Capabilities:
    """What ``actor`` can ever do in the app (the app itself can do everything)."""
    others = visible_staff(session, actor) - {actor.staff_id}
    # anyone below in the line has someone reporting straight to this person (a manager
    # whose people have all left still reads their files; only those still here are
    # supervised)
    reports = dict(session.exec(select(Staff.active, func.count()).where(
        Staff.supervisor_id == actor.staff_id).group_by(Staff.active)).all())
    me = session.get(Staff, actor.staff_id)
    in_line = bool(reports) and not actor.is_inspector
    return Capabilities(
        manages_staff=permitted(session, actor, Action.MANAGE_STAFF),
        supervises=actor.is_system or (in_line and bool(reports.get(True))),
        reads_others=actor.is_system or in_line or (actor.is_inspector and bool(others)),
        sees_others=bool(others),
        audits=actor.is_system or (audits(actor) and in_line),
        has_file=me is not None and me.supervisor_id is not None,
        tools=frozenset(a for a in ADMIN_TOOLS if permitted(session, actor, a)))
