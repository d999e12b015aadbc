"""The actions a completed file audit raises: each follows the supervisor into their own
supervision (Appendix 7, item 8) until it is marked done. Kept apart from the audit itself so
that the supervision record, which lists them, need not depend on the audit."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, col, select

from supervision_audit.errors import NotFoundError
from supervision_audit.models import AuditAction, utcnow
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event


def open_audit_actions(session: Session, supervisor_uuid: uuid.UUID) -> list[AuditAction]:
    """Audit actions still open for a supervisor: raised in their own supervision (item 8)."""
    return list(session.exec(select(AuditAction).where(
        AuditAction.supervisor_id == supervisor_uuid, AuditAction.status == "open")
        .order_by(col(AuditAction.due_date))))


def mark_audit_action_done(session: Session, actor: Actor, action_id: uuid.UUID,
                           done_on: date) -> AuditAction:
    action = session.get(AuditAction, action_id)
    if action is None:
        raise NotFoundError("That audit action is not in the database.")
    require(session, actor, Action.WRITE_RECORDS, action.supervisor_id)
    action.status, action.done_on = "done", done_on
    action.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "audit_action.done", subject_kind="audit_action",
              subject_id=action.id, about_staff_id=action.supervisor_id)
    return action
