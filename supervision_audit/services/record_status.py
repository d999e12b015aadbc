"""A record's status as the window shows it ("Draft", "Awaiting signature", "Final", or
"Changed after signing" when its content is no longer what was signed), who has signed it and
who is still to sign: one place for the records panel, the signing dialogs and the command
line."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from supervision_audit.models import (
    FileAudit,
    Signature,
    Staff,
    SupervisionRecord,
    UserAccount,
)
from supervision_audit.services.access import Actor
from supervision_audit.services.integrity import CHANGED_LABEL, changed_after_signing
from supervision_audit.services.signatures import (
    Required,
    is_final,
    record_signers,
    required_signers,
    signatures_of,
)

STATUS_LABELS = {"draft": "Draft", "awaiting": "Awaiting signature", "final": "Final"}
ROLE_WORDS = {"supervisor": "supervisor", "supervisee": "supervisee", "attendee": "attendee",
              "author": "author", "auditor": "auditor", "observer": "observer"}


def status_label(status: str, changed: bool = False) -> str:
    """The words for ``status`` (``record_status``); ``changed``: its content is no longer
    what was signed (``integrity.changed_after_signing``), which is what it then says."""
    return CHANGED_LABEL if changed else STATUS_LABELS[status]


def record_status(record: SupervisionRecord | FileAudit) -> str:
    """"draft", "awaiting" (complete, not everyone has signed) or "final" (a record or an
    audit)."""
    if record.status == "draft":
        return "draft"
    return "final" if is_final(record) else "awaiting"


@dataclass(frozen=True)
class Signer:
    staff_id: uuid.UUID
    name: str
    role: str
    has_account: bool


@dataclass(frozen=True)
class SignState:
    """Who has signed a record or contract, who has not, and what ``actor`` may do now."""

    done: tuple[Signer, ...]
    waiting: tuple[Signer, ...]
    my_place: Signer | None  # the actor may sign now, in this place
    witness_for: tuple[Signer, ...]  # people without an account the actor may witness

    @property
    def final(self) -> bool:
        return not self.waiting

    def waiting_text(self) -> str:
        return ", ".join(f"{s.name} ({ROLE_WORDS.get(s.role, s.role)})" for s in self.waiting)


def chunks(ids: Collection[uuid.UUID | None], size: int = 500) -> Iterator[list[uuid.UUID]]:
    """``ids`` in lists small enough for one ``IN (...)`` each."""
    items = [i for i in ids if i is not None]
    for start in range(0, len(items), size):
        yield items[start:start + size]


def names_of(session: Session, ids: Collection[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """The names of the people ``ids`` (not everyone on file)."""
    out: dict[uuid.UUID, str] = {}
    for chunk in chunks(ids):
        out.update(session.exec(select(Staff.id, Staff.name)
                                .where(col(Staff.id).in_(chunk))).all())
    return out


def with_accounts(session: Session, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``ids`` who have an active account."""
    out: set[uuid.UUID] = set()
    for chunk in chunks(ids):
        out.update(session.exec(select(UserAccount.staff_id).where(
            UserAccount.active == True, col(UserAccount.staff_id).in_(chunk))).all())  # noqa: E712
    return out


def signed_places(session: Session, kind: str, record_ids: Collection[uuid.UUID]
                  ) -> dict[uuid.UUID, set[tuple[uuid.UUID, str]]]:
    """Per record: the (signer, role) places already signed; one query for them all (only
    those columns: a signature row also holds its drawn image)."""
    out: dict[uuid.UUID, set[tuple[uuid.UUID, str]]] = {}
    for chunk in chunks(record_ids):
        for record_id, signer, role in session.exec(
                select(Signature.record_id, Signature.signer_staff_id, Signature.role)
                .where(Signature.record_kind == kind, col(Signature.record_id).in_(chunk))):
            out.setdefault(record_id, set()).add((signer, role))
    return out


def sign_state(session: Session, actor: Actor, kind: str, record_id: uuid.UUID, *,
               names: dict[uuid.UUID, str] | None = None,
               accounts: set[uuid.UUID] | None = None,
               required: list[Required] | None = None,
               signed: set[tuple[uuid.UUID, str]] | None = None) -> SignState:
    """Who has signed ``kind`` ``record_id`` and who is awaited. When many records are looked
    at together, pass in what has already been read for them all: ``names`` (staff id ->
    name) and ``accounts`` (staff with an account), covering every signer; ``required``
    (``required_signers``) and ``signed`` (the (signer, role) places signed)."""
    required = required_signers(session, kind, record_id) if required is None else required
    people = {r.staff_id for r in required}
    names = names_of(session, people) if names is None else names
    accounts = with_accounts(session, people) if accounts is None else accounts
    if signed is None:
        signed = {(s.signer_staff_id, s.role) for s in signatures_of(session, kind, record_id)}

    def signer(staff_id: uuid.UUID, role: str) -> Signer:
        return Signer(staff_id, names.get(staff_id, ""), role, staff_id in accounts)

    done = tuple(signer(r.staff_id, r.role) for r in required if (r.staff_id, r.role) in signed)
    waiting = tuple(signer(r.staff_id, r.role) for r in required
                    if (r.staff_id, r.role) not in signed)
    supervisor_first = bool(required) and required[0].role == "supervisor"
    supervisor_done = not supervisor_first or (required[0].staff_id, "supervisor") in signed
    my_place = next((s for s in waiting if s.staff_id == actor.staff_id
                     and (s.role == "supervisor" or supervisor_done)), None)
    witness: tuple[Signer, ...] = ()
    if supervisor_first and supervisor_done and required[0].staff_id == actor.staff_id:
        witness = tuple(s for s in waiting if not s.has_account and s.staff_id != actor.staff_id)
    return SignState(done, waiting, my_place, witness)


def record_sign_states(session: Session, actor: Actor, records: Sequence[SupervisionRecord]
                       ) -> dict[uuid.UUID, SignState]:
    """``sign_state`` of every complete record of ``records``, read in a few queries."""
    required = record_signers(session, [r for r in records if r.status != "draft"])
    signed = signed_places(session, "record", required)
    people = {p.staff_id for places in required.values() for p in places}
    names, accounts = names_of(session, people), with_accounts(session, people)
    return {record_id: sign_state(session, actor, "record", record_id, names=names,
                                  accounts=accounts, required=places,
                                  signed=signed.get(record_id, set()))
            for record_id, places in required.items()}


def _signed_at(session: Session, record_ids: Collection[uuid.UUID]
               ) -> dict[tuple[uuid.UUID, uuid.UUID, str], datetime]:
    out: dict[tuple[uuid.UUID, uuid.UUID, str], datetime] = {}
    for chunk in chunks(record_ids):
        for record_id, signer, role, at in session.exec(
                select(Signature.record_id, Signature.signer_staff_id, Signature.role,
                       Signature.signed_at)
                .where(Signature.record_kind == "record", col(Signature.record_id).in_(chunk))):
            out[(record_id, signer, role)] = at
    return out


def record_listing(session: Session, actor: Actor, records: Sequence[SupervisionRecord]
                   ) -> list[dict[str, Any]]:
    """Each record as plain data: its status as the window shows it, what no longer matches
    its signatures (if anything), who has signed (with when) and who is still to sign."""
    states = record_sign_states(session, actor, records)
    when = _signed_at(session, states)
    changed = changed_after_signing(session, "record", [r for r in records
                                                        if r.status != "draft"])
    out = []
    for record in records:
        state = states.get(record.id)
        out.append({
            "id": str(record.id), "form": record.form_key, "held_on": record.held_on.isoformat(),
            "status": status_label(record_status(record), record.id in changed),
            "changed_after_signing": changed.get(record.id, []),
            "signed": [{"name": s.name, "role": s.role, "signed_at": _iso(
                when.get((record.id, s.staff_id, s.role)))} for s in state.done]
            if state else [],
            "to_sign": [{"name": s.name, "role": s.role} for s in state.waiting]
            if state else [],
        })
    return out


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return (moment.astimezone() if moment.tzinfo else moment).isoformat(timespec="seconds")
