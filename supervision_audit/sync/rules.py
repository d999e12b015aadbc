"""The rules a laptop's change meets on the server, decided by the desktop's own services
(``services.access`` for who may write which file, ``services.signatures`` for who signs
where and what content a signature fits, ``services.records`` for reopening a record,
``forms`` for a complete record's content) and by the database's locks (a final record,
a signature, an addendum: the triggers refuse, and the reason is theirs).

- A draft has one author. A change is made against the row as the laptop last had it
  (its old values): a column the server has changed since is a conflict, refused, and the
  laptop keeps its own text beside the server's for its author to merge.
- A signature is valid only for the content it hashed: if the record on the server is not
  that content any more, the signature is refused and the signer told.
- Final records never change; addenda, signatures and log entries only add.
- Staff, teams, accounts and settings are the server's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session

from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.forms import ALL_FORMS, validate
from supervision_audit.models import Staff, SupervisionRecord
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.services.records import reopen_blocker
from supervision_audit.services.signatures import (
    content_hash_of,
    place_to_sign,
    required_signers,
    signatures_of,
)
from supervision_audit.sync.scope import FILE_COLUMN, RECORD, SUBJECT_TABLE, VIA_RECORD
from supervision_audit.sync.tables import (
    BOOKKEEPING,
    DERIVED,
    SERVER_OWNED,
    SERVER_OWNED_REASON,
    key_columns,
    model,
    rows_by_key,
    table,
)

WRITE_ACTION = {"file_audit": Action.RUN_AUDIT, "direct_observation": Action.RUN_AUDIT}
NOT_COMPARED = DERIVED | BOOKKEEPING | {"created_at"}
ADD_ONLY = ("signature", "addendum")


class Refused(SupervisionAuditError):
    """The server did not take this change; the message says why."""

    kind = "refused"


class Conflict(Refused):
    """Changed on the server since the laptop last had it."""

    kind = "conflict"


class SignatureRefused(Refused):
    """A signature that does not fit the content on the server, or is not the signer's."""

    kind = "signature"


def _name(session: Session, staff_uuid: Any) -> str:
    person = session.get(Staff, staff_uuid) if staff_uuid else None
    return person.name if person else "someone else"


def _may(session: Session, actor: Actor, action: Action, about: Any, today: date) -> None:
    if not permitted(session, actor, action, about, today):
        raise Refused(f"{actor.name} ({actor.username}) may not {action.value} for "
                      f"{_name(session, about)}.")


def _record_write(session: Session, actor: Actor, record: dict[str, Any], today: date) -> None:
    if record["supervisee_id"] is not None:
        _may(session, actor, Action.WRITE_RECORDS, record["supervisee_id"], today)
    elif record["supervisor_id"] != actor.staff_id:
        raise Refused(f"{actor.name} ({actor.username}) may not write another supervisor's "
                      "group record.")


def check_write(session: Session, actor: Actor, name: str, row: dict[str, Any],
                today: date) -> None:
    """Whether ``actor`` may write ``row`` of table ``name`` (as the services decide)."""
    if name == RECORD:
        _record_write(session, actor, row, today)
    elif name in VIA_RECORD:
        record = rows_by_key(session.connection(), table(RECORD), [(row["record_id"],)]
                             ).get((row["record_id"],))
        if record is None:
            raise Refused("Its record is not on the server.")
        _record_write(session, actor, record, today)
    elif name == "audit_action":
        audit = session.get(model("file_audit"), row["audit_id"])
        if audit is None:
            raise Refused("Its audit is not on the server.")
        if not (permitted(session, actor, Action.RUN_AUDIT, audit.supervisee_id, today)  # type: ignore[attr-defined]
                or permitted(session, actor, Action.WRITE_RECORDS, row["supervisor_id"], today)):
            _may(session, actor, Action.RUN_AUDIT, audit.supervisee_id, today)  # type: ignore[attr-defined]
    elif name in FILE_COLUMN:
        _may(session, actor, WRITE_ACTION.get(name, Action.WRITE_RECORDS),
             row[FILE_COLUMN[name]], today)
    else:
        raise Refused(f"The server takes no changes to {name} from a laptop.")


def _one_author(session: Session, actor: Actor, current: dict[str, Any]) -> None:
    if current["supervisor_id"] != actor.staff_id:
        raise Refused(f"A record has one author: {_name(session, current['supervisor_id'])} "
                      f"writes this one, not {actor.name}.")


def _complete_content(row: dict[str, Any]) -> None:
    form = ALL_FORMS.get(row["form_key"])
    problems = validate(form, row["values"]) if form is not None else []
    if problems:
        raise Refused("The record is not complete: "
                      + "; ".join(p.message for p in problems[:5]))


def check_record(session: Session, actor: Actor, current: dict[str, Any] | None,
                 new: dict[str, Any], changed: list[str]) -> None:
    """A draft has one author; a record set back to a draft must be free to reopen on the
    server; a complete record's content must be complete."""
    _one_author(session, actor, new if current is None else current)
    if current is not None and current["status"] == "complete" and new["status"] == "draft":
        record = session.get(SupervisionRecord, current["id"])
        blocker = reopen_blocker(session, record) if record is not None else ""
        if blocker:
            raise Refused(blocker)
    if new["status"] == "complete" and (current is None or {"values", "status"} & set(changed)):
        _complete_content(new)


def check_signature(session: Session, actor: Actor, new: dict[str, Any]) -> None:
    """The signer is this laptop's user (or a supervisee signing in person before them), in
    their place, and the content on the server is what they signed."""
    kind, subject_id = new["record_kind"], new["record_id"]
    if kind not in SUBJECT_TABLE:
        raise SignatureRefused(f"There is nothing of the kind '{kind}' to sign.")
    subject = session.get(model(SUBJECT_TABLE[kind]), subject_id)
    if subject is None:
        raise SignatureRefused(f"The {kind} signed is not on the server.")
    if kind in ("record", "audit") and getattr(subject, "status", "") != "complete":
        raise SignatureRefused(f"The {kind} signed is not complete on the server (it was set "
                               "back to a draft): it can be signed once completed again.")
    if new["in_person"]:
        required = required_signers(session, kind, subject_id)
        if new["witnessed_by"] != actor.staff_id or not required or \
                required[0].staff_id != actor.staff_id:
            raise SignatureRefused("Only the supervisor who witnessed a signature in person "
                                   "sends it.")
    elif new["signer_staff_id"] != actor.staff_id or new["account_username"] != actor.username:
        raise SignatureRefused(f"{actor.name}'s laptop sends {actor.name}'s own signatures "
                               "only.")
    try:
        place = place_to_sign(session, kind, subject_id, new["signer_staff_id"])
    except ValidationError as exc:
        raise SignatureRefused(exc.problems[0].message if exc.problems else str(exc)) from exc
    if place.role != new["role"]:
        raise SignatureRefused(f"{new['typed_name']} signs this {kind} as {place.role}, "
                               f"not as {new['role']}.")
    if content_hash_of(session, kind, subject_id) != new["content_hash"]:
        raise SignatureRefused(
            f"The {kind} was changed on the server after {new['typed_name']} signed it on "
            "this laptop, so the signature does not fit what is there now and was not "
            "taken. Read it as it now stands and sign again.")


def settle_final(session: Session, new: dict[str, Any]) -> None:
    """After a signature: the signed row is final once everyone required has signed (the
    server decides this, never the laptop)."""
    kind, subject_id = new["record_kind"], new["record_id"]
    if kind == "addendum":
        return
    done = {(s.signer_staff_id, s.role) for s in signatures_of(session, kind, subject_id)}
    if all((r.staff_id, r.role) in done for r in required_signers(session, kind, subject_id)):
        t = table(SUBJECT_TABLE[kind])
        session.connection().execute(update(t).where(t.c.id == subject_id)
                                     .values(locked_at=new["signed_at"]))


def check_addendum(session: Session, actor: Actor, new: dict[str, Any]) -> None:
    """Added to a final record by one of those who signed it, as its author."""
    kind, subject_id = new["record_kind"], new["record_id"]
    subject = session.get(model(SUBJECT_TABLE.get(kind, RECORD)), subject_id) \
        if kind in SUBJECT_TABLE else None
    if subject is None or getattr(subject, "locked_at", None) is None:
        raise Refused("An addendum is added to a final record only, and this one is not "
                      "final on the server.")
    if new["author_staff_id"] != actor.staff_id or actor.staff_id not in {
            r.staff_id for r in required_signers(session, kind, subject_id)}:
        raise Refused("Only the people who signed a record add addenda to it, as themselves.")


def _words(column: str) -> str:
    """A column as the reason names it."""
    return {"values": "its answers"}.get(column, column.replace("_", " "))


def _where(name: str, key: tuple[Any, ...]) -> Any:
    t = table(name)
    return [c == v for c, v in zip(key_columns(t), key, strict=True)]


def _same(current: dict[str, Any], new: dict[str, Any]) -> bool:
    return all(current.get(c) == v for c, v in new.items() if c not in NOT_COMPARED)


def _again(name: str, current: dict[str, Any] | None, row: dict[str, Any] | None
           ) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
    """A row a laptop holds, pushed again after the server was restored from a backup: added
    if the server lacks it, nothing if the server has it so, else a change made on the row as
    the server now has it (its content the laptop's, under the same rules; what the server
    derives, such as a record's being final, stays the server's)."""
    assert row is not None
    if current is None:
        return "I", None, row
    mine = {c: (current.get(c) if c in DERIVED else v) for c, v in row.items()}
    if _same(current, mine):
        return "unchanged", None, row
    if name in ADD_ONLY:
        raise Conflict("The server holds this with other content (after it was restored "
                       "from a backup); the laptop keeps its own to compare.")
    return "U", current, mine


def apply_change(session: Session, actor: Actor, name: str, op: str, key: tuple[Any, ...],
                 row: dict[str, Any] | None, old: dict[str, Any] | None, today: date) -> str:
    """Apply one change from a laptop: "applied", or "unchanged" (nothing to do); Refused
    (or Conflict) with the reason when the server does not take it."""
    if name in SERVER_OWNED:
        raise Refused(SERVER_OWNED_REASON)
    t = table(name)
    conn = session.connection()
    current = rows_by_key(conn, t, [key]).get(key)
    if op == "R":  # pushed again after the server was restored behind the laptop
        op, old, row = _again(name, current, row)
        if op == "unchanged":
            return op
    if op == "I":
        assert row is not None
        new = {c: (None if c in DERIVED else v) for c, v in row.items()}
        if current is not None:
            if _same(current, new):
                return "unchanged"
            raise Conflict("This was added on the server already, with other content.")
        if name == "signature":
            check_signature(session, actor, new)
        elif name == "addendum":
            check_addendum(session, actor, new)
        else:
            check_write(session, actor, name, new, today)
            if name == RECORD:
                check_record(session, actor, None, new, list(new))
        conn.execute(t.insert().values(**new))
        if name == "signature":
            session.expire_all()
            settle_final(session, new)
        return "applied"
    if name in ADD_ONLY:
        raise Refused("Signatures and addenda only add: one is never changed or removed.")
    if current is None:
        if op == "D":
            return "unchanged"
        raise Conflict("This is no longer on the server (removed there), so the change "
                       "could not be made.")
    old = old or {}
    if op == "D":
        clash = [c for c in current if c not in NOT_COMPARED and c in old
                 and current[c] != old[c]]
        if clash:
            raise Conflict("This was changed on the server since this laptop last had it, "
                           "so it was not removed (" + ", ".join(_words(c) for c in clash)
                           + ").")
        check_write(session, actor, name, current, today)
        if name == RECORD:
            _one_author(session, actor, current)
        conn.execute(delete(t).where(*_where(name, key)))
        return "applied"
    assert row is not None
    changed = [c for c in row if c not in NOT_COMPARED and c in old and row[c] != old[c]]
    if not changed:
        return "unchanged"
    clash = [c for c in changed if current[c] != old[c]]
    if clash:
        raise Conflict("This was changed on the server since this laptop last had it ("
                       + ", ".join(_words(c) for c in clash)
                       + "); the laptop keeps its version to merge.")
    new = {**current, **{c: row[c] for c in changed}}
    check_write(session, actor, name, current, today)
    check_write(session, actor, name, new, today)
    if name == RECORD:
        check_record(session, actor, current, new, changed)
    values = {c: row[c] for c in changed}
    values.update({c: row[c] for c in BOOKKEEPING if c in row and c in t.c})
    conn.execute(update(t).where(*_where(name, key)).values(**values))
    return "applied"


def row_now(session: Session, name: str, key: tuple[Any, ...]) -> dict[str, Any] | None:
    """The server's row, as a refused change's laptop is to take it."""
    return rows_by_key(session.connection(), table(name), [key]).get(key)
