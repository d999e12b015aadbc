"""records written for another date become lines of the monitoring sheet

A completed individual or manager record written for a date with no planned session
("another date") is a completed session on its date (POLICY-RULES R1): it counts for the
cadence and appears on the monitoring sheet. Completing such a record now does this
(``services.sessions.record_held``); this migration does it for the records completed
before: each is linked to the planned session of its supervisee on its date (completed),
or to a new completed session, noted as not planned.

A final record's lock refuses any change of its ``session_id``. The link adds nothing to
what was signed (the signed content hash does not include it), so the lock on updates of
``supervision_record`` is lifted for these links alone and put back exactly as it was, in
the same transaction (a copy of the store is written before any upgrade).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 21:00:00.000000
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

UNPLANNED_NOTE = "Not planned: written up for this date"  # as services.sessions has it
LOCK = "record_final_no_update"

_record = sa.table(
    "supervision_record",
    sa.column("id", sa.Uuid()), sa.column("form_key", sa.String()),
    sa.column("session_id", sa.Uuid()), sa.column("supervisee_id", sa.Uuid()),
    sa.column("supervisor_id", sa.Uuid()), sa.column("held_on", sa.Date()),
    sa.column("start_time", sa.Time()), sa.column("end_time", sa.Time()),
    sa.column("status", sa.String()))
_session = sa.table(
    "supervision_session",
    sa.column("id", sa.Uuid()), sa.column("created_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("supervisee_id", sa.Uuid()), sa.column("supervisor_id", sa.Uuid()),
    sa.column("kind", sa.String()), sa.column("planned_date", sa.Date()),
    sa.column("planned_time", sa.Time()), sa.column("duration_minutes", sa.Integer()),
    sa.column("venue", sa.String()), sa.column("status", sa.String()),
    sa.column("reason", sa.String()), sa.column("comments", sa.String()))


@contextmanager
def _record_lock_lifted(bind: Any) -> Iterator[None]:
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(f"ALTER TABLE supervision_record DISABLE TRIGGER {LOCK}")
        yield
        bind.exec_driver_sql(f"ALTER TABLE supervision_record ENABLE TRIGGER {LOCK}")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                               f"name = '{LOCK}'").scalar()
    if sql is not None:
        bind.exec_driver_sql(f"DROP TRIGGER {LOCK}")
    yield
    if sql is not None:
        bind.exec_driver_sql(sql)


def upgrade() -> None:
    bind = op.get_bind()
    r, s = _record, _session
    unplanned = bind.execute(sa.select(
        r.c.id, r.c.form_key, r.c.supervisee_id, r.c.supervisor_id, r.c.held_on,
        r.c.start_time, r.c.end_time).where(
        r.c.status == "complete", r.c.session_id.is_(None), r.c.supervisee_id.is_not(None),
        r.c.form_key.in_(("individual", "manager"))).order_by(r.c.held_on)).all()
    if not unplanned:
        return
    now = datetime.now(UTC)
    with _record_lock_lifted(bind):
        for record_id, form, supervisee, supervisor, held_on, start, end in unplanned:
            planned = bind.execute(sa.select(s.c.id).where(
                s.c.supervisee_id == supervisee, s.c.planned_date == held_on,
                s.c.status == "planned")).scalar()
            if planned is not None:
                bind.execute(s.update().where(s.c.id == planned).values(
                    status="completed", updated_at=now))
            else:
                planned = uuid.uuid4()
                minutes = ((end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
                           if start and end else 0)
                bind.execute(s.insert().values(
                    id=planned, created_at=now, updated_at=now, supervisee_id=supervisee,
                    supervisor_id=supervisor,
                    kind="manager" if form == "manager" else "individual",
                    planned_date=held_on, planned_time=start,
                    duration_minutes=minutes if minutes > 0 else 90, venue="",
                    status="completed", reason="", comments=UNPLANNED_NOTE))
            bind.execute(r.update().where(r.c.id == record_id).values(session_id=planned))


def downgrade() -> None:
    # the sessions stay: they are what the records say happened, and an older app shows
    # them as the completed sessions they are
    pass
