"""The supervision file audit (Appendix 7): started with the file's evidence as proposals,
answered (and overruled, with a comment) by the auditor, judged by a stated rule, completed
with actions that follow the supervisor into their own supervision."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from supervision_audit.errors import NotFoundError, Problem, ValidationError
from supervision_audit.forms import AUDIT, parse_iso_date, validate
from supervision_audit.forms.audit import JUDGEMENTS, KEY_SUBJECTS, SUBJECTS
from supervision_audit.forms.base import table_rows
from supervision_audit.models import AuditAction, FileAudit, Staff, Team, utcnow
from supervision_audit.policy import audit_period
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.audit_evidence import gather
from supervision_audit.services.events import log_event
from supervision_audit.services.staff import get_staff

JUDGEMENT_RULE = (
    "Any 'no' on contract, timescales or recording caps the judgement at Requires "
    "improvement; three or more 'no' answers cap it at Inadequate; every answer 'yes' (or not "
    "applicable) with the child's journey and reflective practice evidenced allows "
    "Outstanding; otherwise Good.")
LABELS = dict(JUDGEMENTS)


def suggest_judgement(answers: dict[str, str]) -> str | None:
    """The judgement the answers suggest, by JUDGEMENT_RULE; None with no answers at all."""
    given = {k: v for k, v in answers.items() if v}
    if not given:
        return None
    noes = [k for k, v in given.items() if v == "no"]
    if len(noes) >= 3:
        return "inadequate"
    if any(k in KEY_SUBJECTS for k in noes):
        return "requires_improvement"
    if not noes and given.get("journey") == "yes" and given.get("reflective") == "yes" and \
            len(given) == len(SUBJECTS):
        return "outstanding"
    return "good"


def answers_of(values: dict[str, Any]) -> dict[str, str]:
    return {key: values.get(f"{key}_outcome") or "" for key, *_ in SUBJECTS}


def start_audit(session: Session, actor: Actor, supervisee_uuid: uuid.UUID,
                completed_on: date) -> FileAudit:
    """A draft audit of a supervisee's file, each question answered with the evidence."""
    require(session, actor, Action.RUN_AUDIT, supervisee_uuid)
    person = get_staff(session, supervisee_uuid)
    start, _ = audit_period(completed_on)
    if person.employment_start is not None and person.employment_start > completed_on:
        raise ValidationError(Problem("completed_on", f"{person.name} started on "
                                      f"{person.employment_start:%d/%m/%Y}: there is no "
                                      "supervision to audit before then"))
    if person.supervisor_id is None:
        raise ValidationError(Problem("supervisee", f"{person.name} has no supervisor to "
                                                    "audit"))
    evidence = gather(session, person, completed_on)
    supervisor = get_staff(session, person.supervisor_id)
    auditor = session.get(Staff, actor.staff_id)
    team = session.get(Team, person.team_id) if person.team_id else None
    values: dict[str, Any] = {
        "supervisor_name": supervisor.name, "supervisee_name": person.name,
        "team": team.name if team else "", "auditor_name": auditor.name if auditor else "",
        "completed_on": completed_on.isoformat(),
        "period": f"{start:%d/%m/%Y} to {completed_on:%d/%m/%Y}"}
    for key, item in evidence.items():
        values[f"{key}_outcome"] = item.outcome
    values["suggested_judgement"] = LABELS.get(suggest_judgement(answers_of(values)) or "", "")
    audit = FileAudit(supervisee_id=person.id, supervisor_id=supervisor.id,
                      auditor_id=actor.staff_id, completed_on=completed_on,
                      period_start=start, values=values,
                      proposals={k: e.as_dict() for k, e in evidence.items()})
    session.add(audit)
    session.flush()
    log_event(session, actor.who, "audit.start", subject_kind="audit", subject_id=audit.id,
              about_staff_id=person.id)
    return audit


def get_audit(session: Session, audit_id: uuid.UUID) -> FileAudit:
    audit = session.get(FileAudit, audit_id)
    if audit is None:
        raise NotFoundError("That audit is not in the database.")
    return audit


def check_answers(audit: FileAudit, values: dict[str, Any]) -> list[Problem]:
    """Overruling a proposal needs a comment; a judgement other than the suggestion needs a
    rationale; a judgement needs answers."""
    problems = []
    answers = answers_of(values)
    for key, title, _questions, _na in SUBJECTS:
        proposal = audit.proposals.get(key, {}).get("outcome")
        answer = answers[key]
        if answer and proposal and answer != proposal and \
                not str(values.get(f"{key}_comment") or "").strip():
            problems.append(Problem(f"{key}_comment", f"{title}: the evidence suggests "
                                    f"'{proposal}'; give a comment for answering '{answer}'"))
    suggested = suggest_judgement(answers)
    judgement = values.get("judgement")
    if judgement and suggested is None:
        problems.append(Problem("judgement", "Answer the questions before giving a judgement"))
    elif judgement and judgement != suggested and \
            not str(values.get("judgement_rationale") or "").strip():
        problems.append(Problem("judgement_rationale", "The answers suggest "
                                f"'{LABELS[suggested]}': give the rationale for "
                                f"'{LABELS.get(judgement, judgement)}'"))
    return problems


def save_audit(session: Session, actor: Actor, audit_id: uuid.UUID, values: dict[str, Any],
               *, complete: bool = False) -> FileAudit:
    """Save the auditor's answers (complete=True: check everything and finish, raising the
    audit's actions)."""
    audit = get_audit(session, audit_id)
    require(session, actor, Action.RUN_AUDIT, audit.supervisee_id)
    if audit.status != "draft":
        raise ValidationError(Problem("audit", "This audit is complete"))
    keep = {k: audit.values.get(k) for k in ("supervisor_name", "supervisee_name", "team",
                                             "auditor_name", "period")}
    values = {**values, **keep}
    values["suggested_judgement"] = LABELS.get(suggest_judgement(answers_of(values)) or "", "")
    problems = check_answers(audit, values)
    if complete:
        problems += validate(AUDIT, values)
    if problems:
        raise ValidationError(problems)
    audit.values = values
    audit.completed_on = parse_iso_date(values.get("completed_on")) or audit.completed_on
    audit.judgement = values.get("judgement") or ""
    audit.updated_at = utcnow()
    if complete:
        audit.status = "complete"
        rows = table_rows(AUDIT.field("actions"), values.get("actions"))
        for number, row in enumerate(rows, start=1):
            session.add(AuditAction(audit_id=audit.id, supervisor_id=audit.supervisor_id,
                                    number=number, description=str(row["action"]).strip(),
                                    owner=str(row["owner"]).strip(),
                                    due_date=parse_iso_date(row["due"]) or audit.completed_on))
    session.flush()
    log_event(session, actor.who, "audit.complete" if complete else "audit.save",
              subject_kind="audit", subject_id=audit.id, about_staff_id=audit.supervisee_id,
              detail=audit.judgement)
    return audit


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


def audits_of(session: Session, actor: Actor, supervisee_uuid: uuid.UUID) -> list[FileAudit]:
    require(session, actor, Action.READ_FILE, supervisee_uuid)
    return list(session.exec(select(FileAudit).where(FileAudit.supervisee_id == supervisee_uuid)
                             .order_by(col(FileAudit.completed_on).desc())))
