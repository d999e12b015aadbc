"""A senior manager's audit work for the month (R6): the files to audit, one per supervisor
below them whose supervision has not been audited this month, as many as the month's cap
leaves, most overdue first, with any audit they have already started.

The dashboard counts these lines ("Audits due") and the audit queue lists them: the same
lines, from this one function.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from supervision_audit.forms.audit import JUDGEMENTS
from supervision_audit.models import FileAudit, Role, Staff
from supervision_audit.services.access import Actor
from supervision_audit.services.audit_programme import SupervisorLine, programme

LABELS = dict(JUDGEMENTS)


@dataclass(frozen=True)
class QueueLine:
    """One file to audit."""

    supervisee_id: uuid.UUID
    supervisee: str
    supervisor_id: uuid.UUID
    supervisor: str
    last_audit: date | None  # this file's last completed audit
    judgement: str  # that audit's judgement, as the form words it ("" if never audited)
    draft_id: uuid.UUID | None  # the auditor's audit of this file, started and not complete
    overdue: bool  # the supervisor's supervision has gone 12 months without an audit

    @property
    def last_audit_text(self) -> str:
        return f"{self.last_audit:%d/%m/%Y}" if self.last_audit else "never"

    def detail(self) -> str:
        """One line: whose supervision, when last audited and how it was judged."""
        last = (f"last audited {self.last_audit:%d/%m/%Y} ({self.judgement})"
                if self.last_audit else "never audited")
        started = "; your audit is started" if self.draft_id else ""
        overdue = "; no audit of this supervisor in 12 months" if self.overdue else ""
        return f"supervised by {self.supervisor}; {last}{started}{overdue}"


@dataclass(frozen=True)
class AuditQueue:
    month_start: date
    cap: int  # the audits R6 asks of this manager this month
    done: int  # completed this month
    lines: list[QueueLine]

    @property
    def remaining(self) -> int:
        return max(self.cap - self.done, 0)


def audits(actor: Actor) -> bool:
    """Whether ``actor`` audits files at all (a senior manager; R6)."""
    return actor.staff_role == Role.SENIOR_MANAGER.value and not actor.is_inspector


def _order(line: SupervisorLine) -> tuple[bool, date, str]:
    """Most overdue first: no audit in twelve months, then the longest since one."""
    return (not line.no_audit_12m, line.last_audit or date.min, line.name.casefold())


def audit_queue(session: Session, actor: Actor, on: date) -> AuditQueue:
    """The files ``actor`` is due to audit in ``on``'s month (none for anyone who does not
    audit: only senior managers audit the files below them)."""
    if not audits(actor):
        return AuditQueue(on.replace(day=1), 0, 0, [])
    plan = programme(session, actor, on)
    drafts = {audit.supervisor_id: audit for audit in session.exec(
        select(FileAudit).where(FileAudit.auditor_id == actor.staff_id,
                                FileAudit.status == "draft")
        .order_by(col(FileAudit.created_at)))}
    needing = sorted((line for line in plan.needing_audit if line.supervisees),
                     key=lambda line: (line.supervisor_id not in drafts, *_order(line)))
    chosen = needing[:max(plan.cap - plan.audits_this_month, 0)]
    # an audit already started is always listed, even past the cap, to be finished
    chosen += [line for line in needing[len(chosen):] if line.supervisor_id in drafts]
    lines = [_line(session, line, drafts.get(line.supervisor_id)) for line in chosen]
    return AuditQueue(plan.month_start, plan.cap, plan.audits_this_month,
                      [line for line in lines if line is not None])


def _line(session: Session, supervisor: SupervisorLine, draft: FileAudit | None
          ) -> QueueLine | None:
    people = list(session.exec(select(Staff).where(
        Staff.supervisor_id == supervisor.supervisor_id, Staff.active == True)))  # noqa: E712
    if not people:
        return None
    last = {person_id: (on, judgement) for person_id, on, judgement in session.exec(
        select(FileAudit.supervisee_id, FileAudit.completed_on, FileAudit.judgement)
        .where(col(FileAudit.supervisee_id).in_([p.id for p in people]),
               FileAudit.status == "complete")
        .order_by(col(FileAudit.completed_on)))}  # the latest of each person stays
    if draft is not None and draft.supervisee_id in {p.id for p in people}:
        person = next(p for p in people if p.id == draft.supervisee_id)
    else:  # the file audited least recently (never first), then by name
        person = min(people, key=lambda p: (last.get(p.id, (date.min, ""))[0],
                                            p.name.casefold()))
        draft = None
    on, judgement = last.get(person.id, (None, ""))
    return QueueLine(person.id, person.name, supervisor.supervisor_id, supervisor.name, on,
                     LABELS.get(judgement, judgement), draft.id if draft else None,
                     supervisor.no_audit_12m)
