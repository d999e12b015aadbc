"""What the records panel and the signing dialogs show, gathered from the services as plain
data (no Qt): a person's records with their state, drafts, open actions, planned sessions
still to write up, and who may sign what next."""

from __future__ import annotations

import html
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from supervision_audit.models import (
    ActionItem,
    ActionReview,
    Staff,
    SupervisionRecord,
)
from supervision_audit.models.people import Role
from supervision_audit.policy import copy_due, copy_is_late
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.services.integrity import changed_after_signing
from supervision_audit.services.record_status import (  # noqa: F401 (the dialogs use them)
    ROLE_WORDS,
    Signer,
    record_status,
    sign_state,
)
from supervision_audit.services.record_status import chunks as _chunks
from supervision_audit.services.record_status import names_of as _names
from supervision_audit.services.record_status import signed_places as _signed
from supervision_audit.services.record_status import status_label as _status_label
from supervision_audit.services.record_status import with_accounts as _with_accounts
from supervision_audit.services.records import (
    drafts_of,
    is_short_record,
    minutes_of,
    open_actions,
    records_of,
)
from supervision_audit.services.sessions import sessions_of
from supervision_audit.services.signatures import (
    COPY_METHODS,
    Required,
    is_final,
    record_signers,
)
from supervision_audit.services.staff import list_staff

FORM_LABELS = {"individual": "Individual", "manager": "Manager", "group": "Group"}
FORM_TITLES = {"individual": "Individual supervision record",
               "manager": "Manager supervision record", "group": "Group supervision record"}
MANAGER_ROLES = (Role.TEAM_MANAGER.value, Role.SENIOR_MANAGER.value)
REOPEN_NOTES = {
    "draft": "Only a complete record is reopened: this one is still a draft",
    "final": "A final record cannot be reopened: add an addendum instead",
    "signed": "Already signed, so it cannot be reopened: once everyone has signed, add an "
              "addendum",
    "actions": "An action it agreed has since been marked done or reviewed in a later "
               "record, so it cannot be reopened: sign it and add an addendum instead",
    "access": "Only the supervisor who writes this record may reopen it",
}


def esc(text: str) -> str:
    """``text`` made safe to show in a rich-text label."""
    return html.escape(text, quote=False)


def _actions_moved_on(session: Session, record_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``record_ids`` with an action since marked done or reviewed by another record
    (one query for them all)."""
    later = select(ActionReview.action_id).where(ActionReview.action_id == ActionItem.id,
                                                 ActionReview.record_id != ActionItem.record_id)
    out: set[uuid.UUID] = set()
    for chunk in _chunks(record_ids):
        out.update(session.exec(select(ActionItem.record_id).where(
            col(ActionItem.record_id).in_(chunk),
            (ActionItem.status == "done") | later.exists())).all())
    return out


@dataclass(frozen=True)
class RecordRow:
    """One line of the records table."""

    id: uuid.UUID
    form_key: str
    held_on: date
    status: str  # "draft", "awaiting" or "final"
    waiting_text: str  # who is still to sign
    short_minutes: int | None  # the length of a short session, else None
    copy_given_on: date | None
    copy_method: str
    copy_due: date | None  # None: no copy owed (a group record or a draft)
    copy_late: bool
    may_edit: bool  # a draft the actor writes
    may_sign: bool
    may_witness: bool
    may_addendum: bool
    may_copy: bool
    may_reopen: bool = False  # complete, nobody has signed, the actor writes it
    reopen_note: str = ""  # why it may not be reopened
    changed: str = ""  # what no longer matches its signatures (altered outside the app)

    @property
    def form_label(self) -> str:
        return FORM_LABELS.get(self.form_key, self.form_key)

    @property
    def status_label(self) -> str:
        return _status_label(self.status, bool(self.changed))

    def copy_text(self) -> str:
        if self.copy_given_on is not None:
            how = COPY_METHODS.get(self.copy_method, self.copy_method)
            text = f"{self.copy_given_on:%d/%m/%Y} · {how}" if how else \
                f"{self.copy_given_on:%d/%m/%Y}"
            return text + (" (late)" if self.copy_late else "")
        if self.copy_due is None:
            return "—"
        return f"Late: due {self.copy_due:%d/%m/%Y}" if self.copy_late else \
            f"Due {self.copy_due:%d/%m/%Y}"


@dataclass(frozen=True)
class DraftRow:
    id: uuid.UUID
    form_key: str
    held_on: date
    saved_at: datetime | None
    about: str  # the supervisee's name, or "group"

    def text(self) -> str:
        saved = ""
        if self.saved_at is not None:
            saved = f", last saved {_local(self.saved_at):%d/%m/%Y %H:%M}"
        return f"{FORM_TITLES.get(self.form_key, self.form_key)} of {self.held_on:%d/%m/%Y}" \
               f" ({self.about}){saved}"


@dataclass(frozen=True)
class ActionRow:
    id: uuid.UUID
    description: str
    owner: str
    due: date
    agreed_on: date  # the date of the record that agreed it


@dataclass(frozen=True)
class PlannedSession:
    id: uuid.UUID
    planned_date: date
    planned_time: time | None
    venue: str

    def text(self) -> str:
        at = f" at {self.planned_time:%H:%M}" if self.planned_time else ""
        where = f", {self.venue}" if self.venue else ""
        return f"Planned session of {self.planned_date:%A %d/%m/%Y}{at}{where}"


@dataclass
class RecordsData:
    rows: list[RecordRow] = field(default_factory=list)
    drafts: list[DraftRow] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    planned: list[PlannedSession] = field(default_factory=list)  # most recent first
    form_key: str = "individual"  # the form of this person's individual records
    may_write: bool = False
    may_group: bool = False


def _local(moment: datetime) -> datetime:
    return moment.astimezone() if moment.tzinfo else moment


def supervisees_of(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """The active people ``actor`` supervises, as (uuid text, name) choices."""
    return [(str(r.id), r.name) for r in list_staff(session, actor, supervisor_id=actor.staff_id)
            if r.active and r.supervisor_id == actor.staff_id]


def load_records(session: Session, actor: Actor, staff_uuid: uuid.UUID,
                 today: date | None = None) -> RecordsData:
    """Everything the records panel shows of ``staff_uuid``'s file to ``actor``."""
    today = today or date.today()
    person = session.get(Staff, staff_uuid)
    data = RecordsData()
    data.form_key = "manager" if person and person.role in MANAGER_ROLES else "individual"
    data.may_write = permitted(session, actor, Action.WRITE_RECORDS, staff_uuid, today)
    data.may_group = data.may_write and not actor.is_inspector
    records = records_of(session, actor, staff_uuid)
    recorded_sessions = {r.session_id for r in records if r.session_id is not None}
    # a draft is the writer's until it is complete
    shown = [r for r in records if r.status != "draft" or r.supervisor_id == actor.staff_id]
    drafts = [d for d in drafts_of(session, actor)
              if _draft_belongs(d, staff_uuid, data.may_write)]
    # read once for every row: who signs each record, who has signed, their names, accounts
    required = record_signers(session, [r for r in shown if r.status != "draft"])
    signed = _signed(session, "record", required)
    people = {p.staff_id for places in required.values() for p in places}
    names = _names(session, people | {d.supervisee_id for d in drafts if d.supervisee_id})
    accounts = _with_accounts(session, people)
    moved_on = _actions_moved_on(session, [r.id for r in shown if r.status == "complete"
                                           and not is_final(r) and not signed.get(r.id)])
    changed = changed_after_signing(session, "record", [r for r in shown
                                                        if r.status != "draft"])
    for record in shown:
        writes = actor.is_system or (record.supervisor_id == actor.staff_id and (
            record.supervisee_id is None or data.may_write))
        row = _row(session, actor, record, today, names, accounts,
                   required.get(record.id, []), signed.get(record.id, set()))
        data.rows.append(replace(row, **_reopen(row, writes, bool(signed.get(record.id)),
                                                record.id in moved_on),
                                 changed="; ".join(changed.get(record.id, []))))
    for draft in drafts:
        about = names.get(draft.supervisee_id, "") if draft.supervisee_id else "group"
        data.drafts.append(DraftRow(draft.id, draft.form_key, draft.held_on,
                                    draft.draft_saved_at, about))
    held = {r.id: r.held_on for r in records}
    data.actions = [ActionRow(a.id, a.description, a.owner, a.due_date,
                              held.get(a.record_id, a.due_date))
                    for a in open_actions(session, staff_uuid)]
    data.planned = [PlannedSession(s.id, s.planned_date, s.planned_time, s.venue)
                    for s in reversed(sessions_of(session, staff_uuid))
                    if s.status == "planned" and s.planned_date <= today
                    and s.id not in recorded_sessions]
    return data


def _draft_belongs(draft: SupervisionRecord, staff_uuid: uuid.UUID, may_write: bool) -> bool:
    """Whether the actor's ``draft`` is offered on ``staff_uuid``'s file: their own record,
    or a group record the actor writes that names them (or names nobody yet)."""
    if draft.supervisee_id == staff_uuid:
        return True
    attendees = draft.values.get("attendees") or []
    return draft.form_key == "group" and may_write and (
        not attendees or str(staff_uuid) in attendees)


def _reopen(row: RecordRow, writes: bool, signed: bool, moved_on: bool) -> dict[str, Any]:
    """Whether ``row`` may be set back to a draft (``reopen_record`` decides again)."""
    why = ("draft" if row.status == "draft" else "final" if row.status == "final" else
           "signed" if signed else "actions" if moved_on else
           "" if writes else "access")
    return {"may_reopen": not why, "reopen_note": REOPEN_NOTES.get(why, "")}


def _row(session: Session, actor: Actor, record: SupervisionRecord, today: date,
         names: dict[uuid.UUID, str], accounts: set[uuid.UUID], required: list[Required],
         signed: set[tuple[uuid.UUID, str]]) -> RecordRow:
    short = minutes_of(record) if is_short_record(record) else None
    if record.status == "draft":
        return RecordRow(record.id, record.form_key, record.held_on, "draft", "", short,
                         None, "", None, False, record.supervisor_id == actor.staff_id,
                         False, False, False, False)
    state = sign_state(session, actor, "record", record.id, names=names, accounts=accounts,
                       required=required, signed=signed)
    final = is_final(record)
    owes_copy = record.supervisee_id is not None
    due = copy_due(record.held_on) if owes_copy else None
    supervisor = record.supervisor_id == actor.staff_id or actor.is_system
    parties = {s.staff_id for s in state.done + state.waiting}
    return RecordRow(
        record.id, record.form_key, record.held_on, record_status(record),
        state.waiting_text(), short, record.copy_given_on, record.copy_method, due,
        owes_copy and copy_is_late(record.held_on, record.copy_given_on, today),
        may_edit=False, may_sign=state.my_place is not None and not final,
        may_witness=bool(state.witness_for) and not final,
        may_addendum=final and (actor.staff_id in parties or actor.is_system),
        may_copy=owes_copy and supervisor and not actor.is_inspector)
