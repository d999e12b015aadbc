"""Signing records and contracts: canonical content hashes, the order of signing, locking
once everyone required has signed, addenda to final records, and the supervisee's copy."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from sqlmodel import Session, col, select

from supervision_audit.errors import NotFoundError, Problem, ValidationError, WrongKeyError
from supervision_audit.models import (
    Addendum,
    AsyeTracker,
    Contract,
    DirectObservation,
    FileAudit,
    GroupAttendee,
    Signature,
    Staff,
    SupervisionRecord,
    UserAccount,
    utcnow,
)
from supervision_audit.policy import copy_due, copy_is_late
from supervision_audit.security.passwords import verify_password
from supervision_audit.services.access import Actor
from supervision_audit.services.events import log_event
from supervision_audit.services.records import attendees_of

SUPERVISOR_MEANING = "Supervisor: I confirm this is an accurate record"
SUPERVISEE_MEANING = "Supervisee: I have read this record"
DISAGREE_MEANING = "Supervisee: I have read this record and disagree: {text}"
ATTENDEE_MEANING = "Attendee: I have read this record"
CONTRACT_SUPERVISOR = "Supervisor: I agree to this supervision contract"
CONTRACT_SUPERVISEE = "Supervisee: I agree to this supervision contract"
AUTHOR_MEANING = "Author: I confirm this addendum"
ASYE_SUPERVISOR = "Supervisor: I confirm this tracker is accurate"
ASYE_SUPERVISEE = "Supervisee: I have read this tracker"
COPY_METHODS = {"printed": "Printed copy", "emailed": "E-mailed PDF", "handed": "Handed over"}
# signature lines on the forms: filled from the signatures given, never part of what is signed
SIGNATURE_FIELDS = ("supervisor_signature", "supervisee_signature", "auditor_signature")


def canonical_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the content as canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _values(values: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in SIGNATURE_FIELDS + drop}


def record_content(record: SupervisionRecord) -> dict[str, Any]:
    return {"kind": "record", "id": str(record.id), "form": record.form_key,
            "supervisee": str(record.supervisee_id or ""), "supervisor": str(record.supervisor_id),
            "held_on": record.held_on.isoformat(),
            "start": record.start_time.isoformat() if record.start_time else "",
            "end": record.end_time.isoformat() if record.end_time else "",
            "values": _values(record.values)}


def contract_content(contract: Contract) -> dict[str, Any]:
    return {"kind": "contract", "id": str(contract.id), "version": contract.version,
            "supervisee": str(contract.supervisee_id), "supervisor": str(contract.supervisor_id),
            "date_agreed": contract.date_agreed.isoformat() if contract.date_agreed else "",
            "values": _values(contract.values, ("review_due",))}


def addendum_content(addendum: Addendum) -> dict[str, Any]:
    return {"kind": "addendum", "id": str(addendum.id), "of": f"{addendum.record_kind} "
            f"{addendum.record_id}", "author": str(addendum.author_staff_id),
            "written_on": addendum.written_on.isoformat(), "reason": addendum.reason,
            "text": addendum.text}


def asye_content(tracker: AsyeTracker) -> dict[str, Any]:
    return {"kind": "asye", "id": str(tracker.id), "supervisee": str(tracker.supervisee_id),
            "values": _values(tracker.values)}


def audit_content(audit: FileAudit) -> dict[str, Any]:
    return {"kind": "audit", "id": str(audit.id), "supervisee": str(audit.supervisee_id),
            "auditor": str(audit.auditor_id), "completed_on": audit.completed_on.isoformat(),
            "judgement": audit.judgement, "values": _values(audit.values),
            "proposals": audit.proposals}


def observation_content(row: DirectObservation) -> dict[str, Any]:
    return {"kind": "observation", "id": str(row.id), "supervisor": str(row.supervisor_id),
            "observer": str(row.observer_id), "observed_on": row.observed_on.isoformat(),
            "strengths": row.strengths, "areas_to_develop": row.areas_to_develop}


def _subject(session: Session, kind: str, record_id: uuid.UUID) -> Any:
    table = {"record": SupervisionRecord, "contract": Contract, "addendum": Addendum,
             "asye": AsyeTracker, "audit": FileAudit, "observation": DirectObservation
             }.get(kind)
    row = session.get(table, record_id) if table else None
    if row is None:
        raise NotFoundError(f"That {kind} is not in the database.")
    return row


def content_hash_of(session: Session, kind: str, record_id: uuid.UUID) -> str:
    row = _subject(session, kind, record_id)
    content = {"record": record_content, "contract": contract_content,
               "addendum": addendum_content, "asye": asye_content, "audit": audit_content,
               "observation": observation_content}[kind](row)
    return canonical_hash(content)


def signatures_of(session: Session, kind: str, record_id: uuid.UUID) -> list[Signature]:
    return list(session.exec(select(Signature).where(
        Signature.record_kind == kind, Signature.record_id == record_id)
        .order_by(col(Signature.signed_at))))


@dataclass(frozen=True)
class Required:
    staff_id: uuid.UUID
    role: str


def required_signers(session: Session, kind: str, record_id: uuid.UUID) -> list[Required]:
    """Who must sign, in order: the supervisor first, then the supervisee or each attendee."""
    row = _subject(session, kind, record_id)
    if kind == "addendum":
        return [Required(row.author_staff_id, "author")]
    if kind == "audit":
        return [Required(row.auditor_id, "auditor")]
    if kind == "observation":
        return [Required(row.observer_id, "observer"), Required(row.supervisor_id, "supervisor")]
    if kind == "asye":
        person = session.get(Staff, row.supervisee_id)
        supervisor = person.supervisor_id if person else None
    else:
        supervisor = row.supervisor_id
    if kind == "record":
        return _record_places(row.form_key, row.supervisor_id, row.supervisee_id,
                              attendees_of(session, row.id) if row.form_key == "group" else [])
    out = [Required(supervisor, "supervisor")] if supervisor else []
    out.append(Required(row.supervisee_id, "supervisee"))
    return out


def _record_places(form_key: str, supervisor: uuid.UUID | None,
                   supervisee: uuid.UUID | None, attendees: list[uuid.UUID]
                   ) -> list[Required]:
    """A record's places to sign: the supervisor, then the supervisee or each attendee."""
    out = [Required(supervisor, "supervisor")] if supervisor else []
    if form_key == "group":
        return out + [Required(s, "attendee") for s in attendees]
    return out + [Required(supervisee, "supervisee")]


def _check_password(session: Session, actor: Actor, password: str | None) -> None:
    if actor.is_system:
        return
    account = session.exec(select(UserAccount).where(UserAccount.username == actor.username)
                           ).first()
    if account is None or password is None or not verify_password(account.password_hash,
                                                                  password):
        raise WrongKeyError("The password is not right: nothing was signed.")


def meaning_for(kind: str, role: str, disagreement: str = "") -> str:
    """What a signature in ``role`` on a ``kind`` of record says."""
    return _meaning(kind, role, disagreement)


def _meaning(kind: str, role: str, disagreement: str) -> str:
    if kind == "addendum":
        return AUTHOR_MEANING
    if kind == "contract":
        return CONTRACT_SUPERVISOR if role == "supervisor" else CONTRACT_SUPERVISEE
    if kind == "asye":
        return ASYE_SUPERVISOR if role == "supervisor" else ASYE_SUPERVISEE
    if kind == "audit":
        return "Auditor: I confirm this audit and its judgement"
    if kind == "observation":
        return ("Observer: I confirm this observation" if role == "observer" else
                "Supervisor: I have read this observation")
    if role == "supervisor":
        return SUPERVISOR_MEANING
    if role == "attendee":
        return ATTENDEE_MEANING
    if disagreement.strip():
        return DISAGREE_MEANING.format(text=disagreement.strip())
    return SUPERVISEE_MEANING


def _place(session: Session, kind: str, record_id: uuid.UUID, signer: uuid.UUID
           ) -> Required:
    """The signer's place among those required; refuses out-of-order and repeated signing."""
    required = required_signers(session, kind, record_id)
    done = {(s.signer_staff_id, s.role) for s in signatures_of(session, kind, record_id)}
    mine = [r for r in required if r.staff_id == signer]
    if not mine:
        raise ValidationError(Problem("signature", "Only the supervisor and the supervisee "
                                                   "(or the attendees) sign this record"))
    place = next((r for r in mine if (r.staff_id, r.role) not in done), None)
    if place is None:
        raise ValidationError(Problem("signature", "This has already been signed by you"))
    if place.role != "supervisor" and required and required[0].role == "supervisor" and \
            (required[0].staff_id, "supervisor") not in done:
        raise ValidationError(Problem("signature", "The supervisor signs first"))
    return place


def place_to_sign(session: Session, kind: str, record_id: uuid.UUID, signer: uuid.UUID
                  ) -> Required:
    """Where ``signer`` signs now, as ``sign`` checks it (ValidationError: they may not):
    for a signature made elsewhere, a laptop's, that the server takes in."""
    return _place(session, kind, record_id, signer)


def sign(
    session: Session,
    actor: Actor,
    kind: str,
    record_id: uuid.UUID,
    *,
    password: str | None,
    disagreement: str = "",
    image_png: bytes | None = None,
    in_person_for: uuid.UUID | None = None,
    typed_name: str = "",
    at: datetime | None = None,
) -> Signature:
    """Sign as the signed-in person (password asked again), or witness a supervisee without an
    account signing in person (``in_person_for``, with the typed name and drawn signature).

    When everyone required has signed, the record or contract becomes final (locked).
    """
    _check_password(session, actor, password)
    row = _subject(session, kind, record_id)
    if kind in ("record", "audit") and row.status != "complete":
        raise ValidationError(Problem("signature", "Finish the record before it is signed"))
    signer = in_person_for or actor.staff_id
    if in_person_for is not None:
        witness_place = required_signers(session, kind, record_id)
        if not witness_place or witness_place[0].staff_id != actor.staff_id:
            raise ValidationError(Problem("signature", "Only the supervisor can witness a "
                                                       "signature made in person"))
        if not typed_name.strip() or not image_png:
            raise ValidationError(Problem("signature", "A signature in person needs the typed "
                                                       "full name and the drawn signature"))
    place = _place(session, kind, record_id, signer)
    person = session.get(Staff, signer)
    signature = Signature(
        record_kind=kind, record_id=record_id, signer_staff_id=signer, role=place.role,
        typed_name=typed_name.strip() or (person.name if person else actor.name),
        meaning=_meaning(kind, place.role, disagreement),
        content_hash=content_hash_of(session, kind, record_id), image_png=image_png,
        account_username="" if in_person_for else actor.username,
        in_person=in_person_for is not None,
        witnessed_by=actor.staff_id if in_person_for is not None else None,
        signed_at=at or utcnow())
    session.add(signature)
    session.flush()
    done = {(s.signer_staff_id, s.role) for s in signatures_of(session, kind, record_id)}
    if kind != "addendum" and all((r.staff_id, r.role) in done
                                  for r in required_signers(session, kind, record_id)):
        row.locked_at = signature.signed_at
        session.flush()
        log_event(session, actor.who, f"{kind}.final", subject_kind=kind, subject_id=record_id,
                  about_staff_id=getattr(row, "supervisee_id", None))
    log_event(session, actor.who, f"{kind}.sign", subject_kind=kind, subject_id=record_id,
              about_staff_id=getattr(row, "supervisee_id", None),
              detail=f"{signature.role}: {signature.meaning}")
    return signature


def is_final(row: Any) -> bool:
    return getattr(row, "locked_at", None) is not None


def add_addendum(session: Session, actor: Actor, kind: str, record_id: uuid.UUID, *,
                 reason: str, text: str, password: str | None,
                 written_on: date | None = None) -> Addendum:
    """A dated, signed correction to a final record by its supervisor or supervisee."""
    row = _subject(session, kind, record_id)
    if not is_final(row):
        raise ValidationError(Problem("addendum", "Only a final (signed) record takes an "
                                                  "addendum; edit the record instead"))
    parties = {r.staff_id for r in required_signers(session, kind, record_id)}
    if actor.staff_id not in parties and not actor.is_system:
        raise ValidationError(Problem("addendum", "Only the people who signed the record add "
                                                  "addenda to it"))
    problems = [Problem(f, f"The {f} is required") for f, v in (("reason", reason),
                                                                 ("text", text)) if not v.strip()]
    if problems:
        raise ValidationError(problems)
    _check_password(session, actor, password)
    addendum = Addendum(record_kind=kind, record_id=record_id, author_staff_id=actor.staff_id,
                        written_on=written_on or date.today(), reason=reason.strip(),
                        text=text.strip())
    session.add(addendum)
    session.flush()
    sign(session, actor, "addendum", addendum.id, password=password)
    log_event(session, actor.who, f"{kind}.addendum", subject_kind=kind, subject_id=record_id,
              about_staff_id=getattr(row, "supervisee_id", None), detail=reason.strip())
    return addendum


def addenda_of(session: Session, kind: str, record_id: uuid.UUID) -> list[Addendum]:
    return list(session.exec(select(Addendum).where(
        Addendum.record_kind == kind, Addendum.record_id == record_id)
        .order_by(col(Addendum.created_at))))


def record_copy_given(session: Session, actor: Actor, record_id: uuid.UUID, given_on: date,
                      method: str) -> SupervisionRecord:
    """R3: when and how the supervisee got their copy (allowed on a final record)."""
    record = _subject(session, "record", record_id)
    if record.supervisor_id != actor.staff_id and not actor.is_system:
        raise ValidationError(Problem("copy", "The supervisor records the copy given"))
    if record.status != "complete":
        raise ValidationError(Problem("copy", "Finish the record before its copy is given"))
    if method not in COPY_METHODS:
        raise ValidationError(Problem("copy_method", "Choose how the copy was given: " +
                                      ", ".join(COPY_METHODS.values())))
    if given_on < record.held_on:
        raise ValidationError(Problem("copy_given_on", "The copy cannot be given before the "
                                                       "session"))
    record.copy_given_on, record.copy_method = given_on, method
    session.flush()
    log_event(session, actor.who, "record.copy", subject_kind="record", subject_id=record.id,
              about_staff_id=record.supervisee_id, detail=f"{method} {given_on.isoformat()}")
    return record


@dataclass(frozen=True)
class TaskItem:
    record_id: uuid.UUID
    kind: str
    supervisee: str
    held_on: date
    # "awaiting your signature", "awaiting Pat Worker's signature" (on a group record with
    # more attendees still to sign: "... signature and 2 others"), "copy due"
    what: str
    due: date | None
    late: bool


def _chunks(ids: Collection[uuid.UUID], size: int = 500) -> Iterator[list[uuid.UUID]]:
    """``ids`` in lists small enough for one ``IN (...)`` each."""
    items = list(ids)
    for first in range(0, len(items), size):
        yield items[first:first + size]


class _TaskRow(NamedTuple):
    """The columns of a record a task needs (not its values: they can be long)."""

    id: uuid.UUID
    form_key: str
    supervisee_id: uuid.UUID | None
    supervisor_id: uuid.UUID
    held_on: date
    locked_at: datetime | None
    copy_given_on: date | None


_TASK_COLUMNS = (SupervisionRecord.id, SupervisionRecord.form_key,
                 SupervisionRecord.supervisee_id, SupervisionRecord.supervisor_id,
                 SupervisionRecord.held_on, SupervisionRecord.locked_at,
                 SupervisionRecord.copy_given_on)


def _task_records(session: Session, me: uuid.UUID) -> list[_TaskRow]:
    """The complete records that may put a task on ``me``'s list: those not final that
    ``me`` supervised or received (or attended, for a group record), and those whose copy
    ``me`` as the supervisor has still to give."""
    own = select(*_TASK_COLUMNS).where(
        SupervisionRecord.status == "complete",
        (SupervisionRecord.supervisor_id == me) | (SupervisionRecord.supervisee_id == me),
        col(SupervisionRecord.locked_at).is_(None) | (
            col(SupervisionRecord.copy_given_on).is_(None)
            & (SupervisionRecord.supervisor_id == me)
            & col(SupervisionRecord.supervisee_id).is_not(None)))
    attended = select(*_TASK_COLUMNS).join(
        GroupAttendee, GroupAttendee.record_id == SupervisionRecord.id).where(
        GroupAttendee.staff_id == me, SupervisionRecord.form_key == "group",
        SupervisionRecord.status == "complete", col(SupervisionRecord.locked_at).is_(None))
    rows: dict[uuid.UUID, _TaskRow] = {}
    for query in (own, attended):
        for row in session.exec(query):
            rows.setdefault(row[0], _TaskRow(*row))
    return list(rows.values())


class RecordLike(Protocol):
    """What ``record_signers`` reads of a record (a SupervisionRecord or a row of one)."""

    id: uuid.UUID
    form_key: str
    supervisor_id: uuid.UUID | None
    supervisee_id: uuid.UUID | None


def record_signers(session: Session, rows: Sequence[RecordLike]
                   ) -> dict[uuid.UUID, list[Required]]:
    """``required_signers`` of many records at once: every group record's attendees read
    in one query per 500 records (in the same order as ``attendees_of``)."""
    attendees: dict[uuid.UUID, list[uuid.UUID]] = {}
    for chunk in _chunks([r.id for r in rows if r.form_key == "group"]):
        for record_id, staff_id in session.exec(
                select(GroupAttendee.record_id, GroupAttendee.staff_id)
                .join(Staff, Staff.id == GroupAttendee.staff_id)
                .where(col(GroupAttendee.record_id).in_(chunk))
                .order_by(col(GroupAttendee.record_id), col(Staff.name), col(Staff.id))):
            attendees.setdefault(record_id, []).append(staff_id)
    return {r.id: _record_places(r.form_key, r.supervisor_id, r.supervisee_id,
                                 attendees.get(r.id, [])) for r in rows}


def _signed_places(session: Session, record_ids: Collection[uuid.UUID]
                   ) -> dict[uuid.UUID, set[tuple[uuid.UUID, str]]]:
    """Per record: the (signer, role) places signed (only those columns: a signature row
    also holds its drawn image)."""
    out: dict[uuid.UUID, set[tuple[uuid.UUID, str]]] = {}
    for chunk in _chunks(record_ids):
        for record_id, signer, role in session.exec(
                select(Signature.record_id, Signature.signer_staff_id, Signature.role)
                .where(Signature.record_kind == "record", col(Signature.record_id).in_(chunk))):
            out.setdefault(record_id, set()).add((signer, role))
    return out


def _waiting_task(me: uuid.UUID, required: list[Required], signed: set[tuple[uuid.UUID, str]]
                  ) -> tuple[uuid.UUID, str] | None:
    """Whose signature ``me``'s task about a record not final awaits ((person, "") for
    another's), or None when ``me`` has nothing awaited there. The supervisor and the
    supervisee see the record until it is final; an attendee sees a group record until they
    have signed it (attendees sign in any order once the supervisor has)."""
    waiting = [r for r in required if (r.staff_id, r.role) not in signed]
    if not waiting:
        return None
    first = waiting[0]
    mine = [r for r in required if r.staff_id == me]
    if mine and all(r.role == "attendee" for r in mine):
        if all((r.staff_id, r.role) in signed for r in mine):
            return None  # this attendee has signed; the others' signatures are not theirs
        return (me, "") if first.role == "attendee" else (first.staff_id, "")
    others = len(waiting) - 1 if first.role == "attendee" else 0
    return first.staff_id, f" and {others} other{'s' if others > 1 else ''}" if others else ""


YOUR_SIGNATURE = "awaiting your signature"  # a task the signed-in person does by signing


def tasks_for(session: Session, actor: Actor, on: date | None = None) -> list[TaskItem]:
    """The supervisor's, supervisee's and group attendees' list: records awaiting signature,
    copies due. Reads the records, their signatures, attendees and names in a few queries
    however many records there are."""
    on = on or date.today()
    me = actor.staff_id
    rows = _task_records(session, me)
    open_rows = [r for r in rows if r.locked_at is None]
    places = record_signers(session, open_rows)
    signed = _signed_places(session, places)
    waits: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    for row in open_rows:
        wait = _waiting_task(me, places[row.id], signed.get(row.id, set()))
        if wait is not None:
            waits[row.id] = wait
    names: dict[uuid.UUID, str] = {}
    for chunk in _chunks({r.supervisee_id for r in rows if r.supervisee_id}
                         | {person for person, _more in waits.values()}):
        names.update(session.exec(select(Staff.id, Staff.name)
                                  .where(col(Staff.id).in_(chunk))).all())
    out = []
    for record_id, form_key, supervisee, supervisor, held_on, _locked, copy_given in rows:
        who = names.get(supervisee, "group") if supervisee else "group"
        if record_id in waits:
            person, more = waits[record_id]
            out.append(TaskItem(record_id, form_key, who, held_on,
                                YOUR_SIGNATURE if person == me else
                                f"awaiting {names.get(person, '')}'s signature{more}",
                                None, False))
        if supervisee and copy_given is None and supervisor == me:
            out.append(TaskItem(record_id, form_key, who, held_on, "copy due",
                                copy_due(held_on), copy_is_late(held_on, None, on)))
    return sorted(out, key=lambda t: (t.due or t.held_on, t.supervisee))


def signed_at_local(signature: Signature) -> datetime:
    return signature.signed_at.astimezone()
