"""File audits (Appendix 7), their actions, direct observations, and documents on file."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary
from sqlmodel import Field

from supervision_audit.models.base import Record


class FileAudit(Record, table=True):
    __tablename__ = "file_audit"
    __table_args__ = (Index("ix_audit_supervisor_date", "supervisor_id", "completed_on"),
                      Index("ix_audit_auditor_date", "auditor_id", "completed_on"),
                      Index("ix_audit_supervisee", "supervisee_id"))

    supervisee_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    supervisor_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    auditor_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    completed_on: date = Field(nullable=False)
    period_start: date = Field(nullable=False)
    status: str = Field(default="draft", max_length=20, nullable=False)  # draft | complete
    judgement: str = Field(default="", max_length=30, nullable=False)
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    proposals: dict[str, Any] = Field(default_factory=dict,
                                      sa_column=Column(JSON, nullable=False))
    locked_at: datetime | None = Field(default=None)


class AuditAction(Record, table=True):
    """An action from an audit, raised in the supervisor's own supervision until done."""

    __tablename__ = "audit_action"
    __table_args__ = (Index("ix_audit_action_supervisor", "supervisor_id", "status"),)

    audit_id: uuid.UUID = Field(foreign_key="file_audit.id", nullable=False)
    supervisor_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    number: int = Field(nullable=False)
    description: str = Field(nullable=False)
    owner: str = Field(max_length=200, nullable=False)
    due_date: date = Field(nullable=False)
    status: str = Field(default="open", max_length=10, nullable=False)
    done_on: date | None = Field(default=None)


class DirectObservation(Record, table=True):
    """A senior manager observing a supervisor supervising (R6: at least once a year)."""

    __tablename__ = "direct_observation"
    __table_args__ = (Index("ix_observation_supervisor_date", "supervisor_id", "observed_on"),)

    supervisor_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    observer_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    observed_on: date = Field(nullable=False)
    session_id: uuid.UUID | None = Field(default=None, foreign_key="supervision_session.id")
    strengths: str = Field(default="", nullable=False)
    areas_to_develop: str = Field(default="", nullable=False)
    locked_at: datetime | None = Field(default=None)


class Attachment(Record, table=True):
    """A document placed in a section of a person's supervision folder (Appendix 8)."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_staff_section", "staff_id", "section"),)

    staff_id: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    section: int = Field(nullable=False)
    name: str = Field(max_length=255, nullable=False)
    file_type: str = Field(max_length=100, nullable=False)
    document_date: date | None = Field(default=None)
    added_by: uuid.UUID = Field(foreign_key="staff.id", nullable=False)
    size: int = Field(nullable=False)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
