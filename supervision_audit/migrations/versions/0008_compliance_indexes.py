"""compliance indexes

Indexes only (no table changes): the compliance computation's grouped queries read them
rather than the tables. ``ix_record_held_cover`` covers every column the record
aggregates need, so they never read the records' ``values`` JSON; ``ix_record_unsigned``
holds only the complete records awaiting a signature.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 13:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_session_status_supervisee_date', 'supervision_session',
                    ['status', 'supervisee_id', 'planned_date'], unique=False)
    op.create_index('ix_session_status_date_cover', 'supervision_session',
                    ['status', 'planned_date', 'supervisee_id', 'id'], unique=False)
    op.create_index('ix_record_held_cover', 'supervision_record',
                    ['held_on', 'status', 'supervisee_id', 'locked_at', 'copy_given_on',
                     'start_time', 'end_time'], unique=False)
    op.create_index('ix_record_session_status', 'supervision_record',
                    ['session_id', 'status'], unique=False)
    op.create_index('ix_record_unsigned', 'supervision_record',
                    ['supervisee_id', 'held_on', 'status', 'locked_at'], unique=False,
                    sqlite_where=sa.text("status = 'complete' AND locked_at IS NULL"),
                    postgresql_where=sa.text("status = 'complete' AND locked_at IS NULL"))


def downgrade() -> None:
    op.drop_index('ix_record_unsigned', table_name='supervision_record')
    op.drop_index('ix_record_session_status', table_name='supervision_record')
    op.drop_index('ix_record_held_cover', table_name='supervision_record')
    op.drop_index('ix_session_status_date_cover', table_name='supervision_session')
    op.drop_index('ix_session_status_supervisee_date', table_name='supervision_session')
