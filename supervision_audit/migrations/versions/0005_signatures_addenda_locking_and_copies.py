"""signatures, addenda, locking and copies

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:00:17.347853
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_FINAL = "a final record cannot be changed: add a dated addendum instead"
_RECORD_CONTENT = ('"values"', "held_on", "start_time", "end_time", "supervisee_id",
                   "supervisor_id", "form_key", "status", "locked_at", "session_id")
_CONTRACT_CONTENT = ('"values"', "date_agreed", "supervisee_id", "supervisor_id", "version",
                     "agreed_interval_days", "locked_at")
_ACTION_CONTENT = ("description", "owner", "due_date", "record_id", "number", "supervisee_id")


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


_RECORD_LOCKED = "(SELECT locked_at FROM supervision_record WHERE id = {ref}) IS NOT NULL"

LOCKING_TRIGGERS = (
    # a final record: only the supervisee's copy may still be recorded
    f"""CREATE TRIGGER record_final_no_update BEFORE UPDATE ON supervision_record
        WHEN OLD.locked_at IS NOT NULL AND ({_changed(_RECORD_CONTENT)})
        BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END""",
    f"""CREATE TRIGGER record_final_no_delete BEFORE DELETE ON supervision_record
        WHEN OLD.locked_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END""",
    f"""CREATE TRIGGER contract_final_no_update BEFORE UPDATE ON contract
        WHEN OLD.locked_at IS NOT NULL AND ({_changed(_CONTRACT_CONTENT)})
        BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END""",
    f"""CREATE TRIGGER contract_final_no_delete BEFORE DELETE ON contract
        WHEN OLD.locked_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END""",
    # an action's content belongs to its record; marking it done stays allowed
    f"""CREATE TRIGGER action_final_no_update BEFORE UPDATE ON action_item
        WHEN {_RECORD_LOCKED.format(ref="OLD.record_id")} AND ({_changed(_ACTION_CONTENT)})
        BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END""",
    f"""CREATE TRIGGER action_final_no_delete BEFORE DELETE ON action_item
        WHEN {_RECORD_LOCKED.format(ref="OLD.record_id")}
        BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END""",
    f"""CREATE TRIGGER action_final_no_insert BEFORE INSERT ON action_item
        WHEN {_RECORD_LOCKED.format(ref="NEW.record_id")}
        BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END""",
    f"""CREATE TRIGGER attendee_final_no_delete BEFORE DELETE ON group_attendee
        WHEN {_RECORD_LOCKED.format(ref="OLD.record_id")}
        BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END""",
    f"""CREATE TRIGGER attendee_final_no_insert BEFORE INSERT ON group_attendee
        WHEN {_RECORD_LOCKED.format(ref="NEW.record_id")}
        BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END""",
    """CREATE TRIGGER signature_no_update BEFORE UPDATE ON signature
        BEGIN SELECT RAISE(ABORT, 'a signature cannot be changed'); END""",
    """CREATE TRIGGER signature_no_delete BEFORE DELETE ON signature
        BEGIN SELECT RAISE(ABORT, 'a signature cannot be removed'); END""",
    """CREATE TRIGGER addendum_no_update BEFORE UPDATE ON addendum
        BEGIN SELECT RAISE(ABORT, 'an addendum cannot be changed'); END""",
    """CREATE TRIGGER addendum_no_delete BEFORE DELETE ON addendum
        BEGIN SELECT RAISE(ABORT, 'an addendum cannot be removed'); END""",
)
TRIGGER_NAMES = ("record_final_no_update", "record_final_no_delete", "contract_final_no_update",
                 "contract_final_no_delete", "action_final_no_update", "action_final_no_delete",
                 "action_final_no_insert", "attendee_final_no_delete", "attendee_final_no_insert",
                 "signature_no_update", "signature_no_delete", "addendum_no_update",
                 "addendum_no_delete")


def _pg_locks() -> list[str]:
    """The same locks for PostgreSQL (see supervision_audit.pg.triggers)."""
    from supervision_audit.pg.triggers import (
        FINAL,
        RECORD_LOCKED,
        changed,
        final_row,
        no_truncate,
        refuse,
    )

    return (final_row("supervision_record", "record", *_RECORD_CONTENT)
            + final_row("contract", "contract", *_CONTRACT_CONTENT)
            + refuse("action_final_no_update", "BEFORE UPDATE", "action_item", FINAL,
                     f"{RECORD_LOCKED.format(ref='OLD.record_id')} AND "
                     f"({changed(*_ACTION_CONTENT)})")
            + refuse("action_final_no_delete", "BEFORE DELETE", "action_item", FINAL,
                     RECORD_LOCKED.format(ref="OLD.record_id"))
            + refuse("action_final_no_insert", "BEFORE INSERT", "action_item", FINAL,
                     RECORD_LOCKED.format(ref="NEW.record_id"))
            + refuse("attendee_final_no_delete", "BEFORE DELETE", "group_attendee", FINAL,
                     RECORD_LOCKED.format(ref="OLD.record_id"))
            + refuse("attendee_final_no_insert", "BEFORE INSERT", "group_attendee", FINAL,
                     RECORD_LOCKED.format(ref="NEW.record_id"))
            + no_truncate("action_item") + no_truncate("group_attendee")
            + refuse("signature_no_update", "BEFORE UPDATE", "signature",
                     "a signature cannot be changed")
            + refuse("signature_no_delete", "BEFORE DELETE", "signature",
                     "a signature cannot be removed")
            + no_truncate("signature", "a signature cannot be removed")
            + refuse("addendum_no_update", "BEFORE UPDATE", "addendum",
                     "an addendum cannot be changed")
            + refuse("addendum_no_delete", "BEFORE DELETE", "addendum",
                     "an addendum cannot be removed")
            + no_truncate("addendum", "an addendum cannot be removed"))


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('addendum',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('record_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('author_staff_id', sa.Uuid(), nullable=False),
    sa.Column('written_on', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['author_staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('addendum', schema=None) as batch_op:
        batch_op.create_index('ix_addendum_record', ['record_kind', 'record_id'], unique=False)

    op.create_table('signature',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('record_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('signer_staff_id', sa.Uuid(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('typed_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('meaning', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('signed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('image_png', sa.LargeBinary(), nullable=True),
    sa.Column('account_username', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('in_person', sa.Boolean(), nullable=False),
    sa.Column('witnessed_by', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['signer_staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['witnessed_by'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.create_index('ix_signature_record', ['record_kind', 'record_id'], unique=False)
        batch_op.create_index('ix_signature_signer', ['signer_staff_id'], unique=False)

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('supervision_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('copy_given_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('copy_method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default=''))

    # ### end Alembic commands ###
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _pg_locks() if postgresql else LOCKING_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # the triggers of the tables dropped below go with them; those of older tables:
        for name, table in (("record_final_no_update", "supervision_record"),
                            ("record_final_no_delete", "supervision_record"),
                            ("supervision_record_no_truncate", "supervision_record"),
                            ("contract_final_no_update", "contract"),
                            ("contract_final_no_delete", "contract"),
                            ("contract_no_truncate", "contract"),
                            ("action_final_no_update", "action_item"),
                            ("action_final_no_delete", "action_item"),
                            ("action_final_no_insert", "action_item"),
                            ("action_item_no_truncate", "action_item"),
                            ("attendee_final_no_delete", "group_attendee"),
                            ("attendee_final_no_insert", "group_attendee"),
                            ("group_attendee_no_truncate", "group_attendee")):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    else:
        for name in TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('supervision_record', schema=None) as batch_op:
        batch_op.drop_column('copy_method')
        batch_op.drop_column('copy_given_on')
        batch_op.drop_column('locked_at')

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('locked_at')

    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index('ix_signature_signer')
        batch_op.drop_index('ix_signature_record')

    op.drop_table('signature')
    with op.batch_alter_table('addendum', schema=None) as batch_op:
        batch_op.drop_index('ix_addendum_record')

    op.drop_table('addendum')
    # ### end Alembic commands ###
