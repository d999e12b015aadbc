"""Supervision records (Appendices 4, 5, 6): drafts saved as typed, completion, actions
carried forward from one record to the next, group records on every attendee's file."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, or_, select

from supervision_audit.errors import NotFoundError, Problem, ValidationError
from supervision_audit.forms import ALL_FORMS, parse_iso_date, validate
from supervision_audit.forms.base import table_rows
from supervision_audit.models import (
    ActionItem,
    ActionReview,
    CaseDiscussion,
    GroupAttendee,
    Signature,
    Staff,
    SupervisionRecord,
    SupervisionSession,
    utcnow,
)
from supervision_audit.policy import is_short
from supervision_audit.services.access import Action, Actor, PermissionDenied, require
from supervision_audit.services.events import log_event
from supervision_audit.services.sessions import record_held
from supervision_audit.services.staff import get_staff

REVIEW_OUTCOMES = {"done": "Done", "carried_forward": "Carried forward"}
REOPEN_REASON_MAX = 500


def get_record(session: Session, record_id: uuid.UUID) -> SupervisionRecord:
    record = session.get(SupervisionRecord, record_id)
    if record is None:
        raise NotFoundError("That record is not in the database.")
    return record


def attendees_of(session: Session, record_id: uuid.UUID) -> list[uuid.UUID]:
    """A group record's attendees by name (the order they sign and are listed in)."""
    return list(session.exec(select(GroupAttendee.staff_id)
                             .join(Staff, Staff.id == GroupAttendee.staff_id)
                             .where(GroupAttendee.record_id == record_id)
                             .order_by(col(Staff.name), col(Staff.id))))


def _require_write(session: Session, actor: Actor, record: SupervisionRecord) -> None:
    if record.supervisee_id is not None:
        require(session, actor, Action.WRITE_RECORDS, record.supervisee_id)
    elif not actor.is_system and record.supervisor_id != actor.staff_id:
        require(session, actor, Action.WRITE_RECORDS, None)  # refused: not their group


def _require_read(session: Session, actor: Actor, record: SupervisionRecord) -> None:
    if record.supervisee_id is not None:
        require(session, actor, Action.READ_FILE, record.supervisee_id)
        return
    if actor.is_system or record.supervisor_id == actor.staff_id:
        return
    from supervision_audit.services.access import permitted

    if any(permitted(session, actor, Action.READ_FILE, sid)
           for sid in attendees_of(session, record.id)):
        return  # an attendee, or an attendee's line manager
    require(session, actor, Action.READ_FILE, record.supervisor_id)


def open_actions(session: Session, supervisee_uuid: uuid.UUID, before: date | None = None
                 ) -> list[ActionItem]:
    """Actions still open on a supervisee's file from records held before ``before``."""
    query = (select(ActionItem).join(SupervisionRecord,
                                     SupervisionRecord.id == ActionItem.record_id)
             .where(ActionItem.supervisee_id == supervisee_uuid, ActionItem.status == "open",
                    SupervisionRecord.status == "complete"))
    if before is not None:
        query = query.where(SupervisionRecord.held_on < before)
    return list(session.exec(query.order_by(col(ActionItem.due_date), col(ActionItem.number))))


def _review_rows(actions: list[ActionItem], outcomes: dict[str, str] | None = None
                 ) -> list[dict[str, Any]]:
    outcomes = outcomes or {}
    return [{"id": str(a.id), "action": a.description, "owner": a.owner,
             "due": a.due_date.isoformat(), "outcome": outcomes.get(str(a.id), "")}
            for a in actions]


def start_record(session: Session, actor: Actor, *, form_key: str, held_on: date,
                 supervisee_uuid: uuid.UUID | None = None,
                 session_id: uuid.UUID | None = None) -> SupervisionRecord:
    """A new draft record, prefilled: names, date, and the open actions to review (item 2)."""
    if form_key not in ALL_FORMS or form_key == "contract":
        raise ValidationError(Problem("form_key", f"There is no record form '{form_key}'"))
    planned = None
    if session_id is not None:
        planned = session.get(SupervisionSession, session_id)
        if planned is None:
            raise NotFoundError("That session is not in the database.")
        supervisee_uuid = planned.supervisee_id
    values: dict[str, Any] = {"held_on": held_on.isoformat()}
    if form_key == "group":
        if actor.is_inspector:
            raise PermissionDenied(f"{actor.name} ({actor.username}) may not write records.")
        supervisor = get_staff(session, actor.staff_id)  # the one holding the group
        supervisor_id = supervisor.id
        values["supervisor_name"] = supervisor.name
        supervisee = None
    else:
        if supervisee_uuid is None:
            raise ValidationError(Problem("supervisee", "Choose the supervisee"))
        require(session, actor, Action.WRITE_RECORDS, supervisee_uuid)
        supervisee = get_staff(session, supervisee_uuid)
        supervisor_id = supervisee.supervisor_id or actor.staff_id
        boss = session.get(Staff, supervisor_id)
        values.update(supervisee_name=supervisee.name,
                      supervisor_name=boss.name if boss else "",
                      actions_reviewed=_review_rows(open_actions(session, supervisee.id,
                                                                 before=held_on)))
        if form_key == "manager":
            from supervision_audit.services.audit_actions import open_audit_actions

            values["audit_actions"] = [
                {"id": str(a.id), "action": a.description, "owner": a.owner,
                 "due": a.due_date.isoformat()} for a in open_audit_actions(session,
                                                                           supervisee.id)]
        if planned is not None:
            values["venue"] = planned.venue
            if planned.planned_time:
                values["start_time"] = planned.planned_time.isoformat(timespec="minutes")
    record = SupervisionRecord(form_key=form_key, session_id=session_id,
                               supervisee_id=supervisee.id if supervisee else None,
                               supervisor_id=supervisor_id, held_on=held_on, values=values,
                               draft_saved_at=utcnow())
    session.add(record)
    session.flush()
    log_event(session, actor.who, "record.create", subject_kind="record", subject_id=record.id,
              about_staff_id=record.supervisee_id, detail=form_key)
    return record


def save_draft(session: Session, actor: Actor, record_id: uuid.UUID, values: dict[str, Any]
               ) -> SupervisionRecord:
    """Keep what has been typed so far, unchecked (the editor calls this as the user types)."""
    record = get_record(session, record_id)
    _require_write(session, actor, record)
    if record.status != "draft":
        raise ValidationError(Problem("record", "This record is complete; it is no longer a "
                                                "draft"))
    record.values = dict(values)
    record.draft_saved_at = utcnow()
    record.updated_at = record.draft_saved_at
    session.flush()
    return record


def drafts_of(session: Session, actor: Actor) -> list[SupervisionRecord]:
    """Unfinished records this person was writing, newest first (offered when they return)."""
    return list(session.exec(select(SupervisionRecord).where(
        SupervisionRecord.status == "draft", SupervisionRecord.supervisor_id == actor.staff_id)
        .order_by(col(SupervisionRecord.draft_saved_at).desc())))


def _times(values: dict[str, Any]) -> tuple[time | None, time | None, list[Problem]]:
    try:
        start = time.fromisoformat(str(values.get("start_time"))) \
            if values.get("start_time") else None
        end = time.fromisoformat(str(values.get("end_time"))) if values.get("end_time") else None
    except ValueError:
        return None, None, []  # validate() names the bad time
    if start and end and end <= start:
        return start, end, [Problem("end_time", "The session ends before it starts")]
    return start, end, []


def minutes_of(record: SupervisionRecord) -> int | None:
    if record.start_time is None or record.end_time is None:
        return None
    start = record.start_time.hour * 60 + record.start_time.minute
    return record.end_time.hour * 60 + record.end_time.minute - start


def is_short_record(record: SupervisionRecord) -> bool:
    return is_short(minutes_of(record))


def complete_record(session: Session, actor: Actor, record_id: uuid.UUID,
                    values: dict[str, Any], *, reviews: dict[str, str] | None = None,
                    attendee_ids: list[uuid.UUID] | None = None) -> SupervisionRecord:
    """Check and finish a record: its actions become tracked actions, the earlier actions
    reviewed are marked done or carried forward, its session is completed.

    ``reviews`` maps an earlier action's id to "done" or "carried_forward"; every open action
    shown must be given one. Raises ValidationError (nothing saved) on any problem.
    """
    record = get_record(session, record_id)
    _require_write(session, actor, record)
    if session.exec(select(Signature).where(Signature.record_kind == "record",
                                            Signature.record_id == record.id)).first():
        raise ValidationError(Problem("record", "This record has been signed and can no longer "
                                                "be edited; once final, add an addendum"))
    form = ALL_FORMS[record.form_key]
    values = dict(values)
    reviews = reviews or {}
    start, end, problems = _times(values)
    if record.form_key == "group":
        attendee_ids = list(attendee_ids or [])
        if not attendee_ids:
            problems.append(Problem("attendees", "A group record needs at least one attendee"))
        values["attendees"] = [get_staff(session, s).name for s in attendee_ids]
    else:
        held = parse_iso_date(values.get("held_on")) or record.held_on
        shown = open_actions(session, record.supervisee_id, before=held) \
            if record.supervisee_id else []
        missing = [a for a in shown if reviews.get(str(a.id)) not in REVIEW_OUTCOMES]
        if missing:
            problems.append(Problem("actions_reviewed", "Mark each earlier action done or "
                                    f"carried forward ({len(missing)} not reviewed)"))
        values["actions_reviewed"] = _review_rows(
            shown, {k: REVIEW_OUTCOMES.get(v, "") for k, v in reviews.items()})
    problems += [p for p in validate(form, values)
                 if not (p.field == "attendees" and any(q.field == "attendees"
                                                        for q in problems))]
    if problems:
        raise ValidationError(problems)
    held_on = parse_iso_date(values.get("held_on")) or record.held_on
    record.values, record.held_on, record.start_time, record.end_time = values, held_on, start, end
    record.status = "complete"
    record.updated_at = utcnow()
    _write_actions(session, record, form.field("actions"), values)
    if record.form_key == "group":
        for staff_id in dict.fromkeys(attendee_ids or []):
            session.add(GroupAttendee(record_id=record.id, staff_id=staff_id))
    else:
        for action_id, outcome in reviews.items():
            _review(session, record, uuid.UUID(action_id), outcome, held_on)
        if "cases_discussed" in {f.key for f in form.value_fields()}:
            from supervision_audit.services.cases import record_discussions

            session.flush()
            record_discussions(session, record,
                               table_rows(form.field("cases_discussed"),
                                          values.get("cases_discussed")))
    if record.form_key != "group":
        record_held(session, record)  # its line of the monitoring sheet, completed
    session.flush()
    log_event(session, actor.who, "record.complete", subject_kind="record",
              subject_id=record.id, about_staff_id=record.supervisee_id,
              detail=f"{record.form_key} {held_on.isoformat()}")
    return record


def reopen_blocker(session: Session, record: SupervisionRecord) -> str:
    """Why a record cannot be set back to a draft ("" when it can), access aside."""
    if record.status != "complete":
        return "This record is still a draft"
    if record.locked_at is not None:
        return "This record is final (signed by everyone); add an addendum instead"
    if session.exec(select(Signature.id).where(Signature.record_kind == "record",
                                               Signature.record_id == record.id)).first():
        return ("This record has been signed, so it cannot be reopened; once everyone has "
                "signed, add an addendum")
    agreed = select(ActionItem.id).where(ActionItem.record_id == record.id)
    later = session.exec(select(ActionReview.record_id).where(
        col(ActionReview.action_id).in_(agreed), ActionReview.record_id != record.id)).first()
    done = session.exec(agreed.where(ActionItem.status == "done")).first()
    if later is not None or done is not None:
        return ("An action agreed in this record has since been marked done or reviewed in a "
                "later record, so it cannot be reopened; sign it and add an addendum instead")
    return ""


def reopen_record(session: Session, actor: Actor, record_id: uuid.UUID, reason: str
                  ) -> SupervisionRecord:
    """Set a complete record that nobody has signed back to a draft, to be corrected and
    completed again (the reason is logged). A signed record takes addenda instead.

    What completing it made is undone so that completing it again does not repeat it: the
    actions it agreed, its review of earlier actions (those it marked done are open again),
    its group attendees (the draft holds them as chosen) and the cases it discussed. Its
    session stays held (completed) and any copy given stays recorded.
    """
    record = get_record(session, record_id)
    _require_write(session, actor, record)
    if not actor.is_system and record.supervisor_id != actor.staff_id:
        # the draft would be its writer's, and its writer may no longer write it
        raise PermissionDenied(f"{actor.name} ({actor.username}) may not reopen this record: "
                               "only the supervisor who wrote it may.")
    reason = reason.strip()
    if not reason:
        raise ValidationError(Problem("reason", "Give the reason for reopening the record"))
    if len(reason) > REOPEN_REASON_MAX:
        raise ValidationError(Problem("reason", "Keep the reason under "
                                                f"{REOPEN_REASON_MAX} characters"))
    blocker = reopen_blocker(session, record)
    if blocker:
        raise ValidationError(Problem("record", blocker))
    values = dict(record.values)
    for review in list(session.exec(select(ActionReview).where(
            ActionReview.record_id == record.id))):
        action = session.get(ActionItem, review.action_id)
        if review.outcome == "done" and action is not None and action.status == "done" \
                and action.done_on == record.held_on:
            action.status, action.done_on = "open", None  # open again, to be reviewed again
            action.updated_at = utcnow()
        session.delete(review)
    session.flush()  # the reviews go before the actions they name
    made: list[Any] = [*session.exec(select(ActionItem).where(
        ActionItem.record_id == record.id)), *session.exec(select(CaseDiscussion).where(
            CaseDiscussion.record_id == record.id))]
    if record.form_key == "group":
        values["attendees"] = [str(s) for s in attendees_of(session, record.id)]
        made += session.exec(select(GroupAttendee).where(GroupAttendee.record_id == record.id))
    for row in made:
        session.delete(row)
    session.flush()
    record.values = values
    record.status = "draft"
    record.draft_saved_at = record.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "record.reopen", subject_kind="record",
              subject_id=record.id, about_staff_id=record.supervisee_id, detail=reason)
    return record


def _write_actions(session: Session, record: SupervisionRecord, field: Any,
                   values: dict[str, Any]) -> None:
    for number, row in enumerate(table_rows(field, values.get("actions")), start=1):
        session.add(ActionItem(record_id=record.id, supervisee_id=record.supervisee_id,
                               number=number, description=str(row["action"]).strip(),
                               owner=str(row["owner"]).strip(),
                               due_date=parse_iso_date(row["due"]) or record.held_on))


def _review(session: Session, record: SupervisionRecord, action_id: uuid.UUID, outcome: str,
            on: date) -> None:
    action = session.get(ActionItem, action_id)
    if action is None or action.supervisee_id != record.supervisee_id:
        raise ValidationError(Problem("actions_reviewed", "An action reviewed is not on this "
                                                          "file"))
    session.add(ActionReview(action_id=action.id, record_id=record.id, outcome=outcome))
    if outcome == "done":
        action.status, action.done_on = "done", on
        action.updated_at = utcnow()


def mark_action_done(session: Session, actor: Actor, action_id: uuid.UUID, done_on: date
                     ) -> ActionItem:
    """Mark an action done at any time (not an edit of its record; logged)."""
    action = session.get(ActionItem, action_id)
    if action is None:
        raise NotFoundError("That action is not in the database.")
    record = get_record(session, action.record_id)
    _require_write(session, actor, record)
    if done_on < record.held_on:
        raise ValidationError(Problem("done_on", "An action cannot be done before the "
                                                 "supervision that agreed it"))
    action.status, action.done_on = "done", done_on
    action.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "action.done", subject_kind="action", subject_id=action.id,
              about_staff_id=action.supervisee_id, detail=done_on.isoformat())
    return action


@dataclass(slots=True)
class RecordView:
    """A record as read for showing and printing: the columns of ``SupervisionRecord`` by
    the same names (all but when the row was made and last changed), without an ORM object
    behind it (a five-year file has a hundred records, each with its form's answers). To
    change a record, use ``get_record``."""

    id: uuid.UUID
    form_key: str
    session_id: uuid.UUID | None
    supervisee_id: uuid.UUID | None
    supervisor_id: uuid.UUID
    held_on: date
    start_time: time | None
    end_time: time | None
    status: str
    values: dict[str, Any]
    draft_saved_at: datetime | None
    locked_at: datetime | None
    copy_given_on: date | None
    copy_method: str


_RECORD_COLUMNS = [getattr(SupervisionRecord, name) for name in RecordView.__dataclass_fields__]
_FILE_RECORDS = (
    select(*_RECORD_COLUMNS).where(or_(
        SupervisionRecord.supervisee_id == bindparam("person"),
        col(SupervisionRecord.id).in_(select(GroupAttendee.record_id).where(
            GroupAttendee.staff_id == bindparam("person")))))
    .order_by(col(SupervisionRecord.held_on).desc()))


def records_of(session: Session, actor: Actor, supervisee_uuid: uuid.UUID
               ) -> list[RecordView]:
    """Every record on a person's file, their group records included, newest first.

    One statement, built once, read as rows (see ``RecordView``)."""
    require(session, actor, Action.READ_FILE, supervisee_uuid)
    session.flush()  # this session's own changes first, as the ORM would
    rows = session.connection().execute(_FILE_RECORDS, {"person": supervisee_uuid})
    # a draft is its writer's until it is complete
    return [RecordView(*r) for r in rows if r.status != "draft" or actor.is_system
            or r.supervisor_id == actor.staff_id]


def open_record(session: Session, actor: Actor, record_id: uuid.UUID) -> SupervisionRecord:
    """A record for reading; the opening is logged."""
    record = get_record(session, record_id)
    _require_read(session, actor, record)
    log_event(session, actor.who, "record.open", subject_kind="record", subject_id=record.id,
              about_staff_id=record.supervisee_id)
    return record
