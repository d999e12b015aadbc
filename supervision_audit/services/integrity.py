"""Whether signed content is still what was signed.

Database triggers refuse changes to a final record, but someone with the file can drop a
trigger, so the locks are not the proof: each signature stores the SHA-256 of the content
it signed, and this module compares those hashes with the content as it is now. Every path
that opens, prints, exports or seals a signed record, contract, tracker or audit asks
here: ``signature_problems`` for one, ``changed_after_signing`` for many rows at once, and
``require_unchanged`` before anything is sealed (it refuses, saying why).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from sqlmodel import Session, col, select

from supervision_audit.errors import ChangedAfterSigningError
from supervision_audit.models import (
    Addendum,
    AsyeTracker,
    Contract,
    DirectObservation,
    FileAudit,
    Signature,
    Staff,
    SupervisionRecord,
)
from supervision_audit.services.signatures import (
    addendum_content,
    asye_content,
    audit_content,
    canonical_hash,
    contract_content,
    observation_content,
    record_content,
    record_signers,
    required_signers,
)

CHANGED = "changed after signing"
CHANGED_LABEL = "Changed after signing"  # a record's status in the window when it is
WORDS = {"record": "record", "contract": "contract", "asye": "ASYE tracker",
         "audit": "audit", "observation": "observation", "addendum": "addendum"}
_TABLES: dict[str, Any] = {"record": SupervisionRecord, "contract": Contract,
                           "asye": AsyeTracker, "audit": FileAudit,
                           "observation": DirectObservation, "addendum": Addendum}
_CONTENT: dict[str, Callable[[Any], dict[str, Any]]] = {
    "record": record_content, "contract": contract_content, "asye": asye_content,
    "audit": audit_content, "observation": observation_content,
    "addendum": addendum_content}


def _chunks(ids: Collection[uuid.UUID], size: int = 500) -> Iterator[list[uuid.UUID]]:
    items = list(ids)
    for first in range(0, len(items), size):
        yield items[first:first + size]


def _signed_hashes(session: Session, kind: str, ids: Collection[uuid.UUID]
                   ) -> dict[uuid.UUID, list[tuple[uuid.UUID, str, str, str]]]:
    """Per subject: (signer, typed name, role, content hash) of each signature (only those
    columns: a signature row also holds its drawn image)."""
    out: dict[uuid.UUID, list[tuple[uuid.UUID, str, str, str]]] = {}
    for chunk in _chunks(ids):
        for subject, signer, name, role, digest in session.exec(
                select(Signature.record_id, Signature.signer_staff_id, Signature.typed_name,
                       Signature.role, Signature.content_hash)
                .where(Signature.record_kind == kind, col(Signature.record_id).in_(chunk))
                .order_by(col(Signature.signed_at))):
            out.setdefault(subject, []).append((signer, name, role, digest))
    return out


def _required(session: Session, kind: str, rows: Sequence[Any]
              ) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """The places to sign of each final record or contract (records read in a few queries).
    Not for a tracker: its supervisor is the person's current one, who may have changed
    since it was signed."""
    final = [r for r in rows if getattr(r, "locked_at", None) is not None]
    if kind not in ("record", "contract"):
        return {}
    if kind == "record":
        return {k: [(p.staff_id, p.role) for p in v]
                for k, v in record_signers(session, final).items()}
    return {r.id: [(p.staff_id, p.role) for p in required_signers(session, kind, r.id)]
            for r in final}


def _names(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    out: dict[uuid.UUID, str] = {}
    for chunk in _chunks(ids):
        out.update(session.exec(select(Staff.id, Staff.name)
                                .where(col(Staff.id).in_(chunk))).all())
    return out


def changed_after_signing(session: Session, kind: str, rows: Sequence[Any]
                          ) -> dict[uuid.UUID, list[str]]:
    """Of ``rows`` (loaded records, contracts, trackers, audits or observations, all of
    ``kind``), those whose content is no longer what was signed, each with what is wrong:
    a signature over different content, a signature missing from a final one, or an
    addendum changed after it was signed. Rows not listed are as signed (or not signed
    yet). A few queries however many rows."""
    rows = [r for r in rows if r is not None]
    if not rows:
        return {}
    content = _CONTENT[kind]
    signed = _signed_hashes(session, kind, [r.id for r in rows])
    required = _required(session, kind, rows)
    out: dict[uuid.UUID, list[str]] = {}
    for row in rows:
        current = canonical_hash(content(row))
        problems = [f"{name} ({role}) signed different content"
                    for _signer, name, role, digest in signed.get(row.id, [])
                    if digest != current]
        places = {(signer, role) for signer, _n, role, _d in signed.get(row.id, [])}
        missing = [p for p in required.get(row.id, []) if p not in places]
        if missing:
            names = _names(session, [staff for staff, _role in missing])
            problems += [f"final, but the {role}'s signature ({names.get(staff, 'unknown')}) "
                         "is missing" for staff, role in missing]
        if problems:
            out[row.id] = problems
    if kind != "addendum":
        for subject, problems in _addenda_changed(session, kind, [r.id for r in rows]).items():
            out.setdefault(subject, []).extend(problems)
    return out


def _addenda_changed(session: Session, kind: str, ids: Collection[uuid.UUID]
                     ) -> dict[uuid.UUID, list[str]]:
    addenda: list[Addendum] = []
    for chunk in _chunks(ids):
        addenda += session.exec(select(Addendum).where(
            Addendum.record_kind == kind, col(Addendum.record_id).in_(chunk)))
    changed = changed_after_signing(session, "addendum", addenda)
    out: dict[uuid.UUID, list[str]] = {}
    for addendum in addenda:
        for problem in changed.get(addendum.id, []):
            out.setdefault(addendum.record_id, []).append(
                f"addendum of {addendum.written_on:%d/%m/%Y}: {problem}")
    return out


def signature_problems(session: Session, kind: str, subject_id: uuid.UUID) -> list[str]:
    """What is wrong with the signatures of one record (contract, tracker, audit,
    observation) and of its addenda; empty when every signature fits the content as it
    is now (or nothing is signed yet)."""
    row = session.get(_TABLES[kind], subject_id)
    return changed_after_signing(session, kind, [row]).get(subject_id, []) if row else []


def describe(problems: Sequence[str]) -> str:
    """The loud one-line warning shown in the window and printed on every page."""
    return f"CHANGED AFTER SIGNING: {'; '.join(problems)}." if problems else ""


def require_unchanged(session: Session, kind: str, subject_id: uuid.UUID) -> None:
    """Refuse (ChangedAfterSigningError) when the content of ``kind`` ``subject_id`` is not
    what its signatures signed: such a document is never exported or sealed as genuine."""
    problems = signature_problems(session, kind, subject_id)
    if problems:
        word = WORDS.get(kind, kind)
        raise ChangedAfterSigningError(
            f"This {word} was {CHANGED}: {'; '.join(problems)}. It was not exported or "
            f"sealed. The database was altered outside the app; restore the latest good "
            f"backup or ask the administrator to investigate.")
