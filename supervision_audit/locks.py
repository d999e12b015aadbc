"""The store's locks: the triggers that make final records, signatures, addenda and the
event log unchangeable, as the newest schema has them.

The migrations created them; this module holds the same definitions so that a store whose
locks were dropped or altered outside the app (one ``DROP TRIGGER`` is enough) gets them
back when it opens, and a backup without them is refused. A test checks that a freshly
migrated store has exactly these; a migration that changes a lock changes it here too.
"""

from __future__ import annotations

from typing import Any

_FINAL = "a final record cannot be changed: add a dated addendum instead"
_RECORD_LOCKED = "(SELECT locked_at FROM supervision_record WHERE id = {ref}) IS NOT NULL"
_AUDIT_LOCKED = "(SELECT locked_at FROM file_audit WHERE id = {ref}) IS NOT NULL"


def _changed(*columns: str) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


def _refuse(name: str, when: str, message: str = _FINAL) -> str:
    event, _, table = name.partition(" ON ")
    return (f"CREATE TRIGGER {event} ON {table}{f' WHEN {when}' if when else ''} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def _final_row(table: str, prefix: str, *columns: str) -> dict[str, str]:
    """The two locks of a table whose rows become final (``locked_at`` set)."""
    return {
        f"{prefix}_final_no_update": _refuse(
            f"{prefix}_final_no_update BEFORE UPDATE ON {table}",
            f"OLD.locked_at IS NOT NULL AND ({_changed(*columns)})"),
        f"{prefix}_final_no_delete": _refuse(
            f"{prefix}_final_no_delete BEFORE DELETE ON {table}", "OLD.locked_at IS NOT NULL"),
    }


def _of_final_record(name: str, event: str, table: str, ref: str, extra: str = "") -> str:
    when = _RECORD_LOCKED.format(ref=ref) + (f" AND ({extra})" if extra else "")
    return _refuse(f"{name} {event} ON {table}", when)


def _of_signed_audit(name: str, event: str, ref: str, extra: str = "") -> str:
    when = _AUDIT_LOCKED.format(ref=ref) + (f" AND ({extra})" if extra else "")
    return _refuse(f"{name} {event} ON audit_action", when)


LOCKS: dict[str, str] = {
    "event_log_no_update": _refuse("event_log_no_update BEFORE UPDATE ON event_log", "",
                                   "the event log is append-only: entries cannot be changed"),
    "event_log_no_delete": _refuse("event_log_no_delete BEFORE DELETE ON event_log", "",
                                   "the event log is append-only: entries cannot be removed"),
    **_final_row("supervision_record", "record", '"values"', "held_on", "start_time",
                 "end_time", "supervisee_id", "supervisor_id", "form_key", "status",
                 "locked_at", "session_id"),
    **_final_row("contract", "contract", '"values"', "date_agreed", "supervisee_id",
                 "supervisor_id", "version", "agreed_interval_days", "locked_at"),
    "action_final_no_update": _of_final_record(
        "action_final_no_update", "BEFORE UPDATE", "action_item", "OLD.record_id",
        _changed("description", "owner", "due_date", "record_id", "number",
                 "supervisee_id")),
    "action_final_no_delete": _of_final_record("action_final_no_delete", "BEFORE DELETE",
                                               "action_item", "OLD.record_id"),
    "action_final_no_insert": _of_final_record("action_final_no_insert", "BEFORE INSERT",
                                               "action_item", "NEW.record_id"),
    "attendee_final_no_delete": _of_final_record("attendee_final_no_delete", "BEFORE DELETE",
                                                 "group_attendee", "OLD.record_id"),
    "attendee_final_no_insert": _of_final_record("attendee_final_no_insert", "BEFORE INSERT",
                                                 "group_attendee", "NEW.record_id"),
    "signature_no_update": _refuse("signature_no_update BEFORE UPDATE ON signature", "",
                                   "a signature cannot be changed"),
    "signature_no_delete": _refuse("signature_no_delete BEFORE DELETE ON signature", "",
                                   "a signature cannot be removed"),
    "addendum_no_update": _refuse("addendum_no_update BEFORE UPDATE ON addendum", "",
                                  "an addendum cannot be changed"),
    "addendum_no_delete": _refuse("addendum_no_delete BEFORE DELETE ON addendum", "",
                                  "an addendum cannot be removed"),
    **_final_row("asye_tracker", "asye", '"values"', "supervisee_id", "locked_at"),
    **_final_row("file_audit", "file_audit", '"values"', "judgement", "completed_on",
                 "status", "supervisee_id", "auditor_id", "locked_at", "proposals",
                 "supervisor_id", "period_start"),
    # a signed audit's actions, as a final record's: marking one done stays allowed
    "audit_action_final_no_update": _of_signed_audit(
        "audit_action_final_no_update", "BEFORE UPDATE", "OLD.audit_id",
        _changed("description", "owner", "due_date", "number", "audit_id", "supervisor_id")),
    "audit_action_final_no_delete": _of_signed_audit("audit_action_final_no_delete",
                                                     "BEFORE DELETE", "OLD.audit_id"),
    "audit_action_final_no_insert": _of_signed_audit("audit_action_final_no_insert",
                                                     "BEFORE INSERT", "NEW.audit_id"),
    **_final_row("direct_observation", "direct_observation", "strengths",
                 "areas_to_develop", "observed_on", "supervisor_id", "observer_id",
                 "locked_at"),
}


def _normal(sql: str) -> str:
    return " ".join(sql.split())


def lock_problems(conn: Any) -> list[str]:
    """The names of the locks missing from, or altered in, the store behind ``conn`` (a
    DB-API connection), in a stable order; empty when all are as they should be."""
    found = {name: sql for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()}
    return [name for name, sql in LOCKS.items()
            if name not in found or _normal(found[name] or "") != _normal(sql)]


def restoring_statements(names: list[str]) -> list[str]:
    """The statements that put the locks ``names`` back as they should be (to run in one
    transaction)."""
    out = []
    for name in names:
        out += [f"DROP TRIGGER IF EXISTS {name}", LOCKS[name]]
    return out
