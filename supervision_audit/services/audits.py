"""The supervision file audit (Appendix 7): started with the file's evidence as proposals,
answered (and overruled, with a comment) by the auditor, judged by a stated rule, completed
with actions that follow the supervisor into their own supervision."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
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
from supervision_audit.services.signatures import SIGNATURE_FIELDS
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


def _check_date(person: Staff, completed_on: date) -> None:
    if person.employment_start is not None and person.employment_start > completed_on:
        raise ValidationError(Problem("completed_on", f"{person.name} started on "
                                      f"{person.employment_start:%d/%m/%Y}: there is no "
                                      "supervision to audit before then"))


def period_text(completed_on: date) -> str:
    """The period an audit dated ``completed_on`` covers, as the form shows it."""
    start, end = audit_period(completed_on)
    return f"{start:%d/%m/%Y} to {end:%d/%m/%Y}"


def start_audit(session: Session, actor: Actor, supervisee_uuid: uuid.UUID,
                completed_on: date) -> FileAudit:
    """A draft audit of a supervisee's file, each question answered with the evidence."""
    require(session, actor, Action.RUN_AUDIT, supervisee_uuid)
    person = get_staff(session, supervisee_uuid)
    start, _ = audit_period(completed_on)
    _check_date(person, completed_on)
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
        "period": period_text(completed_on)}
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


@dataclass
class Regathered:
    """The evidence gathered again for a new audit date, and what it changed.

    ``values`` are the answers given, with the period and suggested judgement for the new
    date; an answer that simply took the old proposal (no comment) follows the new one
    (``followed``); every other answer, and every comment, is the auditor's and is kept
    (``kept``: those that now differ from the evidence). ``changed`` are the subjects whose
    proposal changed, each marked in ``proposals`` with its ``previous_outcome``."""

    completed_on: date
    period_start: date
    values: dict[str, Any]
    proposals: dict[str, Any]
    changed: list[str] = field(default_factory=list)
    followed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _fresh_proposals(session: Session, audit: FileAudit, completed_on: date
                     ) -> tuple[dict[str, Any], list[str]]:
    """The evidence for ``completed_on``, each proposal whose outcome differs from before
    marked with the outcome it had (a mark stays until the outcome returns to it)."""
    person = get_staff(session, audit.supervisee_id)
    _check_date(person, completed_on)
    proposals: dict[str, Any] = {}
    changed = []
    for key, evidence in gather(session, person, completed_on).items():
        old = audit.proposals.get(key) or {}
        proposal = evidence.as_dict()
        before = old.get("outcome")
        if before is not None and before != proposal["outcome"]:
            changed.append(key)
            proposal["previous_outcome"] = old.get("previous_outcome") or before
        elif old.get("previous_outcome") not in (None, proposal["outcome"]):
            proposal["previous_outcome"] = old["previous_outcome"]
        if proposal.get("previous_outcome") == proposal["outcome"]:
            proposal.pop("previous_outcome")
        proposals[key] = proposal
    return proposals, changed


def _merge_answers(audit: FileAudit, fresh: dict[str, Any], completed_on: date,
                   values: dict[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    merged = {**values, "completed_on": completed_on.isoformat(),
              "period": period_text(completed_on)}
    followed, kept = [], []
    for key, *_ in SUBJECTS:
        before = (audit.proposals.get(key) or {}).get("outcome")
        now = (fresh.get(key) or {}).get("outcome")
        answer = merged.get(f"{key}_outcome") or ""
        if not answer or before == now:
            continue
        comment = str(merged.get(f"{key}_comment") or "").strip()
        if answer == before and not comment and now:
            merged[f"{key}_outcome"] = now
            followed.append(key)
        elif answer != now:
            kept.append(key)
    merged["suggested_judgement"] = LABELS.get(suggest_judgement(answers_of(merged)) or "", "")
    return merged, followed, kept


def regather(session: Session, audit: FileAudit, completed_on: date,
             values: dict[str, Any] | None = None) -> Regathered:
    """The evidence for a new audit date and ``values`` (else the audit's) merged with it;
    nothing is written."""
    proposals, changed = _fresh_proposals(session, audit, completed_on)
    merged, followed, kept = _merge_answers(audit, proposals, completed_on,
                                            dict(audit.values if values is None else values))
    return Regathered(completed_on, audit_period(completed_on)[0], merged, proposals,
                      changed, followed, kept)


def _apply(audit: FileAudit, result: Regathered) -> None:
    audit.completed_on, audit.period_start = result.completed_on, result.period_start
    audit.proposals = result.proposals


def _editable(session: Session, actor: Actor, audit_id: uuid.UUID) -> FileAudit:
    audit = get_audit(session, audit_id)
    require(session, actor, Action.RUN_AUDIT, audit.supervisee_id)
    if audit.status != "draft" or audit.locked_at is not None:
        raise ValidationError(Problem("audit", "This audit is complete"))
    return audit


def change_audit_date(session: Session, actor: Actor, audit_id: uuid.UUID,
                      completed_on: date, values: dict[str, Any] | None = None
                      ) -> Regathered:
    """Date a draft audit ``completed_on``: the evidence is gathered again for the period that
    date defines and stored with the date, the stored answers merged as ``Regathered`` says.
    ``values`` (answers on screen, not yet saved) are merged the same way and returned, not
    stored; without them the stored answers are returned. A complete audit never changes."""
    audit = _editable(session, actor, audit_id)
    stored = regather(session, audit, completed_on)
    shown = stored
    if values is not None:
        merged, followed, kept = _merge_answers(audit, stored.proposals, completed_on,
                                                dict(values))
        shown = Regathered(completed_on, stored.period_start, merged, stored.proposals,
                           stored.changed, followed, kept)
    _apply(audit, stored)
    audit.values = stored.values
    audit.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "audit.redate", subject_kind="audit", subject_id=audit.id,
              about_staff_id=audit.supervisee_id, detail=completed_on.isoformat())
    return shown


def check_answers(audit: FileAudit, values: dict[str, Any],
                  proposals: dict[str, Any] | None = None) -> list[Problem]:
    """Overruling a proposal needs a comment; a judgement other than the suggestion needs a
    rationale; a judgement needs answers. ``proposals``: instead of the audit's."""
    problems = []
    answers = answers_of(values)
    proposals = audit.proposals if proposals is None else proposals
    for key, title, _questions, _na in SUBJECTS:
        proposal = proposals.get(key, {}).get("outcome")
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
    audit = _editable(session, actor, audit_id)
    try:
        day = parse_iso_date(values.get("completed_on"))
    except ValueError:
        raise ValidationError(Problem("completed_on", "Give the date the audit is completed"
                                      " as a real date")) from None
    # a new date: the evidence (and the answers that took it) follow, before any check
    moved = regather(session, audit, day, values) if day and day != audit.completed_on \
        else None
    if moved is not None:
        values = moved.values
    keep = {k: audit.values.get(k) for k in ("supervisor_name", "supervisee_name", "team",
                                             "auditor_name", "period")}
    # the auditor signs with the password (services.signatures), never by typing a name
    values = {**{k: v for k, v in values.items() if k not in SIGNATURE_FIELDS}, **keep}
    if moved is not None:
        values["period"] = moved.values["period"]
    values["suggested_judgement"] = LABELS.get(suggest_judgement(answers_of(values)) or "", "")
    problems = check_answers(audit, values, moved.proposals if moved else None)
    if complete:
        problems += validate(AUDIT, values)
    if problems:
        raise ValidationError(problems)
    if moved is not None:
        _apply(audit, moved)
    audit.values = values
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


def audits_of(session: Session, actor: Actor, supervisee_uuid: uuid.UUID) -> list[FileAudit]:
    require(session, actor, Action.READ_FILE, supervisee_uuid)
    return list(session.exec(select(FileAudit).where(FileAudit.supervisee_id == supervisee_uuid)
                             .order_by(col(FileAudit.completed_on).desc())))
