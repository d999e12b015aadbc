"""a signed audit locks like a record

An audit signed by its auditor is final. Its lock now covers everything its signature's
content hash covers (the evidence proposed, ``proposals``) and what places it (the
supervisor audited, the period), and, as a final record's actions are, the content of the
actions it raised: an action's text, owner, due date and number cannot change, and no
action can be added or removed, once the audit is signed. Marking an action done stays
allowed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 22:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_FINAL = "a final record cannot be changed: add a dated addendum instead"
_AUDIT_LOCKED = "(SELECT locked_at FROM file_audit WHERE id = {ref}) IS NOT NULL"
AUDIT_CONTENT = ('"values"', "judgement", "completed_on", "status", "supervisee_id",
                 "auditor_id", "locked_at", "proposals", "supervisor_id", "period_start")
BEFORE = AUDIT_CONTENT[:7]  # as 0007 made the lock
ACTION_CONTENT = ("description", "owner", "due_date", "number", "audit_id", "supervisor_id")
NEW_LOCKS = ("audit_action_final_no_update", "audit_action_final_no_delete",
             "audit_action_final_no_insert")


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


def _sqlite_audit_update(columns: tuple[str, ...]) -> str:
    return (f"CREATE TRIGGER file_audit_final_no_update BEFORE UPDATE ON file_audit "
            f"WHEN OLD.locked_at IS NOT NULL AND ({_changed(columns)}) "
            f"BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END")


def _sqlite_action(name: str, event: str, ref: str, extra: str = "") -> str:
    when = _AUDIT_LOCKED.format(ref=ref) + (f" AND ({extra})" if extra else "")
    return (f"CREATE TRIGGER {name} {event} ON audit_action WHEN {when} "
            f"BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END")


def _pg(columns: tuple[str, ...], with_actions: bool) -> list[str]:
    from supervision_audit.pg.triggers import FINAL, changed, drop, no_truncate, refuse

    compared = changed(*(c for c in columns if c != "proposals"))
    if "proposals" in columns:  # JSON, compared as its text (as "values" is)
        compared += " OR NEW.proposals::text IS DISTINCT FROM OLD.proposals::text"
    out = drop("file_audit_final_no_update", "file_audit") + refuse(
        "file_audit_final_no_update", "BEFORE UPDATE", "file_audit", FINAL,
        f"OLD.locked_at IS NOT NULL AND ({compared})")
    if with_actions:
        out += (refuse("audit_action_final_no_update", "BEFORE UPDATE", "audit_action", FINAL,
                       f"{_AUDIT_LOCKED.format(ref='OLD.audit_id')} AND "
                       f"({changed(*ACTION_CONTENT)})")
                + refuse("audit_action_final_no_delete", "BEFORE DELETE", "audit_action",
                         FINAL, _AUDIT_LOCKED.format(ref="OLD.audit_id"))
                + refuse("audit_action_final_no_insert", "BEFORE INSERT", "audit_action",
                         FINAL, _AUDIT_LOCKED.format(ref="NEW.audit_id"))
                + no_truncate("audit_action"))
    else:
        for name in (*NEW_LOCKS, "audit_action_no_truncate"):
            out += drop(name, "audit_action")
    return out


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _pg(AUDIT_CONTENT, with_actions=True):
            op.execute(statement)
        return
    op.execute("DROP TRIGGER IF EXISTS file_audit_final_no_update")
    op.execute(_sqlite_audit_update(AUDIT_CONTENT))
    op.execute(_sqlite_action("audit_action_final_no_update", "BEFORE UPDATE",
                              "OLD.audit_id", _changed(ACTION_CONTENT)))
    op.execute(_sqlite_action("audit_action_final_no_delete", "BEFORE DELETE",
                              "OLD.audit_id"))
    op.execute(_sqlite_action("audit_action_final_no_insert", "BEFORE INSERT",
                              "NEW.audit_id"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _pg(BEFORE, with_actions=False):
            op.execute(statement)
        return
    for name in NEW_LOCKS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TRIGGER IF EXISTS file_audit_final_no_update")
    op.execute(_sqlite_audit_update(BEFORE))
