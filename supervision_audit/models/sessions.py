"""Supervision sessions (the monitoring sheet), their records, actions and case discussions."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, text
from sqlmodel import Field, SQLModel

from supervision_audit.models.base import Record

SESSION_STATUSES = ("planned", "completed", "postponed", "cancelled")
RECORD_FORMS = ("individual", "manager", "group")


class SupervisionSession(Record, table=True):
    """One planned formal session: a line of the monitoring sheet (Appendix 3)."""

    __tablename__ = "supervision_session"
    __table_args__ = (
        CheckConstraint("status IN ('planned','completed','postponed','cancelled')",
                        name="ck_session_status"),
        CheckConstraint("kind IN ('individual','manager')", name="ck_session_kind"),
        Index("ix_session_supervisee_date", "supervisee_id", "planned_date"),
        Index("ix_session_status_date", "status", "planned_date"),
        Index("ix_session_supervisor_date", "supervisor_id", "planned_date"),
        # compliance (migration 0008): the last completed session per supervisee; the
        # completed sessions of a period, and whether each has a record
        Index("ix_session_status_supervisee_date", "status", "supervisee_id", "planned_date"),
        Index("ix_session_status_date_cover", "status", "planned_date", "supervisee_id", "id"),
    )

    supervisee_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    supervisor_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(default="individual", max_length=20, nullable=False)
    planned_date: date = Field(nullable=False)
    planned_time: time | None = Field(default=None)
    duration_minutes: int = Field(default=90, nullable=False)
    venue: str = Field(default="", max_length=200, nullable=False)
    status: str = Field(default="planned", max_length=20, nullable=False)
    reason: str = Field(default="", nullable=False)  # for a postponement or cancellation
    comments: str = Field(default="", nullable=False)
    rescheduled_for: date | None = Field(default=None)
    rescheduled_recorded_on: date | None = Field(default=None)
    rescheduled_session_id: uuid.UUID | None = Field(default=None,
                                                     foreign_key="supervision_session.id")
    reported_to_manager_on: date | None = Field(default=None)


class SupervisionRecord(Record, table=True):
    """A written record (Appendix 4, 5 or 6): its form's values, a draft until finished."""

    __tablename__ = "supervision_record"
    __table_args__ = (
        CheckConstraint("form_key IN ('individual','manager','group')", name="ck_record_form"),
        CheckConstraint("status IN ('draft','complete')", name="ck_record_status"),
        Index("ix_record_supervisee_held", "supervisee_id", "held_on"),
        Index("ix_record_supervisor_held", "supervisor_id", "held_on"),
        Index("ix_record_session", "session_id"),
        # compliance (migration 0008): the record aggregates read this index, never the
        # values JSON; and "completed session without a complete record"
        Index("ix_record_held_cover", "held_on", "status", "supervisee_id", "locked_at",
              "copy_given_on", "start_time", "end_time"),
        Index("ix_record_session_status", "session_id", "status"),
        # the few complete records still awaiting a signature, by supervisee
        Index("ix_record_unsigned", "supervisee_id", "held_on", "status", "locked_at",
              sqlite_where=text("status = 'complete' AND locked_at IS NULL")),
    )

    form_key: str = Field(max_length=20, nullable=False)
    session_id: uuid.UUID | None = Field(default=None, foreign_key="supervision_session.id")
    supervisee_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id")  # None: group
    supervisor_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    held_on: date = Field(nullable=False)
    start_time: time | None = Field(default=None)
    end_time: time | None = Field(default=None)
    status: str = Field(default="draft", max_length=20, nullable=False)
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    draft_saved_at: datetime | None = Field(default=None)
    locked_at: datetime | None = Field(default=None)  # final: signed by everyone required
    copy_given_on: date | None = Field(default=None)  # the supervisee's copy (R3)
    copy_method: str = Field(default="", max_length=20, nullable=False,
                             sa_column_kwargs={"server_default": ""})


class GroupAttendee(SQLModel, table=True):
    """The group record appears on the file of every attendee."""

    __tablename__ = "group_attendee"
    __table_args__ = (Index("ix_group_attendee_staff", "staff_id"),)

    record_id: uuid.UUID = Field(foreign_key="supervision_record.id", primary_key=True)
    staff_id: uuid.UUID = Field(foreign_key="staff.id", primary_key=True)


class ActionItem(Record, table=True):
    """An action agreed in a record: what, by whom, by when; open until marked done."""

    __tablename__ = "action_item"
    __table_args__ = (
        CheckConstraint("status IN ('open','done')", name="ck_action_status"),
        Index("ix_action_supervisee_status", "supervisee_id", "status"),
        Index("ix_action_record", "record_id"),
    )

    record_id: uuid.UUID = Field(foreign_key="supervision_record.id", nullable=False)
    supervisee_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    number: int = Field(default=1, nullable=False)
    description: str = Field(nullable=False)
    owner: str = Field(max_length=200, nullable=False)  # "by whom"
    due_date: date = Field(nullable=False)  # "timescale"
    status: str = Field(default="open", max_length=10, nullable=False)
    done_on: date | None = Field(default=None)


class ActionReview(SQLModel, table=True):
    """Agenda item 2 of a later record: an open action reviewed, done or carried forward."""

    __tablename__ = "action_review"

    action_id: uuid.UUID = Field(foreign_key="action_item.id", primary_key=True)
    record_id: uuid.UUID = Field(foreign_key="supervision_record.id", primary_key=True)
    outcome: str = Field(max_length=20, nullable=False)  # "done" | "carried_forward"
    note: str = Field(default="", nullable=False)


class Case(Record, table=True):
    """A case on a supervisee's caseload (R8)."""

    __tablename__ = "case_load"
    __table_args__ = (Index("ix_case_supervisee_open", "supervisee_id", "closed_on"),)

    supervisee_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    reference: str = Field(max_length=50, nullable=False)
    case_type: str = Field(max_length=30, nullable=False)
    opened_on: date = Field(nullable=False)
    closed_on: date | None = Field(default=None)


class CaseDiscussion(Record, table=True):
    """A case discussed in a record, and when the decision reached the child's file (R3)."""

    __tablename__ = "case_discussion"
    __table_args__ = (Index("ix_case_discussion_case", "case_id"),
                      Index("ix_case_discussion_record", "record_id"))

    record_id: uuid.UUID = Field(foreign_key="supervision_record.id", nullable=False)
    case_id: uuid.UUID = Field(foreign_key="case_load.id", nullable=False)
    decision_recorded_at: datetime | None = Field(default=None)
    summary: str = Field(default="", nullable=False)
